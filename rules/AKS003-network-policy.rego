# METADATA
# title: AKS cluster has no network policy engine
# description: |
#   `network_profile.network_policy` is unset or not one of the allowed
#   engines, so Kubernetes NetworkPolicy objects are not enforced: every pod
#   can reach every other pod in the cluster.
# custom:
#   id: AKS003
#   name: network-policy
#   severity: HIGH
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["ck:CKV_AZURE_7", "tv:AZU-0043"]
#   why: |
#     Without a network policy engine a compromised pod can move laterally to
#     any workload and to the node's services. Network policies are the
#     in-cluster segmentation layer; the engine can only be chosen when the
#     cluster is created (or through a disruptive update), so it belongs in the
#     baseline from day one.
#   remediation: Set `network_profile.network_policy` to `"cilium"` (with `network_data_plane = "cilium"`), `"calico"` or `"azure"`.
#   params:
#     allowed_policies: [calico, cilium, azure]
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#         network_profile {
#           network_plugin      = "azure"
#           network_plugin_mode = "overlay"
#         }
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#         network_profile {
#           network_plugin      = "azure"
#           network_plugin_mode = "overlay"
#           network_policy      = "calico"
#         }
#       }
package akslint.rules.AKS003

import rego.v1

import data.akslint.lib

allowed := data.akslint.params.AKS003.allowed_policies

path := ["network_profile", 0, "network_policy"]

allowed_text := concat(", ", [sprintf("%v", [x]) | some x in allowed])

# The engine, by name, for the message (an enum value, never a secret).
describe(v) := sprintf("is %v", [v]) if {
	is_string(v)
	v != ""
} else := "is not set"

deny contains f if {
	some c in lib.clusters
	a := lib.attr1(c, path)
	not lib.in_ci(a.value, allowed)
	f := lib.result(c, a, verdict_msg(a))
}

verdict_msg(a) := sprintf("`network_profile.network_policy` is known only after apply: it must be one of %s.", [allowed_text]) if {
	a.unknown
} else := sprintf("The network policy engine %s: set `network_profile.network_policy` to one of %s.", [describe(a.value), allowed_text])
