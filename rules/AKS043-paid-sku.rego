# METADATA
# title: AKS cluster runs on the Free tier without an uptime SLA
# description: |
#   The cluster's `sku_tier` is `Free` (or unset, which means Free). The Free
#   tier has no financially backed uptime SLA for the API server and is
#   meant for development and testing.
# custom:
#   id: AKS043
#   name: paid-sku
#   severity: MEDIUM
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["ck:CKV_AZURE_170"]
#   why: |
#     On the Free tier the control plane has limited resources and no SLA:
#     under load (many nodes, controllers, CI traffic) the API server
#     throttles or becomes unavailable, and so do deployments, autoscaling and
#     node repairs. Standard and Premium scale the control plane and
#     guarantee 99.95% availability with zones.
#   remediation: Set `sku_tier = "Standard"` (or `"Premium"` for long-term support); `Paid` is the old name of Standard on older providers.
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name     = "aks-prod"
#         sku_tier = "Free"
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name     = "aks-prod"
#         sku_tier = "Standard"
#       }
package akslint.rules.AKS043

import rego.v1

import data.akslint.lib

allowed := {"Standard", "Premium", "Paid"}

sku_ok(a) if {
	not a.unknown
	lib.in_ci(a.value, allowed)
}

deny contains f if {
	some c in lib.clusters
	a := lib.attr1(c, ["sku_tier"])
	not sku_ok(a)
	f := lib.result(c, a, verdict_msg(a))
}

verdict_msg(a) := "`sku_tier` is known only after apply: it must be \"Standard\" or \"Premium\" for an API server uptime SLA." if {
	a.unknown
} else := "The cluster runs on the Free tier, without an API server uptime SLA: set `sku_tier = \"Standard\"` (or \"Premium\")."
