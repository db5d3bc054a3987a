package akslint.rules.AKS020_test

import rego.v1

import data.akslint.rules.AKS020

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "module.aks.azurerm_kubernetes_cluster.c[0]",
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
}]}}

addr := "module.aks.azurerm_kubernetes_cluster.c[0]"

test_system_assigned_passes if {
	count(AKS020.deny) == 0 with input as cluster({"identity": [{"type": "SystemAssigned", "identity_ids": null}], "service_principal": []}, {})
}

test_user_assigned_case_insensitive_passes if {
	count(AKS020.deny) == 0 with input as cluster({"identity": [{"type": "userassigned", "identity_ids": ["/subscriptions/x/id"]}]}, {})
}

test_both_identity_kinds_pass if {
	count(AKS020.deny) == 0 with input as cluster({"identity": [{"type": "SystemAssigned, UserAssigned"}]}, {})
}

test_state_shape_passes if {
	count(AKS020.deny) == 0 with input as cluster({"identity": [{"type": "SystemAssigned", "identity_ids": [], "principal_id": "p"}], "service_principal": []}, {"identity.0.principal_id": true})
}

test_service_principal_fails if {
	fs := AKS020.deny with input as cluster({"service_principal": [{"client_id": "abc", "client_secret": "(sensitive)"}], "identity": []}, {})
	{[f.resource, f.attribute, f.status] | some f in fs} == {
		[addr, ["service_principal"], "fail"],
		[addr, ["identity"], "fail"],
	}
	every f in fs { not contains(f.msg, "(sensitive)") }
}

test_service_principal_beside_identity_fails if {
	fs := AKS020.deny with input as cluster({"service_principal": [{"client_id": "00000000-0000-0000-0000-000000000001", "client_secret": "(sensitive)"}], "identity": [{"type": "SystemAssigned"}]}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["service_principal"]
}

test_no_identity_null_fails if {
	fs := AKS020.deny with input as cluster({"identity": null, "service_principal": null}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["identity"]
	f.resource == addr
}

test_bad_identity_type_fails if {
	fs := AKS020.deny with input as cluster({"identity": [{"type": "None"}]}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["identity", 0, "type"]
}

test_identity_type_unknown if {
	fs := AKS020.deny with input as cluster({"identity": [{}]}, {"identity.0.type": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["identity", 0, "type"]
	startswith(f.msg, "The cluster's identity type is known only after apply")
}

test_identity_block_unknown if {
	fs := AKS020.deny with input as cluster({}, {"identity": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["identity", 0, "type"]
}

test_service_principal_unknown if {
	fs := AKS020.deny with input as cluster({"identity": [{"type": "SystemAssigned"}]}, {"service_principal": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["service_principal"]
	startswith(f.msg, "The `service_principal` block is known only after apply")
}

automatic(values) := {"by_type": {"azurerm_kubernetes_automatic_cluster": [{
	"address": "azurerm_kubernetes_automatic_cluster.a",
	"type": "azurerm_kubernetes_automatic_cluster",
	"values": values,
	"unknown": {},
}]}}

test_automatic_managed_identity_passes if {
	count(AKS020.deny) == 0 with input as automatic({"identity": [{"type": "SystemAssigned"}]})
}

test_automatic_other_identity_fails if {
	fs := AKS020.deny with input as automatic({"identity": [{"type": "None"}]})
	count(fs) == 1
	some f in fs
	f.attribute == ["identity", 0, "type"]
	f.resource == "azurerm_kubernetes_automatic_cluster.a"
}
