# METADATA
# title: AKS secrets in etcd are not encrypted with your key (KMS)
# description: |
#   The cluster has no `key_management_service` block with a `key_vault_key_id`,
#   or its Key Vault is reached over the public network
#   (`key_vault_network_access` is not `Private`; the provider default is
#   `Public`). Kubernetes Secrets in etcd are then encrypted only with
#   platform-managed keys.
# custom:
#   id: AKS035
#   name: kms-etcd
#   severity: HIGH
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["az:dbbdc317", "cis:5.3.1"]
#   why: |
#     KMS etcd encryption wraps the data encryption keys of Kubernetes Secrets
#     with a key you own in Key Vault: you control rotation and can revoke
#     access, and a copy of etcd is useless without the key. With
#     `key_vault_network_access = "Private"` the API server reaches the vault
#     through its private endpoint and the vault can deny public access. Azure
#     Policy dbbdc317 and CIS AKS 5.3.1 ask for it.
#   remediation: Add `key_management_service { key_vault_key_id = azurerm_key_vault_key.kms.id, key_vault_network_access = "Private" }` (the cluster's identity needs Key Vault Crypto User on the key).
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#         key_management_service {
#           key_vault_key_id         = azurerm_key_vault_key.kms.id
#           key_vault_network_access = "Private"
#         }
#       }
package akslint.rules.AKS035

import rego.v1

import data.akslint.lib

block := ["key_management_service"]

key_path := ["key_management_service", 0, "key_vault_key_id"]

access_path := ["key_management_service", 0, "key_vault_network_access"]

# No block at all (or a block known only after apply).
deny contains f if {
	some c in lib.clusters
	a := lib.attr1(c, block)
	a.value == null
	f := lib.result(c, a, block_msg(a))
}

block_msg(a) := "`key_management_service` is known only after apply: it must hold a `key_vault_key_id` and `key_vault_network_access = \"Private\"`." if {
	a.unknown
} else := "Secrets in etcd are not encrypted with your own key: add `key_management_service { key_vault_key_id = ..., key_vault_network_access = \"Private\" }`."

# A block without a key (a key id known only after apply counts as set).
deny contains f if {
	some c in lib.clusters
	lib.has_value(c, block)
	lib.is_unset(c, key_path)
	f := lib.finding(c, key_path, "The `key_management_service` block has no key: set `key_vault_key_id` to a Key Vault key.")
}

# The vault is reached over the public network (unset means Public).
deny contains f if {
	some c in lib.clusters
	lib.has_value(c, block)
	a := lib.attr1(c, access_path)
	not lib.eq_ci(a.value, "Private")
	f := lib.result(c, a, access_msg(a))
}

access_msg(a) := "`key_management_service.key_vault_network_access` is known only after apply: it must be `\"Private\"`." if {
	a.unknown
} else := "The KMS key vault is reached over the public network (`key_vault_network_access` defaults to `Public`): set `key_vault_network_access = \"Private\"` and give the vault a private endpoint."
