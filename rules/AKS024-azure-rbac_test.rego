package akslint.rules.AKS024_test

import rego.v1

import data.akslint.rules.AKS024

addr := "module.aks[\"prod\"].azurerm_kubernetes_cluster.this"

cluster(values, unknown) := {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": addr,
	"type": "azurerm_kubernetes_cluster",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}}

block := "azure_active_directory_role_based_access_control"

test_4x_azure_rbac_passes if {
	count(AKS024.deny) == 0 with input as cluster({block: [{"azure_rbac_enabled": true, "tenant_id": "t", "admin_group_object_ids": ["g"]}]}, {})
}

test_3x_managed_azure_rbac_passes if {
	count(AKS024.deny) == 0 with input as cluster({block: [{
		"managed": true,
		"azure_rbac_enabled": true,
		"client_app_id": null,
		"server_app_id": null,
		"server_app_secret": null,
	}]}, {})
}

test_3x_plan_with_unknown_tenant_passes if {
	# The real-plan shape: tenant_id and admin groups computed.
	count(AKS024.deny) == 0 with input as cluster(
		{block: [{"azure_rbac_enabled": true, "managed": true}]},
		{"azure_active_directory_role_based_access_control.0.tenant_id": true},
	)
}

test_plan_block_absent_fails if {
	fs := AKS024.deny with input as cluster({block: []}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.resource == addr
	f.attribute == [block]
}

test_key_absent_fails if {
	fs := AKS024.deny with input as cluster({}, {})
	some f in fs
	f.status == "fail"
	f.attribute == [block]
}

test_null_block_fails if {
	fs := AKS024.deny with input as cluster({block: null}, {})
	some f in fs
	f.status == "fail"
	f.attribute == [block]
}

test_rbac_disabled_fails if {
	fs := AKS024.deny with input as cluster({block: [{"azure_rbac_enabled": false, "managed": true}]}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == [block, 0, "azure_rbac_enabled"]
	f.resource == addr
}

test_rbac_unset_in_state_fails if {
	fs := AKS024.deny with input as cluster({block: [{"azure_rbac_enabled": null, "tenant_id": "", "admin_group_object_ids": []}]}, {})
	some f in fs
	f.status == "fail"
	f.attribute == [block, 0, "azure_rbac_enabled"]
}

test_rbac_unknown_is_unknown if {
	fs := AKS024.deny with input as cluster({block: [{"tenant_id": "t"}]}, {"azure_active_directory_role_based_access_control.0.azure_rbac_enabled": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == [block, 0, "azure_rbac_enabled"]
	startswith(f.msg, "`azure_rbac_enabled` is known only after apply: it must be `true`")
}

test_block_unknown_is_unknown if {
	fs := AKS024.deny with input as cluster({}, {block: true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == [block]
	startswith(f.msg, "The `azure_active_directory_role_based_access_control` block is known only after apply")
}
