package akslint.rules.AKS021_test

import rego.v1

import data.akslint.rules.AKS021

sp_password := {
	"address": "azuread_service_principal_password.aks",
	"type": "azuread_service_principal_password",
	"values": {"service_principal_id": "sp", "value": "(sensitive)", "end_date": ""},
	"unknown": {},
	"sensitive": {"value": true},
}

app_password := {
	"address": "module.iam.azuread_application_password.ci[\"prod\"]",
	"type": "azuread_application_password",
	"values": {"application_id": null, "value": "(sensitive)"},
	"unknown": {"application_id": true, "value": true},
	"sensitive": {"value": true},
}

test_no_passwords_pass if {
	count(AKS021.deny) == 0 with input as {"by_type": {"azurerm_kubernetes_cluster": [{"address": "azurerm_kubernetes_cluster.c", "values": {}, "unknown": {}}]}}
}

test_empty_input_passes if {
	count(AKS021.deny) == 0 with input as {"format": 1}
}

test_each_password_fails_without_cluster if {
	fs := AKS021.deny with input as {"by_type": {
		"azuread_service_principal_password": [sp_password],
		"azuread_application_password": [app_password],
	}}
	{[f.resource, f.attribute, f.status] | some f in fs} == {
		["azuread_service_principal_password.aks", [], "fail"],
		["module.iam.azuread_application_password.ci[\"prod\"]", [], "fail"],
	}
	every f in fs { not contains(f.msg, "(sensitive)") }
}

test_unknown_values_still_fail if {
	fs := AKS021.deny with input as {"by_type": {"azuread_application_password": [app_password]}}
	count(fs) == 1
	some f in fs
	f.status == "fail"
	contains(f.msg, "azuread_application_password")
}
