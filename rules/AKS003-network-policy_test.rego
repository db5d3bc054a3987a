package akslint.rules.AKS003_test

import rego.v1

import data.akslint.rules.AKS003

addr := "module.aks[\"prod\"].azurerm_kubernetes_cluster.this"

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": addr,
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
}]}}

np(profile) := {"network_profile": [profile]}

path := ["network_profile", 0, "network_policy"]

one(fs, status) if {
	count(fs) == 1
	some f in fs
	f.status == status
	f.attribute == path
	f.resource == addr
}

test_calico_passes if {
	count(AKS003.deny) == 0 with input as cluster(np({"network_plugin": "azure", "network_policy": "calico"}), {})
}

test_cilium_passes if {
	count(AKS003.deny) == 0 with input as cluster(np({"network_plugin": "azure", "network_policy": "cilium", "network_data_plane": "cilium"}), {})
}

test_azure_case_insensitive_passes if {
	count(AKS003.deny) == 0 with input as cluster(np({"network_plugin": "azure", "network_policy": "Azure"}), {})
}

test_plan_null_policy_fails if {
	fs := AKS003.deny with input as cluster(np({"network_plugin": "azure", "network_policy": null}), {})
	one(fs, "fail")
	some f in fs
	contains(f.msg, "is not set")
	contains(f.msg, "calico, cilium, azure")
}

test_state_empty_policy_fails if {
	fs := AKS003.deny with input as cluster(np({"network_plugin": "kubenet", "network_policy": ""}), {})
	one(fs, "fail")
}

test_absent_network_profile_fails if {
	fs := AKS003.deny with input as cluster({"network_profile": []}, {})
	one(fs, "fail")
}

test_unlisted_policy_fails if {
	fs := AKS003.deny with input as cluster(np({"network_plugin": "azure", "network_policy": "none"}), {})
	one(fs, "fail")
	some f in fs
	contains(f.msg, "is none")
}

test_unknown_policy_is_unknown if {
	fs := AKS003.deny with input as cluster(np({"network_plugin": "azure"}), {"network_profile.0.network_policy": true})
	one(fs, "unknown")
}

test_unknown_block_is_unknown if {
	fs := AKS003.deny with input as cluster({}, {"network_profile": true})
	one(fs, "unknown")
}

test_param_narrows_allowed_set if {
	fs := AKS003.deny with input as cluster(np({"network_plugin": "azure", "network_policy": "azure"}), {})
		with data.akslint.params.AKS003 as {"allowed_policies": ["cilium"]}
	one(fs, "fail")
	some f in fs
	contains(f.msg, "one of cilium")
}

test_param_allows_value if {
	count(AKS003.deny) == 0 with input as cluster(np({"network_plugin": "azure", "network_policy": "cilium"}), {})
		with data.akslint.params.AKS003 as {"allowed_policies": ["Cilium"]}
}

test_cilium_data_plane_without_policy_passes if {
	count(AKS003.deny) == 0 with input as cluster(np({"network_plugin": "azure", "network_plugin_mode": "overlay", "network_data_plane": "cilium", "network_policy": null}), {})
}

test_cilium_data_plane_3x_name_passes if {
	count(AKS003.deny) == 0 with input as cluster(np({"network_plugin": "azure", "ebpf_data_plane": "Cilium", "network_policy": ""}), {})
}

test_azure_data_plane_without_policy_fails if {
	fs := AKS003.deny with input as cluster(np({"network_plugin": "azure", "network_data_plane": "azure", "network_policy": null}), {})
	one(fs, "fail")
	some f in fs
	contains(f.msg, "Cilium data plane")
}

test_cilium_data_plane_with_other_policy_fails if {
	fs := AKS003.deny with input as cluster(np({"network_plugin": "azure", "network_data_plane": "cilium", "network_policy": "none"}), {})
	one(fs, "fail")
}

test_unknown_data_plane_without_policy_is_unknown if {
	fs := AKS003.deny with input as cluster(np({"network_plugin": "azure", "network_policy": null}), {"network_profile.0.network_data_plane": true})
	one(fs, "unknown")
}

test_unknown_policy_on_cilium_is_unknown if {
	fs := AKS003.deny with input as cluster(np({"network_plugin": "azure", "network_data_plane": "cilium"}), {"network_profile.0.network_policy": true})
	one(fs, "unknown")
}
