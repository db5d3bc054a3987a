# METADATA
# title: AKS cluster authenticates to Azure with a service principal
# description: |
#   The cluster uses a `service_principal` block (a client id and a client
#   secret), or has no system- or user-assigned managed identity.
#   AKS Automatic clusters are checked for their `identity` type too.
# custom:
#   id: AKS020
#   name: no-service-principal
#   severity: HIGH
#   resource_types: [azurerm_kubernetes_cluster, azurerm_kubernetes_automatic_cluster]
#   related: ["psrule:Azure.AKS.ManagedIdentity"]
#   why: |
#     A service principal's client secret is a long-lived credential stored in
#     the Terraform state and on the cluster; it expires (breaking the cluster)
#     and can leak. A managed identity has no secret to store, rotate or steal.
#   remediation: Remove the `service_principal` block and add `identity { type = "SystemAssigned" }` (or `"UserAssigned"` with `identity_ids`).
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name       = "aks-prod"
#         dns_prefix = "aks-prod"
#         service_principal {
#           client_id     = var.client_id
#           client_secret = var.client_secret
#         }
#       }
#     good: |
#       resource "azurerm_kubernetes_cluster" "this" {
#         name       = "aks-prod"
#         dns_prefix = "aks-prod"
#         identity {
#           type = "SystemAssigned"
#         }
#       }
package akslint.rules.AKS020

import rego.v1

import data.akslint.automatic
import data.akslint.lib

allowed := {"SystemAssigned", "UserAssigned"}

deny contains f if {
	some c in automatic.all_clusters
	a := lib.attr1(c, ["service_principal"])
	lib.is_set(c, a.path)
	f := lib.result(c, a, sp_message(a))
}

sp_message(a) := "The `service_principal` block is known only after apply: the cluster must authenticate with a managed identity (`identity { type = \"SystemAssigned\" }` or `\"UserAssigned\"`), not a service principal and its client secret." if a.unknown

else := "The cluster authenticates with a service principal and its client secret: remove the `service_principal` block and use `identity { type = \"SystemAssigned\" }` or `\"UserAssigned\"`."

deny contains f if {
	some c in automatic.all_clusters
	lib.is_unset(c, ["identity"])
	f := lib.finding(c, ["identity"], "The cluster has no managed identity: add `identity { type = \"SystemAssigned\" }` (or `\"UserAssigned\"` with `identity_ids`).")
}

deny contains f if {
	some c in automatic.all_clusters
	not lib.is_unset(c, ["identity"])
	a := lib.attr1(c, ["identity", 0, "type"])
	not managed(a.value)
	f := lib.result(c, a, type_message(a))
}

type_message(a) := "The cluster's identity type is known only after apply: it must be a managed identity (`SystemAssigned` or `UserAssigned`)." if a.unknown

else := "The cluster's identity is not a managed identity: set `identity { type = \"SystemAssigned\" }` or `\"UserAssigned\"`."

managed(t) if lib.in_ci(t, allowed)

# "SystemAssigned, UserAssigned" (which AKS does not offer, but it is still a
# managed identity).
managed(t) if {
	is_string(t)
	parts := split(t, ",")
	count(parts) > 1
	every part in parts {
		lib.in_ci(trim_space(part), allowed)
	}
}
