package akslint.rules.AKS032_test

import rego.v1

import data.akslint.rules.AKS032

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "module.cluster.azurerm_kubernetes_cluster.aks",
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}}

test_rotation_passes if {
	# The real 3.x plan shape: secret_identity computed.
	count(AKS032.deny) == 0 with input as cluster(
		{"key_vault_secrets_provider": [{"secret_rotation_enabled": true, "secret_rotation_interval": "2m"}]},
		{"key_vault_secrets_provider.0.secret_identity": true},
	)
}

test_rotation_disabled_fails if {
	fs := AKS032.deny with input as cluster({"key_vault_secrets_provider": [{"secret_rotation_enabled": false, "secret_rotation_interval": "2m"}]}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["key_vault_secrets_provider", 0, "secret_rotation_enabled"]
	f.resource == "module.cluster.azurerm_kubernetes_cluster.aks"
}

test_rotation_null_fails if {
	fs := AKS032.deny with input as cluster({"key_vault_secrets_provider": [{"secret_rotation_enabled": null}]}, {})
	some f in fs
	f.status == "fail"
	f.attribute == ["key_vault_secrets_provider", 0, "secret_rotation_enabled"]
}

test_plan_no_block_fails if {
	fs := AKS032.deny with input as cluster({"key_vault_secrets_provider": []}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["key_vault_secrets_provider"]
}

test_absent_and_null_block_fail if {
	fs1 := AKS032.deny with input as cluster({}, {})
	fs2 := AKS032.deny with input as cluster({"key_vault_secrets_provider": null}, {})
	[f.attribute | some f in fs1] == [["key_vault_secrets_provider"]]
	[f.status | some f in fs2] == ["fail"]
}

test_rotation_unknown_is_unknown if {
	fs := AKS032.deny with input as cluster({"key_vault_secrets_provider": [{}]}, {"key_vault_secrets_provider.0.secret_rotation_enabled": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	startswith(f.msg, "Whether secrets mounted from Key Vault are rotated is known only after apply")
	f.attribute == ["key_vault_secrets_provider", 0, "secret_rotation_enabled"]
}

test_block_unknown_is_unknown if {
	fs := AKS032.deny with input as cluster({}, {"key_vault_secrets_provider": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	startswith(f.msg, "The `key_vault_secrets_provider` block is known only after apply")
	f.attribute == ["key_vault_secrets_provider"]
}
