# METADATA
# title: akslint policy library
# description: |
#   Helpers shared by every rule: attribute access under the baseline's value
#   semantics (unset, unknown, renamed attributes), node pools, and findings.
package akslint.lib

import rego.v1

# ---------------------------------------------------------------- resources

# All instances of one resource type.
resources_of(t) := object.get(input.by_type, t, [])

clusters := resources_of("azurerm_kubernetes_cluster")

node_pool_resources := resources_of("azurerm_kubernetes_cluster_node_pool")

# Every node pool: default pools and pool resources (see docs/input-format.md).
pools := object.get(input, "pools", [])

# The pools joined to one cluster (input.pools_by_cluster holds them in the
# order of input.pools; without it, they are looked for in input.pools).
cluster_pools(cluster) := object.get(input.pools_by_cluster, cluster.address, []) if {
	is_object(input.pools_by_cluster)
} else := [p | some p in pools; p.cluster == cluster.address]

# ---------------------------------------------------------------- paths

key_part(p) := p if is_string(p)

key_part(p) := format_int(p, 10) if is_number(p)

# The path key of an attribute path: ["a", 0, "b"] -> "a.0.b".
path_key(path) := concat(".", [key_part(p) | some p in path])

# The raw value at a path, null when absent.
raw(obj, path) := object.get(obj.values, path, null)

# ---------------------------------------------------------------- value semantics

# True when the path, or a block around it, is known only after apply.
# `unknown_roots` (the first part of each key of `unknown`) rules most
# paths out with one lookup; an input without it as an object
# (hand-written) is read in full. One body, the two cases in one test
# (read: "no roots object, or the root is in it"): each body of a function
# costs its arguments again.
unknown(obj, path) if {
	[is_object(object.get(obj, "unknown_roots", null)), object.get(obj, ["unknown_roots", path[0]], false) == true] != [true, false]
	u := object.get(obj, "unknown", {})
	is_object(u)
	some k in prefix_keys(path)
	object.get(u, k, false) == true
}

# The path keys of a path's prefixes, shortest first: ["a", 0, "b"] ->
# ["a", "a.0", "a.0.b"]. The common shapes are spelled out (a function call
# per part is most of the cost in regorus' VM).
prefix_keys(path) := [a, ab, concat(".", [ab, c])] if {
	count(path) == 3
	a := path[0]
	is_string(a)
	is_number(path[1])
	ab := concat(".", [a, format_int(path[1], 10)])
	c := path[2]
	is_string(c)
} else := [path[0]] if {
	count(path) == 1
	is_string(path[0])
} else := [a, concat(".", [a, b])] if {
	count(path) == 2
	a := path[0]
	b := path[1]
	is_string(a)
	is_string(b)
} else := [path_key(array.slice(path, 0, i + 1)) | some i, _ in path]

unknown_bool(obj, path) := true if unknown(obj, path)

else := false

# Unset: absent, null, "", [] or {} (false and 0 are values).
empty(v) if v in empty_values

empty_values := {null, "", [], {}}

# Unset and not unknown.
is_unset(obj, path) if {
	object.get(obj.values, path, null) in empty_values
	not unknown(obj, path)
}

# "Is set": a non-empty value, or truly unknown (a workspace id that will
# exist after apply is set).
is_set(obj, path) if not is_unset(obj, path)

# A known, non-empty value.
has_value(obj, path) if {
	not object.get(obj.values, path, null) in empty_values
	not unknown(obj, path)
}

# Renamed attributes: the first of paths (4.x name first) that is set or
# unknown; else the first name the values carry (a 3.x plan holds its 3.x
# names, as null), else the first path. Returns {path, unknown, value}.
# The common case of two names is spelled out: the same result as the
# general form below, with no list built (several times faster).
attr(obj, paths) := attr2(obj, paths, object.get(obj.values, paths[0], null), object.get(obj.values, paths[1], null)) if {
	count(paths) == 2
} else := {"path": p, "unknown": unknown_bool(obj, p), "value": raw(obj, p)} if {
	set_paths := [q | some q in paths; is_set(obj, q)]
	count(set_paths) > 0
	p := set_paths[0]
} else := {"path": p, "unknown": false, "value": null} if {
	present := [q | some q in paths; key_present(obj, q)]
	count(present) > 0
	p := present[0]
} else := {"path": paths[0], "unknown": false, "value": null}

# attr of two paths, given their values v0 and v1 (read once): the first
# that is set (a value, or unknown), else the first whose key is present.
# The common cases come first: paths whose first step is known. That test,
#   is_object(object.get(obj, "unknown_roots", null))
#   object.get(obj, ["unknown_roots", path[0]], false) == false
# is written out in each body, as a function call per body (and each
# body's reading of its arguments) is most of the cost in regorus' VM.
# The other cases, rare, are attr2_any's, which gives the same results in
# every case.
attr2(obj, paths, v0, v1) := {"path": paths[0], "unknown": false, "value": v0} if {
	not v0 in empty_values
	is_object(object.get(obj, "unknown_roots", null))
	object.get(obj, ["unknown_roots", paths[0][0]], false) == false
} else := {"path": paths[1], "unknown": false, "value": v1} if {
	v0 in empty_values
	not v1 in empty_values
	is_object(object.get(obj, "unknown_roots", null))
	object.get(obj, ["unknown_roots", paths[0][0]], false) == false
	object.get(obj, ["unknown_roots", paths[1][0]], false) == false
} else := {"path": paths[1], "unknown": false, "value": null} if {
	v0 in empty_values
	v1 in empty_values
	is_object(object.get(obj, "unknown_roots", null))
	object.get(obj, ["unknown_roots", paths[0][0]], false) == false
	object.get(obj, ["unknown_roots", paths[1][0]], false) == false
	not key_present(obj, paths[0])
	key_present(obj, paths[1])
} else := {"path": paths[0], "unknown": false, "value": null} if {
	v0 in empty_values
	v1 in empty_values
	is_object(object.get(obj, "unknown_roots", null))
	object.get(obj, ["unknown_roots", paths[0][0]], false) == false
	object.get(obj, ["unknown_roots", paths[1][0]], false) == false
} else := attr2_any(obj, paths, v0, v1)

# attr2, in every case.
attr2_any(obj, paths, v0, v1) := attr1(obj, paths[0]) if {
	not v0 in empty_values
} else := attr1(obj, paths[0]) if {
	unknown(obj, paths[0])
} else := attr1(obj, paths[1]) if {
	not v1 in empty_values
} else := attr1(obj, paths[1]) if {
	unknown(obj, paths[1])
} else := {"path": paths[0], "unknown": false, "value": null} if {
	key_present(obj, paths[0])
} else := {"path": paths[1], "unknown": false, "value": null} if {
	key_present(obj, paths[1])
} else := {"path": paths[0], "unknown": false, "value": null}

# The values hold the key of this path (even as null).
key_present(obj, path) if {
	n := count(path)
	n > 0
	parent := object.get(obj.values, array.slice(path, 0, n - 1), null)
	is_object(parent)
	_ = parent[path[n - 1]]
}

# Single-path form of attr (the same result, without attr's list work).
# The common cases first, as in attr2; the others are attr1_any's.
attr1(obj, path) := {"path": path, "unknown": false, "value": v} if {
	v := object.get(obj.values, path, null)
	not v in empty_values
	is_object(object.get(obj, "unknown_roots", null))
	object.get(obj, ["unknown_roots", path[0]], false) == false
} else := {"path": path, "unknown": false, "value": null} if {
	object.get(obj.values, path, null) in empty_values
	is_object(object.get(obj, "unknown_roots", null))
	object.get(obj, ["unknown_roots", path[0]], false) == false
} else := attr1_any(obj, path)

# attr1, in every case.
attr1_any(obj, path) := {"path": path, "unknown": true, "value": v} if {
	v := object.get(obj.values, path, null)
	unknown(obj, path)
} else := {"path": path, "unknown": false, "value": null} if {
	object.get(obj.values, path, null) in empty_values
} else := {"path": path, "unknown": false, "value": object.get(obj.values, path, null)}

is_true(obj, path) if raw(obj, path) == true

# Case-insensitive comparison, as Azure compares enum values.
eq_ci(a, b) if {
	is_string(a)
	is_string(b)
	lower(a) == lower(b)
}

in_ci(v, allowed) if {
	some x in allowed
	eq_ci(v, x)
}

# ---------------------------------------------------------------- pools

is_default_pool(p) if p.kind == "default"

# The pool's mode is only known after apply (a default pool is always System).
mode_unknown(p) if {
	p.kind == "resource"
	unknown(p, ["mode"])
}

is_system_pool(p) if is_default_pool(p)

is_system_pool(p) if {
	p.kind == "resource"
	not mode_unknown(p)
	eq_ci(raw(p, ["mode"]), "System")
}

# A pool resource with mode unset or User.
is_user_pool(p) if {
	p.kind == "resource"
	not mode_unknown(p)
	not eq_ci(raw(p, ["mode"]), "System")
}

priority_unknown(p) if unknown(p, ["priority"])

is_spot_pool(p) if {
	not priority_unknown(p)
	eq_ci(raw(p, ["priority"]), "Spot")
}

system_pools(cluster) := [p | some p in cluster_pools(cluster); is_system_pool(p)]

# ---------------------------------------------------------------- findings

# A failing finding on obj (a resource or a pool) at a path relative to it.
finding(obj, path, msg) := {
	"msg": msg,
	"resource": obj.address,
	"attribute": array.concat(object.get(obj, "prefix", []), path),
	"status": "fail",
}

# A finding whose verdict depends on a value known only after apply.
unknown_finding(obj, path, msg) := {
	"msg": msg,
	"resource": obj.address,
	"attribute": array.concat(object.get(obj, "prefix", []), path),
	"status": "unknown",
}

# A finding for an attribute read with attr(): unknown when the value is.
result(obj, a, msg) := unknown_finding(obj, a.path, msg) if a.unknown

else := finding(obj, a.path, msg)
