# METADATA
# title: AKS cluster has no network policy engine
# description: |
#   `network_profile.network_policy` is unset or not one of the allowed
#   engines, so Kubernetes NetworkPolicy objects are not enforced: every pod
#   can reach every other pod in the cluster. With the Cilium data plane
#   (`network_data_plane`, 3.x `ebpf_data_plane` = `cilium`) an unset
#   `network_policy` passes: Azure CNI powered by Cilium enforces policy itself.
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
#   remediation: Set `network_profile.network_policy` to `"cilium"`, `"calico"` or `"azure"`, or use the Cilium data plane (`network_data_plane = "cilium"`, 3.x `ebpf_data_plane`), which enforces policy with `network_policy` unset.
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

# 4.x name first, then 3.x.
data_plane_paths := [["network_profile", 0, "network_data_plane"], ["network_profile", 0, "ebpf_data_plane"]]

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
	not cilium_enforces(c, a)
	f := verdict(c, a)
}

# Azure CNI powered by Cilium enforces network policies itself: an unset
# `network_policy` passes on the Cilium data plane (a known one only).
cilium_enforces(c, a) if {
	not a.unknown
	a.value == null
	d := lib.attr(c, data_plane_paths)
	not d.unknown
	lib.eq_ci(d.value, "cilium")
}

# An unset policy with a data plane known only after apply: unknown (Cilium
# would pass, anything else fails).
verdict(c, a) := lib.unknown_finding(c, path, "`network_profile.network_policy` is not set and the data plane is known only after apply: set `network_policy` to one of the allowed engines, or use the Cilium data plane (`network_data_plane = \"cilium\"`).") if {
	not a.unknown
	a.value == null
	d := lib.attr(c, data_plane_paths)
	d.unknown
} else := lib.result(c, a, verdict_msg(a))

verdict_msg(a) := sprintf("`network_profile.network_policy` is known only after apply: it must be one of %s.", [allowed_text]) if {
	a.unknown
} else := sprintf("The network policy engine %s: set `network_profile.network_policy` to one of %s, or use the Cilium data plane (`network_data_plane = \"cilium\"`, which enforces policy itself).", [describe(a.value), allowed_text]) if {
	a.value == null
} else := sprintf("The network policy engine %s: set `network_profile.network_policy` to one of %s.", [describe(a.value), allowed_text])
