package akslint.rules.AKS026_test

import rego.v1

import data.akslint.rules.AKS026

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "azurerm_kubernetes_cluster.c",
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}}

test_enabled_passes if {
	count(AKS026.deny) == 0 with input as cluster({"role_based_access_control_enabled": true}, {})
}

test_plan_null_passes if {
	count(AKS026.deny) == 0 with input as cluster({"role_based_access_control_enabled": null}, {})
}

test_absent_passes if {
	count(AKS026.deny) == 0 with input as cluster({}, {})
}

test_state_empty_string_passes if {
	count(AKS026.deny) == 0 with input as cluster({"role_based_access_control_enabled": "", "tags": {}}, {})
}

test_disabled_fails if {
	fs := AKS026.deny with input as cluster({"role_based_access_control_enabled": false}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["role_based_access_control_enabled"]
	f.resource == "azurerm_kubernetes_cluster.c"
}

test_unknown_is_unknown if {
	fs := AKS026.deny with input as cluster({}, {"role_based_access_control_enabled": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["role_based_access_control_enabled"]
	startswith(f.msg, "`role_based_access_control_enabled` is known only after apply: it must not be `false`")
}
