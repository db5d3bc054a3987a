# METADATA
# title: AKS node pool allows too few pods per node
# description: |
#   A node pool sets `max_pods` below the minimum (default 50). An unset
#   `max_pods` passes: AKS picks the default from the network plugin (250 with
#   Azure CNI overlay, which AKS002 requires).
# custom:
#   id: AKS047
#   name: max-pods
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_cluster_node_pool]
#   related: ["ck:CKV_AZURE_168", "psrule:Azure.AKS.NodeMinPods"]
#   why: |
#     Each node runs system daemon sets (kube-proxy or Cilium, CSI drivers,
#     monitoring agents) that count against its pod limit. A low `max_pods`
#     wastes node capacity, forces more nodes than the workload needs, and can
#     leave upgrades and surge nodes unable to schedule their pods. `max_pods`
#     can only be changed by recreating the pool. Checkov CKV_AZURE_168 fails an
#     unset value (it assumes 30); akslint does not, because AKS's default
#     depends on the network plugin and is 250 with CNI overlay.
#   remediation: Set `max_pods` to at least 50 (or remove it to take the network plugin's default; 250 with CNI overlay).
#   params:
#     min: 50
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster_node_pool" "user" {
#         name                  = "user"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4s_v5"
#         max_pods              = 30
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster_node_pool" "user" {
#         name                  = "user"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4s_v5"
#         max_pods              = 110
#       }
package akslint.rules.AKS047

import rego.v1

import data.akslint.lib

min := data.akslint.params.AKS047.min

path := ["max_pods"]

deny contains f if {
	some p in lib.pools
	lib.unknown(p, path)
	f := lib.unknown_finding(p, path, sprintf("`max_pods` is known only after apply: it must be at least %v.", [min]))
}

deny contains f if {
	some p in lib.pools
	lib.has_value(p, path)
	v := lib.raw(p, path)
	not ok(v)
	f := lib.finding(p, path, sprintf("The node pool allows %v pods per node: set `max_pods` to at least %v (or leave it unset for the network plugin's default).", [shown(v), min]))
}

ok(v) if {
	is_number(v)
	v >= min
}

# A number as written; anything else (a hostile string) is not repeated.
shown(v) := v if is_number(v)

else := "an invalid number of"
