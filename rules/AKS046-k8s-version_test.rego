package akslint.rules.AKS046_test

import rego.v1

import data.akslint.rules.AKS046

addr := "module.aks[\"prod\"].azurerm_kubernetes_cluster.this"

pool_addr := "module.aks[\"prod\"].azurerm_kubernetes_cluster_node_pool.user[\"a\"]"

cp := ["kubernetes_version"]

dp := ["default_node_pool", 0, "orchestrator_version"]

# A cluster with its default pool and one pool resource.
inp(values, unknown, dpool, pool, pool_unknown) := {
	"by_type": {"azurerm_kubernetes_cluster": [{
		"address": addr,
		"type": "azurerm_kubernetes_cluster",
		"values": values,
		"unknown": unknown,
	}]},
	"pools": [
		{
			"address": addr,
			"kind": "default",
			"cluster": addr,
			"prefix": ["default_node_pool", 0],
			"values": dpool,
			"unknown": {},
		},
		{
			"address": pool_addr,
			"kind": "resource",
			"cluster": addr,
			"prefix": [],
			"values": pool,
			"unknown": pool_unknown,
		},
	],
}

cluster(values, unknown) := inp(values, unknown, {}, {}, {})

has(fs, status, resource, attr) if {
	some f in fs
	f.status == status
	f.attribute == attr
	f.resource == resource
}

test_current_version_passes if {
	count(AKS046.deny) == 0 with input as cluster({"kubernetes_version": "1.34"}, {})
	count(AKS046.deny) == 0 with input as cluster({"kubernetes_version": "1.33.0"}, {})
	count(AKS046.deny) == 0 with input as cluster({"kubernetes_version": "1.35.1"}, {})
}

test_old_version_fails if {
	fs := AKS046.deny with input as cluster({"kubernetes_version": "1.32.9"}, {})
	count(fs) == 1
	has(fs, "fail", addr, cp)
}

test_minor_compared_as_number if {
	fs := AKS046.deny with input as cluster({"kubernetes_version": "1.4"}, {})
	has(fs, "fail", addr, cp)
}

test_unparsable_fails if {
	fs := AKS046.deny with input as cluster({"kubernetes_version": "latest"}, {})
	count(fs) == 1
	has(fs, "fail", addr, cp)
}

test_unset_fails_without_channel if {
	fs := AKS046.deny with input as cluster({"kubernetes_version": null}, {})
	count(fs) == 1
	has(fs, "fail", addr, cp)
	fs2 := AKS046.deny with input as cluster({"kubernetes_version": "", "automatic_upgrade_channel": "node-image"}, {})
	has(fs2, "fail", addr, cp)
}

test_unset_passes_with_moving_channel if {
	count(AKS046.deny) == 0 with input as cluster({"automatic_upgrade_channel": "stable"}, {})
	count(AKS046.deny) == 0 with input as cluster({"automatic_channel_upgrade": "Patch"}, {})
	count(AKS046.deny) == 0 with input as cluster({"automatic_upgrade_channel": "rapid"}, {})
}

test_unset_with_unknown_channel_is_unknown if {
	fs := AKS046.deny with input as cluster({}, {"automatic_upgrade_channel": true})
	count(fs) == 1
	has(fs, "unknown", addr, cp)
}

test_unknown_version_is_unknown if {
	fs := AKS046.deny with input as cluster({}, {"kubernetes_version": true})
	count(fs) == 1
	has(fs, "unknown", addr, cp)
}

test_param if {
	count(AKS046.deny) == 0 with input as cluster({"kubernetes_version": "1.30"}, {})
		with data.akslint.params.AKS046 as {"min_version": "1.30", "max_skew": 2}
	fs := AKS046.deny with input as cluster({"kubernetes_version": "1.34.2"}, {})
		with data.akslint.params.AKS046 as {"min_version": "1.34.3", "max_skew": 2}
	has(fs, "fail", addr, cp)
}

test_pool_unset_follows if {
	count(AKS046.deny) == 0 with input as inp({"kubernetes_version": "1.34"}, {}, {"orchestrator_version": null}, {"orchestrator_version": ""}, {})
}

test_pools_within_skew_pass if {
	count(AKS046.deny) == 0 with input as inp({"kubernetes_version": "1.34.3"}, {}, {"orchestrator_version": "1.34.3"}, {"orchestrator_version": "1.32"}, {})
}

test_pool_newer_fails if {
	fs := AKS046.deny with input as inp({"kubernetes_version": "1.34.1"}, {}, {"orchestrator_version": "1.34.3"}, {"orchestrator_version": "1.35"}, {})
	count(fs) == 2
	has(fs, "fail", addr, dp)
	has(fs, "fail", pool_addr, ["orchestrator_version"])
}

test_pool_too_far_behind_fails if {
	fs := AKS046.deny with input as inp({"kubernetes_version": "1.35.1"}, {}, {}, {"orchestrator_version": "1.32.5"}, {})
	count(fs) == 1
	has(fs, "fail", pool_addr, ["orchestrator_version"])
	some f in fs
	contains(f.msg, "3 minor versions behind")
}

test_pool_unparsable_fails if {
	fs := AKS046.deny with input as inp({"kubernetes_version": "1.34"}, {}, {"orchestrator_version": "1.x"}, {}, {})
	count(fs) == 1
	has(fs, "fail", addr, dp)
}

test_pools_not_compared_when_control_plane_unset if {
	count(AKS046.deny) == 0 with input as inp({"automatic_upgrade_channel": "stable"}, {}, {"orchestrator_version": "1.20"}, {"orchestrator_version": "1.40"}, {})
}

test_unknown_control_plane_makes_set_pools_unknown if {
	fs := AKS046.deny with input as inp({}, {"kubernetes_version": true}, {"orchestrator_version": "1.34"}, {}, {})
	count(fs) == 2
	has(fs, "unknown", addr, cp)
	has(fs, "unknown", addr, dp)
}

test_unknown_pool_version_is_unknown if {
	fs := AKS046.deny with input as inp({"kubernetes_version": "1.34"}, {}, {}, {}, {"orchestrator_version": true})
	count(fs) == 1
	has(fs, "unknown", pool_addr, ["orchestrator_version"])
}

test_automatic_cluster_has_no_finding if {
	count(AKS046.deny) == 0 with input as {"by_type": {"azurerm_kubernetes_automatic_cluster": [{
		"address": "azurerm_kubernetes_automatic_cluster.a",
		"type": "azurerm_kubernetes_automatic_cluster",
		"values": {},
		"unknown": {},
	}]}}
}
