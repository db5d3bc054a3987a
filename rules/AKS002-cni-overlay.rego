# METADATA
# title: AKS cluster does not use Azure CNI Overlay or a Cilium data plane
# description: |
#   The cluster uses kubenet (the default when `network_plugin` is unset), or
#   Azure CNI with pod IPs taken from the node subnet, instead of Azure CNI
#   Overlay or Azure CNI powered by Cilium. Kubenet is being retired, and flat
#   Azure CNI exhausts the spoke's address space as the cluster grows.
# custom:
#   id: AKS002
#   name: cni-overlay
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["ck:CKV2_AZURE_29"]
#   why: |
#     Azure CNI Overlay gives pods addresses from a private overlay CIDR, so the
#     cluster scales without consuming VNet addresses, and it supports network
#     policies, Windows pools and the Cilium data plane. Kubenet relies on route
#     tables and user-defined routes, does not support Azure network policy and
#     is retired by Microsoft. (Checkov's CKV2_AZURE_29 covers only part of this:
#     it rejects kubenet.)
#   remediation: Set `network_profile.network_plugin = "azure"` with `network_plugin_mode = "overlay"` (or `network_data_plane = "cilium"`, 3.x `ebpf_data_plane`).
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#         network_profile {
#           network_plugin = "kubenet"
#         }
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#         network_profile {
#           network_plugin      = "azure"
#           network_plugin_mode = "overlay"
#           network_data_plane  = "cilium"
#           network_policy      = "cilium"
#         }
#       }
package akslint.rules.AKS002

import rego.v1

import data.akslint.lib

plugin_path := ["network_profile", 0, "network_plugin"]

mode_path := ["network_profile", 0, "network_plugin_mode"]

# 4.x name first, then 3.x.
data_plane_paths := [["network_profile", 0, "network_data_plane"], ["network_profile", 0, "ebpf_data_plane"]]

fix := "set `network_profile.network_plugin = \"azure\"` with `network_plugin_mode = \"overlay\"` (or `network_data_plane = \"cilium\"`)"

# The plugin, by name, for the message (an enum value, never a secret).
plugin_name(v) := v if {
	is_string(v)
	v != ""
} else := "unset (kubenet by default)"

# Each cluster with its plugin, read once for the three checks below.
plugins := [[c, lib.attr1(c, plugin_path)] | some c in lib.clusters]

# ---- the plugin is not Azure CNI (kubenet, none, or unset)

deny contains f if {
	some [c, a] in plugins
	a.unknown
	f := lib.unknown_finding(c, plugin_path, concat("", ["The network plugin is known only after apply: it must be \"azure\"; ", fix, "."]))
}

deny contains f if {
	some [c, a] in plugins
	not a.unknown
	not lib.eq_ci(a.value, "azure")
	f := lib.finding(c, plugin_path, sprintf("The network plugin is %s: %s.", [plugin_name(a.value), fix]))
}

# ---- Azure CNI, but neither overlay nor the Cilium data plane

overlay(c) if lib.eq_ci(lib.raw(c, mode_path), "overlay")

cilium(c) if {
	dp := lib.attr(c, data_plane_paths)
	lib.eq_ci(dp.value, "cilium")
}

deny contains f if {
	some [c, a] in plugins
	lib.eq_ci(a.value, "azure")
	not overlay(c)
	not cilium(c)
	f := flat_cni_verdict(c)
}

msg_flat := "Azure CNI assigns pod IPs from the node subnet: set `network_profile.network_plugin_mode = \"overlay\"` (or `network_data_plane = \"cilium\"`)."

flat_cni_verdict(c) := lib.unknown_finding(c, mode_path, concat("", ["`network_plugin_mode` is known only after apply: it must be \"overlay\" unless the data plane is cilium; ", fix, "."])) if {
	lib.unknown(c, mode_path)
} else := lib.unknown_finding(c, dp.path, concat("", ["The network data plane is known only after apply: it must be \"cilium\" unless `network_plugin_mode = \"overlay\"`; ", fix, "."])) if {
	dp := lib.attr(c, data_plane_paths)
	dp.unknown
} else := lib.finding(c, mode_path, msg_flat)
