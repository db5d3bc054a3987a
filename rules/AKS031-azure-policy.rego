# METADATA
# title: AKS cluster does not enforce Azure Policy
# description: |
#   The Azure Policy add-on is not enabled (`azure_policy_enabled` is not
#   true), so no admission control enforces the organization's policies
#   (privileged containers, host paths, allowed registries, ...) inside the
#   cluster.
# custom:
#   id: AKS031
#   name: azure-policy
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["ck:CKV_AZURE_116", "tv:AZU-0066"]
#   why: |
#     The add-on runs Gatekeeper and applies Azure Policy definitions, such as
#     the Kubernetes pod security baseline, to every workload at admission
#     and reports compliance centrally. Without it, nothing stops a
#     deployment from running privileged pods or images from untrusted
#     registries.
#   remediation: Set `azure_policy_enabled = true` and assign the policy initiatives (for example the pod security baseline) to the cluster.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                 = "aks-prod"
#         azure_policy_enabled = false
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                 = "aks-prod"
#         azure_policy_enabled = true
#       }
package akslint.rules.AKS031

import rego.v1

import data.akslint.lib

deny contains f if {
	some c in lib.clusters
	a := lib.attr1(c, ["azure_policy_enabled"])
	a.value != true
	f := lib.result(c, a, verdict_msg(a))
}

verdict_msg(a) := "`azure_policy_enabled` is known only after apply: it must be `true`, or no policy is enforced at admission." if {
	a.unknown
} else := "The Azure Policy add-on is not enabled, so no policy is enforced at admission: set `azure_policy_enabled = true`."
