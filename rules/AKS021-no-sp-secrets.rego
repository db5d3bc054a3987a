# METADATA
# title: Terraform creates a client secret for an Entra ID application
# description: |
#   The configuration creates an `azuread_service_principal_password` or an
#   `azuread_application_password`: a long-lived client secret, which ends up
#   in the Terraform state and in whatever consumes it.
# custom:
#   id: AKS021
#   name: no-sp-secrets
#   severity: HIGH
#   resource_types: [azuread_service_principal_password, azuread_application_password]
#   related: []
#   why: |
#     Client secrets are stored in plain text in the Terraform state, get
#     copied into pipelines and Kubernetes secrets, and stay valid until they
#     expire. Managed identities and workload identity federation let the
#     cluster and its workloads authenticate without any secret.
#   remediation: Remove the password resource; give the cluster a managed identity (`identity { type = "SystemAssigned" }`) and workloads a federated identity credential (workload identity) instead.
#   params: {}
#   examples:
#     bad: |
#       resource "azuread_application_password" "aks" {
#         application_id = azuread_application.aks.id
#         end_date       = "2026-01-01T00:00:00Z"
#       }
#     good: |
#       resource "azurerm_federated_identity_credential" "app" {
#         name                      = "app"
#         resource_group_name       = azurerm_resource_group.this.name
#         user_assigned_identity_id = azurerm_user_assigned_identity.app.id
#         issuer                    = azurerm_kubernetes_cluster.this.oidc_issuer_url
#         subject                   = "system:serviceaccount:app:app"
#         audience                  = ["api://AzureADTokenExchange"]
#       }
package akslint.rules.AKS021

import rego.v1

import data.akslint.lib

secret_types := ["azuread_service_principal_password", "azuread_application_password"]

deny contains f if {
	some t in secret_types
	some r in lib.resources_of(t)
	f := lib.finding(r, [], sprintf("This %s creates a long-lived client secret that is stored in the Terraform state: remove it and use a managed identity or workload identity federation instead.", [t]))
}
