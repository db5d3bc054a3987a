package akslint.rules.AKS005_test

import rego.v1

import data.akslint.rules.AKS005

addr := "azurerm_kubernetes_cluster.c"

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": addr,
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
}]}}

np(profile) := {"network_profile": [profile]}

path := ["network_profile", 0, "outbound_type"]

one(fs, status) if {
	count(fs) == 1
	some f in fs
	f.status == status
	f.attribute == path
	f.resource == addr
}

test_udr_passes if {
	count(AKS005.deny) == 0 with input as cluster(np({"network_plugin": "azure", "outbound_type": "userDefinedRouting"}), {})
}

test_udr_case_insensitive_passes if {
	count(AKS005.deny) == 0 with input as cluster(np({"network_plugin": "azure", "outbound_type": "userdefinedrouting"}), {})
}

test_load_balancer_fails if {
	fs := AKS005.deny with input as cluster(np({"network_plugin": "azure", "outbound_type": "loadBalancer"}), {})
	one(fs, "fail")
	some f in fs
	contains(f.msg, "is loadBalancer")
	contains(f.msg, "userDefinedRouting")
}

test_nat_gateway_fails_by_default if {
	fs := AKS005.deny with input as cluster(np({"network_plugin": "azure", "outbound_type": "userAssignedNATGateway"}), {})
	one(fs, "fail")
}

test_plan_null_fails if {
	fs := AKS005.deny with input as cluster(np({"network_plugin": "azure", "outbound_type": null}), {})
	one(fs, "fail")
	some f in fs
	contains(f.msg, "not set")
}

test_state_empty_fails if {
	fs := AKS005.deny with input as cluster(np({"network_plugin": "azure", "outbound_type": ""}), {})
	one(fs, "fail")
}

test_no_network_profile_fails if {
	fs := AKS005.deny with input as cluster({"network_profile": []}, {})
	one(fs, "fail")
}

test_unknown_is_unknown if {
	fs := AKS005.deny with input as cluster(np({"network_plugin": "azure"}), {"network_profile.0.outbound_type": true})
	one(fs, "unknown")
}

test_unknown_block_is_unknown if {
	fs := AKS005.deny with input as cluster({}, {"network_profile": true})
	one(fs, "unknown")
}

test_param_allows_nat_gateway if {
	count(AKS005.deny) == 0 with input as cluster(np({"network_plugin": "azure", "outbound_type": "userAssignedNATGateway"}), {})
		with data.akslint.params.AKS005 as {"allowed_outbound_types": ["userDefinedRouting", "userAssignedNATGateway"]}
}

test_param_excludes_udr if {
	fs := AKS005.deny with input as cluster(np({"network_plugin": "azure", "outbound_type": "userDefinedRouting"}), {})
		with data.akslint.params.AKS005 as {"allowed_outbound_types": ["none"]}
	one(fs, "fail")
}
