package akslint.rules.AKS036_test

import rego.v1

import data.akslint.rules.AKS036

csi_cluster := {"address": "azurerm_kubernetes_cluster.c", "type": "azurerm_kubernetes_cluster", "values": {"key_vault_secrets_provider": [{"secret_rotation_enabled": true}]}, "unknown": {}}

plain_cluster := {"address": "azurerm_kubernetes_cluster.c", "type": "azurerm_kubernetes_cluster", "values": {"key_vault_secrets_provider": []}, "unknown": {}}

kv(values, unknown) := {"address": "azurerm_key_vault.kv", "type": "azurerm_key_vault", "values": values, "unknown": unknown}

inp(c, v) := {"by_type": {"azurerm_kubernetes_cluster": [c], "azurerm_key_vault": [v]}}

good_4x := {"purge_protection_enabled": true, "rbac_authorization_enabled": true, "enable_rbac_authorization": true, "public_network_access_enabled": false}

test_good_vault_4x_passes if {
	count(AKS036.deny) == 0 with input as inp(csi_cluster, kv(good_4x, {}))
}

test_good_vault_3x_acl_deny_passes if {
	v := {"purge_protection_enabled": true, "enable_rbac_authorization": true, "public_network_access_enabled": true, "network_acls": [{"default_action": "deny", "bypass": "AzureServices"}]}
	count(AKS036.deny) == 0 with input as inp(csi_cluster, kv(v, {}))
}

test_no_csi_cluster_no_finding if {
	count(AKS036.deny) == 0 with input as inp(plain_cluster, kv({}, {}))
}

test_state_defaults_fail_listing_every_condition if {
	v := {"purge_protection_enabled": false, "enable_rbac_authorization": false, "public_network_access_enabled": true, "network_acls": []}
	fs := AKS036.deny with input as inp(csi_cluster, kv(v, {}))
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["purge_protection_enabled"]
	contains(f.msg, "purge_protection_enabled = true")
	contains(f.msg, "rbac_authorization_enabled = true")
	contains(f.msg, "default_action")
}

test_4x_rbac_false_fails_on_4x_name if {
	v := object.union(good_4x, {"rbac_authorization_enabled": false, "enable_rbac_authorization": false})
	fs := AKS036.deny with input as inp(csi_cluster, kv(v, {}))
	[[f.status, f.attribute] | some f in fs] == [["fail", ["rbac_authorization_enabled"]]]
}

test_unknown_purge_is_unknown if {
	v := object.remove(good_4x, ["purge_protection_enabled"])
	fs := AKS036.deny with input as inp(csi_cluster, kv(v, {"purge_protection_enabled": true}))
	[[f.status, f.attribute] | some f in fs] == [["unknown", ["purge_protection_enabled"]]]
}
