# METADATA
# title: Key Vault of the Secrets Store CSI driver is not protected
# description: |
#   An `azurerm_key_vault` in a plan or state that holds a cluster with the
#   Key Vault Secrets Provider (`key_vault_secrets_provider`) lacks purge
#   protection, RBAC authorization, or network restriction (public network
#   access disabled, or network ACLs that deny by default).
# custom:
#   id: AKS036
#   name: csi-vault
#   severity: HIGH
#   resource_types: [azurerm_key_vault, azurerm_kubernetes_cluster]
#   related: ["ck:CKV_AZURE_110", "ck:CKV_AZURE_189", "ck:CKV_AZURE_109", "tv:AZU-0016", "tv:AZU-0013"]
#   why: |
#     The CSI driver mounts the vault's secrets into pods. Without purge
#     protection a deleted vault (and every secret the workloads need) is gone
#     for good; access policies grant vault-wide rights outside Azure RBAC and
#     its audit; a vault open to every network can be reached with a leaked
#     credential from anywhere.
#   remediation: Set `purge_protection_enabled = true`, `rbac_authorization_enabled = true` (3.x `enable_rbac_authorization`), and `public_network_access_enabled = false` or a `network_acls` block with `default_action = "Deny"`.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_key_vault" "aks" {
#         name                = "kv-aks-prod"
#         location            = azurerm_resource_group.this.location
#         resource_group_name = azurerm_resource_group.this.name
#         tenant_id           = data.azurerm_client_config.current.tenant_id
#         sku_name            = "standard"
#       }
#     good: |
#       resource "azurerm_key_vault" "aks" {
#         name                          = "kv-aks-prod"
#         location                      = azurerm_resource_group.this.location
#         resource_group_name           = azurerm_resource_group.this.name
#         tenant_id                     = data.azurerm_client_config.current.tenant_id
#         sku_name                      = "standard"
#         purge_protection_enabled      = true
#         rbac_authorization_enabled    = true
#         public_network_access_enabled = false
#       }
package akslint.rules.AKS036

import rego.v1

import data.akslint.joins
import data.akslint.lib

# A cluster with the Key Vault Secrets Provider add-on (a block known only
# after apply counts as present): `input.joins.csi_cluster`, computed over
# the whole file (so that a slice of a large input knows it too), else
# from the clusters.
csi_cluster if object.get(input, ["joins", "csi_cluster"], null) == true

csi_cluster if {
	not is_boolean(object.get(input, ["joins", "csi_cluster"], null))
	some c in lib.clusters
	lib.is_set(c, ["key_vault_secrets_provider"])
}

purge_check(r) := {"path": ["purge_protection_enabled"], "status": "unknown", "text": "`purge_protection_enabled` must be true"} if {
	lib.unknown(r, ["purge_protection_enabled"])
} else := {"path": ["purge_protection_enabled"], "status": "fail", "text": "purge protection is off: set `purge_protection_enabled = true`"} if {
	lib.raw(r, ["purge_protection_enabled"]) != true
}

rbac_check(r) := {"path": a.path, "status": "unknown", "text": "RBAC authorization must be on"} if {
	a := lib.attr(r, [["rbac_authorization_enabled"], ["enable_rbac_authorization"]])
	a.unknown
} else := {"path": a.path, "status": "fail", "text": "access policies instead of Azure RBAC: set `rbac_authorization_enabled = true` (3.x `enable_rbac_authorization`)"} if {
	a := lib.attr(r, [["rbac_authorization_enabled"], ["enable_rbac_authorization"]])
	a.value != true
}

public_closed(r) if lib.raw(r, ["public_network_access_enabled"]) == false

acl_denies(r) if lib.eq_ci(lib.raw(r, ["network_acls", 0, "default_action"]), "Deny")

network_unknown(r) if lib.unknown(r, ["public_network_access_enabled"])

network_unknown(r) if lib.unknown(r, ["network_acls", 0, "default_action"])

network_check(r) := {"path": ["public_network_access_enabled"], "status": "unknown", "text": "the vault must be closed to public networks"} if {
	not public_closed(r)
	not acl_denies(r)
	network_unknown(r)
} else := {"path": ["public_network_access_enabled"], "status": "fail", "text": "the vault is open to every network: set `public_network_access_enabled = false` or `network_acls { default_action = \"Deny\" }`"} if {
	not public_closed(r)
	not acl_denies(r)
}

deny contains f if {
	csi_cluster
	some r in lib.resources_of("azurerm_key_vault")
	checks := array.concat(array.concat([c | c := purge_check(r)], [c | c := rbac_check(r)]), [c | c := network_check(r)])
	f := joins.checks_finding(r, checks, "The Key Vault of a cluster with the Secrets Store CSI driver is not protected")
}
