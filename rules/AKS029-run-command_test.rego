package akslint.rules.AKS029_test

import rego.v1

import data.akslint.rules.AKS029

addr := "module.aks[\"prod\"].azurerm_kubernetes_cluster.this"

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": addr,
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
}]}}

one(fs, status) if {
	count(fs) == 1
	some f in fs
	f.status == status
	f.attribute == ["run_command_enabled"]
	f.resource == addr
}

test_false_passes if {
	count(AKS029.deny) == 0 with input as cluster({"run_command_enabled": false}, {})
}

test_true_fails if {
	fs := AKS029.deny with input as cluster({"run_command_enabled": true}, {})
	one(fs, "fail")
}

# State of a cluster created before the attribute existed, or a plan whose
# provider omitted the default: unset means the provider default, true.
test_unset_fails if {
	fs := AKS029.deny with input as cluster({}, {})
	one(fs, "fail")
	some f in fs
	contains(f.msg, "default")
}

test_state_null_fails if {
	fs := AKS029.deny with input as cluster({"run_command_enabled": null}, {})
	one(fs, "fail")
}

test_unknown_is_unknown if {
	fs := AKS029.deny with input as cluster({}, {"run_command_enabled": true})
	one(fs, "unknown")
}

test_automatic_cluster_has_no_finding if {
	count(AKS029.deny) == 0 with input as {"by_type": {"azurerm_kubernetes_automatic_cluster": [{
		"address": "azurerm_kubernetes_automatic_cluster.a",
		"type": "azurerm_kubernetes_automatic_cluster",
		"values": {},
		"unknown": {},
	}]}}
}
