package akslint.rules.AKS041_test

import rego.v1

import data.akslint.rules.AKS041

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "azurerm_kubernetes_cluster.c",
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}}

# {[status, attribute]} of the findings.
verdicts(fs) := {[f.status, f.attribute] | some f in fs}

test_4x_names_pass if {
	count(AKS041.deny) == 0 with input as cluster({"automatic_upgrade_channel": "patch", "node_os_upgrade_channel": "NodeImage"}, {})
}

test_3x_names_pass if {
	count(AKS041.deny) == 0 with input as cluster({"automatic_channel_upgrade": "stable", "node_os_channel_upgrade": "SecurityPatch"}, {})
}

test_other_channels_pass if {
	count(AKS041.deny) == 0 with input as cluster({"automatic_upgrade_channel": "rapid", "node_os_upgrade_channel": "SecurityPatch"}, {})
	count(AKS041.deny) == 0 with input as cluster({"automatic_upgrade_channel": "node-image", "node_os_upgrade_channel": "NodeImage"}, {})
}

test_case_insensitive_passes if {
	count(AKS041.deny) == 0 with input as cluster({"automatic_upgrade_channel": "Patch", "node_os_upgrade_channel": "nodeimage"}, {})
}

test_4x_none_and_unmanaged_fail if {
	fs := AKS041.deny with input as cluster({"automatic_upgrade_channel": "none", "node_os_upgrade_channel": "Unmanaged"}, {})
	verdicts(fs) == {["fail", ["automatic_upgrade_channel"]], ["fail", ["node_os_upgrade_channel"]]}
	every f in fs {
		f.resource == "azurerm_kubernetes_cluster.c"
	}
}

test_3x_none_fails_under_3x_names if {
	fs := AKS041.deny with input as cluster({"automatic_channel_upgrade": "None", "node_os_channel_upgrade": "None"}, {})
	verdicts(fs) == {["fail", ["automatic_channel_upgrade"]], ["fail", ["node_os_channel_upgrade"]]}
}

test_3x_plan_nulls_fail_under_3x_names if {
	# A 3.x plan carries the 3.x keys as null and no 4.x keys.
	fs := AKS041.deny with input as cluster({"automatic_channel_upgrade": null, "node_os_channel_upgrade": null}, {})
	verdicts(fs) == {["fail", ["automatic_channel_upgrade"]], ["fail", ["node_os_channel_upgrade"]]}
	some f in fs
	f.attribute == ["automatic_channel_upgrade"]
	contains(f.msg, "`automatic_channel_upgrade`")
}

test_4x_state_empty_strings_fail if {
	fs := AKS041.deny with input as cluster({"automatic_upgrade_channel": "", "node_os_upgrade_channel": ""}, {})
	verdicts(fs) == {["fail", ["automatic_upgrade_channel"]], ["fail", ["node_os_upgrade_channel"]]}
}

test_absent_fails_under_4x_names if {
	fs := AKS041.deny with input as cluster({}, {})
	verdicts(fs) == {["fail", ["automatic_upgrade_channel"]], ["fail", ["node_os_upgrade_channel"]]}
}

test_only_node_os_fails if {
	fs := AKS041.deny with input as cluster({"automatic_upgrade_channel": "stable", "node_os_upgrade_channel": "Unmanaged"}, {})
	verdicts(fs) == {["fail", ["node_os_upgrade_channel"]]}
}

test_4x_unknown_is_unknown if {
	fs := AKS041.deny with input as cluster({"node_os_upgrade_channel": "NodeImage"}, {"automatic_upgrade_channel": true})
	verdicts(fs) == {["unknown", ["automatic_upgrade_channel"]]}
	every f in fs { startswith(f.msg, "`automatic_upgrade_channel` is known only after apply: it must name a channel other than \"none\"") }
}

test_3x_unknown_is_unknown if {
	fs := AKS041.deny with input as cluster(
		{"automatic_channel_upgrade": "patch", "node_os_channel_upgrade": null},
		{"node_os_channel_upgrade": true},
	)
	verdicts(fs) == {["unknown", ["node_os_channel_upgrade"]]}
	every f in fs { startswith(f.msg, "`node_os_channel_upgrade` is known only after apply: it must be \"NodeImage\" or \"SecurityPatch\"") }
}

test_4x_name_wins_over_3x if {
	fs := AKS041.deny with input as cluster({
		"automatic_upgrade_channel": "patch",
		"automatic_channel_upgrade": null,
		"node_os_upgrade_channel": "Unmanaged",
		"node_os_channel_upgrade": "NodeImage",
	}, {})
	verdicts(fs) == {["fail", ["node_os_upgrade_channel"]]}
}
