# METADATA
# title: No Entra ID administrator for a cluster without local accounts
# description: |
#   The cluster disables local accounts (`local_account_disabled = true`) but
#   names no Entra ID admin group
#   (`azure_active_directory_role_based_access_control[0].admin_group_object_ids`),
#   and no `Azure Kubernetes Service RBAC Cluster Admin` role assignment
#   (with Azure RBAC on) is scoped to it.
# custom:
#   id: AKS027
#   name: entra-admin
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster, "akslint:joins"]
#   related: ["az:36a27de4"]
#   why: |
#     Without local accounts, only Entra ID identities can administer the
#     cluster. If no admin group and no cluster-admin role assignment exists,
#     nobody can fix RBAC, rotate credentials or respond to an incident
#     without a break-glass change to the cluster itself.
#   remediation: Set `admin_group_object_ids` in `azure_active_directory_role_based_access_control`, or turn on `azure_rbac_enabled` and assign `Azure Kubernetes Service RBAC Cluster Admin` on the cluster to an admin group.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         local_account_disabled = true
#         azure_active_directory_role_based_access_control {
#           azure_rbac_enabled = false
#         }
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         local_account_disabled = true
#         azure_active_directory_role_based_access_control {
#           azure_rbac_enabled     = true
#           admin_group_object_ids = [var.aks_admin_group_id]
#         }
#       }
package akslint.rules.AKS027

import rego.v1

import data.akslint.joins
import data.akslint.lib

aad := ["azure_active_directory_role_based_access_control", 0]

admin_role := "Azure Kubernetes Service RBAC Cluster Admin"

admin_groups_path := array.concat(aad, ["admin_group_object_ids"])

rbac_path := array.concat(aad, ["azure_rbac_enabled"])

is_admin_assignment(r) if lib.eq_ci(lib.raw(r, ["role_definition_name"]), admin_role)

# The role name is known only after apply: it may be the admin role.
may_be_admin_assignment(r) if is_admin_assignment(r)

may_be_admin_assignment(r) if lib.unknown(r, ["role_definition_name"])

admin_assigned(c) if {
	some r in joins.cluster_role_assignments(c)
	is_admin_assignment(r)
}

deny contains f if {
	some c in lib.clusters
	lib.is_true(c, ["local_account_disabled"])
	lib.is_unset(c, admin_groups_path)
	not rbac_admin(c)
	f := verdict(c)
}

# (Iterations stay in helper rules: the RVM compiler does not fall through
# an `else` whose condition iterates over nothing.)
unresolved_admin_assignment if {
	some r in joins.role_assignments_unresolved_scope
	may_be_admin_assignment(r)
}

# An assignment on the cluster whose role is known only after apply may be
# the admin one (BASELINE: a rule that needs a specific value gives
# `unknown`, never `fail`).
unknown_role_assignment(c) if {
	some r in joins.cluster_role_assignments(c)
	lib.unknown(r, ["role_definition_name"])
}

rbac_admin(c) if {
	lib.is_true(c, rbac_path)
	admin_assigned(c)
}

verdict(c) := lib.unknown_finding(c, rbac_path, "Local accounts are off and no admin group is set; whether Azure RBAC is on is known only after apply: set `admin_group_object_ids`, or Azure RBAC with an `Azure Kubernetes Service RBAC Cluster Admin` assignment on the cluster.") if {
	lib.unknown(c, rbac_path)
} else := lib.unknown_finding(c, admin_groups_path, "Local accounts are off and no admin group is set; whether a role assignment on the cluster is `Azure Kubernetes Service RBAC Cluster Admin` is known only after apply: set `admin_group_object_ids` to be sure.") if {
	lib.is_true(c, rbac_path)
	unknown_role_assignment(c)
} else := lib.unknown_finding(c, admin_groups_path, "Local accounts are off and no admin group is set; an `Azure Kubernetes Service RBAC Cluster Admin` assignment whose scope lies outside this plan may cover the cluster: set `admin_group_object_ids` to be sure.") if {
	lib.is_true(c, rbac_path)
	unresolved_admin_assignment
} else := lib.finding(c, admin_groups_path, "Local accounts are off but no Entra ID administrator is defined: set `admin_group_object_ids` in `azure_active_directory_role_based_access_control`, or turn on `azure_rbac_enabled` and assign `Azure Kubernetes Service RBAC Cluster Admin` on the cluster.")
