# METADATA
# title: AKS cluster uses the HTTP application routing add-on
# description: |
#   `http_application_routing_enabled = true` deploys the HTTP application
#   routing add-on, a public ingress controller with a public DNS zone that
#   Microsoft documents as not for production use and has retired.
# custom:
#   id: AKS044
#   name: http-app-routing
#   severity: LOW
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["ck:CKV_AZURE_246"]
#   why: |
#     The add-on exposes ingresses on a public IP under an automatically
#     created public DNS zone, offers no TLS management or hardening, and no
#     longer receives updates. Use the application routing add-on
#     (`web_app_routing`) or a managed ingress of your own instead.
#   remediation: Remove `http_application_routing_enabled` or set it to `false`, and use a `web_app_routing` block or your own ingress controller.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                             = "aks-prod"
#         http_application_routing_enabled = true
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                             = "aks-prod"
#         http_application_routing_enabled = false
#
#         web_app_routing {
#           dns_zone_ids = [azurerm_private_dns_zone.apps.id]
#         }
#       }
package akslint.rules.AKS044

import rego.v1

import data.akslint.lib

# Unset means false, the provider default.
routing_ok(a) if {
	not a.unknown
	a.value != true
}

deny contains f if {
	some c in lib.clusters
	a := lib.attr1(c, ["http_application_routing_enabled"])
	not routing_ok(a)
	f := lib.result(c, a, verdict_msg(a))
}

verdict_msg(a) := "`http_application_routing_enabled` is known only after apply: it must not be `true`, or the retired HTTP application routing add-on exposes ingresses publicly." if {
	a.unknown
} else := "The retired HTTP application routing add-on exposes ingresses publicly: set `http_application_routing_enabled = false` (use `web_app_routing` instead)."
