package akslint.rules.AKS002_test

import rego.v1

import data.akslint.rules.AKS002

addr := "azurerm_kubernetes_cluster.c"

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": addr,
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
}]}}

np(profile) := {"network_profile": [profile]}

plugin := ["network_profile", 0, "network_plugin"]

mode := ["network_profile", 0, "network_plugin_mode"]

# exactly one finding, with this status and attribute
one(fs, status, attribute) if {
	count(fs) == 1
	some f in fs
	f.status == status
	f.attribute == attribute
	f.resource == addr
}

test_overlay_passes_3x_plan_shape if {
	count(AKS002.deny) == 0 with input as cluster(np({"network_plugin": "azure", "network_plugin_mode": "overlay", "ebpf_data_plane": null, "network_policy": null}), {})
}

test_overlay_case_insensitive if {
	count(AKS002.deny) == 0 with input as cluster(np({"network_plugin": "Azure", "network_plugin_mode": "Overlay"}), {})
}

test_cilium_4x_name_passes if {
	count(AKS002.deny) == 0 with input as cluster(np({"network_plugin": "azure", "network_plugin_mode": null, "network_data_plane": "cilium"}), {})
}

test_cilium_3x_name_passes if {
	count(AKS002.deny) == 0 with input as cluster(np({"network_plugin": "azure", "network_plugin_mode": "", "ebpf_data_plane": "cilium"}), {})
}

test_overlay_passes_even_if_data_plane_unknown if {
	count(AKS002.deny) == 0 with input as cluster(np({"network_plugin": "azure", "network_plugin_mode": "overlay"}), {"network_profile.0.network_data_plane": true})
}

test_kubenet_fails if {
	fs := AKS002.deny with input as cluster(np({"network_plugin": "kubenet", "network_plugin_mode": null}), {})
	one(fs, "fail", plugin)
	some f in fs
	contains(f.msg, "kubenet")
	contains(f.msg, "network_plugin_mode = \"overlay\"")
}

test_kubenet_with_overlay_mode_still_fails if {
	fs := AKS002.deny with input as cluster(np({"network_plugin": "kubenet", "network_plugin_mode": "overlay"}), {})
	one(fs, "fail", plugin)
}

test_no_network_profile_plan_null_fails if {
	fs := AKS002.deny with input as cluster({"network_profile": null}, {})
	one(fs, "fail", plugin)
}

test_no_network_profile_state_empty_fails if {
	fs := AKS002.deny with input as cluster({"network_profile": []}, {})
	one(fs, "fail", plugin)
	some f in fs
	contains(f.msg, "unset")
}

test_byo_cni_none_fails if {
	fs := AKS002.deny with input as cluster(np({"network_plugin": "none"}), {})
	one(fs, "fail", plugin)
}

test_flat_azure_cni_fails_3x_state_shape if {
	fs := AKS002.deny with input as cluster(np({"network_plugin": "azure", "network_plugin_mode": "", "ebpf_data_plane": "", "network_policy": "azure"}), {})
	one(fs, "fail", mode)
}

test_flat_azure_cni_fails_4x_azure_data_plane if {
	fs := AKS002.deny with input as cluster(np({"network_plugin": "azure", "network_plugin_mode": null, "network_data_plane": "azure"}), {})
	one(fs, "fail", mode)
}

test_plugin_unknown_is_unknown if {
	fs := AKS002.deny with input as cluster(np({"network_plugin_mode": "overlay"}), {"network_profile.0.network_plugin": true})
	one(fs, "unknown", plugin)
}

test_network_profile_block_unknown_is_unknown if {
	fs := AKS002.deny with input as cluster({}, {"network_profile": true})
	one(fs, "unknown", plugin)
}

test_mode_unknown_is_unknown if {
	fs := AKS002.deny with input as cluster(np({"network_plugin": "azure", "network_data_plane": "azure"}), {"network_profile.0.network_plugin_mode": true})
	one(fs, "unknown", mode)
}

test_data_plane_unknown_4x_is_unknown if {
	fs := AKS002.deny with input as cluster(np({"network_plugin": "azure", "network_plugin_mode": null}), {"network_profile.0.network_data_plane": true})
	one(fs, "unknown", ["network_profile", 0, "network_data_plane"])
}

test_data_plane_unknown_3x_is_unknown if {
	fs := AKS002.deny with input as cluster(np({"network_plugin": "azure", "network_plugin_mode": null}), {"network_profile.0.ebpf_data_plane": true})
	one(fs, "unknown", ["network_profile", 0, "ebpf_data_plane"])
}

test_each_cluster_judged if {
	fs := AKS002.deny with input as {"by_type": {"azurerm_kubernetes_cluster": [
		{"address": "azurerm_kubernetes_cluster.a[0]", "values": np({"network_plugin": "kubenet"}), "unknown": {}},
		{"address": "azurerm_kubernetes_cluster.a[1]", "values": np({"network_plugin": "azure", "network_plugin_mode": "overlay"}), "unknown": {}},
	]}}
	count(fs) == 1
	some f in fs
	f.resource == "azurerm_kubernetes_cluster.a[0]"
}
