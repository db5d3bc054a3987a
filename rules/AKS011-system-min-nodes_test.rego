package akslint.rules.AKS011_test

import rego.v1

import data.akslint.rules.AKS011

c := "azurerm_kubernetes_cluster.c"

pool_addr := "azurerm_kubernetes_cluster_node_pool.sys"

inp(pools) := {
	"by_type": {"azurerm_kubernetes_cluster": [{"address": c, "type": "azurerm_kubernetes_cluster", "values": {}, "unknown": {}}]},
	"pools": pools,
}

dp(values, unknown) := {
	"kind": "default", "cluster": c, "address": c, "prefix": ["default_node_pool", 0],
	"name": "system", "values": values, "unknown": unknown, "sensitive": {},
}

rp(addr, values, unknown) := {
	"kind": "resource", "cluster": c, "address": addr, "prefix": [],
	"name": "pool", "values": values, "unknown": unknown, "sensitive": {},
}

one(fs, status, attribute) if {
	count(fs) == 1
	some f in fs
	f.status == status
	f.attribute == attribute
	f.resource == c
}

node_count := ["default_node_pool", 0, "node_count"]

min_count := ["default_node_pool", 0, "min_count"]

# ---- pass

test_fixed_three_passes_3x_plan_shape if {
	count(AKS011.deny) == 0 with input as inp([dp({"node_count": 3, "enable_auto_scaling": null, "min_count": null, "max_count": null}, {})])
}

test_autoscaling_4x_min_three_passes if {
	count(AKS011.deny) == 0 with input as inp([dp({"auto_scaling_enabled": true, "min_count": 3, "max_count": 6}, {"node_count": true})])
}

test_autoscaling_3x_min_three_passes if {
	count(AKS011.deny) == 0 with input as inp([dp({"enable_auto_scaling": true, "min_count": 3, "max_count": 6, "node_count": 4}, {})])
}

test_state_shape_fixed_passes if {
	count(AKS011.deny) == 0 with input as inp([dp({"enable_auto_scaling": false, "min_count": 0, "max_count": 0, "node_count": 3}, {})])
}

test_sum_with_system_pool_resource_passes if {
	count(AKS011.deny) == 0 with input as inp([
		dp({"node_count": 1}, {}),
		rp(pool_addr, {"mode": "System", "auto_scaling_enabled": true, "min_count": 2, "max_count": 4}, {}),
	])
}

# ---- fail

test_fixed_two_fails if {
	fs := AKS011.deny with input as inp([dp({"node_count": 2, "enable_auto_scaling": null}, {})])
	one(fs, "fail", node_count)
	some f in fs
	contains(f.msg, "only 2 node(s), fewer than 3")
}

test_autoscaling_min_one_fails_on_min_count if {
	fs := AKS011.deny with input as inp([dp({"auto_scaling_enabled": true, "min_count": 1, "max_count": 5, "node_count": 3}, {})])
	one(fs, "fail", min_count)
}

test_3x_autoscaling_min_one_fails_on_min_count if {
	fs := AKS011.deny with input as inp([dp({"enable_auto_scaling": true, "min_count": 1, "max_count": 5, "node_count": 3}, {})])
	one(fs, "fail", min_count)
}

test_user_pools_do_not_count if {
	fs := AKS011.deny with input as inp([
		dp({"node_count": 1}, {}),
		rp("azurerm_kubernetes_cluster_node_pool.user", {"mode": "User", "node_count": 10}, {}),
		rp("azurerm_kubernetes_cluster_node_pool.unset", {"mode": "", "node_count": 10}, {}),
	])
	one(fs, "fail", node_count)
}

test_other_cluster_pools_do_not_count if {
	other := object.union(rp("azurerm_kubernetes_cluster_node_pool.x", {"mode": "System", "node_count": 5}, {}), {"cluster": "azurerm_kubernetes_cluster.other"})
	fs := AKS011.deny with input as inp([dp({"node_count": 1}, {}), other])
	one(fs, "fail", node_count)
}

test_unset_node_count_counts_as_one if {
	fs := AKS011.deny with input as inp([
		dp({"node_count": null}, {}),
		rp(pool_addr, {"mode": "System", "node_count": 1}, {}),
	])
	some f in fs
	f.status == "fail"
	contains(f.msg, "only 2 node(s)")
}

# ---- unknown

test_count_unknown_is_unknown if {
	fs := AKS011.deny with input as inp([dp({"enable_auto_scaling": false}, {"node_count": true})])
	one(fs, "unknown", node_count)
}

test_min_count_unknown_is_unknown if {
	fs := AKS011.deny with input as inp([dp({"auto_scaling_enabled": true, "max_count": 5}, {"min_count": true})])
	one(fs, "unknown", min_count)
}

test_autoscaling_unknown_is_unknown if {
	fs := AKS011.deny with input as inp([dp({"min_count": 1, "node_count": 1}, {"auto_scaling_enabled": true})])
	one(fs, "unknown", ["default_node_pool", 0, "auto_scaling_enabled"])
}

test_autoscaling_unknown_with_both_counts_enough_passes if {
	count(AKS011.deny) == 0 with input as inp([dp({"min_count": 3, "node_count": 4}, {"auto_scaling_enabled": true})])
}

test_autoscaling_unknown_with_one_count_short_is_unknown if {
	fs := AKS011.deny with input as inp([dp({"min_count": 1, "node_count": 3}, {"auto_scaling_enabled": true})])
	one(fs, "unknown", ["default_node_pool", 0, "auto_scaling_enabled"])
	some f in fs
	contains(f.msg, "(1 known)")
}

test_pool_resource_count_unknown_is_unknown if {
	fs := AKS011.deny with input as inp([
		dp({"node_count": 2}, {}),
		rp(pool_addr, {"mode": "System"}, {"node_count": true}),
	])
	one(fs, "unknown", node_count)
}

test_pool_mode_unknown_is_unknown if {
	fs := AKS011.deny with input as inp([
		dp({"node_count": 2}, {}),
		rp(pool_addr, {"node_count": 3}, {"mode": true}),
	])
	one(fs, "unknown", node_count)
}

test_known_sum_enough_despite_unknown if {
	count(AKS011.deny) == 0 with input as inp([
		dp({"node_count": 3}, {}),
		rp(pool_addr, {"mode": "System"}, {"node_count": true}),
	])
}

# ---- param

test_param_min_nodes_five_fails if {
	fs := AKS011.deny with input as inp([dp({"node_count": 3}, {})])
		with data.akslint.params.AKS011 as {"min_nodes": 5}
	one(fs, "fail", node_count)
	some f in fs
	contains(f.msg, "fewer than 5")
}

test_param_min_nodes_one_passes if {
	count(AKS011.deny) == 0 with input as inp([dp({"node_count": 1}, {})])
		with data.akslint.params.AKS011 as {"min_nodes": 1}
}

test_default_pool_block_unknown_is_unknown if {
	fs := AKS011.deny with input as {
		"by_type": {"azurerm_kubernetes_cluster": [{"address": c, "values": {}, "unknown": {"default_node_pool": true}}]},
		"pools": [dp({}, {})],
	}
	one(fs, "unknown", node_count)
}

test_one_finding_per_cluster if {
	fs := AKS011.deny with input as {
		"by_type": {"azurerm_kubernetes_cluster": [
			{"address": "azurerm_kubernetes_cluster.a", "values": {}, "unknown": {}},
			{"address": "azurerm_kubernetes_cluster.b", "values": {}, "unknown": {}},
		]},
		"pools": [
			object.union(dp({"node_count": 1}, {}), {"cluster": "azurerm_kubernetes_cluster.a", "address": "azurerm_kubernetes_cluster.a"}),
			object.union(rp("azurerm_kubernetes_cluster_node_pool.a2", {"mode": "System", "node_count": 1}, {}), {"cluster": "azurerm_kubernetes_cluster.a"}),
			object.union(dp({"node_count": 3}, {}), {"cluster": "azurerm_kubernetes_cluster.b", "address": "azurerm_kubernetes_cluster.b"}),
		],
	}
	count(fs) == 1
	some f in fs
	f.resource == "azurerm_kubernetes_cluster.a"
	f.status == "fail"
	f.attribute == node_count
	contains(f.msg, "only 2 node(s)")
}
