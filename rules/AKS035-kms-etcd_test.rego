package akslint.rules.AKS035_test

import rego.v1

import data.akslint.rules.AKS035

addr := "azurerm_kubernetes_cluster.this[0]"

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": addr,
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
}]}}

kms(b) := {"key_management_service": [b]}

key := "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/keys/etcd/0123"

one(fs, status, attr) if {
	count(fs) == 1
	some f in fs
	f.status == status
	f.attribute == attr
	f.resource == addr
}

test_private_key_passes if {
	count(AKS035.deny) == 0 with input as cluster(kms({"key_vault_key_id": key, "key_vault_network_access": "Private"}), {})
}

test_case_insensitive_passes if {
	count(AKS035.deny) == 0 with input as cluster(kms({"key_vault_key_id": key, "key_vault_network_access": "private"}), {})
}

test_unknown_key_counts_as_set if {
	count(AKS035.deny) == 0 with input as cluster(kms({"key_vault_network_access": "Private"}), {"key_management_service.0.key_vault_key_id": true})
}

test_no_block_fails if {
	fs := AKS035.deny with input as cluster({"key_management_service": []}, {})
	one(fs, "fail", ["key_management_service"])
}

test_no_block_absent_fails if {
	fs := AKS035.deny with input as cluster({}, {})
	one(fs, "fail", ["key_management_service"])
}

test_unknown_block_is_unknown if {
	fs := AKS035.deny with input as cluster({}, {"key_management_service": true})
	one(fs, "unknown", ["key_management_service"])
}

test_public_access_fails if {
	fs := AKS035.deny with input as cluster(kms({"key_vault_key_id": key, "key_vault_network_access": "Public"}), {})
	one(fs, "fail", ["key_management_service", 0, "key_vault_network_access"])
}

test_unset_access_means_public if {
	fs := AKS035.deny with input as cluster(kms({"key_vault_key_id": key, "key_vault_network_access": ""}), {})
	one(fs, "fail", ["key_management_service", 0, "key_vault_network_access"])
}

test_unknown_access_is_unknown if {
	fs := AKS035.deny with input as cluster(kms({"key_vault_key_id": key}), {"key_management_service.0.key_vault_network_access": true})
	one(fs, "unknown", ["key_management_service", 0, "key_vault_network_access"])
}

test_missing_key_fails if {
	fs := AKS035.deny with input as cluster(kms({"key_vault_key_id": "", "key_vault_network_access": "Private"}), {})
	one(fs, "fail", ["key_management_service", 0, "key_vault_key_id"])
}
