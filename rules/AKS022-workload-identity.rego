# METADATA
# title: AKS workload identity is not enabled
# description: |
#   The cluster does not enable both the OIDC issuer and workload identity, so
#   pods cannot exchange their service account token for an Entra ID token.
# custom:
#   id: AKS022
#   name: workload-identity
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster]
#   related: []
#   why: |
#     Without workload identity, pods that call Azure APIs fall back to secrets
#     mounted into the cluster or to the node's kubelet identity, which every
#     pod on the node can use. Workload identity gives each service account its
#     own federated, secretless identity.
#   remediation: Set `oidc_issuer_enabled = true` and `workload_identity_enabled = true`.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                = "aks-prod"
#         oidc_issuer_enabled = false
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                      = "aks-prod"
#         oidc_issuer_enabled       = true
#         workload_identity_enabled = true
#       }
package akslint.rules.AKS022

import rego.v1

import data.akslint.lib

deny contains f if {
	some c in lib.clusters
	a := lib.attr1(c, ["oidc_issuer_enabled"])
	a.value != true
	f := lib.result(c, a, issuer_msg(a))
}

deny contains f if {
	some c in lib.clusters
	a := lib.attr1(c, ["workload_identity_enabled"])
	a.value != true
	f := lib.result(c, a, workload_msg(a))
}

issuer_msg(a) := "`oidc_issuer_enabled` is known only after apply: it must be `true`, which workload identity needs." if {
	a.unknown
} else := "The cluster's OIDC issuer is disabled, which workload identity needs: set `oidc_issuer_enabled = true`."

workload_msg(a) := "`workload_identity_enabled` is known only after apply: it must be `true` (with `oidc_issuer_enabled = true`)." if {
	a.unknown
} else := "Workload identity is disabled: set `workload_identity_enabled = true` (with `oidc_issuer_enabled = true`)."
