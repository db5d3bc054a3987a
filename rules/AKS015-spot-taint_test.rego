package akslint.rules.AKS015_test

import rego.v1

import data.akslint.rules.AKS015

pool(values, unknown) := {"pools": [{
	"kind": "resource",
	"cluster": "azurerm_kubernetes_cluster.c",
	"address": "azurerm_kubernetes_cluster_node_pool.spot[0]",
	"prefix": [],
	"name": "spot",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}

addr := "azurerm_kubernetes_cluster_node_pool.spot[0]"

taint := "kubernetes.azure.com/scalesetpriority=spot:NoSchedule"

test_tainted_spot_passes if {
	count(AKS015.deny) == 0 with input as pool({"priority": "Spot", "node_taints": ["team=batch:NoSchedule", taint]}, {})
}

test_untainted_spot_fails if {
	fs := AKS015.deny with input as pool({"priority": "Spot", "node_taints": ["team=batch:NoSchedule"]}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["node_taints"]
	f.resource == addr
}

test_priority_case_insensitive if {
	some f in AKS015.deny with input as pool({"priority": "spot"}, {})
	f.status == "fail"
}

test_plan_null_taints_fail if {
	some f in AKS015.deny with input as pool({"priority": "Spot", "node_taints": null, "spot_max_price": -1}, {})
	f.status == "fail"
	f.attribute == ["node_taints"]
}

test_state_empty_taints_fail if {
	some f in AKS015.deny with input as pool({"priority": "Spot", "node_taints": [], "eviction_policy": "Delete"}, {})
	f.status == "fail"
}

test_wrong_effect_fails if {
	some f in AKS015.deny with input as pool({"priority": "Spot", "node_taints": ["kubernetes.azure.com/scalesetpriority=spot:PreferNoSchedule"]}, {})
	f.status == "fail"
}

test_regular_pool_ignored if {
	count(AKS015.deny) == 0 with input as pool({"priority": "Regular", "node_taints": []}, {})
}

test_unset_priority_ignored if {
	count(AKS015.deny) == 0 with input as pool({"priority": "", "node_taints": []}, {})
}

test_taints_unknown if {
	fs := AKS015.deny with input as pool({"priority": "Spot"}, {"node_taints": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["node_taints"]
}

test_taint_element_unknown if {
	fs := AKS015.deny with input as pool({"priority": "Spot", "node_taints": ["a=b:NoSchedule", null]}, {"node_taints.1": true})
	some f in fs
	f.status == "unknown"
}

test_known_taint_beside_unknown_element_passes if {
	count(AKS015.deny) == 0 with input as pool({"priority": "Spot", "node_taints": [taint, null]}, {"node_taints.1": true})
}

test_priority_unknown_untainted_is_unknown if {
	fs := AKS015.deny with input as pool({"node_taints": []}, {"priority": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["node_taints"]
}

test_priority_unknown_tainted_passes if {
	count(AKS015.deny) == 0 with input as pool({"node_taints": [taint]}, {"priority": true})
}

test_default_pool_regular_ignored if {
	count(AKS015.deny) == 0 with input as {"pools": [{
		"kind": "default", "cluster": "azurerm_kubernetes_cluster.c", "address": "azurerm_kubernetes_cluster.c",
		"prefix": ["default_node_pool", 0], "values": {"node_taints": null}, "unknown": {},
	}]}
}
