package akslint.rules.AKS006_test

import rego.v1

import data.akslint.rules.AKS006

cluster_addr := "azurerm_kubernetes_cluster.c"

pool_addr := "azurerm_kubernetes_cluster_node_pool.user[\"a\"]"

default_pool(values, unknown) := {
	"kind": "default",
	"cluster": cluster_addr,
	"address": cluster_addr,
	"prefix": ["default_node_pool", 0],
	"name": "system",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}

resource_pool(values, unknown) := {
	"kind": "resource",
	"cluster": cluster_addr,
	"address": pool_addr,
	"prefix": [],
	"name": "user",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}

subnet := "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/spoke/subnets/aks"

test_both_pools_with_subnet_pass if {
	count(AKS006.deny) == 0 with input as {"pools": [
		default_pool({"vnet_subnet_id": subnet}, {}),
		resource_pool({"vnet_subnet_id": subnet, "mode": "User"}, {}),
	]}
}

test_unknown_subnet_counts_as_set if {
	count(AKS006.deny) == 0 with input as {"pools": [
		default_pool({}, {"vnet_subnet_id": true}),
		resource_pool({"mode": "User"}, {"vnet_subnet_id": true}),
	]}
}

test_default_pool_plan_null_fails if {
	fs := AKS006.deny with input as {"pools": [default_pool({"vnet_subnet_id": null}, {})]}
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.resource == cluster_addr
	f.attribute == ["default_node_pool", 0, "vnet_subnet_id"]
}

test_resource_pool_state_empty_fails if {
	fs := AKS006.deny with input as {"pools": [
		default_pool({"vnet_subnet_id": subnet}, {}),
		resource_pool({"vnet_subnet_id": "", "mode": "User"}, {}),
	]}
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.resource == pool_addr
	f.attribute == ["vnet_subnet_id"]
}

test_absent_subnet_fails if {
	fs := AKS006.deny with input as {"pools": [resource_pool({}, {})]}
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.resource == pool_addr
}

test_system_pool_resource_checked if {
	fs := AKS006.deny with input as {"pools": [resource_pool({"mode": "System", "vnet_subnet_id": null}, {})]}
	some f in fs
	f.status == "fail"
	f.attribute == ["vnet_subnet_id"]
}

test_unknown_mode_irrelevant if {
	fs := AKS006.deny with input as {"pools": [resource_pool({"vnet_subnet_id": ""}, {"mode": true})]}
	some f in fs
	f.status == "fail"
}

test_unjoined_pool_checked if {
	p := object.union(resource_pool({"vnet_subnet_id": null}, {}), {"cluster": null})
	fs := AKS006.deny with input as {"pools": [p]}
	some f in fs
	f.status == "fail"
	f.resource == pool_addr
}

test_no_pools_no_findings if {
	count(AKS006.deny) == 0 with input as {"format": 1}
}

automatic(values) := {"by_type": {"azurerm_kubernetes_automatic_cluster": [{
	"address": "azurerm_kubernetes_automatic_cluster.a",
	"type": "azurerm_kubernetes_automatic_cluster",
	"values": values,
	"unknown": {},
}]}}

test_automatic_cluster_with_hosted_system_passes if {
	count(AKS006.deny) == 0 with input as automatic({"hosted_system": [{"node_subnet_id": "/s/n", "system_node_subnet_id": "/s/sys"}]})
}

test_automatic_cluster_without_hosted_system_fails_once if {
	fs := AKS006.deny with input as automatic({"hosted_system": []})
	count(fs) == 1
	some f in fs
	f.resource == "azurerm_kubernetes_automatic_cluster.a"
	f.attribute == ["hosted_system"]
	f.status == "fail"
}
