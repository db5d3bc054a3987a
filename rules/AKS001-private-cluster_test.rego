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
	startswith(f.msg, "`private_cluster_enabled` is known only after apply: it must be `true`")
}

automatic(values, unknown) := {"by_type": {"azurerm_kubernetes_automatic_cluster": [{
	"address": "azurerm_kubernetes_automatic_cluster.a[0]",
	"type": "azurerm_kubernetes_automatic_cluster",
	"values": values,
	"unknown": unknown,
}]}}

test_automatic_private_block_passes if {
	count(AKS001.deny) == 0 with input as automatic({"private_cluster": [{"public_fully_qualified_domain_name_enabled": false}]}, {})
}

test_automatic_without_private_block_fails if {
	fs := AKS001.deny with input as automatic({"private_cluster": []}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["private_cluster"]
	f.resource == "azurerm_kubernetes_automatic_cluster.a[0]"
}

test_automatic_unknown_private_block_is_unknown if {
	fs := AKS001.deny with input as automatic({}, {"private_cluster": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
}
