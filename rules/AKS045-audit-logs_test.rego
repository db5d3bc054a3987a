package akslint.rules.AKS045_test

import rego.v1

import data.akslint.rules.AKS045

cluster := {"address": "azurerm_kubernetes_cluster.c", "type": "azurerm_kubernetes_cluster", "values": {}, "unknown": {}}

automatic := {"address": "azurerm_kubernetes_automatic_cluster.a", "type": "azurerm_kubernetes_automatic_cluster", "values": {}, "unknown": {}}

setting(name, values, unknown) := {"address": sprintf("azurerm_monitor_diagnostic_setting.%s", [name]), "type": "azurerm_monitor_diagnostic_setting", "values": values, "unknown": unknown}

inp(joined, unresolved) := {
	"by_type": {"azurerm_kubernetes_cluster": [cluster]},
	"joins": {"diagnostic_settings": {"azurerm_kubernetes_cluster.c": joined}, "diagnostic_settings_unresolved": unresolved},
}

test_4x_enabled_log_audit_admin_passes if {
	s := setting("d", {"enabled_log": [{"category": "kube-audit-admin", "category_group": ""}]}, {})
	count(AKS045.deny) == 0 with input as inp([s], [])
}

test_category_group_all_logs_passes_case_insensitive if {
	s := setting("d", {"enabled_log": [{"category": "", "category_group": "alllogs"}]}, {})
	count(AKS045.deny) == 0 with input as inp([s], [])
}

test_3x_log_block_enabled_passes_disabled_fails if {
	on := setting("d", {"log": [{"category": "kube-audit", "enabled": true}], "enabled_log": []}, {})
	count(AKS045.deny) == 0 with input as inp([on], [])
	off := setting("d", {"log": [{"category": "kube-audit", "enabled": false}], "enabled_log": []}, {})
	fs := AKS045.deny with input as inp([off], [])
	[f.status | some f in fs] == ["fail"]
}

test_null_log_blocks_are_no_logs if {
	s := setting("d", {"enabled_log": null, "log": null}, {})
	fs := AKS045.deny with input as inp([s], [])
	[f.status | some f in fs] == ["fail"]
}

test_null_log_entries_are_no_logs if {
	s := setting("d", {"enabled_log": [null], "log": [null]}, {})
	fs := AKS045.deny with input as inp([s], [])
	[f.status | some f in fs] == ["fail"]
}

test_no_setting_fails if {
	fs := AKS045.deny with input as inp([], [])
	[[f.status, f.resource, f.attribute] | some f in fs] == [["fail", "azurerm_kubernetes_cluster.c", []]]
}

test_setting_without_audit_fails if {
	s := setting("d", {"enabled_log": [{"category": "kube-apiserver"}]}, {})
	fs := AKS045.deny with input as inp([s], [])
	[f.status | some f in fs] == ["fail"]
}

test_unresolved_qualifying_setting_gives_unknown if {
	s := setting("other", {"enabled_log": [{"category": "kube-audit-admin"}]}, {"target_resource_id": true})
	fs := AKS045.deny with input as inp([], [s])
	[f.status | some f in fs] == ["unknown"]
}

test_unresolved_non_qualifying_setting_still_fails if {
	s := setting("other", {"enabled_log": [{"category": "kube-apiserver"}]}, {"target_resource_id": true})
	fs := AKS045.deny with input as inp([], [s])
	[f.status | some f in fs] == ["fail"]
}

test_automatic_cluster_checked if {
	fs := AKS045.deny with input as {"by_type": {"azurerm_kubernetes_automatic_cluster": [automatic]}, "joins": {}}
	[[f.status, f.resource] | some f in fs] == [["fail", "azurerm_kubernetes_automatic_cluster.a"]]
}

test_3x_log_unknown_category_gives_unknown if {
	s := setting("d", {"log": [{"category": null, "enabled": true}], "enabled_log": []}, {"log.0.category": true})
	fs := AKS045.deny with input as inp([s], [])
	[f.status | some f in fs] == ["unknown"]
}

test_3x_log_unknown_category_group_gives_unknown if {
	s := setting("d", {"log": [{"category": "kube-apiserver", "category_group": null}], "enabled_log": []}, {"log.0.category_group": true})
	fs := AKS045.deny with input as inp([s], [])
	[f.status | some f in fs] == ["unknown"]
}

test_3x_log_unknown_category_disabled_fails if {
	s := setting("d", {"log": [{"category": null, "enabled": false}], "enabled_log": []}, {"log.0.category": true})
	fs := AKS045.deny with input as inp([s], [])
	[f.status | some f in fs] == ["fail"]
}

test_3x_log_unknown_entry_gives_unknown if {
	s := setting("d", {"log": [null], "enabled_log": []}, {"log.0": true})
	fs := AKS045.deny with input as inp([s], [])
	[f.status | some f in fs] == ["unknown"]
}

test_3x_log_unknown_enabled_gives_unknown if {
	s := setting("d", {"log": [{"category": "kube-audit", "enabled": null}], "enabled_log": []}, {"log.0.enabled": true})
	fs := AKS045.deny with input as inp([s], [])
	[f.status | some f in fs] == ["unknown"]
}

test_3x_log_unknown_enabled_other_category_fails if {
	s := setting("d", {"log": [{"category": "kube-apiserver", "enabled": null}], "enabled_log": []}, {"log.0.enabled": true})
	fs := AKS045.deny with input as inp([s], [])
	[f.status | some f in fs] == ["fail"]
}

test_3x_log_unset_enabled_means_true if {
	s := setting("d", {"log": [{"category": "kube-audit", "enabled": null}], "enabled_log": []}, {})
	count(AKS045.deny) == 0 with input as inp([s], [])
	t := setting("d", {"log": [{"category": "kube-audit"}], "enabled_log": []}, {})
	count(AKS045.deny) == 0 with input as inp([t], [])
}

test_3x_log_unknown_enabled_beside_a_qualifying_entry_passes if {
	s := setting("d", {"log": [{"category": "kube-audit", "enabled": null}, {"category": "kube-audit-admin", "enabled": true}], "enabled_log": []}, {"log.0.enabled": true})
	count(AKS045.deny) == 0 with input as inp([s], [])
}

test_unresolved_3x_log_unknown_category_gives_unknown if {
	s := setting("other", {"log": [{"category": null, "enabled": true}]}, {"target_resource_id": true, "log.0.category": true})
	fs := AKS045.deny with input as inp([], [s])
	[f.status | some f in fs] == ["unknown"]
}
