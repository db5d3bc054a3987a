package akslint.rules.AKS017_test

import rego.v1

import data.akslint.rules.AKS017

pools(values, unknown) := {"pools": [
	{
		"kind": "default",
		"cluster": "azurerm_kubernetes_cluster.c",
		"address": "azurerm_kubernetes_cluster.c",
		"prefix": ["default_node_pool", 0],
		"name": "system",
		"values": values,
		"unknown": unknown,
		"sensitive": {},
	},
	{
		"kind": "resource",
		"cluster": "azurerm_kubernetes_cluster.c",
		"address": "azurerm_kubernetes_cluster_node_pool.user",
		"prefix": [],
		"name": "user",
		"values": values,
		"unknown": unknown,
		"sensitive": {},
	},
]}

test_4x_enabled_passes if {
	count(AKS017.deny) == 0 with input as pools({"host_encryption_enabled": true}, {})
}

test_3x_enabled_passes if {
	count(AKS017.deny) == 0 with input as pools({"enable_host_encryption": true}, {})
}

test_4x_disabled_fails if {
	fs := AKS017.deny with input as pools({"host_encryption_enabled": false}, {})
	{[f.resource, f.attribute, f.status] | some f in fs} == {
		["azurerm_kubernetes_cluster.c", ["default_node_pool", 0, "host_encryption_enabled"], "fail"],
		["azurerm_kubernetes_cluster_node_pool.user", ["host_encryption_enabled"], "fail"],
	}
	every f in fs { contains(f.msg, "host_encryption_enabled = true") }
}

test_3x_disabled_fails_on_3x_name if {
	fs := AKS017.deny with input as pools({"enable_host_encryption": false}, {})
	{f.attribute | some f in fs} == {["default_node_pool", 0, "enable_host_encryption"], ["enable_host_encryption"]}
	every f in fs { f.status == "fail" }
}

test_plan_null_fails if {
	fs := AKS017.deny with input as pools({"enable_host_encryption": null}, {})
	count(fs) == 2
	{f.attribute | some f in fs} == {["default_node_pool", 0, "enable_host_encryption"], ["enable_host_encryption"]}
}

test_state_shape_fails if {
	fs := AKS017.deny with input as pools({"host_encryption_enabled": false, "node_taints": [], "vnet_subnet_id": ""}, {})
	count(fs) == 2
}

test_unknown if {
	fs := AKS017.deny with input as pools({}, {"host_encryption_enabled": true})
	count(fs) == 2
	every f in fs { f.status == "unknown" }
	every f in fs { startswith(f.msg, "`host_encryption_enabled` is known only after apply: it must be `true`") }
}

test_3x_unknown if {
	fs := AKS017.deny with input as pools({}, {"enable_host_encryption": true})
	count(fs) == 2
	every f in fs { f.status == "unknown" }
	every f in fs { startswith(f.msg, "`enable_host_encryption` is known only after apply") }
	{f.attribute | some f in fs} == {["default_node_pool", 0, "enable_host_encryption"], ["enable_host_encryption"]}
}
