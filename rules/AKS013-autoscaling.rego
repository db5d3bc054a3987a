# METADATA
# title: AKS user node pool does not autoscale
# description: |
#   A user node pool runs with a fixed node count, or its autoscaler bounds are
#   missing or inconsistent (max_count below 1, min_count unset, or min_count
#   above max_count). The pool cannot follow the workload's demand. Pools of
#   a cluster with node auto-provisioning (`node_provisioning_profile.mode =
#   "Auto"`) are exempt: user capacity is provisioned outside Terraform.
# custom:
#   id: AKS013
#   name: autoscaling
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_cluster_node_pool]
#   related: ["psrule:Azure.AKS.AutoScaling"]
#   why: |
#     With the cluster autoscaler a user pool adds nodes when pods cannot be
#     scheduled and removes idle ones, so workloads survive load peaks without
#     paying for peak capacity all the time. Explicit min_count and max_count
#     bound both availability and cost.
#   remediation: Set `auto_scaling_enabled = true` (3.x `enable_auto_scaling = true`) with `min_count` (0 allowed) and `max_count` >= 1, `min_count <= max_count`.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster_node_pool" "user" {
#         name                  = "user"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4s_v5"
#         node_count            = 3
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster_node_pool" "user" {
#         name                  = "user"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4s_v5"
#         auto_scaling_enabled  = true
#         min_count             = 1
#         max_count             = 10
#       }
package akslint.rules.AKS013

import rego.v1

import data.akslint.automatic
import data.akslint.lib

autoscaling_paths := [["auto_scaling_enabled"], ["enable_auto_scaling"]]

# User pools, and pool resources whose mode is known only after apply.
applies(p) if lib.is_user_pool(p)

applies(p) if lib.mode_unknown(p)

# A finding on a pool: unknown when the deciding value or the pool's mode is.
emit(p, path, value_unknown, msg) := lib.unknown_finding(p, path, concat("", [msg, " (the pool's mode is known only after apply)"])) if {
	not value_unknown
	lib.mode_unknown(p)
} else := lib.unknown_finding(p, path, msg) if {
	value_unknown
} else := lib.unknown_finding(p, path, concat("", [msg, automatic.nap_unknown_note])) if {
	automatic.nap_unknown(p)
} else := lib.finding(p, path, msg)

# The pools the rule applies to, and those whose bounds are checked,
# computed once per evaluation (each `deny` body below reuses them).
applicable := [p | some p in lib.pools; applies(p); not automatic.nap_auto(p)]

bounded := [p | some p in applicable; autoscaling_maybe_on(p)]

deny contains f if {
	some p in applicable
	a := lib.attr(p, autoscaling_paths)
	a.value != true
	f := emit(p, a.path, a.unknown, "The user node pool does not autoscale: set `auto_scaling_enabled = true` (3.x `enable_auto_scaling`) with `min_count` and `max_count`.")
}

# The bounds are checked unless autoscaling is known to be off (one finding
# for that is enough).
autoscaling_maybe_on(p) if {
	a := lib.attr(p, autoscaling_paths)
	a.unknown
}

autoscaling_maybe_on(p) if {
	a := lib.attr(p, autoscaling_paths)
	a.value == true
}

max_ok(p) if {
	v := lib.raw(p, ["max_count"])
	is_number(v)
	v >= 1
}

deny contains f if {
	some p in bounded
	a := lib.attr1(p, ["max_count"])
	not a.unknown
	not max_ok(p)
	f := emit(p, a.path, false, "The autoscaler has no usable upper bound: set `max_count` to 1 or more.")
}

deny contains f if {
	some p in bounded
	a := lib.attr1(p, ["max_count"])
	a.unknown
	f := emit(p, a.path, true, "The autoscaler's `max_count` is known only after apply: it must be 1 or more.")
}

deny contains f if {
	some p in bounded
	a := lib.attr1(p, ["min_count"])
	lib.is_unset(p, ["min_count"])
	f := emit(p, a.path, false, "The autoscaler has no lower bound: set `min_count` (0 is allowed).")
}

deny contains f if {
	some p in bounded
	min := lib.raw(p, ["min_count"])
	max := lib.raw(p, ["max_count"])
	lib.has_value(p, ["min_count"])
	lib.has_value(p, ["max_count"])
	is_number(min)
	is_number(max)
	min > max
	f := emit(p, ["min_count"], false, "The autoscaler's `min_count` is greater than `max_count`: set `min_count <= max_count`.")
}

deny contains f if {
	some p in bounded
	a := lib.attr1(p, ["min_count"])
	a.unknown
	f := emit(p, a.path, true, "The autoscaler's `min_count` is known only after apply: it must not exceed `max_count`.")
}
