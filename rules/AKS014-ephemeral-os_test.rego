package akslint.rules.AKS014_test

import rego.v1

import data.akslint.rules.AKS014

pool(values, unknown) := {"pools": [{
	"kind": "resource",
	"cluster": "azurerm_kubernetes_cluster.c",
	"address": "module.aks.azurerm_kubernetes_cluster_node_pool.user[\"a\"]",
	"prefix": [],
	"name": "user",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}

addr := "module.aks.azurerm_kubernetes_cluster_node_pool.user[\"a\"]"

test_ephemeral_passes if {
	count(AKS014.deny) == 0 with input as pool({"mode": "User", "os_disk_type": "Ephemeral"}, {})
}

test_ephemeral_case_insensitive_passes if {
	count(AKS014.deny) == 0 with input as pool({"os_disk_type": "ephemeral"}, {})
}

test_managed_fails if {
	fs := AKS014.deny with input as pool({"mode": "User", "os_disk_type": "Managed"}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["os_disk_type"]
	f.resource == addr
}

test_unset_null_fails if {
	some f in AKS014.deny with input as pool({"os_disk_type": null}, {})
	f.status == "fail"
	f.attribute == ["os_disk_type"]
}

test_state_empty_string_fails if {
	some f in AKS014.deny with input as pool({"os_disk_type": "", "node_taints": []}, {})
	f.status == "fail"
}

test_unknown if {
	fs := AKS014.deny with input as pool({}, {"os_disk_type": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["os_disk_type"]
}

test_mode_unknown_managed_is_unknown if {
	fs := AKS014.deny with input as pool({"os_disk_type": "Managed"}, {"mode": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
}

test_mode_unknown_ephemeral_passes if {
	count(AKS014.deny) == 0 with input as pool({"os_disk_type": "Ephemeral"}, {"mode": true})
}

test_system_pool_ignored if {
	count(AKS014.deny) == 0 with input as pool({"mode": "system", "os_disk_type": "Managed"}, {})
}

test_default_pool_ignored if {
	count(AKS014.deny) == 0 with input as {"pools": [{
		"kind": "default", "cluster": "azurerm_kubernetes_cluster.c", "address": "azurerm_kubernetes_cluster.c",
		"prefix": ["default_node_pool", 0], "values": {"os_disk_type": "Managed"}, "unknown": {},
	}]}
}

# Node auto-provisioning: the cluster provisions user capacity itself.
with_nap(values, mode, unknown) := object.union(pool(values, {}), {"by_type": {"azurerm_kubernetes_cluster": [{
	"address": "azurerm_kubernetes_cluster.c",
	"type": "azurerm_kubernetes_cluster",
	"values": {"node_provisioning_profile": [{"mode": mode}]},
	"unknown": unknown,
}]}})

test_node_auto_provisioning_exempts_user_pools if {
	count(AKS014.deny) == 0 with input as with_nap({"os_disk_type": "Managed"}, "Auto", {})
	fs := AKS014.deny with input as with_nap({"os_disk_type": "Managed"}, "Manual", {})
	count(fs) == 1
}

test_unknown_node_provisioning_mode_makes_failures_unknown if {
	fs := AKS014.deny with input as with_nap({"os_disk_type": "Managed"}, null, {"node_provisioning_profile.0.mode": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.resource == addr
}
