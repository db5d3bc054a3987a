# METADATA
# title: AKS user node pool has fewer than three nodes
# description: |
#   A user node pool that is not a Spot pool can shrink below the minimum
#   (default 3): its `min_count` (autoscaling on) or `node_count` (autoscaling
#   off) is lower, or unset. A pool resource with `mode` unset is a user pool
#   (the provider default is `User`). Pools of a cluster with node
#   auto-provisioning (`node_provisioning_profile.mode = "Auto"`) are exempt:
#   user capacity is provisioned outside Terraform.
# custom:
#   id: AKS019
#   name: user-pool-min-nodes
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_cluster_node_pool]
#   related: ["psrule:Azure.AKS.MinUserPoolNodes", "az:2dec5f47"]
#   why: |
#     With fewer than three nodes a user pool cannot spread replicas across
#     three availability zones, and a node upgrade, a node failure or a zone
#     outage takes a large share of its capacity at once. PodDisruptionBudgets
#     then block upgrades or workloads go down. Spot pools are exempt: they
#     are evictable capacity by design.
#   remediation: Set `min_count` (with autoscaling, `auto_scaling_enabled = true`, 3.x `enable_auto_scaling`) or `node_count` (without) to at least 3.
#   params:
#     min_nodes: 3
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster_node_pool" "user" {
#         name                  = "user"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4s_v5"
#         auto_scaling_enabled  = true
#         min_count             = 1
#         max_count             = 10
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster_node_pool" "user" {
#         name                  = "user"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4s_v5"
#         auto_scaling_enabled  = true
#         min_count             = 3
#         max_count             = 10
#         zones                 = ["1", "2", "3"]
#       }
package akslint.rules.AKS019

import rego.v1

import data.akslint.lib
import data.akslint.automatic

min_nodes := data.akslint.params.AKS019.min_nodes

# 4.x name first, then 3.x.
autoscaling_paths := [["auto_scaling_enabled"], ["enable_auto_scaling"]]

# Pool resources that are (or may be) non-Spot user pools of a cluster
# without node auto-provisioning.
applies(p) if {
	p.kind == "resource"
	not lib.is_system_pool(p)
	not lib.is_spot_pool(p)
	not automatic.nap_auto(p)
}

applicable := [p | some p in lib.pools; applies(p)]

# Why a failure could still turn out not to apply.
doubts(p) := array.concat(array.concat(mode_doubt(p), priority_doubt(p)), nap_doubt(p))

mode_doubt(p) := [" (the pool's mode is known only after apply)"] if lib.mode_unknown(p)

else := []

priority_doubt(p) := [" (the pool's priority is known only after apply: Spot pools are exempt)"] if lib.priority_unknown(p)

else := []

nap_doubt(p) := [automatic.nap_unknown_note] if automatic.nap_unknown(p)

else := []

emit(p, path, value_unknown, msg) := lib.unknown_finding(p, path, concat("", array.concat([msg], doubts(p)))) if {
	value_unknown
} else := lib.unknown_finding(p, path, concat("", array.concat([msg], ds))) if {
	ds := doubts(p)
	count(ds) > 0
} else := lib.finding(p, path, msg)

count_ok(v) if {
	is_number(v)
	v >= min_nodes
}

deny contains f if {
	some p in applicable
	a := lib.attr(p, autoscaling_paths)
	not a.unknown
	path := count_path(a.value)
	c := lib.attr1(p, path)
	not count_ok(c.value)
	f := emit(p, path, c.unknown, count_msg(path, c))
}

count_path(true) := ["min_count"]

count_path(v) := ["node_count"] if v != true

nodes_word(n) := "node" if n == 1

else := "nodes"

count_msg(path, c) := sprintf("`%s` is known only after apply: the user node pool must keep at least %v nodes.", [path[0], min_nodes]) if {
	c.unknown
} else := sprintf("The user node pool can shrink to %v %s: set `%s` to at least %v.", [c.value, nodes_word(c.value), path[0], min_nodes]) if {
	is_number(c.value)
} else := sprintf("The user node pool has no `%s`: set it to at least %v.", [path[0], min_nodes])

# Autoscaling known only after apply: the pool passes only if both counts do.
deny contains f if {
	some p in applicable
	a := lib.attr(p, autoscaling_paths)
	a.unknown
	some path in [["min_count"], ["node_count"]]
	not count_ok(lib.raw(p, path))
	f := emit(p, a.path, true, sprintf("Autoscaling is known only after apply and `%s` is below %v: the user node pool must keep at least %v nodes.", [path[0], min_nodes, min_nodes]))
}
