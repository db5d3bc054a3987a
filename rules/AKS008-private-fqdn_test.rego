package akslint.rules.AKS008_test

import rego.v1

import data.akslint.rules.AKS008

addr := "module.aks[\"prod\"].azurerm_kubernetes_cluster.this"

auto_addr := "azurerm_kubernetes_automatic_cluster.auto[\"eu\"]"

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": addr,
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
}]}}

automatic(values, unknown) := {"by_type": {"azurerm_kubernetes_automatic_cluster": [{
	"address": auto_addr,
	"type": "azurerm_kubernetes_automatic_cluster",
	"values": values,
	"unknown": unknown,
}]}}

one(fs, status, resource, attr) if {
	count(fs) == 1
	some f in fs
	f.status == status
	f.attribute == attr
	f.resource == resource
}

fqdn := ["private_cluster_public_fqdn_enabled"]

test_private_without_public_fqdn_passes if {
	count(AKS008.deny) == 0 with input as cluster({"private_cluster_enabled": true, "private_cluster_public_fqdn_enabled": false}, {})
	count(AKS008.deny) == 0 with input as cluster({"private_cluster_enabled": true}, {})
}

test_private_with_public_fqdn_fails if {
	fs := AKS008.deny with input as cluster({"private_cluster_enabled": true, "private_cluster_public_fqdn_enabled": true}, {})
	one(fs, "fail", addr, fqdn)
}

test_public_cluster_is_not_judged if {
	count(AKS008.deny) == 0 with input as cluster({"private_cluster_enabled": false, "private_cluster_public_fqdn_enabled": true}, {})
}

test_unknown_flag_on_private_is_unknown if {
	fs := AKS008.deny with input as cluster({"private_cluster_enabled": true}, {"private_cluster_public_fqdn_enabled": true})
	one(fs, "unknown", addr, fqdn)
}

test_unknown_private_with_flag_true_is_unknown if {
	fs := AKS008.deny with input as cluster({"private_cluster_public_fqdn_enabled": true}, {"private_cluster_enabled": true})
	one(fs, "unknown", addr, fqdn)
}

test_unknown_private_with_flag_false_passes if {
	count(AKS008.deny) == 0 with input as cluster({"private_cluster_public_fqdn_enabled": false}, {"private_cluster_enabled": true})
}

test_automatic_private_with_public_fqdn_fails if {
	fs := AKS008.deny with input as automatic({"private_cluster": [{"public_fully_qualified_domain_name_enabled": true}]}, {})
	one(fs, "fail", auto_addr, ["private_cluster", 0, "public_fully_qualified_domain_name_enabled"])
}

test_automatic_private_passes if {
	count(AKS008.deny) == 0 with input as automatic({"private_cluster": [{"public_fully_qualified_domain_name_enabled": false}]}, {})
	count(AKS008.deny) == 0 with input as automatic({"private_cluster": []}, {})
}

test_automatic_unknown_flag_is_unknown if {
	fs := AKS008.deny with input as automatic({"private_cluster": [{}]}, {"private_cluster.0.public_fully_qualified_domain_name_enabled": true})
	one(fs, "unknown", auto_addr, ["private_cluster", 0, "public_fully_qualified_domain_name_enabled"])
}
