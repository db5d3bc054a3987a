package akslint.rules.AKS022_test

import rego.v1

import data.akslint.rules.AKS022

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "azurerm_kubernetes_cluster.c",
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
}]}}

addr := "azurerm_kubernetes_cluster.c"

test_both_enabled_pass if {
	count(AKS022.deny) == 0 with input as cluster({"oidc_issuer_enabled": true, "workload_identity_enabled": true}, {})
}

test_oidc_only_fails if {
	fs := AKS022.deny with input as cluster({"oidc_issuer_enabled": true, "workload_identity_enabled": false}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["workload_identity_enabled"]
	f.resource == addr
}

test_plan_null_fails_both if {
	fs := AKS022.deny with input as cluster({"oidc_issuer_enabled": null, "workload_identity_enabled": false}, {})
	{[f.resource, f.attribute, f.status] | some f in fs} == {
		[addr, ["oidc_issuer_enabled"], "fail"],
		[addr, ["workload_identity_enabled"], "fail"],
	}
}

test_absent_fails_both if {
	fs := AKS022.deny with input as cluster({}, {})
	count(fs) == 2
}

test_state_shape_fails if {
	fs := AKS022.deny with input as cluster({"oidc_issuer_enabled": false, "oidc_issuer_url": "", "workload_identity_enabled": true}, {})
	count(fs) == 1
	some f in fs
	f.attribute == ["oidc_issuer_enabled"]
}

test_unknown if {
	fs := AKS022.deny with input as cluster({"oidc_issuer_enabled": true}, {"workload_identity_enabled": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["workload_identity_enabled"]
	startswith(f.msg, "`workload_identity_enabled` is known only after apply: it must be `true`")
}

test_issuer_unknown if {
	fs := AKS022.deny with input as cluster({"workload_identity_enabled": true}, {"oidc_issuer_enabled": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["oidc_issuer_enabled"]
	startswith(f.msg, "`oidc_issuer_enabled` is known only after apply: it must be `true`")
}
