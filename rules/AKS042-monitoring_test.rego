package akslint.rules.AKS042_test

import rego.v1

import data.akslint.rules.AKS042

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "module.AKS.azurerm_kubernetes_cluster.k8s",
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}}

verdicts(fs) := {[f.status, f.attribute] | some f in fs}

ws := "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/aks"

test_both_pass if {
	count(AKS042.deny) == 0 with input as cluster({
		"oms_agent": [{"log_analytics_workspace_id": ws, "msi_auth_for_monitoring_enabled": true}],
		"monitor_metrics": [{"annotations_allowed": null, "labels_allowed": null}],
	}, {})
}

test_state_empty_monitor_metrics_block_passes if {
	count(AKS042.deny) == 0 with input as cluster({
		"oms_agent": [{"log_analytics_workspace_id": ws, "oms_agent_identity": []}],
		"monitor_metrics": [{"annotations_allowed": "", "labels_allowed": ""}],
	}, {})
}

test_unknown_workspace_counts_as_set if {
	# The real 3.x plan shape: the workspace comes from another resource.
	count(AKS042.deny) == 0 with input as cluster(
		{"oms_agent": [{"msi_auth_for_monitoring_enabled": null}], "monitor_metrics": [{}]},
		{"oms_agent.0.log_analytics_workspace_id": true, "oms_agent.0.oms_agent_identity": true},
	)
}

test_unknown_blocks_count_as_set if {
	count(AKS042.deny) == 0 with input as cluster({}, {"oms_agent": true, "monitor_metrics": true})
}

test_plan_no_blocks_fail_twice if {
	fs := AKS042.deny with input as cluster({"oms_agent": [], "monitor_metrics": []}, {})
	verdicts(fs) == {["fail", ["oms_agent"]], ["fail", ["monitor_metrics"]]}
	every f in fs {
		f.resource == "module.AKS.azurerm_kubernetes_cluster.k8s"
	}
}

test_absent_and_null_fail if {
	fs1 := AKS042.deny with input as cluster({}, {})
	fs2 := AKS042.deny with input as cluster({"oms_agent": null, "monitor_metrics": null}, {})
	verdicts(fs1) == {["fail", ["oms_agent"]], ["fail", ["monitor_metrics"]]}
	verdicts(fs2) == {["fail", ["oms_agent"]], ["fail", ["monitor_metrics"]]}
}

test_empty_workspace_fails if {
	fs := AKS042.deny with input as cluster({"oms_agent": [{"log_analytics_workspace_id": ""}], "monitor_metrics": [{}]}, {})
	verdicts(fs) == {["fail", ["oms_agent", 0, "log_analytics_workspace_id"]]}
}

test_only_container_insights_fails_metrics if {
	fs := AKS042.deny with input as cluster({"oms_agent": [{"log_analytics_workspace_id": ws}], "monitor_metrics": []}, {})
	verdicts(fs) == {["fail", ["monitor_metrics"]]}
}

test_only_prometheus_fails_container_insights if {
	fs := AKS042.deny with input as cluster({"oms_agent": [], "monitor_metrics": [{"labels_allowed": null}]}, {})
	verdicts(fs) == {["fail", ["oms_agent"]]}
}
