package akslint.rules.AKS004_test

import rego.v1

import data.akslint.rules.AKS004

addr := "azurerm_kubernetes_cluster.c[0]"

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": addr,
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
}]}}

v4 := ["api_server_access_profile", 0, "authorized_ip_ranges"]

v3 := ["api_server_authorized_ip_ranges"]

one(fs, status, attribute) if {
	count(fs) == 1
	some f in fs
	f.status == status
	f.attribute == attribute
	f.resource == addr
}

test_private_cluster_passes if {
	count(AKS004.deny) == 0 with input as cluster({"private_cluster_enabled": true, "api_server_authorized_ip_ranges": null}, {})
}

test_private_cluster_passes_with_unknown_ranges if {
	count(AKS004.deny) == 0 with input as cluster({"private_cluster_enabled": true}, {"api_server_access_profile": true})
}

test_4x_ranges_pass if {
	count(AKS004.deny) == 0 with input as cluster({"private_cluster_enabled": false, "api_server_access_profile": [{"authorized_ip_ranges": ["203.0.113.0/24"], "subnet_id": ""}]}, {})
}

test_3x_ranges_pass if {
	count(AKS004.deny) == 0 with input as cluster({"private_cluster_enabled": false, "api_server_authorized_ip_ranges": ["203.0.113.0/24"], "api_server_access_profile": null}, {})
}

test_3x_ranges_pass_beside_empty_4x_block if {
	count(AKS004.deny) == 0 with input as cluster({"api_server_authorized_ip_ranges": ["203.0.113.0/24"], "api_server_access_profile": [{"authorized_ip_ranges": []}]}, {})
}

test_known_ranges_pass_with_unknown_private_flag if {
	count(AKS004.deny) == 0 with input as cluster({"api_server_access_profile": [{"authorized_ip_ranges": ["203.0.113.0/24"]}]}, {"private_cluster_enabled": true})
}

test_public_plan_nulls_fails if {
	fs := AKS004.deny with input as cluster({"private_cluster_enabled": false, "api_server_authorized_ip_ranges": null, "api_server_access_profile": null}, {})
	# A 3.x plan carries the 3.x name: the finding names it.
	one(fs, "fail", v3)
	some f in fs
	contains(f.msg, "private_cluster_enabled = true")
}

test_public_state_empty_fails if {
	fs := AKS004.deny with input as cluster({"private_cluster_enabled": false, "api_server_authorized_ip_ranges": [], "api_server_access_profile": [{"authorized_ip_ranges": [], "subnet_id": ""}]}, {})
	one(fs, "fail", v4)
}

test_unset_private_flag_fails if {
	fs := AKS004.deny with input as cluster({}, {})
	one(fs, "fail", v4)
}

test_4x_ranges_unknown_is_unknown if {
	fs := AKS004.deny with input as cluster({"private_cluster_enabled": false}, {"api_server_access_profile.0.authorized_ip_ranges": true})
	one(fs, "unknown", v4)
}

test_3x_ranges_unknown_is_unknown if {
	fs := AKS004.deny with input as cluster({"private_cluster_enabled": false, "api_server_access_profile": null}, {"api_server_authorized_ip_ranges": true})
	one(fs, "unknown", v3)
}

test_private_flag_unknown_is_unknown if {
	fs := AKS004.deny with input as cluster({"api_server_authorized_ip_ranges": []}, {"private_cluster_enabled": true})
	one(fs, "unknown", ["private_cluster_enabled"])
}

automatic(values, unknown) := {"by_type": {"azurerm_kubernetes_automatic_cluster": [{
	"address": "azurerm_kubernetes_automatic_cluster.a",
	"type": "azurerm_kubernetes_automatic_cluster",
	"values": values,
	"unknown": unknown,
}]}}

test_automatic_private_passes if {
	count(AKS004.deny) == 0 with input as automatic({"private_cluster": [{}]}, {})
}

test_automatic_with_ranges_passes if {
	count(AKS004.deny) == 0 with input as automatic({"private_cluster": [], "api_server_access": [{"authorized_ip_ranges": ["203.0.113.0/24"]}]}, {})
}

test_automatic_public_without_ranges_fails if {
	fs := AKS004.deny with input as automatic({"private_cluster": [], "api_server_access": [{"authorized_ip_ranges": []}]}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["api_server_access", 0, "authorized_ip_ranges"]
}

test_automatic_unknown_ranges_is_unknown if {
	fs := AKS004.deny with input as automatic({"private_cluster": []}, {"api_server_access.0.authorized_ip_ranges": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
}
