# METADATA
# title: AKS node pool does not encrypt data at the VM host
# description: |
#   A node pool runs without encryption at host: temp disks, OS and data disk
#   caches and ephemeral OS disks of its nodes are not encrypted at rest.
# custom:
#   id: AKS017
#   name: host-encryption
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_cluster_node_pool]
#   related: ["ck:CKV_AZURE_227"]
#   why: |
#     Server-side encryption covers managed disks only. Encryption at host also
#     encrypts the temp disk and disk caches on the physical host, where
#     container images, emptyDir volumes and swapped secrets end up.
#   remediation: Set `host_encryption_enabled = true` (3.x `enable_host_encryption = true`) on the node pool; the subscription needs the `EncryptionAtHost` feature registered.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster_node_pool" "user" {
#         name                  = "user"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4s_v5"
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster_node_pool" "user" {
#         name                    = "user"
#         kubernetes_cluster_id   = azurerm_kubernetes_cluster.this.id
#         vm_size                 = "Standard_D4s_v5"
#         host_encryption_enabled = true
#       }
package akslint.rules.AKS017

import rego.v1

import data.akslint.lib

deny contains f if {
	some p in lib.pools
	a := lib.attr(p, [["host_encryption_enabled"], ["enable_host_encryption"]])
	a.value != true
	f := lib.result(p, a, verdict_msg(a))
}

verdict_msg(a) := sprintf("`%s` is known only after apply: it must be `true`, to encrypt the node pool's temp disks and caches at the host.", [a.path[0]]) if {
	a.unknown
} else := "The node pool does not encrypt temp disks and caches at the host: set `host_encryption_enabled = true` (3.x `enable_host_encryption`)."
