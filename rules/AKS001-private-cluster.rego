# METADATA
# title: AKS API server is reachable from the internet
# description: |
#   The cluster's API server has a public endpoint. Anyone on the internet can
#   reach the Kubernetes API and attempt authentication against it.
#   On an AKS Automatic cluster (`azurerm_kubernetes_automatic_cluster`) the
#   `private_cluster` block is absent.
# custom:
#   id: AKS001
#   name: private-cluster
#   severity: HIGH
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_automatic_cluster]
#   related: ["ck:CKV_AZURE_115", "tv:AZU-0065", "az:040732e8", "cis:5.4.2", "cis:5.4.3"]
#   why: |
#     A private cluster exposes the API server only on a private endpoint in the
#     cluster's virtual network, which removes the largest attack surface of a
#     cluster: credential stuffing and zero-days against a public Kubernetes API.
#   remediation: Set `private_cluster_enabled = true` (and reach the API through a VNet, a jump host or a VPN).
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                    = "aks-prod"
#         private_cluster_enabled = false
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name                    = "aks-prod"
#         private_cluster_enabled = true
#       }
package akslint.rules.AKS001

import rego.v1

import data.akslint.automatic
import data.akslint.lib

deny contains finding if {
	some c in lib.clusters
	a := lib.attr1(c, ["private_cluster_enabled"])
	a.value != true
	finding := lib.result(c, a, verdict_msg(a))
}

verdict_msg(a) := "`private_cluster_enabled` is known only after apply: it must be `true`, or the API server has a public endpoint." if {
	a.unknown
} else := "The API server has a public endpoint: set `private_cluster_enabled = true`."

# AKS Automatic: private when the `private_cluster` block is present.
deny contains finding if {
	some c in automatic.automatic_clusters
	a := lib.attr1(c, ["private_cluster"])
	a.value == null
	finding := lib.result(c, a, automatic_msg(a))
}

automatic_msg(a) := "The `private_cluster` block is known only after apply: without it the API server has a public endpoint." if {
	a.unknown
} else := "The API server has a public endpoint: add a `private_cluster {}` block."
