package akslint.rules.AKS013_test

import rego.v1

import data.akslint.rules.AKS013

pool(values, unknown) := {"pools": [{
	"kind": "resource",
	"cluster": "azurerm_kubernetes_cluster.c",
	"address": "azurerm_kubernetes_cluster_node_pool.user",
	"prefix": [],
	"name": "user",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}

default_pool(values) := {"pools": [{
	"kind": "default",
	"cluster": "azurerm_kubernetes_cluster.c",
	"address": "azurerm_kubernetes_cluster.c",
	"prefix": ["default_node_pool", 0],
	"name": "system",
	"values": values,
	"unknown": {},
	"sensitive": {},
}]}

addr := "azurerm_kubernetes_cluster_node_pool.user"

test_4x_autoscaling_passes if {
	count(AKS013.deny) == 0 with input as pool({"mode": "User", "auto_scaling_enabled": true, "min_count": 1, "max_count": 5}, {})
}

test_3x_autoscaling_passes if {
	count(AKS013.deny) == 0 with input as pool({"enable_auto_scaling": true, "min_count": 2, "max_count": 2}, {})
}

test_min_zero_passes if {
	count(AKS013.deny) == 0 with input as pool({"mode": "user", "auto_scaling_enabled": true, "min_count": 0, "max_count": 3}, {})
}

test_fixed_count_fails_4x if {
	fs := AKS013.deny with input as pool({"mode": "User", "auto_scaling_enabled": false, "node_count": 3, "min_count": null, "max_count": null}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["auto_scaling_enabled"]
	f.resource == addr
}

test_fixed_count_fails_3x if {
	fs := AKS013.deny with input as pool({"enable_auto_scaling": false, "node_count": 3}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["enable_auto_scaling"]
}

test_plan_nulls_fail_on_the_name_the_plan_carries if {
	fs := AKS013.deny with input as pool({"enable_auto_scaling": null, "min_count": null, "max_count": null}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["enable_auto_scaling"]
}

test_state_shape_missing_bounds if {
	fs := AKS013.deny with input as pool({"mode": "User", "auto_scaling_enabled": true, "min_count": 0, "max_count": 0, "node_taints": [], "eviction_policy": ""}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["max_count"]
}

test_min_unset_fails if {
	fs := AKS013.deny with input as pool({"auto_scaling_enabled": true, "min_count": null, "max_count": 4}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["min_count"]
}

test_both_bounds_unset_give_two_findings if {
	fs := AKS013.deny with input as pool({"enable_auto_scaling": true}, {})
	{f.attribute | some f in fs} == {["max_count"], ["min_count"]}
	every f in fs { f.status == "fail" }
}

test_min_above_max_fails if {
	fs := AKS013.deny with input as pool({"auto_scaling_enabled": true, "min_count": 5, "max_count": 3}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["min_count"]
}

test_autoscaling_unknown if {
	fs := AKS013.deny with input as pool({"min_count": 1, "max_count": 3}, {"auto_scaling_enabled": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["auto_scaling_enabled"]
}

test_3x_autoscaling_unknown if {
	fs := AKS013.deny with input as pool({"min_count": 1, "max_count": 3}, {"enable_auto_scaling": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["enable_auto_scaling"]
}

test_max_unknown if {
	fs := AKS013.deny with input as pool({"auto_scaling_enabled": true, "min_count": 1}, {"max_count": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["max_count"]
}

test_min_unknown if {
	fs := AKS013.deny with input as pool({"auto_scaling_enabled": true, "max_count": 3}, {"min_count": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["min_count"]
}

test_mode_unknown_failing_pool_is_unknown if {
	fs := AKS013.deny with input as pool({"auto_scaling_enabled": false}, {"mode": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["auto_scaling_enabled"]
}

test_mode_unknown_passing_pool_passes if {
	count(AKS013.deny) == 0 with input as pool({"auto_scaling_enabled": true, "min_count": 1, "max_count": 3}, {"mode": true})
}

test_system_pool_resource_ignored if {
	count(AKS013.deny) == 0 with input as pool({"mode": "System", "auto_scaling_enabled": false}, {})
}

test_default_pool_ignored if {
	count(AKS013.deny) == 0 with input as default_pool({"enable_auto_scaling": false})
}

test_no_pools if {
	count(AKS013.deny) == 0 with input as {"format": 1}
}

# Node auto-provisioning: the cluster provisions user capacity itself.
with_nap(values, mode, unknown) := object.union(pool(values, {}), {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "azurerm_kubernetes_cluster.c",
	"type": "azurerm_kubernetes_cluster",
	"values": {"node_provisioning_profile": [{"mode": mode}]},
	"unknown": unknown,
}]}})

test_node_auto_provisioning_exempts_user_pools if {
	count(AKS013.deny) == 0 with input as with_nap({"node_count": 1}, "Auto", {})
	fs := AKS013.deny with input as with_nap({"node_count": 1}, "Manual", {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
}

test_unknown_node_provisioning_mode_makes_failures_unknown if {
	fs := AKS013.deny with input as with_nap({"node_count": 1}, null, {"node_provisioning_profile.0.mode": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.resource == addr
	contains(f.msg, "node_provisioning_profile")
}
