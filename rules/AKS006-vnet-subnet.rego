# METADATA
# title: AKS node pool is not placed in your own virtual network subnet
# description: |
#   The node pool has no `vnet_subnet_id`, so AKS creates a managed virtual
#   network for its nodes outside your hub-and-spoke network, where your
#   routes, NSGs, firewall and private endpoints do not apply.
#   AKS Automatic: the cluster has no `hosted_system` block (its node
#   subnets), reported once on the cluster.
# custom:
#   id: AKS006
#   name: vnet-subnet
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_cluster_node_pool, azurerm_kubernetes_automatic_cluster]
#   related: []
#   why: |
#     Nodes in the spoke subnet you manage follow the spoke's route table (egress
#     through the hub firewall), NSGs and DNS, and can reach private endpoints
#     and peered networks. A managed VNet cannot be peered or routed by your
#     Terraform and cannot be changed later without recreating the pool.
#   remediation: Set `vnet_subnet_id` on the node pool (and on `default_node_pool`) to the id of a subnet of the cluster's spoke network.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster_node_pool" "user" {
#         name                  = "user"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4s_v5"
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster_node_pool" "user" {
#         name                  = "user"
#         kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
#         vm_size               = "Standard_D4s_v5"
#         vnet_subnet_id        = azurerm_subnet.aks_nodes.id
#       }
package akslint.rules.AKS006

import rego.v1

import data.akslint.automatic
import data.akslint.lib

# Only needs to be set: a subnet id known after apply counts as set.
deny contains f if {
	some p in lib.pools
	lib.is_unset(p, ["vnet_subnet_id"])
	f := lib.finding(p, ["vnet_subnet_id"], "The node pool has no subnet of your own virtual network: set `vnet_subnet_id` to a subnet of the cluster's spoke network.")
}

# AKS Automatic: bring-your-own node subnets are the `hosted_system` block
# (`node_subnet_id`, `system_node_subnet_id`); one finding on the cluster.
deny contains f if {
	some c in automatic.automatic_clusters
	lib.is_unset(c, ["hosted_system"])
	f := lib.finding(c, ["hosted_system"], "The AKS Automatic cluster's nodes do not live in a subnet of your own virtual network: add `hosted_system { node_subnet_id = ..., system_node_subnet_id = ... }` with subnets of the cluster's spoke network.")
}
