# METADATA
# title: AKS cluster is not protected by Microsoft Defender for Containers
# description: |
#   The cluster has no `microsoft_defender` block with a
#   `log_analytics_workspace_id`, so the Defender sensor is not deployed: no
#   runtime threat detection on the nodes and no security findings for the
#   cluster's workloads.
# custom:
#   id: AKS030
#   name: defender
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["kics:aks_defender_profile_disabled", "psrule:Azure.AKS.DefenderProfile", "az:a1840de2"]
#   why: |
#     Defender for Containers detects attacks in progress (crypto miners,
#     reverse shells, privileged container escapes, access from known
#     malicious IPs) and reports them to the security team. Without the
#     sensor a compromise of a workload goes unnoticed until it has
#     consequences.
#   remediation: Add a `microsoft_defender` block with `log_analytics_workspace_id` set to the workspace that receives the security events.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name       = "aks-prod"
#         dns_prefix = "aks-prod"
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name       = "aks-prod"
#         dns_prefix = "aks-prod"
#
#         microsoft_defender {
#           log_analytics_workspace_id = azurerm_log_analytics_workspace.security.id
#         }
#       }
package akslint.rules.AKS030

import rego.v1

import data.akslint.lib

workspace := ["microsoft_defender", 0, "log_analytics_workspace_id"]

msg := "Microsoft Defender for Containers is not enabled: add a `microsoft_defender` block with `log_analytics_workspace_id` set."

# The finding concerns the block when it is missing, else its workspace id.
missing_path(c) := ["microsoft_defender"] if lib.is_unset(c, ["microsoft_defender"])

else := workspace

# A workspace id known only after apply is set.
deny contains f if {
	some c in lib.clusters
	lib.is_unset(c, workspace)
	f := lib.finding(c, missing_path(c), msg)
}
