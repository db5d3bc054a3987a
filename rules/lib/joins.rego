# METADATA
# title: akslint cross-resource joins
# description: |
#   Helpers of the cross-resource rules (AKS007, AKS027, AKS028, AKS036,
#   AKS037, AKS038, AKS045): the cluster resource types, and access to the
#   joins akslint computes in Rust (`input.joins`, docs/input-format.md).
package akslint.joins

import rego.v1

import data.akslint.lib

# Every resource type that is a cluster for the joins (the Rust side's
# joins::CLUSTER_TYPES): extend both together.
cluster_types := ["azurerm_kubernetes_cluster", "azurerm_kubernetes_automatic_cluster"]

clusters := [c | some t in cluster_types; some c in lib.resources_of(t)]

# The plan or state holds a cluster of any type: `input.joins.any_cluster`,
# computed over the whole file (so that a slice of a large input knows it
# too), else from the resources.
any_cluster if object.get(input, ["joins", "any_cluster"], null) == true

any_cluster if {
	not is_boolean(object.get(input, ["joins", "any_cluster"], null))
	some t in cluster_types
	count(lib.resources_of(t)) > 0
}

joins := object.get(input, "joins", {})

# Diagnostic settings whose target is the cluster.
diagnostic_settings(c) := object.get(joins, ["diagnostic_settings", c.address], [])

# Diagnostic settings whose target is truly unknown and outside the plan.
diagnostic_settings_unresolved := object.get(joins, "diagnostic_settings_unresolved", [])

# Role assignments of a cluster's kubelet identity, each as
# {resource, kubelet_cluster, scope, registry, role}.
kubelet_role_assignments := [j | some j in object.get(joins, "role_assignments", {})]

# Role assignments scoped to the cluster or to a path prefix of its id.
cluster_role_assignments(c) := object.get(joins, ["cluster_role_assignments", c.address], [])

# Role assignments whose scope is outside the plan or state.
role_assignments_unresolved_scope := object.get(joins, "role_assignments_unresolved_scope", [])

# A pool's egress chain ({subnet, subnets: [{address, name, table, route_table, routes}]}).
egress(p) := object.get(joins, ["egress", p.address], null)

# One finding per resource for a list of checks
# ({"path", "status": "fail"|"unknown", "text"}): a failure lists every failed
# check (on the first one's attribute); with none failed, unknown checks give
# an unknown finding.
checks_finding(r, checks, subject) := lib.finding(r, failed[0].path, msg) if {
	failed := [c | some c in checks; c.status == "fail"]
	count(failed) > 0
	msg := sprintf("%s: %s.", [subject, concat("; ", [c.text | some c in failed])])
} else := lib.unknown_finding(r, unknown[0].path, msg) if {
	unknown := [c | some c in checks; c.status == "unknown"]
	count(unknown) > 0
	msg := sprintf("%s, depending on values known only after apply: %s.", [subject, concat("; ", [c.text | some c in unknown])])
}
