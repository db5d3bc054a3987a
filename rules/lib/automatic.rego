# METADATA
# title: akslint policy library, AKS Automatic and node auto-provisioning
# description: |
#   Helpers for `azurerm_kubernetes_automatic_cluster` (azurerm 4.81+), a
#   cluster without pools or network profile whose attributes some rules read
#   under other names, and for node auto-provisioning
#   (`node_provisioning_profile[0].mode = "Auto"`), under which user pools are
#   not the user capacity (BASELINE-2026-12.md).
package akslint.automatic

import rego.v1

import data.akslint.lib

# Every `azurerm_kubernetes_automatic_cluster` instance.
automatic_clusters := lib.resources_of("azurerm_kubernetes_automatic_cluster")

# The clusters of both types (AKS Automatic last).
all_clusters := array.concat(lib.clusters, automatic_clusters)

# `azurerm_kubernetes_cluster` instances by address.
cluster_index := {c.address: c | some c in lib.clusters}

nap_mode_path := ["node_provisioning_profile", 0, "mode"]

# The pool's cluster provisions user capacity itself (mode Auto, known).
nap_auto(p) if {
	c := cluster_index[p.cluster]
	not lib.unknown(c, nap_mode_path)
	lib.eq_ci(lib.raw(c, nap_mode_path), "Auto")
}

# The pool's cluster's node provisioning mode is known only after apply.
nap_unknown(p) if {
	c := cluster_index[p.cluster]
	lib.unknown(c, nap_mode_path)
}

# The text a user-pool rule appends to a failure that node
# auto-provisioning would make inapplicable.
nap_unknown_note := " (the cluster's `node_provisioning_profile.mode` is known only after apply: with `Auto` the rule does not apply)"
