# METADATA
# title: AKS system node pool also runs application workloads
# description: |
#   A system node pool is not reserved for critical system pods: neither
#   `only_critical_addons_enabled = true` nor the taint
#   `CriticalAddonsOnly=true:NoSchedule` keeps application pods off it.
# custom:
#   id: AKS010
#   name: critical-addons
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_cluster_node_pool]
#   related: ["ck:CKV_AZURE_232"]
#   why: |
#     CoreDNS, konnectivity, metrics-server and the CSI drivers run on the
#     system pools. Application pods scheduled there compete with them for CPU
#     and memory; a noisy or misbehaving workload can then starve cluster DNS
#     or the API tunnel and take the whole cluster down. Tainting the system
#     pools moves application pods to user pools.
#   remediation: Set `default_node_pool.only_critical_addons_enabled = true`; on a `mode = "System"` node pool resource, add `"CriticalAddonsOnly=true:NoSchedule"` to `node_taints`.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#         default_node_pool {
#           name    = "system"
#           vm_size = "Standard_D4s_v5"
#         }
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#         default_node_pool {
#           name                         = "system"
#           vm_size                      = "Standard_D4s_v5"
#           only_critical_addons_enabled = true
#         }
#       }
package akslint.rules.AKS010

import rego.v1

import data.akslint.lib

taint := "CriticalAddonsOnly=true:NoSchedule"

# System pools, and pool resources whose mode is known only after apply.
applies(p) if lib.is_system_pool(p)

applies(p) if lib.mode_unknown(p)

# only_critical_addons_enabled (default_node_pool; pool resources have no
# such argument and use the taint).
reserved(p) if lib.is_true(p, ["only_critical_addons_enabled"])

# The taint (3.x default_node_pool.node_taints, and pool resources).
reserved(p) if {
	taints := lib.raw(p, ["node_taints"])
	is_array(taints)
	some t in taints
	t == taint
}

# node_taints, or one of its elements, is known only after apply.
taints_unknown(p) if lib.unknown(p, ["node_taints"])

taints_unknown(p) if {
	taints := lib.raw(p, ["node_taints"])
	is_array(taints)
	some i, t in taints
	lib.unknown(p, ["node_taints", i])
}

msg(p) := "The system node pool also runs application pods: set `default_node_pool.only_critical_addons_enabled = true`." if {
	lib.is_default_pool(p)
} else := "The system node pool also runs application pods: add `\"CriticalAddonsOnly=true:NoSchedule\"` to `node_taints`."

# The attribute a finding names: the 4.x way for the default pool.
attribute(p) := ["only_critical_addons_enabled"] if lib.is_default_pool(p)

else := ["node_taints"]

deny contains f if {
	some p in lib.pools
	applies(p)
	not reserved(p)
	f := verdict(p)
}

verdict(p) := lib.unknown_finding(p, ["only_critical_addons_enabled"], concat("", [msg(p), " (`only_critical_addons_enabled` is known only after apply)"])) if {
	lib.unknown(p, ["only_critical_addons_enabled"])
} else := lib.unknown_finding(p, ["node_taints"], concat("", [msg(p), " (`node_taints` is known only after apply)"])) if {
	taints_unknown(p)
} else := lib.unknown_finding(p, attribute(p), concat("", [msg(p), " (the pool's mode is known only after apply)"])) if {
	lib.mode_unknown(p)
} else := lib.finding(p, attribute(p), msg(p))
