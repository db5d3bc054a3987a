# METADATA
# title: AKS private cluster publishes a public FQDN
# description: |
#   A private cluster has `private_cluster_public_fqdn_enabled = true` (AKS
#   Automatic: `private_cluster[0].public_fully_qualified_domain_name_enabled`),
#   so its API server's private address is published in public DNS. Clusters
#   that are not private are AKS001's business.
# custom:
#   id: AKS008
#   name: private-fqdn
#   severity: HIGH
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_automatic_cluster]
#   related: ["cis:5.4.2"]
#   why: |
#     A public FQDN for a private API server tells anyone who resolves it that
#     the cluster exists and which private address it uses, and it is often
#     turned on to work around a DNS setup that does not resolve the private
#     zone. Keep the name in the private DNS zone linked to the networks that
#     need it (CIS AKS 5.4.2).
#   remediation: Remove `private_cluster_public_fqdn_enabled` or set it to `false` (AKS Automatic `private_cluster { public_fully_qualified_domain_name_enabled = false }`), and resolve the API server through the private DNS zone.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                                = "aks-prod"
#         private_cluster_enabled             = true
#         private_cluster_public_fqdn_enabled = true
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                    = "aks-prod"
#         private_cluster_enabled = true
#         private_dns_zone_id     = azurerm_private_dns_zone.aks.id
#       }
package akslint.rules.AKS008

import rego.v1

import data.akslint.lib
import data.akslint.automatic

private_path := ["private_cluster_enabled"]

fqdn_path := ["private_cluster_public_fqdn_enabled"]

auto_block := ["private_cluster"]

auto_fqdn_path := ["private_cluster", 0, "public_fully_qualified_domain_name_enabled"]

msg := "The private cluster's API server has a public FQDN: set `private_cluster_public_fqdn_enabled = false` and resolve it through the private DNS zone."

unknown_msg := "`private_cluster_public_fqdn_enabled` is known only after apply: on a private cluster it must not be `true`."

unknown_private_msg := "`private_cluster_enabled` is known only after apply and `private_cluster_public_fqdn_enabled = true`: a private cluster must not publish a public FQDN."

# A private cluster: the FQDN flag is judged.
deny contains f if {
	some c in lib.clusters
	lib.is_true(c, private_path)
	lib.unknown(c, fqdn_path)
	f := lib.unknown_finding(c, fqdn_path, unknown_msg)
}

deny contains f if {
	some c in lib.clusters
	lib.is_true(c, private_path)
	lib.is_true(c, fqdn_path)
	f := lib.finding(c, fqdn_path, msg)
}

# Whether the cluster is private is known only after apply.
deny contains f if {
	some c in lib.clusters
	lib.unknown(c, private_path)
	lib.is_true(c, fqdn_path)
	f := lib.unknown_finding(c, fqdn_path, unknown_private_msg)
}

deny contains f if {
	some c in lib.clusters
	lib.unknown(c, private_path)
	lib.unknown(c, fqdn_path)
	f := lib.unknown_finding(c, fqdn_path, unknown_msg)
}

# AKS Automatic: private when the `private_cluster` block is present.
deny contains f if {
	some c in automatic.automatic_clusters
	lib.is_set(c, auto_block)
	lib.unknown(c, auto_fqdn_path)
	f := lib.unknown_finding(c, auto_fqdn_path, "`private_cluster.public_fully_qualified_domain_name_enabled` is known only after apply: it must not be `true`.")
}

deny contains f if {
	some c in automatic.automatic_clusters
	lib.is_true(c, auto_fqdn_path)
	f := lib.finding(c, auto_fqdn_path, "The private cluster's API server has a public FQDN: set `private_cluster { public_fully_qualified_domain_name_enabled = false }` and resolve it through the private DNS zone.")
}
