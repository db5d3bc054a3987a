package akslint.rules.AKS019_test

import rego.v1

import data.akslint.rules.AKS019

cluster_addr := "module.aks[\"prod\"].azurerm_kubernetes_cluster.this"

pool_addr := "module.aks[\"prod\"].azurerm_kubernetes_cluster_node_pool.user[\"a\"]"

pool(values, unknown) := {
	"address": pool_addr,
	"kind": "resource",
	"cluster": cluster_addr,
	"prefix": [],
	"values": values,
	"unknown": unknown,
}

default_pool(values) := {
	"address": cluster_addr,
	"kind": "default",
	"cluster": cluster_addr,
	"prefix": ["default_node_pool", 0],
	"values": values,
	"unknown": {},
}

inp(pools) := {"pools": pools, "by_type": {"azurerm_kubernetes_cluster": [{
	"address": cluster_addr,
	"type": "azurerm_kubernetes_cluster",
	"values": {},
	"unknown": {},
}]}}

with_nap(pools, mode, unknown) := {"pools": pools, "by_type": {"azurerm_kubernetes_cluster": [{
	"address": cluster_addr,
	"type": "azurerm_kubernetes_cluster",
	"values": {"node_provisioning_profile": [{"mode": mode}]},
	"unknown": unknown,
}]}}

one(fs, status, attr) if {
	count(fs) == 1
	some f in fs
	f.status == status
	f.attribute == attr
	f.resource == pool_addr
}

test_autoscaling_min_3_passes if {
	count(AKS019.deny) == 0 with input as inp([pool({"auto_scaling_enabled": true, "min_count": 3, "max_count": 10}, {})])
	count(AKS019.deny) == 0 with input as inp([pool({"enable_auto_scaling": true, "min_count": 5, "max_count": 10}, {})])
}

test_fixed_3_passes if {
	count(AKS019.deny) == 0 with input as inp([pool({"auto_scaling_enabled": false, "node_count": 3}, {})])
}

test_autoscaling_min_1_fails if {
	fs := AKS019.deny with input as inp([pool({"auto_scaling_enabled": true, "min_count": 1, "max_count": 10, "mode": "User"}, {})])
	one(fs, "fail", ["min_count"])
}

test_3x_name_min_0_fails if {
	fs := AKS019.deny with input as inp([pool({"enable_auto_scaling": true, "min_count": 0, "max_count": 10}, {})])
	one(fs, "fail", ["min_count"])
	some f in fs
	contains(f.msg, "shrink to 0")
}

test_unset_min_with_autoscaling_fails if {
	fs := AKS019.deny with input as inp([pool({"auto_scaling_enabled": true, "min_count": null, "max_count": 10}, {})])
	one(fs, "fail", ["min_count"])
}

test_fixed_2_fails if {
	fs := AKS019.deny with input as inp([pool({"node_count": 2}, {})])
	one(fs, "fail", ["node_count"])
}

test_system_and_default_pools_exempt if {
	count(AKS019.deny) == 0 with input as inp([pool({"mode": "System", "node_count": 1}, {}), default_pool({"node_count": 1})])
}

test_spot_exempt if {
	count(AKS019.deny) == 0 with input as inp([pool({"priority": "Spot", "node_count": 1}, {})])
}

test_param if {
	count(AKS019.deny) == 0 with input as inp([pool({"node_count": 2}, {})])
		with data.akslint.params.AKS019 as {"min_nodes": 2}
}

test_unknown_count_is_unknown if {
	fs := AKS019.deny with input as inp([pool({"auto_scaling_enabled": true, "max_count": 10}, {"min_count": true})])
	one(fs, "unknown", ["min_count"])
}

test_unknown_priority_is_unknown if {
	fs := AKS019.deny with input as inp([pool({"node_count": 1}, {"priority": true})])
	one(fs, "unknown", ["node_count"])
}

test_unknown_mode_is_unknown if {
	fs := AKS019.deny with input as inp([pool({"node_count": 1}, {"mode": true})])
	one(fs, "unknown", ["node_count"])
}

test_unknown_autoscaling_is_unknown if {
	fs := AKS019.deny with input as inp([pool({"min_count": 1, "node_count": 3}, {"auto_scaling_enabled": true})])
	one(fs, "unknown", ["auto_scaling_enabled"])
	count(AKS019.deny) == 0 with input as inp([pool({"min_count": 3, "node_count": 3}, {"auto_scaling_enabled": true})])
}

test_node_auto_provisioning_exempts if {
	count(AKS019.deny) == 0 with input as with_nap([pool({"node_count": 1}, {})], "Auto", {})
	count(AKS019.deny) == 0 with input as with_nap([pool({"node_count": 1}, {})], "auto", {})
	fs := AKS019.deny with input as with_nap([pool({"node_count": 1}, {})], "Manual", {})
	one(fs, "fail", ["node_count"])
}

test_unknown_node_provisioning_mode_is_unknown if {
	fs := AKS019.deny with input as with_nap([pool({"node_count": 1}, {})], null, {"node_provisioning_profile.0.mode": true})
	one(fs, "unknown", ["node_count"])
	some f in fs
	contains(f.msg, "node_provisioning_profile")
}
