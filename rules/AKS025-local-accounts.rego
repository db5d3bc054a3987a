# METADATA
# title: AKS cluster keeps its local admin account
# description: |
#   The cluster does not set `local_account_disabled = true`, so the static
#   `clusterAdmin` credential stays available: anyone who can call
#   `az aks get-credentials --admin` (or read the `kube_admin_config` output)
#   gets cluster-admin without going through Microsoft Entra ID.
# custom:
#   id: AKS025
#   name: local-accounts
#   severity: HIGH
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["ck:CKV_AZURE_141", "az:993c2fcd"]
#   why: |
#     The local admin kubeconfig carries a long-lived client certificate that
#     bypasses Entra ID, conditional access, MFA and Azure RBAC, is not tied to
#     a person in the audit log, and can only be revoked by rotating the
#     cluster certificates. Disabling local accounts makes Entra ID the only
#     way in.
#   remediation: Set `local_account_disabled = true` (it requires Entra ID integration, an `azure_active_directory_role_based_access_control` block).
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                   = "aks-prod"
#         local_account_disabled = false
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                   = "aks-prod"
#         local_account_disabled = true
#
#         azure_active_directory_role_based_access_control {
#           azure_rbac_enabled = true
#         }
#       }
package akslint.rules.AKS025

import rego.v1

import data.akslint.lib

deny contains f if {
	some c in lib.clusters
	a := lib.attr1(c, ["local_account_disabled"])
	a.value != true
	f := lib.result(c, a, verdict_msg(a))
}

verdict_msg(a) := "`local_account_disabled` is known only after apply: it must be `true`, or the local cluster-admin account bypasses Entra ID." if {
	a.unknown
} else := "The local cluster-admin account bypasses Entra ID: set `local_account_disabled = true`."
