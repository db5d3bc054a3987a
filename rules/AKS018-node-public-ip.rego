# METADATA
# title: AKS nodes get public IP addresses
# description: |
#   A node pool gives every node its own public IP address, so the nodes are
#   directly reachable from the internet.
# custom:
#   id: AKS018
#   name: node-public-ip
#   severity: HIGH
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_cluster_node_pool]
#   related: ["ck:CKV_AZURE_143"]
#   why: |
#     Public node IPs bypass the cluster's egress path (load balancer, NAT
#     gateway or hub firewall) and expose the kubelet, SSH and any hostPort or
#     NodePort service to the internet, guarded only by network security groups.
#   remediation: Set `node_public_ip_enabled = false` (3.x `enable_node_public_ip = false`) or remove it; expose workloads through a load balancer or ingress instead.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster_node_pool" "user" {
#         name                   = "user"
#         kubernetes_cluster_id  = azurerm_kubernetes_cluster.this.id
#         vm_size                = "Standard_D4s_v5"
#         node_public_ip_enabled = true
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster_node_pool" "user" {
#         name                   = "user"
#         kubernetes_cluster_id  = azurerm_kubernetes_cluster.this.id
#         vm_size                = "Standard_D4s_v5"
#         node_public_ip_enabled = false
#       }
package akslint.rules.AKS018

import rego.v1

import data.akslint.lib

deny contains f if {
	some p in lib.pools
	a := lib.attr(p, [["node_public_ip_enabled"], ["enable_node_public_ip"]])
	public_or_unknown(a)
	f := lib.result(p, a, verdict_msg(a))
}

verdict_msg(a) := sprintf("`%s` is known only after apply: it must not be `true`, or the node pool gives its nodes public IP addresses.", [a.path[0]]) if {
	a.unknown
} else := "The node pool gives its nodes public IP addresses: set `node_public_ip_enabled = false` (3.x `enable_node_public_ip`) or remove it."

public_or_unknown(a) if a.unknown

public_or_unknown(a) if a.value == true
