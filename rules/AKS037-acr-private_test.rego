package akslint.rules.AKS037_test

import rego.v1

import data.akslint.rules.AKS037

cluster := {"address": "azurerm_kubernetes_cluster.c", "type": "azurerm_kubernetes_cluster", "values": {}, "unknown": {}}

automatic := {"address": "azurerm_kubernetes_automatic_cluster.a", "type": "azurerm_kubernetes_automatic_cluster", "values": {}, "unknown": {}}

acr(values, unknown) := {"address": "azurerm_container_registry.acr", "type": "azurerm_container_registry", "values": values, "unknown": unknown}

with_cluster(r) := {"by_type": {"azurerm_kubernetes_cluster": [cluster], "azurerm_container_registry": [r]}}

test_private_registry_passes if {
	count(AKS037.deny) == 0 with input as with_cluster(acr({"admin_enabled": false, "public_network_access_enabled": false}, {}))
}

test_no_cluster_no_finding if {
	count(AKS037.deny) == 0 with input as {"by_type": {"azurerm_container_registry": [acr({"admin_enabled": true}, {})]}}
}

test_unset_public_access_fails if {
	fs := AKS037.deny with input as with_cluster(acr({"admin_enabled": false, "public_network_access_enabled": null}, {}))
	[[f.status, f.attribute] | some f in fs] == [["fail", ["public_network_access_enabled"]]]
}

test_state_shape_admin_and_public_one_finding_listing_both if {
	fs := AKS037.deny with input as with_cluster(acr({"admin_enabled": true, "public_network_access_enabled": true, "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr"}, {}))
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["admin_enabled"]
	contains(f.msg, "admin_enabled = false")
	contains(f.msg, "public_network_access_enabled = false")
}

test_automatic_cluster_counts if {
	fs := AKS037.deny with input as {"by_type": {"azurerm_kubernetes_automatic_cluster": [automatic], "azurerm_container_registry": [acr({"admin_enabled": true, "public_network_access_enabled": false}, {})]}}
	[f.status | some f in fs] == ["fail"]
}

test_unknown_public_access_is_unknown if {
	fs := AKS037.deny with input as with_cluster(acr({"admin_enabled": false}, {"public_network_access_enabled": true}))
	[[f.status, f.attribute] | some f in fs] == [["unknown", ["public_network_access_enabled"]]]
}

test_fail_wins_over_unknown if {
	fs := AKS037.deny with input as with_cluster(acr({"admin_enabled": true}, {"public_network_access_enabled": true}))
	[[f.status, f.attribute] | some f in fs] == [["fail", ["admin_enabled"]]]
}
