package akslint.rules.AKS010_test

import rego.v1

import data.akslint.rules.AKS010

cluster_addr := "module.aks.azurerm_kubernetes_cluster.this"

pool_addr := "module.aks.azurerm_kubernetes_cluster_node_pool.sys[1]"

taint := "CriticalAddonsOnly=true:NoSchedule"

default_pool(values, unknown) := {"pools": [{
	"kind": "default",
	"cluster": cluster_addr,
	"address": cluster_addr,
	"prefix": ["default_node_pool", 0],
	"name": "system",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}

resource_pool(values, unknown) := {"pools": [{
	"kind": "resource",
	"cluster": cluster_addr,
	"address": pool_addr,
	"prefix": [],
	"name": "sys",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}

one(fs, status, resource, attribute) if {
	count(fs) == 1
	some f in fs
	f.status == status
	f.resource == resource
	f.attribute == attribute
}

# ---- default pool

test_default_only_critical_addons_passes if {
	count(AKS010.deny) == 0 with input as default_pool({"only_critical_addons_enabled": true, "node_taints": null}, {})
}

test_default_3x_taint_passes if {
	count(AKS010.deny) == 0 with input as default_pool({"only_critical_addons_enabled": false, "node_taints": ["team=a:NoSchedule", taint]}, {})
}

test_default_plan_nulls_fail if {
	fs := AKS010.deny with input as default_pool({"only_critical_addons_enabled": null, "node_taints": null}, {})
	one(fs, "fail", cluster_addr, ["default_node_pool", 0, "only_critical_addons_enabled"])
	some f in fs
	contains(f.msg, "only_critical_addons_enabled = true")
}

test_default_state_shape_fails if {
	fs := AKS010.deny with input as default_pool({"only_critical_addons_enabled": false, "node_taints": []}, {})
	one(fs, "fail", cluster_addr, ["default_node_pool", 0, "only_critical_addons_enabled"])
}

test_default_4x_absent_fails if {
	fs := AKS010.deny with input as default_pool({"name": "system"}, {})
	one(fs, "fail", cluster_addr, ["default_node_pool", 0, "only_critical_addons_enabled"])
}

test_default_wrong_effect_fails if {
	fs := AKS010.deny with input as default_pool({"node_taints": ["CriticalAddonsOnly=true:PreferNoSchedule"]}, {})
	one(fs, "fail", cluster_addr, ["default_node_pool", 0, "only_critical_addons_enabled"])
}

test_default_flag_unknown_is_unknown if {
	fs := AKS010.deny with input as default_pool({"node_taints": null}, {"only_critical_addons_enabled": true})
	one(fs, "unknown", cluster_addr, ["default_node_pool", 0, "only_critical_addons_enabled"])
}

test_default_taints_unknown_is_unknown if {
	fs := AKS010.deny with input as default_pool({"only_critical_addons_enabled": false}, {"node_taints": true})
	one(fs, "unknown", cluster_addr, ["default_node_pool", 0, "node_taints"])
}

test_default_flag_unknown_but_taint_known_passes if {
	count(AKS010.deny) == 0 with input as default_pool({"node_taints": [taint]}, {"only_critical_addons_enabled": true})
}

# ---- pool resources

test_system_resource_with_taint_passes if {
	count(AKS010.deny) == 0 with input as resource_pool({"mode": "System", "node_taints": [taint]}, {})
}

test_system_resource_without_taint_fails if {
	fs := AKS010.deny with input as resource_pool({"mode": "System", "node_taints": []}, {})
	one(fs, "fail", pool_addr, ["node_taints"])
	some f in fs
	contains(f.msg, "CriticalAddonsOnly=true:NoSchedule")
}

test_system_mode_case_insensitive if {
	fs := AKS010.deny with input as resource_pool({"mode": "system", "node_taints": null}, {})
	one(fs, "fail", pool_addr, ["node_taints"])
}

test_user_resource_ignored if {
	count(AKS010.deny) == 0 with input as resource_pool({"mode": "User", "node_taints": []}, {})
}

test_unset_mode_resource_ignored if {
	count(AKS010.deny) == 0 with input as resource_pool({"mode": "", "node_taints": null}, {})
}

test_mode_unknown_is_unknown if {
	fs := AKS010.deny with input as resource_pool({"node_taints": []}, {"mode": true})
	one(fs, "unknown", pool_addr, ["node_taints"])
}

test_mode_unknown_with_taint_passes if {
	count(AKS010.deny) == 0 with input as resource_pool({"node_taints": [taint]}, {"mode": true})
}

test_taint_element_unknown_is_unknown if {
	fs := AKS010.deny with input as resource_pool({"mode": "System", "node_taints": ["a=b:NoSchedule", null]}, {"node_taints.1": true})
	one(fs, "unknown", pool_addr, ["node_taints"])
}

test_both_pools_judged if {
	fs := AKS010.deny with input as {"pools": array.concat(
		default_pool({"only_critical_addons_enabled": true}, {}).pools,
		resource_pool({"mode": "System"}, {}).pools,
	)}
	one(fs, "fail", pool_addr, ["node_taints"])
}
