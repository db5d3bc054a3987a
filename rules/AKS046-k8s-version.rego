# METADATA
# title: AKS Kubernetes version is too old, or a node pool skews from it
# description: |
#   The control plane's `kubernetes_version` is older than the minimum
#   (default 1.33), unset without an auto-upgrade channel that moves it
#   (`patch`, `stable` or `rapid`), or does not parse; or a node pool's
#   `orchestrator_version` is newer than the control plane or more than
#   `max_skew` (default 2) minor versions behind it. Versions compare as
#   numbers, major.minor then patch (`1.34` matches `1.34.x`).
# custom:
#   id: AKS046
#   name: k8s-version
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_cluster_node_pool]
#   related: ["psrule:Azure.AKS.Version", "psrule:Azure.AKS.PoolVersion", "az:fb893a29"]
#   why: |
#     AKS supports the three newest minor versions; older ones get no security
#     patches and, once out of support, no platform support either. An unset
#     `kubernetes_version` is computed at creation and never upgraded by the
#     provider, so without an auto-upgrade channel the cluster silently ages.
#     Node pools may lag the control plane by at most two minors and may never
#     be newer; a larger skew blocks upgrades and breaks kubelet compatibility.
#   remediation: Set `kubernetes_version` to a supported version (1.33 or newer; or use `automatic_upgrade_channel = "patch"`, `"stable"` or `"rapid"`, 3.x `automatic_channel_upgrade`), and keep every pool's `orchestrator_version` unset or within two minors below it.
#   params:
#     min_version: "1.33"
#     max_skew: 2
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name               = "aks-prod"
#         kubernetes_version = "1.29"
#         default_node_pool {
#           name                 = "system"
#           orchestrator_version = "1.26"
#         }
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name               = "aks-prod"
#         kubernetes_version = "1.34"
#         default_node_pool {
#           name                 = "system"
#           orchestrator_version = "1.34"
#         }
#       }
package akslint.rules.AKS046

import rego.v1

import data.akslint.automatic
import data.akslint.lib
import data.akslint.versions

min_text := data.akslint.params.AKS046.min_version

max_skew := data.akslint.params.AKS046.max_skew

min_version := versions.parse_version(sprintf("%v", [min_text]))

cp_path := ["kubernetes_version"]

pool_path := ["orchestrator_version"]

# 4.x name first, then 3.x.
channel_paths := [["automatic_upgrade_channel"], ["automatic_channel_upgrade"]]

moving_channels := ["patch", "stable", "rapid"]

# A version as written, cut when long (never a secret: a version).
shown(v) := sprintf("`%s`", [v]) if {
	is_string(v)
	count(v) <= 32
} else := sprintf("`%s...`", [substring(v, 0, 32)]) if {
	is_string(v)
} else := "a value that is not a version"

# ---------------------------------------------------------------- control plane

deny contains f if {
	some c in lib.clusters
	lib.unknown(c, cp_path)
	f := lib.unknown_finding(c, cp_path, sprintf("`kubernetes_version` is known only after apply: it must be %v or newer.", [min_text]))
}

deny contains f if {
	some c in lib.clusters
	lib.is_unset(c, cp_path)
	ch := lib.attr(c, channel_paths)
	not lib.in_ci(ch.value, moving_channels)
	f := unset_verdict(c, ch)
}

unset_verdict(c, ch) := lib.unknown_finding(c, cp_path, "`kubernetes_version` is not set and the auto-upgrade channel is known only after apply: set `kubernetes_version`, or a channel that upgrades it (`patch`, `stable`, `rapid`).") if {
	ch.unknown
} else := lib.finding(c, cp_path, sprintf("`kubernetes_version` is not set and no auto-upgrade channel moves it (the provider picks a version at creation and never upgrades it): set `kubernetes_version` to %v or newer, or `automatic_upgrade_channel` (3.x `automatic_channel_upgrade`) to `patch`, `stable` or `rapid`.", [min_text]))

# Each cluster with a known version, and each pool with one: read once
# for the checks below.
cluster_versions := [[c, lib.raw(c, cp_path)] | some c in lib.clusters; lib.has_value(c, cp_path)]

pool_versions := [[p, lib.raw(p, pool_path)] | some p in lib.pools; lib.has_value(p, pool_path)]

# The pools with a version that parses, with their control plane's.
pools_parsed := [[p, v, pv, cp] |
	some [p, v] in pool_versions
	pv := versions.parse_version(v)
	cp := control_plane(p)
]

deny contains f if {
	some [c, v] in cluster_versions
	not versions.parse_version(v)
	f := lib.finding(c, cp_path, sprintf("`kubernetes_version` %s is not a version like `1.34` or `1.34.3`: set it to %v or newer.", [shown(v), min_text]))
}

deny contains f if {
	some [c, v] in cluster_versions
	versions.compare(versions.parse_version(v), min_version) < 0
	f := lib.finding(c, cp_path, sprintf("Kubernetes %s is older than %v: upgrade `kubernetes_version` to %v or newer.", [shown(v), min_text, min_text]))
}

# ---------------------------------------------------------------- pools

# The control plane of a pool's cluster: {"unknown": bool, "version": parsed or null}.
control_plane(p) := {"unknown": true, "version": null} if {
	c := automatic.cluster_index[p.cluster]
	lib.unknown(c, cp_path)
} else := {"unknown": false, "version": versions.parse_version(lib.raw(c, cp_path))} if {
	c := automatic.cluster_index[p.cluster]
	lib.has_value(c, cp_path)
	versions.parse_version(lib.raw(c, cp_path))
}

deny contains f if {
	some p in lib.pools
	lib.unknown(p, pool_path)
	f := lib.unknown_finding(p, pool_path, sprintf("The node pool's `orchestrator_version` is known only after apply: it must not be newer than the control plane nor more than %v minor versions behind it.", [max_skew]))
}

deny contains f if {
	some [p, v] in pool_versions
	not versions.parse_version(v)
	f := lib.finding(p, pool_path, sprintf("The node pool's `orchestrator_version` %s is not a version like `1.34` or `1.34.3`: leave it unset (it follows the control plane) or set a version.", [shown(v)]))
}

deny contains f if {
	some [p, _, _, cp] in pools_parsed
	cp.unknown
	f := lib.unknown_finding(p, pool_path, sprintf("The control plane's `kubernetes_version` is known only after apply: the node pool's `orchestrator_version` must not be newer than it nor more than %v minor versions behind it.", [max_skew]))
}

deny contains f if {
	some [p, v, pv, cp] in pools_parsed
	not cp.unknown
	versions.compare(pv, cp.version) > 0
	f := lib.finding(p, pool_path, sprintf("The node pool's `orchestrator_version` %s is newer than the control plane's `kubernetes_version`: a pool may not run ahead of the control plane; lower it or upgrade the control plane first.", [shown(v)]))
}

deny contains f if {
	some [p, v, pv, cp] in pools_parsed
	not cp.unknown
	behind := versions.minors_behind(pv, cp.version)
	behind > max_skew
	f := lib.finding(p, pool_path, sprintf("The node pool's `orchestrator_version` %s is %v minor versions behind the control plane (at most %v allowed): upgrade the pool.", [shown(v), behind, max_skew]))
}
