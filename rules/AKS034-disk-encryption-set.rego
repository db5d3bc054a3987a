# METADATA
# title: AKS node disks are not encrypted with a customer-managed key
# description: |
#   The cluster has no `disk_encryption_set_id`, so the OS and data disks of
#   its nodes are encrypted with platform-managed keys only.
# custom:
#   id: AKS034
#   name: disk-encryption-set
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["ck:CKV_AZURE_117", "tv:AZU-0067"]
#   why: |
#     A disk encryption set ties node disk encryption to a key in your own Key
#     Vault: you control its rotation, can revoke it to make the data
#     unreadable, and meet regulations that require customer-managed keys.
#     The setting can only be chosen when the cluster is created.
#   remediation: Set `disk_encryption_set_id` to the id of an `azurerm_disk_encryption_set` backed by a Key Vault key.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name       = "aks-prod"
#         dns_prefix = "aks-prod"
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                   = "aks-prod"
#         dns_prefix             = "aks-prod"
#         disk_encryption_set_id = azurerm_disk_encryption_set.aks.id
#       }
package akslint.rules.AKS034

import rego.v1

import data.akslint.lib

# An id known only after apply is set.
deny contains f if {
	some c in lib.clusters
	lib.is_unset(c, ["disk_encryption_set_id"])
	f := lib.finding(c, ["disk_encryption_set_id"], "Node disks use platform-managed keys only: set `disk_encryption_set_id` to a disk encryption set with a customer-managed key.")
}
