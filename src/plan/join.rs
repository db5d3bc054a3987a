//! The cross-resource joins: node pools and federated credentials to their
//! cluster, through the plan's configuration references (module outputs and
//! arguments included), or through id values in state.
use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::address;
use super::configuration::{Target, TfConfiguration};
use super::normalize::configuration_address;
use super::normalize::{
    is_cluster_type, Resource, AUTOMATIC_CLUSTER, CLUSTER, FEDERATED, NODE_POOL,
};

/// A cluster as `pick_cluster` reads it: its address parts, not its values
/// (a copy of every cluster's values was 60 MB on a dense plan).
struct ClusterKey {
    address: String,
    index: Option<Value>,
    /// Module instance keys, in the order of the module path.
    module_keys: Vec<Option<Value>>,
}

/// (type, name, module names without keys) -> the clusters so declared.
type ClusterIndex = HashMap<(String, String, Vec<String>), Vec<ClusterKey>>;

/// Picks the cluster instance a resolved reference means, for a resource
/// with the given module instance path and index.
fn pick_cluster(
    clusters: &ClusterIndex,
    target: &Target,
    own_index: &Option<Value>,
) -> Option<String> {
    let key = (
        target.type_.clone(),
        target.name.clone(),
        target.module.clone(),
    );
    let candidates: Vec<&ClusterKey> = clusters
        .get(&key)
        .into_iter()
        .flatten()
        .filter(|c| {
            c.module_keys
                .iter()
                .zip(&target.module_keys)
                .all(|(key, want)| match (key, want) {
                    (_, None) => true,
                    (Some(k), Some(w)) => address::same_key(k, w),
                    (None, Some(_)) => false,
                })
        })
        .collect();
    let chosen: Vec<&&ClusterKey> = match &target.index {
        Some(ix) => candidates
            .iter()
            .filter(|c| c.index.as_ref().is_some_and(|i| address::same_key(i, ix)))
            .collect(),
        None if candidates.len() == 1 => candidates.iter().collect(),
        None => candidates
            .iter()
            .filter(|c| match (&c.index, own_index) {
                (Some(a), Some(b)) => address::same_key(a, b),
                _ => false,
            })
            .collect(),
    };
    match chosen.as_slice() {
        [one] => Some(one.address.clone()),
        _ => None,
    }
}

/// First names of references that are no module call or resource.
const NOT_INSTANCES: &[&str] = &[
    "var",
    "local",
    "data",
    "each",
    "count",
    "path",
    "terraform",
    "self",
];

/// `each.value.ATTR` in a resource whose `for_each` is a module call or a
/// resource (`for_each = module.aks`, `kubernetes_cluster_id =
/// each.value.id`): the instance with the resource's own key, as the
/// reference `module.aks["KEY"].ATTR`. None for any other expression, or a
/// `for_each` over anything but one whole module call or resource.
pub(super) fn through_for_each(
    cfg: &TfConfiguration,
    mods: &[String],
    r: &Resource,
    expr: &Value,
) -> Option<Value> {
    let rest = expr
        .get("references")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .find_map(|s| s.strip_prefix("each.value."))?;
    let for_each = cfg.for_each_expression(mods, &r.type_, &r.name)?;
    let mut bases = for_each
        .get("references")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .filter(|s| {
            !NOT_INSTANCES.contains(&s.split('.').next().unwrap_or_default())
                && address::parse(s)
                    .is_some_and(|segs| segs.len() == 2 && segs.iter().all(|g| g.key.is_none()))
        });
    let base = bases.next()?;
    if bases.any(|b| b != base) {
        return None;
    }
    let key = serde_json::to_string(r.index.as_ref()?).ok()?;
    Some(serde_json::json!({ "references": [format!("{base}[{key}].{rest}")] }))
}

pub(super) fn join_plan(resources: &mut [Resource], cfg: &TfConfiguration) {
    let mut clusters = ClusterIndex::new();
    for r in resources.iter().filter(|r| is_cluster_type(&r.type_)) {
        let path = address::module_path(&r.module);
        let (names, module_keys): (Vec<String>, Vec<Option<Value>>) = path.into_iter().unzip();
        clusters
            .entry((r.type_.clone(), r.name.clone(), names))
            .or_default()
            .push(ClusterKey {
                address: r.address.clone(),
                index: r.index.clone(),
                module_keys,
            });
    }
    if clusters.is_empty() {
        return;
    }
    for r in resources.iter_mut() {
        let (attr, is_pool) = if r.type_ == NODE_POOL {
            ("kubernetes_cluster_id", true)
        } else if FEDERATED.contains(&r.type_.as_str()) {
            ("issuer", false)
        } else {
            continue;
        };
        let path = address::module_path(&r.module);
        let mods: Vec<String> = path.iter().map(|(n, _)| n.clone()).collect();
        let keys: Vec<Option<Value>> = path.iter().map(|(_, k)| k.clone()).collect();
        let Some(exprs) = cfg.expressions(
            &mods,
            &r.type_,
            &r.name,
            &configuration_address(&mods, &r.type_, &r.name),
        ) else {
            continue;
        };
        let Some(expr) = exprs.get(attr) else {
            continue;
        };
        let through = through_for_each(cfg, &mods, r, expr);
        let expr = through.as_ref().unwrap_or(expr);
        // Pools join `azurerm_kubernetes_cluster` only (AKS Automatic has
        // none); credentials trust the issuer of either type.
        let target = cfg.resolve(&mods, &keys, expr, CLUSTER, 0).or_else(|| {
            (!is_pool)
                .then(|| cfg.resolve(&mods, &keys, expr, AUTOMATIC_CLUSTER, 0))
                .flatten()
        });
        let Some(target) = target else {
            continue;
        };
        if !is_pool && target.attr.as_deref() != Some("oidc_issuer_url") {
            continue;
        }
        let picked = pick_cluster(&clusters, &target, &r.index);
        if is_pool {
            r.cluster = picked;
        } else {
            r.oidc_cluster = picked;
        }
    }
    // State values can still join what references could not (a pool whose
    // cluster id is known in the plan because the cluster already exists).
    join_state(resources);
}

pub(super) fn join_state(resources: &mut [Resource]) {
    let mut by_id: BTreeMap<String, String> = BTreeMap::new();
    let mut by_issuer: BTreeMap<String, String> = BTreeMap::new();
    for c in resources.iter().filter(|r| is_cluster_type(&r.type_)) {
        // A marked id or URL (its placeholder) matches nothing.
        let unmarked = |s: &&str| !s.is_empty() && *s != super::normalize::REDACTED;
        if let Some(id) = c.values.get("id").and_then(Value::as_str).filter(unmarked) {
            by_id.insert(id.to_ascii_lowercase(), c.address.clone());
        }
        if let Some(url) = c
            .values
            .get("oidc_issuer_url")
            .and_then(Value::as_str)
            .filter(unmarked)
        {
            by_issuer.insert(url.trim_end_matches('/').to_string(), c.address.clone());
        }
    }
    for r in resources.iter_mut() {
        if r.type_ == NODE_POOL && r.cluster.is_none() {
            if let Some(id) = r
                .values
                .get("kubernetes_cluster_id")
                .and_then(Value::as_str)
            {
                r.cluster = by_id.get(&id.to_ascii_lowercase()).cloned();
            }
        } else if FEDERATED.contains(&r.type_.as_str()) && r.oidc_cluster.is_none() {
            if let Some(url) = r.values.get("issuer").and_then(Value::as_str) {
                r.oidc_cluster = by_issuer.get(url.trim_end_matches('/')).cloned();
            }
        }
    }
}
