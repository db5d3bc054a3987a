package akslint.rules.AKS023_test

import rego.v1

import data.akslint.rules.AKS023

aud := ["api://AzureADTokenExchange"]

azurerm_cred(values, unknown) := {
	"address": "azurerm_federated_identity_credential.app",
	"type": "azurerm_federated_identity_credential",
	"values": values,
	"unknown": unknown,
	"oidc_cluster": "azurerm_kubernetes_cluster.c",
}

azuread_cred(values, unknown) := {
	"address": "module.wi.azuread_application_federated_identity_credential.app[0]",
	"type": "azuread_application_federated_identity_credential",
	"values": values,
	"unknown": unknown,
	"oidc_cluster": "azurerm_kubernetes_cluster.c",
}

rm(values, unknown) := {"by_type": {"azurerm_federated_identity_credential": [azurerm_cred(values, unknown)]}}

ad(values, unknown) := {"by_type": {"azuread_application_federated_identity_credential": [azuread_cred(values, unknown)]}}

rm_addr := "azurerm_federated_identity_credential.app"

ad_addr := "module.wi.azuread_application_federated_identity_credential.app[0]"

test_azurerm_exact_passes if {
	count(AKS023.deny) == 0 with input as rm({"subject": "system:serviceaccount:app:app-sa", "audience": aud, "parent_id": "/x"}, {})
}

test_azurerm_4x_user_assigned_identity_id_passes if {
	count(AKS023.deny) == 0 with input as rm({"subject": "system:serviceaccount:kube-system:csi", "audience": aud, "user_assigned_identity_id": "/x"}, {})
}

test_azuread_exact_passes if {
	count(AKS023.deny) == 0 with input as ad({"subject": "system:serviceaccount:app:app-sa", "audiences": aud, "description": ""}, {})
}

test_wildcard_sa_fails if {
	fs := AKS023.deny with input as rm({"subject": "system:serviceaccount:app:*", "audience": aud}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["subject"]
	f.resource == rm_addr
}

test_wildcard_inside_fails if {
	some f in AKS023.deny with input as rm({"subject": "system:serviceaccount:app-*:sa", "audience": aud}, {})
	f.attribute == ["subject"]
}

test_empty_namespace_fails if {
	some f in AKS023.deny with input as rm({"subject": "system:serviceaccount::sa", "audience": aud}, {})
	f.attribute == ["subject"]
}

test_empty_sa_fails if {
	some f in AKS023.deny with input as rm({"subject": "system:serviceaccount:app:", "audience": aud}, {})
	f.attribute == ["subject"]
}

test_extra_part_fails if {
	some f in AKS023.deny with input as rm({"subject": "system:serviceaccount:app:sa:extra", "audience": aud}, {})
	f.attribute == ["subject"]
}

test_other_subject_format_fails if {
	some f in AKS023.deny with input as ad({"subject": "repo:org/app:ref:refs/heads/main", "audiences": aud}, {})
	f.attribute == ["subject"]
	f.resource == ad_addr
}

test_prefix_not_anchored_fails if {
	some f in AKS023.deny with input as rm({"subject": "xsystem:serviceaccount:app:sa", "audience": aud}, {})
	f.attribute == ["subject"]
}

test_state_empty_subject_fails if {
	some f in AKS023.deny with input as rm({"subject": "", "audience": aud}, {})
	f.status == "fail"
	f.attribute == ["subject"]
}

test_null_subject_fails if {
	some f in AKS023.deny with input as ad({"subject": null, "audiences": aud}, {})
	f.status == "fail"
	f.attribute == ["subject"]
}

test_subject_unknown if {
	fs := AKS023.deny with input as rm({"audience": aud}, {"subject": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["subject"]
	startswith(f.msg, "The federated credential's `subject` is known only after apply")
}

test_azurerm_extra_audience_fails if {
	fs := AKS023.deny with input as rm({"subject": "system:serviceaccount:app:sa", "audience": ["api://AzureADTokenExchange", "api://other"]}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["audience"]
}

test_azuread_wrong_audience_fails if {
	fs := AKS023.deny with input as ad({"subject": "system:serviceaccount:app:sa", "audiences": ["api://other"]}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["audiences"]
	f.resource == ad_addr
}

test_azuread_reads_audiences_not_audience if {
	some f in AKS023.deny with input as ad({"subject": "system:serviceaccount:app:sa", "audience": aud, "audiences": []}, {})
	f.attribute == ["audiences"]
	f.status == "fail"
}

test_audience_unknown if {
	fs := AKS023.deny with input as rm({"subject": "system:serviceaccount:app:sa"}, {"audience": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["audience"]
}

test_audience_element_unknown if {
	fs := AKS023.deny with input as ad({"subject": "system:serviceaccount:app:sa", "audiences": [null]}, {"audiences.0": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["audiences"]
}

test_not_joined_to_cluster_ignored if {
	c := object.union(azurerm_cred({"subject": "*", "audience": []}, {}), {"oidc_cluster": null})
	count(AKS023.deny) == 0 with input as {"by_type": {"azurerm_federated_identity_credential": [c]}}
}

test_missing_oidc_cluster_ignored if {
	c := object.remove(azuread_cred({"subject": "*", "audiences": []}, {}), ["oidc_cluster"])
	count(AKS023.deny) == 0 with input as {"by_type": {"azuread_application_federated_identity_credential": [c]}}
}

test_whitespace_in_subject_fails if {
	some f in AKS023.deny with input as rm({"subject": "system:serviceaccount:app:sa ", "audience": aud}, {})
	f.attribute == ["subject"]
	f.status == "fail"
}
