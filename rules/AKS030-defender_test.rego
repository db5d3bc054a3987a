package akslint.rules.AKS030_test

import rego.v1

import data.akslint.rules.AKS030

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "module.aks.azurerm_kubernetes_cluster.this",
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}}

ws := "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/sec"

test_workspace_passes if {
	count(AKS030.deny) == 0 with input as cluster({"microsoft_defender": [{"log_analytics_workspace_id": ws}]}, {})
}

test_unknown_workspace_counts_as_set if {
	count(AKS030.deny) == 0 with input as cluster({"microsoft_defender": [{}]}, {"microsoft_defender.0.log_analytics_workspace_id": true})
}

test_unknown_block_counts_as_set if {
	count(AKS030.deny) == 0 with input as cluster({}, {"microsoft_defender": true})
}

test_plan_empty_block_list_fails if {
	fs := AKS030.deny with input as cluster({"microsoft_defender": []}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["microsoft_defender"]
	f.resource == "module.aks.azurerm_kubernetes_cluster.this"
}

test_absent_fails if {
	fs := AKS030.deny with input as cluster({}, {})
	some f in fs
	f.status == "fail"
	f.attribute == ["microsoft_defender"]
}

test_null_block_fails if {
	fs := AKS030.deny with input as cluster({"microsoft_defender": null}, {})
	some f in fs
	f.status == "fail"
	f.attribute == ["microsoft_defender"]
}

test_state_empty_workspace_fails if {
	fs := AKS030.deny with input as cluster({"microsoft_defender": [{"log_analytics_workspace_id": ""}]}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["microsoft_defender", 0, "log_analytics_workspace_id"]
}
