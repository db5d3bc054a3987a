# METADATA
# title: Kubelet identity has more than AcrPull on a container registry
# description: |
#   A role assignment gives a cluster's kubelet identity a role other than
#   `AcrPull` on a container registry.
# custom:
#   id: AKS028
#   name: acr-pull-least-privilege
#   severity: HIGH
#   resource_types: [azurerm_kubernetes_cluster, "akslint:joins"]
#   related: ["kics:azure_container_registry_with_broad_permissions", "cis:5.1.3"]
#   why: |
#     Every node runs as the kubelet identity, so anything that escapes to a
#     node holds its rights. With `AcrPush`, `Contributor` or `Owner` on the
#     registry, a compromised node can replace the images every cluster pulls.
#     Pulling images needs `AcrPull` only.
#   remediation: Assign `role_definition_name = "AcrPull"` to the kubelet identity on the registry, and nothing broader.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_role_assignment" "kubelet_acr" {
#         principal_id         = azurerm_kubernetes_cluster.this.kubelet_identity[0].object_id
#         role_definition_name = "Contributor"
#         scope                = azurerm_container_registry.acr.id
#       }
#     good: |
#       resource "azurerm_role_assignment" "kubelet_acr" {
#         principal_id         = azurerm_kubernetes_cluster.this.kubelet_identity[0].object_id
#         role_definition_name = "AcrPull"
#         scope                = azurerm_container_registry.acr.id
#       }
package akslint.rules.AKS028

import rego.v1

import data.akslint.joins
import data.akslint.lib

# The attribute that names the role.
role_path(r) := ["role_definition_name"] if {
	not lib.is_unset(r, ["role_definition_name"])
} else := ["role_definition_id"] if {
	not lib.is_unset(r, ["role_definition_id"])
} else := ["role_definition_name"]

deny contains f if {
	some j in joins.kubelet_role_assignments
	r := j.resource
	is_string(j.kubelet_cluster)
	j.scope != "other"
	not lib.eq_ci(j.role, "AcrPull")
	f := verdict(r, j)
}

verdict(r, j) := lib.unknown_finding(r, role_path(r), sprintf("The role given to the kubelet identity of %s cannot be resolved from this plan: on a registry it must be `AcrPull`.", [j.kubelet_cluster])) if {
	not is_string(j.role)
} else := lib.unknown_finding(r, ["scope"], sprintf("The kubelet identity of %s gets `%s` on a scope this plan cannot resolve: on a registry only `AcrPull` is allowed.", [j.kubelet_cluster, j.role])) if {
	j.scope == "unresolved"
} else := lib.finding(r, role_path(r), sprintf("The kubelet identity of %s gets `%s` on a container registry: use `role_definition_name = \"AcrPull\"`.", [j.kubelet_cluster, j.role]))
