package akslint.rules.AKS012_test

import rego.v1

import data.akslint.rules.AKS012

cluster_addr := "azurerm_kubernetes_cluster.c"

pool_addr := "azurerm_kubernetes_cluster_node_pool.user[0]"

default_pool(values, unknown) := {"pools": [{
	"kind": "default", "cluster": cluster_addr, "address": cluster_addr,
	"prefix": ["default_node_pool", 0], "name": "system",
	"values": values, "unknown": unknown, "sensitive": {},
}]}

resource_pool(values, unknown) := {"pools": [{
	"kind": "resource", "cluster": cluster_addr, "address": pool_addr,
	"prefix": [], "name": "user",
	"values": values, "unknown": unknown, "sensitive": {},
}]}

one(fs, status, resource, attribute) if {
	count(fs) == 1
	some f in fs
	f.status == status
	f.resource == resource
	f.attribute == attribute
}

test_three_zones_pass if {
	count(AKS012.deny) == 0 with input as default_pool({"zones": ["1", "2", "3"]}, {})
}

test_numeric_zones_pass if {
	count(AKS012.deny) == 0 with input as resource_pool({"zones": [3, 1, 2], "mode": "User"}, {})
}

test_superset_passes if {
	count(AKS012.deny) == 0 with input as resource_pool({"zones": ["1", "2", "3", "4"]}, {})
}

test_default_pool_plan_null_fails if {
	fs := AKS012.deny with input as default_pool({"zones": null}, {})
	one(fs, "fail", cluster_addr, ["default_node_pool", 0, "zones"])
	some f in fs
	contains(f.msg, "not spread across availability zones")
	contains(f.msg, "zones = [\"1\", \"2\", \"3\"]")
}

test_resource_pool_state_empty_fails if {
	fs := AKS012.deny with input as resource_pool({"zones": [], "mode": "User"}, {})
	one(fs, "fail", pool_addr, ["zones"])
}

test_absent_zones_fails if {
	fs := AKS012.deny with input as resource_pool({}, {})
	one(fs, "fail", pool_addr, ["zones"])
}

test_single_zone_fails if {
	fs := AKS012.deny with input as resource_pool({"zones": ["1"]}, {})
	one(fs, "fail", pool_addr, ["zones"])
	some f in fs
	contains(f.msg, "runs in zones \"1\" only")
}

test_two_numeric_zones_fail if {
	fs := AKS012.deny with input as default_pool({"zones": [1, 2]}, {})
	one(fs, "fail", cluster_addr, ["default_node_pool", 0, "zones"])
}

test_zones_unknown_is_unknown if {
	fs := AKS012.deny with input as default_pool({}, {"zones": true})
	one(fs, "unknown", cluster_addr, ["default_node_pool", 0, "zones"])
}

test_zone_element_unknown_is_unknown if {
	fs := AKS012.deny with input as resource_pool({"zones": ["1", "2", null]}, {"zones.2": true})
	one(fs, "unknown", pool_addr, ["zones"])
}

test_known_zones_cover_despite_unknown_element if {
	count(AKS012.deny) == 0 with input as resource_pool({"zones": ["1", "2", "3", null]}, {"zones.3": true})
}

test_mode_unknown_irrelevant if {
	fs := AKS012.deny with input as resource_pool({"zones": ["1"]}, {"mode": true})
	one(fs, "fail", pool_addr, ["zones"])
}

test_param_two_zones_passes if {
	count(AKS012.deny) == 0 with input as resource_pool({"zones": ["1", "2"]}, {})
		with data.akslint.params.AKS012 as {"required_zones": ["1", "2"]}
}

test_param_numeric_required_zones if {
	fs := AKS012.deny with input as resource_pool({"zones": ["1", "2"]}, {})
		with data.akslint.params.AKS012 as {"required_zones": [1, 2, 3, 4]}
	one(fs, "fail", pool_addr, ["zones"])
	some f in fs
	contains(f.msg, "\"4\"")
}
