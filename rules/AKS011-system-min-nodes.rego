# METADATA
# title: AKS cluster has too few system nodes to survive a node failure
# description: |
#   The system node pools of the cluster guarantee fewer nodes than the
#   minimum (3 by default). The guaranteed count of a pool is its `min_count`
#   when the autoscaler is enabled and its `node_count` otherwise, summed over
#   `default_node_pool` and every node pool resource with `mode = "System"`.
# custom:
#   id: AKS011
#   name: system-min-nodes
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_cluster_node_pool]
#   related: ["psrule:Azure.AKS.MinNodeCount"]
#   why: |
#     CoreDNS, konnectivity and the other system pods run on the system pools.
#     With fewer than three system nodes, one node failure, upgrade surge or
#     zone outage leaves the cluster without DNS or API connectivity, and pod
#     disruption budgets block node drains during upgrades.
#   remediation: Set `default_node_pool.node_count` (or `min_count` with `auto_scaling_enabled = true`) to 3 or more, or add a `mode = "System"` node pool so that the system pools total at least 3 nodes.
#   params:
#     min_nodes: 3
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#         default_node_pool {
#           name       = "system"
#           vm_size    = "Standard_D4s_v5"
#           node_count = 1
#         }
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name = "aks-prod"
#         default_node_pool {
#           name                 = "system"
#           vm_size              = "Standard_D4s_v5"
#           auto_scaling_enabled = true
#           min_count            = 3
#           max_count            = 5
#         }
#       }
package akslint.rules.AKS011

import rego.v1

import data.akslint.lib

min_nodes := data.akslint.params.AKS011.min_nodes

# 4.x name first, then 3.x.
autoscaling_paths := [["auto_scaling_enabled"], ["enable_auto_scaling"]]

# A pool's guaranteed node count, [decidable, count], its autoscaling
# switch read once. An unset node_count is AKS's default of 1; an unset
# min_count (which the provider rejects with autoscaling) guarantees
# nothing.
pool_count(p) := count_with(p, lib.attr(p, autoscaling_paths))

count_with(p, a) := [false, least(count_at(p, ["min_count"]), count_at(p, ["node_count"]))] if {
	a.unknown
} else := count_at(p, ["min_count"]) if {
	a.value == true
} else := count_at(p, ["node_count"])

count_at(p, path) := [false, 0] if {
	lib.unknown(p, path)
} else := [true, v] if {
	v := lib.raw(p, path)
	is_number(v)
} else := [true, 1] if {
	path == ["node_count"]
} else := [true, 0]

# With the autoscaling switch known only after apply, the pool guarantees
# at least the fewer of its two counts, when both are known (else nothing
# known): undecided, but enough when that is enough.
least(m, n) := min({m[1], n[1]}) if {
	m[0]
	n[0]
} else := 0

# The counts of a cluster's system pools.
system_counts(c) := [pool_count(p) | some p in lib.system_pools(c)]

# What the pools guarantee at least: an undecided count adds what it
# guarantees whatever it turns out to be.
known_sum(counts) := sum([n[1] | some n in counts])

# Something known only after apply could still add system nodes.
uncertain(c, counts) if {
	some n in counts
	not n[0]
}

uncertain(c, _) if {
	some p in lib.cluster_pools(c)
	lib.mode_unknown(p)
}

uncertain(c, _) if lib.unknown(c, ["default_node_pool", 0])

# The attribute a finding names, on the cluster's default pool: the count
# that applies, or the autoscaling switch when that is what is unknown.
pool_attr(p) := attr_with(lib.attr(p, autoscaling_paths))

attr_with(a) := a.path if {
	a.unknown
} else := ["min_count"] if {
	a.value == true
} else := ["node_count"]

attribute(c) := attrs[0] if {
	attrs := [array.concat(p.prefix, pool_attr(p)) | some p in lib.cluster_pools(c); lib.is_default_pool(p)]
	count(attrs) > 0
} else := ["default_node_pool", 0, "node_count"]

deny contains f if {
	some c in lib.clusters
	counts := system_counts(c)
	n := known_sum(counts)
	n < min_nodes
	f := verdict(c, n, counts)
}

fix := "set `default_node_pool.node_count` (or `min_count` with autoscaling) higher, or add a `mode = \"System\"` node pool"

verdict(c, n, counts) := lib.unknown_finding(c, attribute(c), sprintf("The system node pools' node count is known only after apply (%v known): they need at least %v nodes; %s.", [n, min_nodes, fix])) if {
	uncertain(c, counts)
} else := lib.finding(c, attribute(c), sprintf("The system node pools guarantee only %v node(s), fewer than %v: %s.", [n, min_nodes, fix]))
