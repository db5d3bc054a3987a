package akslint.rules.AKS040_test

import rego.v1

import data.akslint.rules.AKS040

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "azurerm_kubernetes_cluster.c",
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}}

window := [{
	"frequency": "Weekly",
	"interval": 1,
	"duration": 4,
	"day_of_week": "Sunday",
	"start_time": "02:00",
	"utc_offset": "+00:00",
	"not_allowed": [],
}]

legacy_window := [{"allowed": [{"day": "Sunday", "hours": [1, 2, 3]}], "not_allowed": []}]

test_both_windows_pass if {
	count(AKS040.deny) == 0 with input as cluster({"maintenance_window_auto_upgrade": window, "maintenance_window_node_os": window}, {})
}

test_legacy_window_counts_for_upgrades if {
	count(AKS040.deny) == 0 with input as cluster({
		"maintenance_window": legacy_window,
		"maintenance_window_auto_upgrade": [],
		"maintenance_window_node_os": window,
	}, {})
}

test_unknown_windows_count_as_set if {
	count(AKS040.deny) == 0 with input as cluster({}, {"maintenance_window_auto_upgrade": true, "maintenance_window_node_os": true})
}

test_plan_no_windows_fail_twice if {
	fs := AKS040.deny with input as cluster({"maintenance_window": [], "maintenance_window_auto_upgrade": [], "maintenance_window_node_os": []}, {})
	{[f.status, f.attribute, f.resource] | some f in fs} == {
		["fail", ["maintenance_window_auto_upgrade"], "azurerm_kubernetes_cluster.c"],
		["fail", ["maintenance_window_node_os"], "azurerm_kubernetes_cluster.c"],
	}
}

test_absent_and_null_fail if {
	fs1 := AKS040.deny with input as cluster({}, {})
	fs2 := AKS040.deny with input as cluster({"maintenance_window": null, "maintenance_window_auto_upgrade": null, "maintenance_window_node_os": null}, {})
	count(fs1) == 2
	count(fs2) == 2
}

test_missing_node_os_window_fails if {
	fs := AKS040.deny with input as cluster({"maintenance_window_auto_upgrade": window, "maintenance_window_node_os": []}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["maintenance_window_node_os"]
}

test_missing_upgrade_window_fails if {
	fs := AKS040.deny with input as cluster({"maintenance_window_node_os": window}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["maintenance_window_auto_upgrade"]
}
