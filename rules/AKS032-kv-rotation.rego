# METADATA
# title: AKS Key Vault secrets provider does not rotate secrets
# description: |
#   The cluster has no `key_vault_secrets_provider` block, or the block does
#   not set `secret_rotation_enabled = true`: secrets mounted from Key Vault
#   keep the value they had when the pod started, even after the secret is
#   rotated or revoked in Key Vault.
# custom:
#   id: AKS032
#   name: kv-rotation
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["ck:CKV_AZURE_172"]
#   why: |
#     Rotating a leaked or expiring credential in Key Vault only helps if the
#     workloads pick up the new value. With autorotation the Secrets Store
#     CSI driver polls Key Vault and updates mounted files and synced
#     Kubernetes secrets; without it, old credentials stay in use until every
#     pod is restarted.
#   remediation: Add a `key_vault_secrets_provider` block with `secret_rotation_enabled = true`.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#
#         key_vault_secrets_provider {
#           secret_rotation_enabled = false
#         }
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#
#         key_vault_secrets_provider {
#           secret_rotation_enabled  = true
#           secret_rotation_interval = "2m"
#         }
#       }
package akslint.rules.AKS032

import rego.v1

import data.akslint.lib

block := "key_vault_secrets_provider"

missing_msg := "The Key Vault secrets provider is not enabled, so Key Vault secrets are not rotated in the cluster: add a `key_vault_secrets_provider` block with `secret_rotation_enabled = true`."

disabled_msg := "Secrets mounted from Key Vault are not rotated: set `secret_rotation_enabled = true` in `key_vault_secrets_provider`."

# The block is absent (fail) or known only after apply (unknown).
unknown_msg := "The `key_vault_secrets_provider` block is known only after apply: it must be there with `secret_rotation_enabled = true`, so that Key Vault secrets are rotated in the cluster."

deny contains f if {
	some c in lib.clusters
	not lib.has_value(c, [block])
	a := lib.attr1(c, [block])
	f := lib.result(c, a, missing_message(a))
}

missing_message(a) := unknown_msg if a.unknown

else := missing_msg

deny contains f if {
	some c in lib.clusters
	lib.has_value(c, [block])
	a := lib.attr1(c, [block, 0, "secret_rotation_enabled"])
	a.value != true
	f := lib.result(c, a, disabled_message(a))
}

disabled_message(a) := "Whether secrets mounted from Key Vault are rotated is known only after apply: `secret_rotation_enabled` in `key_vault_secrets_provider` must be `true`." if a.unknown

else := disabled_msg
