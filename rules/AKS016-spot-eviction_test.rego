package akslint.rules.AKS016_test

import rego.v1

import data.akslint.rules.AKS016

pool(values, unknown) := {"pools": [{
	"kind": "resource",
	"cluster": "azurerm_kubernetes_cluster.c",
	"address": "azurerm_kubernetes_cluster_node_pool.spot",
	"prefix": [],
	"name": "spot",
	"values": values,
	"unknown": unknown,
	"sensitive": {},
}]}

addr := "azurerm_kubernetes_cluster_node_pool.spot"

test_delete_and_default_price_pass if {
	count(AKS016.deny) == 0 with input as pool({"priority": "Spot", "eviction_policy": "Delete", "spot_max_price": -1}, {})
}

test_float_default_price_passes if {
	count(AKS016.deny) == 0 with input as pool({"priority": "Spot", "eviction_policy": "delete", "spot_max_price": -1.0}, {})
}

test_plan_nulls_pass if {
	count(AKS016.deny) == 0 with input as pool({"priority": "Spot", "eviction_policy": null, "spot_max_price": null}, {})
}

test_state_empty_string_passes if {
	count(AKS016.deny) == 0 with input as pool({"priority": "Spot", "eviction_policy": "", "node_taints": []}, {})
}

test_deallocate_fails if {
	fs := AKS016.deny with input as pool({"priority": "Spot", "eviction_policy": "Deallocate", "spot_max_price": -1}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["eviction_policy"]
	f.resource == addr
}

test_price_cap_fails if {
	fs := AKS016.deny with input as pool({"priority": "Spot", "spot_max_price": 0.05}, {})
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["spot_max_price"]
	contains(f.msg, "-1")
}

test_both_fail if {
	fs := AKS016.deny with input as pool({"priority": "spot", "eviction_policy": "Deallocate", "spot_max_price": 0.05}, {})
	{f.attribute | some f in fs} == {["eviction_policy"], ["spot_max_price"]}
}

test_param_matching_price_passes if {
	count(AKS016.deny) == 0 with input as pool({"priority": "Spot", "spot_max_price": 0.5}, {})
		with data.akslint.params.AKS016 as {"max_price": 0.5}
}

test_param_unset_price_fails if {
	fs := AKS016.deny with input as pool({"priority": "Spot", "spot_max_price": null}, {})
		with data.akslint.params.AKS016 as {"max_price": 0.5}
	count(fs) == 1
	some f in fs
	f.status == "fail"
	f.attribute == ["spot_max_price"]
	contains(f.msg, "0.5")
}

test_eviction_unknown if {
	fs := AKS016.deny with input as pool({"priority": "Spot"}, {"eviction_policy": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["eviction_policy"]
	startswith(f.msg, "`eviction_policy` is known only after apply: it must be \"Delete\"")
}

test_price_unknown if {
	fs := AKS016.deny with input as pool({"priority": "Spot"}, {"spot_max_price": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["spot_max_price"]
	f.msg == "`spot_max_price` is known only after apply: it must be -1."
}

test_priority_unknown_failing_is_unknown if {
	fs := AKS016.deny with input as pool({"eviction_policy": "Deallocate"}, {"priority": true})
	count(fs) == 1
	some f in fs
	f.status == "unknown"
	f.attribute == ["eviction_policy"]
	endswith(f.msg, "(the pool's priority is known only after apply)")
}

test_priority_unknown_passing_passes if {
	count(AKS016.deny) == 0 with input as pool({"eviction_policy": "Delete", "spot_max_price": -1}, {"priority": true})
}

test_regular_pool_ignored if {
	count(AKS016.deny) == 0 with input as pool({"priority": "Regular", "eviction_policy": "Deallocate", "spot_max_price": 0.05}, {})
}
