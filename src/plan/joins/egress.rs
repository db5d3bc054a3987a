//! AKS007: pool -> subnet -> route table -> routes.
use std::collections::HashMap;

use crate::plan::normalize::REDACTED;

use rayon::prelude::*;
use serde_json::Value;

#[allow(unused_imports)]
use super::*;
use crate::plan::normalize::Pool;

// ------------------------------------------------------------------ AKS007

/// A subnet: a resource, or an inline subnet of a network (its position).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Subnet {
    Resource(usize),
    Inline(usize, usize),
}

fn inline_subnets(vnet: &Resource) -> &[Value] {
    vnet.values
        .get("subnet")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Whether an `azurerm_route` and its route table are in the same resource
/// group: by value (case-insensitive); else, when a value is known only
/// after apply, by both referencing the same `azurerm_resource_group`'s
/// `name` (an unindexed reference: from resources with the same
/// `count`/`for_each` key). None: the plan cannot tell.
fn same_group(idx: &Index<'_>, route: &Resource, table: &Resource) -> Option<bool> {
    const KEY: &str = "resource_group_name";
    if let (Some(a), Some(b)) = (
        join_value(&route.values, KEY),
        join_value(&table.values, KEY),
    ) {
        return Some(a.eq_ignore_ascii_case(b));
    }
    let group = |r: &Resource| -> Option<Target> {
        let exprs = idx.exprs(r);
        let expr = exprs.as_ref().and_then(|e| e.get(KEY));
        match idx.resolve(r, KEY, expr, &|t| t == "azurerm_resource_group") {
            Ref::Managed(t) if t.attr.as_deref() == Some("name") => Some(t),
            _ => None,
        }
    };
    let same_index = match (&route.index, &table.index) {
        (None, None) => true,
        (Some(a), Some(b)) => address::same_key(a, b),
        _ => false,
    };
    match (group(route), group(table)) {
        (Some(a), Some(b)) if a == b && (a.index.is_some() || same_index) => Some(true),
        _ => None,
    }
}

pub(super) fn egress(idx: &Index<'_>, model: &Model, joins: &mut Joins) {
    if model.pools.is_empty() {
        return;
    }
    // Inline subnets by id.
    let mut inline_by_id: HashMap<String, Subnet> = HashMap::new();
    for (vi, v) in idx.resources.iter().enumerate() {
        if v.type_ != VNET {
            continue;
        }
        for (si, s) in inline_subnets(v).iter().enumerate() {
            if let Some(id) = join_value(s, "id") {
                inline_by_id.insert(id.to_ascii_lowercase(), Subnet::Inline(vi, si));
            }
        }
    }
    let subnet_by_value = |v: Option<&str>| -> Option<Subnet> {
        idx.by_value(v, &[SUBNET])
            .map(Subnet::Resource)
            .or_else(|| inline_by_id.get(&v?.to_ascii_lowercase()).copied())
    };
    // A subnet whose id is not known (created by this plan) could be the
    // one a known id names: such an id can be ruled out only when every
    // subnet's id is known.
    let every_subnet_id_known = idx.resources.iter().all(|r| match r.type_.as_str() {
        SUBNET => join_value(&r.values, "id").is_some(),
        VNET => inline_subnets(r)
            .iter()
            .all(|s| join_value(s, "id").is_some()),
        _ => true,
    });
    // Associations: subnet -> route table (Ok) or outside (Err).
    let mut associations: HashMap<Subnet, Result<usize, ()>> = HashMap::new();
    let mut unresolved_association = false;
    for a in idx.resources.iter().filter(|r| r.type_ == ASSOCIATION) {
        // (A marked id, redacted, is not known here.)
        let known = str_value(&a.values, "subnet_id").filter(|v| *v != REDACTED);
        let subnet = match idx.join(a, "subnet_id", &[SUBNET]) {
            Ok(i) => Some(Subnet::Resource(i)),
            Err(_) => subnet_by_value(known),
        };
        let Some(subnet) = subnet else {
            // A known id that matches no subnet, when every subnet's id is
            // known, points outside (another stack's subnet): not one of the
            // pools' subnets. Otherwise it could be one.
            if known.is_none() || !every_subnet_id_known {
                unresolved_association = true;
            }
            continue;
        };
        let table = idx
            .join(a, "route_table_id", &[ROUTE_TABLE])
            .map_err(|_| ());
        associations.entry(subnet).or_insert(table);
    }
    // Routes of each table.
    let mut routes: HashMap<usize, Vec<Route>> = HashMap::new();
    let mut table_by_name: HashMap<(String, String), usize> = HashMap::new();
    for (ti, t) in idx.resources.iter().enumerate() {
        if t.type_ != ROUTE_TABLE {
            continue;
        }
        if let (Some(n), Some(g)) = (
            join_value(&t.values, "name"),
            join_value(&t.values, "resource_group_name"),
        ) {
            table_by_name.insert((n.to_ascii_lowercase(), g.to_ascii_lowercase()), ti);
        }
        let list = routes.entry(ti).or_default();
        if t.unknown.contains("route") {
            list.push(Route {
                source: t.address.clone(),
                address_prefix: Value::Null,
                next_hop_type: Value::Null,
                actual: None,
                hidden: false,
                unknown: true,
            });
        }
        // The routes as they are, also where the plan marks them sensitive
        // (the whole list may be marked).
        let actual = t.actual();
        for (i, r) in actual
            .get("route")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let unknown = ["address_prefix", "next_hop_type"]
                .iter()
                .any(|k| t.unknown.contains(&format!("route.{i}.{k}")));
            let shown = t.values.get("route").and_then(|l| l.get(i));
            list.push(route(&t.address, r, shown, unknown));
        }
    }
    for r in idx.resources.iter().filter(|r| r.type_ == ROUTE) {
        let exprs = idx.exprs(r);
        let expr = exprs.as_ref().and_then(|e| e.get("route_table_name"));
        let mut table = match idx.resolve(r, "route_table_name", expr, &|t| t == ROUTE_TABLE) {
            Ref::Managed(t) => idx.pick(&t, &r.index),
            _ => None,
        };
        // A route names its table by name and resource group: a reference
        // to a table's name does not join a route in another group (both
        // groups known and different).
        if let Some(ti) = table {
            let group =
                |v: &Value| str_value(v, "resource_group_name").map(str::to_ascii_lowercase);
            if let (Some(a), Some(b)) = (
                group(&r.values),
                idx.resources.get(ti).and_then(|t| group(&t.values)),
            ) {
                if a != b {
                    table = None;
                }
            }
        }
        if table.is_none() {
            if let (Some(n), Some(g)) = (
                str_value(&r.values, "route_table_name"),
                str_value(&r.values, "resource_group_name"),
            ) {
                table = table_by_name
                    .get(&(n.to_ascii_lowercase(), g.to_ascii_lowercase()))
                    .copied();
            }
        }
        if let Some(ti) = table {
            // A route whose resource group the plan cannot compare with the
            // table's (known only after apply) may not be the table's: it
            // counts as a route known only after apply.
            let unknown = same_group(idx, r, idx.r(ti)) != Some(true)
                || r.unknown.contains("address_prefix")
                || r.unknown.contains("next_hop_type");
            let list = routes.entry(ti).or_default();
            list.push(route(&r.address, &r.actual(), Some(&r.values), unknown));
        }
    }
    let chain = |s: Subnet| -> SubnetChain {
        let (address, name) = match s {
            Subnet::Resource(i) => (
                idx.r(i).address.clone(),
                str_value(&idx.r(i).values, "name").map(str::to_string),
            ),
            Subnet::Inline(v, si) => (
                idx.r(v).address.clone(),
                inline_subnets(idx.r(v))
                    .get(si)
                    .and_then(|x| str_value(x, "name"))
                    .map(str::to_string),
            ),
        };
        let table: Option<Result<usize, ()>> = associations.get(&s).copied().or_else(|| match s {
            Subnet::Inline(v, si) => {
                let vnet = idx.r(v);
                let inline = inline_subnets(vnet).get(si)?;
                if let Some(id) = str_value(inline, "route_table_id") {
                    return Some(idx.by_value(Some(id), &[ROUTE_TABLE]).ok_or(()));
                }
                // Unknown in a plan: the configuration's block of that name.
                let name = str_value(inline, "name")?;
                let exprs = idx.exprs(vnet);
                let block = exprs
                    .as_ref()
                    .and_then(|e| e.get("subnet"))
                    .and_then(Value::as_array)?
                    .iter()
                    .find(|b| {
                        b.pointer("/name/constant_value").and_then(Value::as_str) == Some(name)
                    })?;
                let expr = block.get("route_table_id")?;
                Some(
                    match idx.resolve(vnet, "", Some(expr), &|t| t == ROUTE_TABLE) {
                        Ref::Managed(t) => idx.pick(&t, &vnet.index).ok_or(()),
                        _ => Err(()),
                    },
                )
            }
            Subnet::Resource(i) => {
                let sub = idx.r(i);
                let exprs = idx.exprs(sub);
                let wo = exprs.as_ref().and_then(|e| e.get("route_table_id_wo"));
                if let Some(expr) = wo {
                    return Some(
                        match idx
                            .resolve(sub, "route_table_id_wo", Some(expr), &|t| t == ROUTE_TABLE)
                        {
                            Ref::Managed(t) => idx.pick(&t, &sub.index).ok_or(()),
                            _ => Err(()),
                        },
                    );
                }
                str_value(&sub.values, "route_table_id")
                    .map(|id| idx.by_value(Some(id), &[ROUTE_TABLE]).ok_or(()))
            }
        });
        let wo_version = match s {
            Subnet::Resource(i) => {
                let sub = idx.r(i);
                sub.values
                    .get("route_table_id_wo_version")
                    .is_some_and(|v| !v.is_null())
                    || sub.unknown.contains("route_table_id_wo_version")
                    || idx
                        .exprs(sub)
                        .is_some_and(|e| e.contains_key("route_table_id_wo_version"))
            }
            Subnet::Inline(..) => false,
        };
        let (status, table) = match table {
            Some(Ok(t)) => ("joined", Some(t)),
            Some(Err(())) if wo_version => ("unresolved", None),
            Some(Err(())) => ("outside", None),
            None if unresolved_association || wo_version => ("unresolved", None),
            None => ("none", None),
        };
        SubnetChain {
            address,
            name,
            table: status,
            route_table: table.map(|t| idx.r(t).address.clone()),
            routes: table
                .and_then(|t| routes.get(&t).cloned())
                .unwrap_or_default(),
        }
    };
    // Each pool's chain on its own, in parallel; inserted in pool order.
    let one = |p: &Pool| -> Option<(String, Egress)> {
        // The resource that holds the pool and the expression of its subnet.
        let Ok(ri) = idx
            .resources
            .binary_search_by(|r| r.address.as_str().cmp(&p.address))
        else {
            return None;
        };
        let owner = idx.r(ri);
        // Whether the subnet is set is read from the value as it is (the
        // pool's values may be marked sensitive whole); a subnet is matched
        // by the value custom policies see, so a marked id matches nothing
        // (the join would tell them what it is).
        let set = str_value(&model.pool_values_actual(p), "vnet_subnet_id").is_some();
        let value = str_value(model.pool_values(p), "vnet_subnet_id");
        let unknown = p.unknown.contains("vnet_subnet_id");
        let exprs = idx.exprs(owner);
        let expr = exprs.as_ref().and_then(|e| {
            if p.kind == "default" {
                e.get("default_node_pool")
                    .and_then(|b| b.get(0))
                    .and_then(|b| b.get("vnet_subnet_id"))
            } else {
                e.get("vnet_subnet_id")
            }
        });
        // A default pool the configuration (found) does not show: a
        // `dynamic` block.
        let hidden = p.kind == "default"
            && exprs
                .as_ref()
                .is_some_and(|e| e.get("default_node_pool").is_none());
        // Unset (AKS006's concern): no chain.
        if !set && !unknown {
            return None;
        }
        let mut subnets: Option<(&'static str, Vec<Subnet>)> = None;
        let attr = if p.kind == "default" {
            ""
        } else {
            "vnet_subnet_id"
        };
        match idx.resolve(owner, attr, expr, &|t| t == SUBNET || t == VNET) {
            Ref::Managed(t) if t.type_ == SUBNET => {
                if let Some(i) = idx.pick(&t, &owner.index) {
                    subnets = Some(("joined", vec![Subnet::Resource(i)]));
                }
            }
            Ref::Managed(t) => {
                if let Some(v) = idx.pick(&t, &owner.index) {
                    let all: Vec<Subnet> = (0..inline_subnets(idx.r(v)).len())
                        .map(|si| Subnet::Inline(v, si))
                        .collect();
                    subnets = match subnet_by_value(value) {
                        Some(s) => Some(("joined", vec![s])),
                        None if all.len() == 1 => Some(("joined", all)),
                        None if !all.is_empty() => Some(("ambiguous", all)),
                        None => None,
                    };
                }
            }
            _ => {}
        }
        if subnets.is_none() {
            subnets = subnet_by_value(value).map(|s| ("joined", vec![s]));
        }
        let egress = match subnets {
            Some((status, list)) => Egress {
                subnet: status,
                subnets: list.into_iter().map(chain).collect(),
            },
            // Known only after apply, set where the configuration does not
            // show it (a `dynamic` default pool): the plan cannot tell which
            // subnet it is.
            None if hidden && unknown && value.is_none() => Egress {
                subnet: "unresolved",
                subnets: Vec::new(),
            },
            None => Egress {
                subnet: "outside",
                subnets: Vec::new(),
            },
        };
        Some((p.address.clone(), egress))
    };
    let chains: Vec<(String, Egress)> = model
        .pools
        .par_iter()
        .with_min_len(PARALLEL_MIN)
        .filter_map(one)
        .collect();
    joins.egress.extend(chains);
}

/// A route from its values as they are (`actual`) and as custom policies see
/// them (`shown`: `(sensitive)` where the plan marks them).
fn route(source: &str, actual: &Value, shown: Option<&Value>, unknown: bool) -> Route {
    let field = |v: Option<&Value>, k: &str| v.and_then(|v| v.get(k)).cloned();
    let pair = |v: Option<&Value>| {
        [
            field(v, "address_prefix").unwrap_or(Value::Null),
            field(v, "next_hop_type").unwrap_or(Value::Null),
        ]
    };
    let real = pair(Some(actual));
    // A route that is not an object in the redacted values is marked
    // sensitive whole (or its list is): custom policies do not see it.
    let hidden = !shown.is_some_and(Value::is_object);
    let shown = pair(shown.filter(|v| v.is_object()));
    let actual = (hidden || shown != real).then(|| Box::new(real));
    let [address_prefix, next_hop_type] = shown;
    Route {
        source: source.to_string(),
        address_prefix,
        next_hop_type,
        actual,
        hidden,
        unknown,
    }
}
