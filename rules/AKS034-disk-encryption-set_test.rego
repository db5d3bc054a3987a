package akslint.rules.AKS034_test

import rego.v1

import data.akslint.rules.AKS034

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "azurerm_kubernetes_cluster.c",
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}}

des := "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/aks"

test_set_passes if {
	count(AKS034.deny) == 0 with input as cluster({"disk_encryption_set_id": des}, {})
}

test_unknown_counts_as_set if {
	count(AKS034.deny) == 0 with input as cluster({}, {"disk_encryption_set_id": true})
}

test_plan_null_fails if {
	fs := AKS034.deny with input as cluster({"disk_encryption_set_id": null}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["disk_encryption_set_id"]
	f.resource == "azurerm_kubernetes_cluster.c"
}

test_state_empty_string_fails if {
	fs := AKS034.deny with input as cluster({"disk_encryption_set_id": ""}, {})
	some f in fs
	f.status == "fail"
	f.attribute == ["disk_encryption_set_id"]
}

test_absent_fails if {
	fs := AKS034.deny with input as cluster({}, {})
	some f in fs
	f.status == "fail"
}
