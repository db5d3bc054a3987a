package akslint.lib_test

import rego.v1
import data.akslint.lib

obj := {
	"address": "azurerm_kubernetes_cluster.a",
	"values": {
		"private_cluster_enabled": false,
		"dns_prefix": "",
		"tags": {},
		"zones": [],
		"min_count": 0,
		"automatic_channel_upgrade": "stable",
		"network_profile": [{"network_plugin": "azure"}],
	},
	"unknown": {"network_profile.0.network_policy": true, "identity": true},
}

test_empty_values_are_unset if {
	lib.is_unset(obj, ["dns_prefix"])
	lib.is_unset(obj, ["tags"])
	lib.is_unset(obj, ["zones"])
	lib.is_unset(obj, ["absent"])
	lib.is_unset(obj, ["network_profile", 0, "pod_cidr"])
}

test_false_and_zero_are_values if {
	lib.has_value(obj, ["private_cluster_enabled"])
	lib.has_value(obj, ["min_count"])
	not lib.is_unset(obj, ["min_count"])
}

test_unknown_is_set_but_has_no_value if {
	lib.unknown(obj, ["network_profile", 0, "network_policy"])
	lib.is_set(obj, ["network_profile", 0, "network_policy"])
	not lib.has_value(obj, ["network_profile", 0, "network_policy"])
}

test_unknown_block_covers_children if {
	lib.unknown(obj, ["identity", 0, "type"])
	not lib.unknown(obj, ["network_profile", 0, "network_plugin"])
}

test_attr_prefers_first_set_name if {
	a := lib.attr(obj, [["automatic_upgrade_channel"], ["automatic_channel_upgrade"]])
	a.path == ["automatic_channel_upgrade"]
	a.value == "stable"
	a.unknown == false
}

test_attr_defaults_to_first_name_when_unset if {
	a := lib.attr(obj, [["node_os_upgrade_channel"], ["node_os_channel_upgrade"]])
	a.path == ["node_os_upgrade_channel"]
	a.value == null
}

test_attr_unknown if {
	a := lib.attr1(obj, ["network_profile", 0, "network_policy"])
	a.unknown == true
	f := lib.result(obj, a, "m")
	f.status == "unknown"
	f.attribute == ["network_profile", 0, "network_policy"]
}

test_case_insensitive if {
	lib.eq_ci("Overlay", "overlay")
	lib.in_ci("CILIUM", {"azure", "cilium"})
	not lib.eq_ci(1, "1")
}

test_pool_prefix_in_finding if {
	p := {"address": "azurerm_kubernetes_cluster.a", "prefix": ["default_node_pool", 0], "values": {}}
	f := lib.finding(p, ["zones"], "m")
	f.attribute == ["default_node_pool", 0, "zones"]
	f.status == "fail"
}

pool_input := {"pools": [
	{"kind": "default", "cluster": "c", "address": "c", "values": {}, "unknown": {}},
	{"kind": "resource", "cluster": "c", "address": "p1", "values": {"mode": "system"}, "unknown": {}},
	{"kind": "resource", "cluster": "c", "address": "p2", "values": {"mode": "User", "priority": "spot"}, "unknown": {}},
	{"kind": "resource", "cluster": "c", "address": "p3", "values": {}, "unknown": {"mode": true}},
	{"kind": "resource", "cluster": "other", "address": "p4", "values": {}, "unknown": {}},
]}

test_pool_classification if {
	sys := lib.system_pools({"address": "c"}) with input as pool_input
	{p.address | some p in sys} == {"c", "p1"}
	users := {p.address | some p in pool_input.pools; lib.is_user_pool(p)}
	users == {"p2", "p4"}
	spots := {p.address | some p in pool_input.pools; lib.is_spot_pool(p)}
	spots == {"p2"}
	lib.mode_unknown(pool_input.pools[3])
}

test_attr_names_the_attribute_the_values_carry if {
	v3 := {"address": "c", "values": {"api_server_authorized_ip_ranges": null, "api_server_access_profile": []}, "unknown": {}}
	a := lib.attr(v3, [["api_server_access_profile", 0, "authorized_ip_ranges"], ["api_server_authorized_ip_ranges"]])
	a.path == ["api_server_authorized_ip_ranges"]
	v4 := {"address": "c", "values": {"host_encryption_enabled": null}, "unknown": {}}
	b := lib.attr(v4, [["host_encryption_enabled"], ["enable_host_encryption"]])
	b.path == ["host_encryption_enabled"]
}

# With `unknown_roots` (as akslint builds inputs), the same answers; a root
# missing from it rules its paths out without reading `unknown`.
test_unknown_roots_give_the_same_answers if {
	with_roots := object.union(obj, {"unknown_roots": {"network_profile": true, "identity": true}})
	lib.unknown(with_roots, ["network_profile", 0, "network_policy"])
	lib.unknown(with_roots, ["identity", 0, "type"])
	not lib.unknown(with_roots, ["network_profile", 0, "network_plugin"])
	not lib.unknown(with_roots, ["dns_prefix"])
	only_identity := object.union(obj, {"unknown_roots": {"identity": true}})
	lib.unknown(only_identity, ["identity"])
	not lib.unknown(only_identity, ["network_profile", 0, "network_policy"])
}

# An `unknown` that is not an object (a hand-written input) marks nothing.
test_unknown_of_another_shape_marks_nothing if {
	every u in [null, true, ["x"], "x"] {
		not lib.unknown({"values": {}, "unknown": u}, ["x"])
		not lib.unknown({"values": {}, "unknown": u}, ["x", 0, "y"])
		lib.is_unset({"values": {}, "unknown": u}, ["x"])
	}
}

# What akslint adds to each resource: the first step of each unknown key.
with_roots(o) := object.union(o, {"unknown_roots": {split(k, ".")[0]: true | some k, v in o.unknown; v == true}})

attr_cases := [
	{"values": {"a": "x", "b": "y"}, "unknown": {}},
	{"values": {"a": null, "b": "y"}, "unknown": {}},
	{"values": {"b": "y"}, "unknown": {}},
	{"values": {"a": "", "b": null}, "unknown": {}},
	{"values": {"b": null}, "unknown": {}},
	{"values": {"a": null}, "unknown": {}},
	{"values": {}, "unknown": {}},
	{"values": {"a": [], "b": {}}, "unknown": {}},
	{"values": {"a": false, "b": 0}, "unknown": {}},
	{"values": {"a": null, "b": "y"}, "unknown": {"a": true}},
	{"values": {"a": "x", "b": "y"}, "unknown": {"a": true}},
	{"values": {"b": null}, "unknown": {"b": true}},
	{"values": {"a": [{"c": 1}], "b": "y"}, "unknown": {"a.0.c": true}},
	{"values": {"a": [{"c": null}]}, "unknown": {"a": true}},
	{"values": {"a": [{"c": null}], "b": null}, "unknown": {}},
	{"values": {"a": [{}], "b": "y"}, "unknown": {"b": true}},
]

attr_paths := [[["a"], ["b"]], [["b"], ["a"]], [["a", 0, "c"], ["b"]], [["b"], ["a", 0, "c"]]]

# attr and attr1 answer first, without a call, for paths whose first step
# `unknown_roots` rules out; they must answer as on the same input without
# `unknown_roots` (or with one of another shape), which takes every case
# through attr2_any and attr1_any.
test_attr_answers_alike_with_and_without_roots if {
	every o in attr_cases {
		every ps in attr_paths {
			lib.attr(with_roots(o), ps) == lib.attr(o, ps)
			lib.attr(object.union(o, {"unknown_roots": "x"}), ps) == lib.attr(o, ps)
			lib.attr(object.union(o, {"unknown_roots": [false, false]}), ps) == lib.attr(o, ps)
			every p in ps {
				lib.attr1(with_roots(o), p) == lib.attr1(o, p)
				lib.unknown_bool(with_roots(o), p) == lib.unknown_bool(o, p)
			}
		}
	}
}

# The answers themselves, on a few of those inputs with roots.
test_attr_with_roots if {
	lib.attr(with_roots(attr_cases[0]), [["a"], ["b"]]) == {"path": ["a"], "unknown": false, "value": "x"}
	lib.attr(with_roots(attr_cases[1]), [["a"], ["b"]]) == {"path": ["b"], "unknown": false, "value": "y"}
	lib.attr(with_roots(attr_cases[4]), [["a"], ["b"]]) == {"path": ["b"], "unknown": false, "value": null}
	lib.attr(with_roots(attr_cases[5]), [["a"], ["b"]]) == {"path": ["a"], "unknown": false, "value": null}
	lib.attr(with_roots(attr_cases[6]), [["b"], ["a"]]) == {"path": ["b"], "unknown": false, "value": null}
	lib.attr(with_roots(attr_cases[9]), [["a"], ["b"]]) == {"path": ["a"], "unknown": true, "value": null}
	lib.attr(with_roots(attr_cases[12]), [["a", 0, "c"], ["b"]]) == {"path": ["a", 0, "c"], "unknown": true, "value": 1}
	lib.attr1(with_roots(attr_cases[8]), ["a"]) == {"path": ["a"], "unknown": false, "value": false}
	lib.attr1(with_roots(attr_cases[3]), ["a"]) == {"path": ["a"], "unknown": false, "value": null}
}

# An `unknown_roots` that is not an object (hand-written) rules nothing
# out, even where a lookup would step into it (an array, a numeric step).
test_unknown_roots_of_another_shape_rule_nothing_out if {
	o := {"values": {}, "unknown": {"0": true}, "unknown_roots": [false]}
	lib.unknown(o, [0])
	lib.attr1(o, [0]) == {"path": [0], "unknown": true, "value": null}
	not lib.is_unset(o, [0])
	lib.attr(o, [[0], ["b"]]) == {"path": [0], "unknown": true, "value": null}
}
