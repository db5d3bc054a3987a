# METADATA
# title: AKS cluster is not monitored with Container Insights and managed Prometheus
# description: |
#   The cluster lacks an `oms_agent` block with a `log_analytics_workspace_id`
#   (Container Insights: container logs, events and inventory in Log
#   Analytics) or a `monitor_metrics` block (Azure Monitor managed service for
#   Prometheus: cluster and workload metrics).
# custom:
#   id: AKS042
#   name: monitoring
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["ck:CKV_AZURE_4", "tv:AZU-0040"]
#   why: |
#     Without logs and metrics leaving the cluster, incidents cannot be
#     detected, alerted on or investigated afterwards: container logs vanish
#     with their pods and nodes, and there is no history of resource usage to
#     size or troubleshoot workloads.
#   remediation: Add an `oms_agent` block with `log_analytics_workspace_id` set to a Log Analytics workspace, and a `monitor_metrics` block (with an Azure Monitor workspace and data collection rule for Prometheus).
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
#         oms_agent {
#           log_analytics_workspace_id      = azurerm_log_analytics_workspace.aks.id
#           msi_auth_for_monitoring_enabled = true
#         }
#
#         monitor_metrics {}
#       }
package akslint.rules.AKS042

import rego.v1

import data.akslint.lib

workspace := ["oms_agent", 0, "log_analytics_workspace_id"]

# The finding concerns the block when it is missing, else its workspace id.
oms_path(c) := ["oms_agent"] if lib.is_unset(c, ["oms_agent"])

else := workspace

# A workspace id (or a block) known only after apply is set.
deny contains f if {
	some c in lib.clusters
	lib.is_unset(c, workspace)
	f := lib.finding(c, oms_path(c), "Container Insights is not enabled, container logs and events are not collected: add an `oms_agent` block with `log_analytics_workspace_id` set.")
}

deny contains f if {
	some c in lib.clusters
	lib.is_unset(c, ["monitor_metrics"])
	f := lib.finding(c, ["monitor_metrics"], "Managed Prometheus is not enabled, cluster metrics are not collected: add a `monitor_metrics` block.")
}
