# METADATA
# title: AKS run command is enabled
# description: |
#   `run_command_enabled` is not `false`. The provider default is `true` (and
#   a plan's `after` shows `true` when the attribute is not configured), so
#   anyone with the `Microsoft.ContainerService/managedClusters/runCommand`
#   permission can run kubectl commands in the cluster through the Azure API.
# custom:
#   id: AKS029
#   name: run-command
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["az:89f2d532"]
#   why: |
#     Run command starts a pod with cluster-admin credentials on behalf of an
#     Azure caller. It bypasses the private API server's network boundary and
#     the cluster's own authentication path, so a private cluster with local
#     accounts off is still reachable through the Azure control plane. Azure
#     Policy 89f2d532 ("Azure Kubernetes Clusters should disable Command
#     Invoke") asks for it to be off.
#   remediation: Set `run_command_enabled = false` (use a jump host, Bastion or a self-hosted agent in the network instead).
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                    = "aks-prod"
#         private_cluster_enabled = true
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                    = "aks-prod"
#         private_cluster_enabled = true
#         run_command_enabled     = false
#       }
package akslint.rules.AKS029

import rego.v1

import data.akslint.lib

path := ["run_command_enabled"]

deny contains f if {
	some c in lib.clusters
	a := lib.attr1(c, path)
	a.value != false
	f := lib.result(c, a, verdict_msg(a))
}

verdict_msg(a) := "`run_command_enabled` is known only after apply: it must be `false`." if {
	a.unknown
} else := "Run command is enabled (the provider default is `true`): set `run_command_enabled = false`."
