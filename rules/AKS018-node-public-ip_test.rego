package akslint.rules.AKS018_test

import rego.v1

import data.akslint.rules.AKS018

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

test_4x_disabled_passes if {
	count(AKS018.deny) == 0 with input as pools({"node_public_ip_enabled": false}, {})
}

test_3x_disabled_passes if {
	count(AKS018.deny) == 0 with input as pools({"enable_node_public_ip": false}, {})
}

test_plan_null_passes if {
	count(AKS018.deny) == 0 with input as pools({"enable_node_public_ip": null, "node_public_ip_prefix_id": null}, {})
}

test_state_shape_passes if {
	count(AKS018.deny) == 0 with input as pools({"node_public_ip_enabled": false, "node_public_ip_prefix_id": "", "node_taints": []}, {})
}

test_absent_passes if {
	count(AKS018.deny) == 0 with input as pools({}, {})
}

test_4x_enabled_fails if {
	fs := AKS018.deny with input as pools({"node_public_ip_enabled": true}, {})
	{[f.resource, f.attribute, f.status] | some f in fs} == {
		["azurerm_kubernetes_cluster.c", ["default_node_pool", 0, "node_public_ip_enabled"], "fail"],
		["azurerm_kubernetes_cluster_node_pool.user", ["node_public_ip_enabled"], "fail"],
	}
	every f in fs { contains(f.msg, "node_public_ip_enabled = false") }
}

test_3x_enabled_fails if {
	fs := AKS018.deny with input as pools({"enable_node_public_ip": true}, {})
	{[f.resource, f.attribute, f.status] | some f in fs} == {
		["azurerm_kubernetes_cluster.c", ["default_node_pool", 0, "enable_node_public_ip"], "fail"],
		["azurerm_kubernetes_cluster_node_pool.user", ["enable_node_public_ip"], "fail"],
	}
}

test_unknown if {
	fs := AKS018.deny with input as pools({}, {"node_public_ip_enabled": true})
	count(fs) == 2
	every f in fs { f.status == "unknown" }
	every f in fs { startswith(f.msg, "`node_public_ip_enabled` is known only after apply: it must not be `true`") }
}

test_3x_unknown if {
	fs := AKS018.deny with input as pools({}, {"enable_node_public_ip": true})
	{[f.resource, f.attribute, f.status] | some f in fs} == {
		["azurerm_kubernetes_cluster.c", ["default_node_pool", 0, "enable_node_public_ip"], "unknown"],
		["azurerm_kubernetes_cluster_node_pool.user", ["enable_node_public_ip"], "unknown"],
	}
}
