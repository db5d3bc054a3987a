# METADATA
# title: AKS cluster does not authorize Kubernetes access with Azure RBAC
# description: |
#   The cluster has no Microsoft Entra ID integration with Azure RBAC for
#   Kubernetes authorization: either the
#   `azure_active_directory_role_based_access_control` block is missing, or it
#   does not set `azure_rbac_enabled = true`. Access to the Kubernetes API is
#   then governed by in-cluster RoleBindings only, outside Azure's IAM.
# custom:
#   id: AKS024
#   name: azure-rbac
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["psrule:Azure.AKS.AzureRBAC"]
#   why: |
#     With Azure RBAC, who may read or change what in the cluster is granted
#     through Azure role assignments: centrally managed, audited in the
#     activity log, subject to Privileged Identity Management and conditional
#     access, and revoked together with the user's Entra ID access. Without it,
#     every cluster carries its own RoleBindings that nobody reviews.
#   remediation: Add an `azure_active_directory_role_based_access_control` block with `azure_rbac_enabled = true` (on azurerm 3.x also `managed = true`).
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                = "aks-prod"
#         location            = "westeurope"
#         resource_group_name = "rg-aks-prod"
#         dns_prefix          = "aks-prod"
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                = "aks-prod"
#         location            = "westeurope"
#         resource_group_name = "rg-aks-prod"
#         dns_prefix          = "aks-prod"
#
#         azure_active_directory_role_based_access_control {
#           azure_rbac_enabled     = true
#           admin_group_object_ids = [var.aks_admin_group_id]
#         }
#       }
package akslint.rules.AKS024

import rego.v1

import data.akslint.lib

block := "azure_active_directory_role_based_access_control"

missing_msg := "The cluster has no Entra ID integration with Azure RBAC: add an `azure_active_directory_role_based_access_control` block with `azure_rbac_enabled = true`."

disabled_msg := "Kubernetes authorization does not use Azure RBAC: set `azure_rbac_enabled = true` in `azure_active_directory_role_based_access_control`."

# The block is absent (fail) or known only after apply (unknown).
deny contains f if {
	some c in lib.clusters
	not lib.has_value(c, [block])
	a := lib.attr1(c, [block])
	f := lib.result(c, a, missing_verdict(a))
}

# The block is present: azure_rbac_enabled must be true. (The 3.x `managed`
# flag is not read: azurerm 4.x removed it, integration is always managed.)
deny contains f if {
	some c in lib.clusters
	lib.has_value(c, [block])
	a := lib.attr1(c, [block, 0, "azure_rbac_enabled"])
	a.value != true
	f := lib.result(c, a, disabled_verdict(a))
}

missing_verdict(a) := "The `azure_active_directory_role_based_access_control` block is known only after apply: it must be present, with `azure_rbac_enabled = true`." if {
	a.unknown
} else := missing_msg

disabled_verdict(a) := "`azure_rbac_enabled` is known only after apply: it must be `true`, for Kubernetes authorization through Azure RBAC." if {
	a.unknown
} else := disabled_msg
