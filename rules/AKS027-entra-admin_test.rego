package akslint.rules.AKS027_test

import rego.v1

import data.akslint.rules.AKS027

cluster(values, unknown) := {"address": "azurerm_kubernetes_cluster.c", "type": "azurerm_kubernetes_cluster", "values": values, "unknown": unknown}

admin_ra := {"address": "azurerm_role_assignment.admin", "type": "azurerm_role_assignment", "values": {"role_definition_name": "Azure Kubernetes Service RBAC Cluster Admin"}, "unknown": {}}

reader_ra := {"address": "azurerm_role_assignment.reader", "type": "azurerm_role_assignment", "values": {"role_definition_name": "Azure Kubernetes Service RBAC Reader"}, "unknown": {}}

inp(c, scoped, unresolved) := {
	"by_type": {"azurerm_kubernetes_cluster": [c]},
	"joins": {"cluster_role_assignments": {c.address: scoped}, "role_assignments_unresolved_scope": unresolved},
}

aad(groups, rbac) := [{"admin_group_object_ids": groups, "azure_rbac_enabled": rbac, "tenant_id": ""}]

test_local_accounts_on_no_finding if {
	count(AKS027.deny) == 0 with input as inp(cluster({"local_account_disabled": false, "azure_active_directory_role_based_access_control": []}, {}), [], [])
}

test_admin_groups_pass if {
	c := cluster({"local_account_disabled": true, "azure_active_directory_role_based_access_control": aad(["g"], false)}, {})
	count(AKS027.deny) == 0 with input as inp(c, [], [])
}

test_unknown_admin_groups_count_as_set if {
	c := cluster({"local_account_disabled": true, "azure_active_directory_role_based_access_control": [{"azure_rbac_enabled": false}]}, {"azure_active_directory_role_based_access_control.0.admin_group_object_ids": true})
	count(AKS027.deny) == 0 with input as inp(c, [], [])
}

test_rbac_with_cluster_admin_assignment_passes if {
	c := cluster({"local_account_disabled": true, "azure_active_directory_role_based_access_control": aad([], true)}, {})
	count(AKS027.deny) == 0 with input as inp(c, [admin_ra], [])
}

test_state_no_groups_no_assignment_fails if {
	c := cluster({"local_account_disabled": true, "azure_active_directory_role_based_access_control": aad([], true)}, {})
	fs := AKS027.deny with input as inp(c, [reader_ra], [])
	[[f.status, f.attribute] | some f in fs] == [["fail", ["azure_active_directory_role_based_access_control", 0, "admin_group_object_ids"]]]
}

test_admin_assignment_without_azure_rbac_fails if {
	c := cluster({"local_account_disabled": true, "azure_active_directory_role_based_access_control": aad([], false)}, {})
	fs := AKS027.deny with input as inp(c, [admin_ra], [])
	[f.status | some f in fs] == ["fail"]
}

test_unresolved_admin_assignment_gives_unknown if {
	c := cluster({"local_account_disabled": true, "azure_active_directory_role_based_access_control": aad([], true)}, {})
	fs := AKS027.deny with input as inp(c, [], [admin_ra])
	[f.status | some f in fs] == ["unknown"]
}

unknown_ra := {"address": "azurerm_role_assignment.maybe", "type": "azurerm_role_assignment", "values": {}, "unknown": {"role_definition_name": true}}

test_unknown_role_on_the_cluster_gives_unknown if {
	c := cluster({"local_account_disabled": true, "azure_active_directory_role_based_access_control": aad([], true)}, {})
	fs := AKS027.deny with input as inp(c, [reader_ra, unknown_ra], [])
	[f.status | some f in fs] == ["unknown"]
	[f.attribute | some f in fs] == [["azure_active_directory_role_based_access_control", 0, "admin_group_object_ids"]]
}

test_unknown_role_without_azure_rbac_still_fails if {
	c := cluster({"local_account_disabled": true, "azure_active_directory_role_based_access_control": aad([], false)}, {})
	fs := AKS027.deny with input as inp(c, [unknown_ra], [])
	[f.status | some f in fs] == ["fail"]
}
