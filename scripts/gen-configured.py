#!/usr/bin/env python3
"""Writes src/plan/configured_attributes.rs: the attributes of nested blocks,
and the blocks, that only a configuration sets, the blocks nested as sets,
and the top-level names (TOP_LEVEL: a reference that reads a whole
resource further names one of them), by resource type, for the types the
built-in rules and the joins read.

Run from the repository root, with the shared material beside it:

    python3 scripts/gen-configured.py ../shared/tfplan/azurerm-3.x-schema.json \
        ../shared/tfplan/azurerm-4.x-schema.json \
        ../shared/corpus/azurerm-3.x-schema-aks-subset.json \
        ../shared/tfplan/fakeprovider/hints/azurerm-hints.json \
        ../shared/tfplan/fakeprovider/hints/azurerm-4.x-hints.json \
        ../shared/corpus/real-plans > src/plan/configured_attributes.rs

Why: `terraform show -json` never shows a `dynamic` block in the
`configuration` section. An attribute known only after apply inside a block
that the configuration does not show is then either set by the dynamic
block's content (truly unknown) or computed by the provider (unset, by the
value semantics of BASELINE.md). An attribute that is in this table is never
computed: no schema marks it computed (in any provider version here), and
no real plan shows it unknown where its configuration does not set it (the
legacy plugin SDK lets a provider plan a value that its schema does not
mark computed: azurerm 3.116 plans `network_profile[0].ebpf_data_plane`
unknown). Only the configuration makes it unknown.

An attribute is listed when every schema that has it marks it `required` or
`optional` without `computed`, and no plan given shows it unknown unset.
Paths are the keys of nested blocks and the attribute joined by `.` (list
indices left out); top-level attributes are left out (a configuration shows
every top-level attribute it sets), and so are `timeouts`.

Blocks likewise: a block known only after apply as a whole, which the
configuration does not show, is a `dynamic` block over a list whose length
is known only after apply, unless the provider computes the block
(optional and computed blocks, planned unknown when the configuration
leaves them out: `network_profile`). A schema does not record which blocks
those are; a block is listed unless a plan given shows it unknown unset or
a hints file of tfplan's fake provider (`unknown_when_absent`, from real
azurerm plans) names it.
"""
import json
import os
import re
import sys

# The join types (src/plan/joins/mod.rs JOIN_TYPES) and the types the
# built-in rules declare (rules/*.rego `resource_types`); a unit test in
# src/plan/configured.rs checks that every one of them is here.
JOIN_TYPES = [
    "azurerm_kubernetes_cluster",
    "azurerm_kubernetes_automatic_cluster",
    "azurerm_subnet",
    "azurerm_virtual_network",
    "azurerm_route_table",
    "azurerm_route",
    "azurerm_subnet_route_table_association",
    "azurerm_role_assignment",
    "azurerm_user_assigned_identity",
    "azurerm_monitor_diagnostic_setting",
]


# Computed in azurerm 3.x releases whose schema is not among the inputs
# (tfplan's 3.x schema predates them, the AKS subset lacks the resource):
# `Optional, Computed: !features.FourPointOhBeta()` in the provider's source
# from v3.39 to v3.117.1, planned unknown when the configuration leaves
# them out; never computed in 4.x and 5.x. They are listed as configured,
# and COMPUTED_IN_3X names them with a key only 3.x plans have (in `after`
# or `after_unknown`): in a 3.x plan they are provider defaults.
COMPUTED_IN_3X = {
    "azurerm_monitor_diagnostic_setting": ("log", ["enabled_log"]),
    "azurerm_kubernetes_cluster": (
        "api_server_authorized_ip_ranges",
        ["api_server_access_profile.authorized_ip_ranges"],
    ),
}

# Types that no schema here has: what BASELINE-2026-12.md says of their
# schema (v4.81.0, v5.2.0) and the provider's source shows
# (hashicorp/terraform-provider-azurerm,
# internal/services/containers/kubernetes_automatic_cluster_resource.go, the
# six-block schema). azurerm_kubernetes_automatic_cluster's `identity` block
# is Required, its `type` too; `api_server_access` and `private_cluster` are
# Optional and not Computed, and so are their attributes (those of
# `private_cluster` have defaults, which a plan shows known): only a
# configuration sets them. `hosted_system` is Optional and Computed (the
# provider returns managed subnets when none is given): not listed.
EXTRA_CONFIGURED = {
    "azurerm_kubernetes_automatic_cluster": (
        [
            "api_server_access.authorized_ip_ranges",
            "api_server_access.subnet_id",
            "identity.identity_ids",
            "identity.type",
            "private_cluster.private_dns_zone_id",
            "private_cluster.public_fully_qualified_domain_name_enabled",
        ],
        ["api_server_access", "identity", "private_cluster"],
    ),
}


# What a top-level name holds, in the order a reference can read more of it:
# a single value (a string), a list or set (read by index), a map, an object
# or a single block (read by name). Over provider versions, the most.
VALUE, LIST, MAP = 0, 1, 2
HOLDS = {VALUE: "Value", LIST: "List", MAP: "Map"}

# Types whose top-level names (attributes and blocks, TOP_LEVEL) a join
# needs besides the ones above: the egress chain reads a resource group's
# `name`.
TOP_LEVEL_TYPES = ["azurerm_resource_group"]

# No schema here has azurerm_kubernetes_automatic_cluster: its six blocks
# (BASELINE-2026-12.md), the attributes the rules and joins read of it, and
# those of every azurerm resource. (name, what it holds: HOLDS)
EXTRA_TOP_LEVEL = {
    "azurerm_kubernetes_automatic_cluster": [
        ("api_server_access", LIST),
        ("hosted_system", LIST),
        ("id", VALUE),
        ("identity", LIST),
        ("location", VALUE),
        ("name", VALUE),
        ("oidc_issuer_url", VALUE),
        ("private_cluster", LIST),
        ("resource_group_name", VALUE),
        ("service_mesh", LIST),
        ("web_app_routing_ingress", LIST),
    ],
}


def rule_types():
    out = set()
    for name in sorted(os.listdir("rules")):
        if not name.endswith(".rego") or name.endswith("_test.rego"):
            continue
        with open(os.path.join("rules", name), encoding="utf-8") as f:
            for m in re.finditer(r"resource_types:\s*\[([^\]]*)\]", f.read()):
                for t in m.group(1).split(","):
                    t = t.strip().strip('"')
                    if t and not t.startswith("akslint:"):
                        out.add(t)
    return out


def walk(block, path, out, blocks, sets):
    for name, attr in (block.get("attributes") or {}).items():
        configured = (attr.get("required") or attr.get("optional")) and not attr.get("computed")
        out.setdefault(".".join(path + [name]), []).append(bool(configured))
    for name, b in (block.get("block_types") or {}).items():
        blocks.add(".".join(path + [name]))
        if b.get("nesting_mode") == "set":
            sets.add(".".join(path + [name]))
        walk(b.get("block", {}), path + [name], out, blocks, sets)


def true_paths(v, path, out):
    if v is True:
        out.append(path)
    elif isinstance(v, dict):
        for k, x in v.items():
            true_paths(x, path + [k], out)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            true_paths(x, path + [i], out)


def sets_path(expressions, path):
    """src/plan/configuration.rs sets_path, for the plans' observations."""
    cur = expressions.get(path[0]) if isinstance(path[0], str) else None
    if cur is None:
        return False
    for step in path[1:]:
        if isinstance(cur, dict) and ("references" in cur or "constant_value" in cur):
            return True
        if isinstance(cur, dict) and isinstance(step, str):
            if step not in cur:
                return False
            cur = cur[step]
        elif isinstance(cur, list) and isinstance(step, int):
            if step >= len(cur):
                return False
            cur = cur[step]
        else:
            return True
    return True


def config_resource(cfg, modules, rtype, name):
    m = cfg.get("root_module") or {}
    for part in modules:
        m = ((m.get("module_calls") or {}).get(part) or {}).get("module") or {}
    for r in m.get("resources") or []:
        if r.get("mode") == "managed" and r.get("type") == rtype and r.get("name") == name:
            return r
    return None


def observed_unset_unknowns(plan_dir, types, seen):
    """Key paths that a plan shows unknown where its configuration does not
    set them (provider-computed, whatever the schema says)."""
    for name in sorted(os.listdir(plan_dir)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(plan_dir, name), encoding="utf-8") as f:
            plan = json.load(f)
        cfg = plan.get("configuration") or {}
        for rc in plan.get("resource_changes") or []:
            if rc.get("type") not in types:
                continue
            paths = []
            true_paths((rc.get("change") or {}).get("after_unknown") or {}, [], paths)
            modules = re.findall(r"module\.([^.\[]+)", rc.get("module_address") or "")
            res = config_resource(cfg, modules, rc["type"], rc["name"])
            exprs = (res or {}).get("expressions") or {}
            for p in paths:
                if p and not sets_path(exprs, p):
                    key = ".".join(s for s in p if isinstance(s, str))
                    seen.setdefault(rc["type"], set()).add(key)


def main(args):
    types = set(JOIN_TYPES) | rule_types()
    attrs = {}
    blocks = {}
    sets = {}
    observed = {}
    top = {}
    for path in args:
        if os.path.isdir(path):
            observed_unset_unknowns(path, types, observed)
            continue
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for rtype, hints in (doc.get("resources") or {}).items():
            observed.setdefault(rtype, set()).update(hints.get("unknown_when_absent") or [])
        for provider in (doc.get("provider_schemas") or {}).values():
            for rtype, schema in (provider.get("resource_schemas") or {}).items():
                if rtype in types or rtype in TOP_LEVEL_TYPES:
                    top_level_names(schema["block"], top.setdefault(rtype, {}))
                    walk(
                        schema["block"],
                        [],
                        attrs.setdefault(rtype, {}),
                        blocks.setdefault(rtype, set()),
                        sets.setdefault(rtype, set()),
                    )
    print("// @generated by scripts/gen-configured.py: do not edit by hand.")
    print("//! Attributes of nested blocks that only a configuration sets (never")
    print("//! computed by the provider), by resource type (sorted) and path (keys")
    print("//! joined by `.`, list indices left out). See scripts/gen-configured.py.")
    print()
    print("pub(crate) static CONFIGURED: &[(&str, &[&str])] = &[")
    for rtype in sorted(types):
        found = sorted(
            {
                p
                for p, flags in (attrs.get(rtype) or {}).items()
                if "." in p
                and not p.startswith("timeouts.")
                and all(flags)
                and p not in observed.get(rtype, set())
            }
            | set(EXTRA_CONFIGURED.get(rtype, ([], []))[0])
        )
        items = ", ".join(json.dumps(p) for p in found)
        print(f"    ({json.dumps(rtype)}, &[{items}]),")
    print("];")
    print()
    print("/// Blocks nested as sets in some provider version: the plan orders their")
    print("/// elements by value, not as the configuration writes them.")
    print("pub(crate) static SET_BLOCKS: &[(&str, &[&str])] = &[")
    for rtype in sorted(types):
        items = ", ".join(json.dumps(p) for p in sorted(sets.get(rtype) or ()))
        print(f"    ({json.dumps(rtype)}, &[{items}]),")
    print("];")
    print()
    print("/// Blocks that only a configuration sets (no provider computes them),")
    print("/// the same way.")
    print("pub(crate) static CONFIGURED_BLOCKS: &[(&str, &[&str])] = &[")
    for rtype in sorted(types):
        found = sorted(
            {p for p in blocks.get(rtype) or () if p != "timeouts" and p not in observed.get(rtype, set())}
            | set(EXTRA_CONFIGURED.get(rtype, ([], []))[1])
        )
        items = ", ".join(json.dumps(p) for p in found)
        print(f"    ({json.dumps(rtype)}, &[{items}]),")
    print("];")
    print_computed_in_3x()
    print_top_level(sorted(types | set(TOP_LEVEL_TYPES)), top)


def top_level_names(schema, out):
    """Top-level names of a resource schema: name -> what it holds."""
    for name, attr in (schema.get("attributes") or {}).items():
        t = attr.get("type")
        holds = VALUE
        if isinstance(t, list):
            holds = LIST if t[0] in ("list", "set") else MAP
        out[name] = max(out.get(name, VALUE), holds)
    for name, b in (schema.get("block_types") or {}).items():
        holds = LIST if b.get("nesting_mode") in ("list", "set") else MAP
        out[name] = max(out.get(name, VALUE), holds)
    out.pop("timeouts", None)


def print_top_level(types, top):
    print()
    print("/// What a top-level name holds: a single value (a string), a list or a")
    print("/// set (read further by index), or a map, an object or a single block")
    print("/// (read further by name).")
    print("#[derive(Clone, Copy, Debug, PartialEq)]")
    print("pub(crate) enum Holds {")
    print("    Value,")
    print("    List,")
    print("    Map,")
    print("}")
    print()
    print("/// The top-level attributes and blocks of each type, in any provider")
    print("/// version here: a reference that reads a whole resource (a module output")
    print("/// or a variable that is the resource) further names one of these,")
    print("/// with what it holds.")
    print("pub(crate) static TOP_LEVEL: &[(&str, &[(&str, Holds)])] = &[")
    for rtype in types:
        found = dict(top.get(rtype) or {})
        for name, holds in EXTRA_TOP_LEVEL.get(rtype, []):
            found[name] = max(found.get(name, VALUE), holds)
        items = ", ".join(
            f"({json.dumps(p)}, Holds::{HOLDS[found[p]]})" for p in sorted(found)
        )
        print(f"    ({json.dumps(rtype)}, &[{items}]),")
    print("];")


def print_computed_in_3x():
    print()
    print("/// Listed above but computed in azurerm 3.x: (type, a key only 3.x plans")
    print("/// have, keys). See COMPUTED_IN_3X in scripts/gen-configured.py.")
    print("pub(crate) static COMPUTED_IN_3X: &[(&str, &str, &[&str])] = &[")
    for rtype in sorted(COMPUTED_IN_3X):
        marker, keys = COMPUTED_IN_3X[rtype]
        items = ", ".join(json.dumps(k) for k in sorted(keys))
        print(f"    ({json.dumps(rtype)}, {json.dumps(marker)}, &[{items}]),")
    print("];")


if __name__ == "__main__":
    main(sys.argv[1:])
