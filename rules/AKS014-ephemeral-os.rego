# METADATA
# title: AKS user node pool uses a managed OS disk
# description: |
#   A user node pool keeps its node OS on a remote managed disk instead of an
#   ephemeral OS disk on the VM's local storage. Pools of a cluster with node
#   auto-provisioning (`node_provisioning_profile.mode = "Auto"`) are exempt.
# custom:
#   id: AKS014
#   name: ephemeral-os
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_cluster_node_pool]
#   related: ["ck:CKV_AZURE_226"]
#   why: |
#     Ephemeral OS disks live on the VM's cache or temp disk: lower read and
#     write latency, faster node scaling and reimaging, and no disk cost. Nodes
#     are disposable, so the OS disk does not need to be persistent.
#   remediation: Set `os_disk_type = "Ephemeral"` on the node pool (with a VM size whose cache or temp disk holds `os_disk_size_gb`).
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster_node_pool" "user" {
#         name                  = "user"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4s_v5"
#         os_disk_type          = "Managed"
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster_node_pool" "user" {
#         name                  = "user"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4ds_v5"
#         os_disk_type          = "Ephemeral"
#         os_disk_size_gb       = 128
#       }
package akslint.rules.AKS014

import rego.v1

import data.akslint.automatic
import data.akslint.lib

msg := "The user node pool's OS disk is a managed disk: set `os_disk_type = \"Ephemeral\"`."

# User pools, and pool resources whose mode is known only after apply.
applies(p) if lib.is_user_pool(p)

applies(p) if lib.mode_unknown(p)

deny contains f if {
	some p in lib.pools
	applies(p)
	not automatic.nap_auto(p)
	a := lib.attr1(p, ["os_disk_type"])
	not lib.eq_ci(a.value, "Ephemeral")
	f := verdict(p, a)
}

verdict(p, a) := lib.unknown_finding(p, a.path, concat("", [msg, " (the pool's mode is known only after apply)"])) if {
	not a.unknown
	lib.mode_unknown(p)
} else := lib.unknown_finding(p, a.path, concat("", [msg, automatic.nap_unknown_note])) if {
	not a.unknown
	automatic.nap_unknown(p)
} else := lib.result(p, a, msg)
