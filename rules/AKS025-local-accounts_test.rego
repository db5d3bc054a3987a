package akslint.rules.AKS025_test

import rego.v1

import data.akslint.rules.AKS025

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "azurerm_kubernetes_cluster.c[0]",
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}}

test_disabled_passes if {
	count(AKS025.deny) == 0 with input as cluster({"local_account_disabled": true}, {})
}

test_enabled_fails if {
	fs := AKS025.deny with input as cluster({"local_account_disabled": false}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["local_account_disabled"]
	f.resource == "azurerm_kubernetes_cluster.c[0]"
}

test_plan_null_fails if {
	fs := AKS025.deny with input as cluster({"local_account_disabled": null}, {})
	some f in fs
	f.status == "fail"
	f.attribute == ["local_account_disabled"]
}

test_absent_fails if {
	fs := AKS025.deny with input as cluster({}, {})
	some f in fs
	f.status == "fail"
	f.attribute == ["local_account_disabled"]
}

test_state_empty_string_fails if {
	fs := AKS025.deny with input as cluster({"local_account_disabled": "", "tags": {}}, {})
	some f in fs
	f.status == "fail"
}

test_unknown_is_unknown if {
	fs := AKS025.deny with input as cluster({}, {"local_account_disabled": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["local_account_disabled"]
	startswith(f.msg, "`local_account_disabled` is known only after apply: it must be `true`")
}

test_string_true_fails if {
	# Only the boolean true counts.
	fs := AKS025.deny with input as cluster({"local_account_disabled": "true"}, {})
	count(fs) == 1
}
