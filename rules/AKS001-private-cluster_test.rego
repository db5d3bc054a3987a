package akslint.rules.AKS001_test

import rego.v1

import data.akslint.rules.AKS001

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "azurerm_kubernetes_cluster.c",
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
}]}}

test_private_passes if {
	count(AKS001.deny) == 0 with input as cluster({"private_cluster_enabled": true}, {})
}

test_public_fails if {
	some f in AKS001.deny with input as cluster({"private_cluster_enabled": false}, {})
	f.status == "fail"
	f.attribute == ["private_cluster_enabled"]
	f.resource == "azurerm_kubernetes_cluster.c"
}

test_unset_fails if {
	some f in AKS001.deny with input as cluster({}, {})
	f.status == "fail"
}

test_state_zero_value_fails if {
	some f in AKS001.deny with input as cluster({"private_cluster_enabled": null}, {})
	f.status == "fail"
}

test_unknown_is_unknown if {
	some f in AKS001.deny with input as cluster({}, {"private_cluster_enabled": true})
	f.status == "unknown"
}
