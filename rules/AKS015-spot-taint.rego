# METADATA
# title: AKS spot node pool is not tainted for spot workloads
# description: |
#   A spot node pool (`priority = "Spot"`) does not declare the taint
#   `kubernetes.azure.com/scalesetpriority=spot:NoSchedule` in `node_taints`,
#   so pods that do not tolerate eviction can be scheduled on it.
# custom:
#   id: AKS015
#   name: spot-taint
#   severity: HIGH
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_cluster_node_pool]
#   related: []
#   why: |
#     Spot nodes can be evicted at any time with 30 seconds' notice. Only
#     workloads that opt in with a toleration for the spot taint belong there;
#     declaring the taint in Terraform keeps critical pods off spot nodes and
#     keeps the plan in line with what AKS applies to the pool.
#   remediation: Add `"kubernetes.azure.com/scalesetpriority=spot:NoSchedule"` to the spot pool's `node_taints`.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster_node_pool" "spot" {
#         name                  = "spot"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4s_v5"
#         priority              = "Spot"
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster_node_pool" "spot" {
#         name                  = "spot"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4s_v5"
#         priority              = "Spot"
#         node_taints           = ["kubernetes.azure.com/scalesetpriority=spot:NoSchedule"]
#       }
package akslint.rules.AKS015

import rego.v1

import data.akslint.lib

spot_taint := "kubernetes.azure.com/scalesetpriority=spot:NoSchedule"

msg := "The spot node pool lacks the spot taint: add `\"kubernetes.azure.com/scalesetpriority=spot:NoSchedule\"` to `node_taints`."

# Spot pools, and pools whose priority is known only after apply.
applies(p) if lib.is_spot_pool(p)

applies(p) if lib.priority_unknown(p)

has_taint(p) if {
	taints := lib.raw(p, ["node_taints"])
	is_array(taints)
	some t in taints
	t == spot_taint
}

# The list, or one of its elements, is known only after apply.
taints_unknown(p) if lib.unknown(p, ["node_taints"])

taints_unknown(p) if {
	taints := lib.raw(p, ["node_taints"])
	is_array(taints)
	some i, t in taints
	t == null
	lib.unknown(p, ["node_taints", i])
}

deny contains f if {
	some p in lib.pools
	applies(p)
	not has_taint(p)
	f := verdict(p)
}

verdict(p) := lib.unknown_finding(p, ["node_taints"], concat("", [msg, " (`node_taints` is known only after apply)"])) if {
	taints_unknown(p)
} else := lib.unknown_finding(p, ["node_taints"], concat("", [msg, " (the pool's priority is known only after apply)"])) if {
	lib.priority_unknown(p)
} else := lib.finding(p, ["node_taints"], msg)
