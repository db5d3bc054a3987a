# METADATA
# title: Federated credential trusts more than one AKS service account, or the wrong audience
# description: |
#   A federated identity credential that trusts an AKS cluster's OIDC issuer
#   does not name exactly one service account
#   (`system:serviceaccount:<namespace>:<name>`), or accepts tokens for an
#   audience other than `api://AzureADTokenExchange`.
# custom:
#   id: AKS023
#   name: federated-subject
#   severity: HIGH
#   resource_types: [azurerm_federated_identity_credential, azuread_application_federated_identity_credential, azurerm_kubernetes_cluster, azurerm_kubernetes_automatic_cluster]
#   related: []
#   why: |
#     The subject decides which pods may act as the Azure identity. Anything
#     other than one exact namespace and service account (an empty part, a
#     wildcard, another subject format) widens or breaks that trust; an extra
#     or different audience lets tokens minted for other purposes be exchanged.
#   remediation: Set `subject = "system:serviceaccount:<namespace>:<service-account>"` and `audience = ["api://AzureADTokenExchange"]` (azuread `audiences`).
#   params: {}
#   examples:
#     bad: |
#       resource "azurerm_federated_identity_credential" "app" {
#         name                      = "app"
#         resource_group_name       = azurerm_resource_group.this.name
#         user_assigned_identity_id = azurerm_user_assigned_identity.app.id
#         issuer                    = azurerm_kubernetes_cluster.this.oidc_issuer_url
#         subject                   = "system:serviceaccount:app:*"
#         audience                  = ["api://AzureADTokenExchange", "api://other"]
#       }
#     good: |
#       resource "azurerm_federated_identity_credential" "app" {
#         name                      = "app"
#         resource_group_name       = azurerm_resource_group.this.name
#         user_assigned_identity_id = azurerm_user_assigned_identity.app.id
#         issuer                    = azurerm_kubernetes_cluster.this.oidc_issuer_url
#         subject                   = "system:serviceaccount:app:app-sa"
#         audience                  = ["api://AzureADTokenExchange"]
#       }
package akslint.rules.AKS023

import rego.v1

import data.akslint.lib

# Credential type -> the attribute holding its audiences.
audience_field := {
	"azurerm_federated_identity_credential": "audience",
	"azuread_application_federated_identity_credential": "audiences",
}

# Credentials joined to an AKS cluster's OIDC issuer.
credentials contains [r, field] if {
	some t, field in audience_field
	some r in lib.resources_of(t)
	is_string(object.get(r, "oidc_cluster", null))
}

subject_pattern := `^system:serviceaccount:[^:* \t\r\n]+:[^:* \t\r\n]+$`

subject_ok(v) if {
	is_string(v)
	regex.match(subject_pattern, v)
}

deny contains f if {
	some [r, _] in credentials
	a := lib.attr1(r, ["subject"])
	not subject_ok(a.value)
	f := lib.result(r, a, subject_msg(a))
}

# The list, or one of its elements, is known only after apply.
list_unknown(r, path) if lib.unknown(r, path)

list_unknown(r, path) if {
	l := lib.raw(r, path)
	is_array(l)
	some i, v in l
	v == null
	lib.unknown(r, array.concat(path, [i]))
}

deny contains f if {
	some [r, field] in credentials
	lib.raw(r, [field]) != ["api://AzureADTokenExchange"]
	f := audience_verdict(r, field)
}

audience_verdict(r, field) := lib.unknown_finding(r, [field], msg) if {
	list_unknown(r, [field])
	msg := sprintf("The federated credential's `%s` is known only after apply: it must be exactly [\"api://AzureADTokenExchange\"].", [field])
} else := lib.finding(r, [field], msg) if {
	msg := sprintf("The federated credential accepts audiences other than the AKS token exchange: set `%s = [\"api://AzureADTokenExchange\"]`.", [field])
}

subject_msg(a) := "The federated credential's `subject` is known only after apply: it must be exactly one service account of the cluster (`system:serviceaccount:<namespace>:<service-account>`, no wildcard)." if {
	a.unknown
} else := "The federated credential's subject is not exactly one service account of the cluster: set `subject = \"system:serviceaccount:<namespace>:<service-account>\"` with no wildcard."
