# METADATA
# title: Container registry has an admin user or a public endpoint
# description: |
#   An `azurerm_container_registry` in a plan or state that holds an AKS
#   cluster has the admin user enabled, or accepts traffic from public
#   networks (`public_network_access_enabled` is not `false`; the provider
#   default is `true`).
# custom:
#   id: AKS037
#   name: acr-private
#   severity: HIGH
#   resource_types: [azurerm_container_registry, azurerm_kubernetes_cluster, azurerm_kubernetes_automatic_cluster]
#   related: ["ck:CKV_AZURE_137", "ck:CKV_AZURE_139", "kics:admin_user_enabled_for_container_registry", "psrule:Azure.ACR.AdminUser", "cis:5.1.2"]
#   why: |
#     The registry holds the images the cluster runs. Its admin user is a
#     shared, long-lived password with push rights; a public endpoint lets
#     anyone with a leaked credential pull or push images from anywhere. With
#     a private endpoint and Entra ID (the kubelet identity's AcrPull), neither
#     is needed.
#   remediation: Set `admin_enabled = false` and `public_network_access_enabled = false` (Premium SKU, with a private endpoint in the cluster's network).
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_container_registry" "acr" {
#         name                = "acrprod"
#         resource_group_name = azurerm_resource_group.this.name
#         location            = azurerm_resource_group.this.location
#         sku                 = "Premium"
#         admin_enabled       = true
#       }
#     good: |
#       resource "azurerm_container_registry" "acr" {
#         name                          = "acrprod"
#         resource_group_name           = azurerm_resource_group.this.name
#         location                      = azurerm_resource_group.this.location
#         sku                           = "Premium"
#         admin_enabled                 = false
#         public_network_access_enabled = false
#       }
package akslint.rules.AKS037

import rego.v1

import data.akslint.joins
import data.akslint.lib

admin_check(r) := {"path": ["admin_enabled"], "status": "unknown", "text": "`admin_enabled` must not be true"} if {
	lib.unknown(r, ["admin_enabled"])
} else := {"path": ["admin_enabled"], "status": "fail", "text": "the admin user is enabled: set `admin_enabled = false`"} if {
	lib.raw(r, ["admin_enabled"]) == true
}

public_check(r) := {"path": ["public_network_access_enabled"], "status": "unknown", "text": "`public_network_access_enabled` must be false"} if {
	lib.unknown(r, ["public_network_access_enabled"])
} else := {"path": ["public_network_access_enabled"], "status": "fail", "text": "public network access is enabled (the provider default): set `public_network_access_enabled = false`"} if {
	lib.raw(r, ["public_network_access_enabled"]) != false
}

deny contains f if {
	joins.any_cluster
	some r in lib.resources_of("azurerm_container_registry")
	checks := array.concat([c | c := admin_check(r)], [c | c := public_check(r)])
	f := joins.checks_finding(r, checks, "The container registry, managed beside a cluster, is not private")
}
