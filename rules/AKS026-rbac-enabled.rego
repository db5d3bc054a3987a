# METADATA
# title: AKS cluster has Kubernetes RBAC disabled
# description: |
#   The cluster sets `role_based_access_control_enabled = false`. Without
#   Kubernetes RBAC every authenticated identity is authorized for everything
#   in the cluster.
# custom:
#   id: AKS026
#   name: rbac-enabled
#   severity: HIGH
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["ck:CKV_AZURE_5", "tv:AZU-0042"]
#   why: |
#     Kubernetes RBAC is what limits a service account, a CI pipeline or a
#     developer to the namespaces and verbs they need. With it disabled, any
#     credential that reaches the API server, including a compromised pod's
#     token, is effectively cluster-admin. RBAC cannot be turned on later
#     without recreating the cluster.
#   remediation: Remove `role_based_access_control_enabled = false` or set `role_based_access_control_enabled = true` (the provider default).
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                              = "aks-prod"
#         role_based_access_control_enabled = false
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                              = "aks-prod"
#         role_based_access_control_enabled = true
#       }
package akslint.rules.AKS026

import rego.v1

import data.akslint.lib

# Unset means true, the provider default: only an explicit false fails.
rbac_ok(a) if {
	not a.unknown
	a.value != false
}

deny contains f if {
	some c in lib.clusters
	a := lib.attr1(c, ["role_based_access_control_enabled"])
	not rbac_ok(a)
	f := lib.result(c, a, verdict_msg(a))
}

verdict_msg(a) := "`role_based_access_control_enabled` is known only after apply: it must not be `false`, or every authenticated identity can do anything." if {
	a.unknown
} else := "Kubernetes RBAC is disabled, every authenticated identity can do anything: set `role_based_access_control_enabled = true` (or remove the attribute)."
