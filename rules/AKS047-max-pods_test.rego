package akslint.rules.AKS047_test

import rego.v1

import data.akslint.rules.AKS047

default_pool(values, unknown) := {
	"address": "azurerm_kubernetes_cluster.this",
	"kind": "default",
	"cluster": "azurerm_kubernetes_cluster.this",
	"prefix": ["default_node_pool", 0],
	"values": values,
	"unknown": unknown,
}

pool_resource(values, unknown) := {
	"address": "module.aks[\"prod\"].azurerm_kubernetes_cluster_node_pool.user[\"a\"]",
	"kind": "resource",
	"cluster": "module.aks[\"prod\"].azurerm_kubernetes_cluster.this",
	"prefix": [],
	"values": values,
	"unknown": unknown,
}

test_unset_passes if {
	count(AKS047.deny) == 0 with input as {"pools": [default_pool({"max_pods": null}, {}), pool_resource({}, {})]}
}

test_state_zero_is_a_value if {
	fs := AKS047.deny with input as {"pools": [pool_resource({"max_pods": 0}, {})]}
	count(fs) == 1
}

test_enough_passes if {
	count(AKS047.deny) == 0 with input as {"pools": [default_pool({"max_pods": 50}, {}), pool_resource({"max_pods": 250}, {})]}
}

test_low_default_pool_fails if {
	fs := AKS047.deny with input as {"pools": [default_pool({"max_pods": 30}, {})]}
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.resource == "azurerm_kubernetes_cluster.this"
	f.attribute == ["default_node_pool", 0, "max_pods"]
	contains(f.msg, "allows 30 pods")
}

test_low_pool_resource_fails if {
	fs := AKS047.deny with input as {"pools": [pool_resource({"max_pods": 49}, {})]}
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["max_pods"]
}

test_unknown_is_unknown if {
	fs := AKS047.deny with input as {"pools": [pool_resource({}, {"max_pods": true})]}
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["max_pods"]
}

test_param if {
	fs := AKS047.deny with input as {"pools": [pool_resource({"max_pods": 100}, {})]}
		with data.akslint.params.AKS047 as {"min": 110}
	count(fs) == 1
	count(AKS047.deny) == 0 with input as {"pools": [pool_resource({"max_pods": 30}, {})]}
		with data.akslint.params.AKS047 as {"min": 30}
}
