package akslint.rules.AKS031_test

import rego.v1

import data.akslint.rules.AKS031

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "azurerm_kubernetes_cluster.c",
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}}

test_enabled_passes if {
	count(AKS031.deny) == 0 with input as cluster({"azure_policy_enabled": true}, {})
}

test_disabled_fails if {
	fs := AKS031.deny with input as cluster({"azure_policy_enabled": false}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["azure_policy_enabled"]
	f.resource == "azurerm_kubernetes_cluster.c"
}

test_plan_null_fails if {
	fs := AKS031.deny with input as cluster({"azure_policy_enabled": null}, {})
	some f in fs
	f.status == "fail"
	f.attribute == ["azure_policy_enabled"]
}

test_absent_fails if {
	fs := AKS031.deny with input as cluster({}, {})
	some f in fs
	f.status == "fail"
}

test_state_empty_string_fails if {
	fs := AKS031.deny with input as cluster({"azure_policy_enabled": ""}, {})
	some f in fs
	f.status == "fail"
}

test_unknown_is_unknown if {
	fs := AKS031.deny with input as cluster({}, {"azure_policy_enabled": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["azure_policy_enabled"]
	startswith(f.msg, "`azure_policy_enabled` is known only after apply: it must be `true`")
}
