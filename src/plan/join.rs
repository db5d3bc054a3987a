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

/// What follows `each.value` in a reference, as attribute names:
/// `each.value.id` -> `id`, `each.value["id"].x` -> `id.x`. None for
/// `each.value` alone or an index that is no attribute name.
fn each_value_rest(reference: &str) -> Option<String> {
    let rest = reference.strip_prefix("each.value")?;
    if let Some(attr) = rest.strip_prefix('.') {
        return Some(attr.to_string());
    }
    let (name, tail) = rest.strip_prefix("[\"")?.split_once("\"]")?;
    let is_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    (is_name && (tail.is_empty() || tail.starts_with(['.', '[']))).then(|| format!("{name}{tail}"))
}

/// `each.value.ATTR` (or `each.value["ATTR"]`) in a resource whose
/// `for_each` is one whole module call or resource (`for_each =
/// module.aks`, `kubernetes_cluster_id = each.value.id`): the instance with
/// the resource's own key, as the reference `module.aks["KEY"].ATTR`.
///
/// Only when the `for_each` expression references that module call or
/// resource and nothing else (with `filters`, variables and locals beside
/// it are allowed, as filters): `module.aks.clusters`, `module.aks["x"]`, a
/// data source, another resource, a variable or a local mean each value
/// may be something else, and the expression is left as it is. A `for`
/// expression over the whole call references only `module.aks` whatever it
/// maps each value to (`k => v.secondary`) or under which keys: the plan
/// does not show it, and it is taken for the call's instances. Callers
/// check that the instance exists and that the plan does not know the
/// attribute's value. None for any other expression.
pub(super) fn through_for_each(
    cfg: &TfConfiguration,
    mods: &[String],
    r: &Resource,
    expr: &Value,
    filters: bool,
) -> Option<Value> {
    let rest = expr
        .get("references")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .find_map(each_value_rest)?;
    let for_each = cfg.for_each_expression(mods, &r.type_, &r.name)?;
    let refs: Vec<&str> = for_each
        .get("references")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let whole = |s: &str| {
        !NOT_INSTANCES.contains(&s.split('.').next().unwrap_or_default())
            && address::parse(s)
                .is_some_and(|segs| segs.len() == 2 && segs.iter().all(|g| g.key.is_none()))
    };
    // A variable or a local beside the base may be a filter (`if
    // contains(var.audit, k)`) as well as what each value is made of (`k =>
    // local.vaults[k]`); the plan does not tell which. Only with `filters`
    // are they taken for filters.
    let base = *refs.iter().find(|s| whole(s))?;
    let filter = |s: &str| filters && (s.starts_with("var.") || s.starts_with("local."));
    if refs.iter().any(|s| *s != base && !filter(s)) {
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
        // A pool joins nothing otherwise (its cluster then counts fewer
        // system nodes): variables and locals beside the base are taken for
        // filters, as they were.
        let through = through_for_each(cfg, &mods, r, expr, true);
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A resource `TYPE.NAME["blue"]` whose `for_each` has the given
    /// references, and its configuration.
    fn setup(type_: &str, name: &str, for_each: &[&str]) -> (TfConfiguration, Resource) {
        let cfg = json!({"root_module": {"resources": [{
            "mode": "managed", "type": type_, "name": name,
            "for_each_expression": {"references": for_each},
            "expressions": {}
        }]}});
        let r = Resource {
            address: format!("{type_}.{name}[\"blue\"]"),
            type_: type_.into(),
            name: name.into(),
            module: String::new(),
            index: Some(json!("blue")),
            actions: Vec::new(),
            values: json!({}),
            unknown: Default::default(),
            sensitive: Default::default(),
            withheld: Vec::new(),
            cluster: None,
            oidc_cluster: None,
        };
        (TfConfiguration::parse(&cfg.to_string(), None), r)
    }

    /// A diagnostic setting `d` with the given `for_each` references, index
    /// `"blue"`, and `target_resource_id` referencing `target`.
    fn rewrite(for_each: &[&str], target: &str) -> Option<Value> {
        let (cfg, r) = setup("azurerm_monitor_diagnostic_setting", "d", for_each);
        let expr = json!({"references": [target, "each.value"]});
        through_for_each(&cfg, &[], &r, &expr, false).inspect(|v| {
            assert_eq!(
                through_for_each(&cfg, &[], &r, &expr, true).as_ref(),
                Some(v)
            )
        })
    }

    #[test]
    fn pools_take_variables_and_locals_for_filters() {
        let (cfg, r) = setup(
            "azurerm_kubernetes_cluster_node_pool",
            "p",
            &["module.aks", "var.audit"],
        );
        let expr = json!({"references": ["each.value.id", "each.value"]});
        assert_eq!(
            reference(through_for_each(&cfg, &[], &r, &expr, true)),
            Some("module.aks[\"blue\"].id".to_string())
        );
        assert_eq!(through_for_each(&cfg, &[], &r, &expr, false), None);
    }

    fn reference(v: Option<Value>) -> Option<String> {
        v?.get("references")?.get(0)?.as_str().map(str::to_string)
    }

    #[test]
    fn each_value_reads_the_instance_with_the_own_key() {
        let blue = |attr: &str| Some(format!("module.aks[\"blue\"].{attr}"));
        assert_eq!(
            reference(rewrite(&["module.aks"], "each.value.id")),
            blue("id")
        );
        // The index form of the attribute.
        assert_eq!(
            reference(rewrite(&["module.aks"], "each.value[\"id\"]")),
            blue("id")
        );
        assert_eq!(
            reference(rewrite(
                &["azurerm_kubernetes_cluster.fleet"],
                "each.value.kubelet_identity[0].object_id"
            )),
            Some(
                "azurerm_kubernetes_cluster.fleet[\"blue\"].kubelet_identity[0].object_id"
                    .to_string()
            )
        );
    }

    #[test]
    fn each_value_of_anything_else_is_left_alone() {
        // An output of the call, one instance of it, a data source, another
        // resource: each value may be something else than the instance.
        for for_each in [
            &["module.aks.clusters", "module.aks"][..],
            &["module.aks[\"green\"]", "module.aks"],
            &["module.aks", "data.azurerm_key_vault.kv"],
            &["module.aks", "azurerm_key_vault.kv"],
            // A filter, or what each value is made of: the plan does not
            // tell.
            &["module.aks", "var.audit"],
            &["module.aks", "local.vaults"],
            &["var.clusters"],
            &["local.clusters"],
            &[],
        ] {
            assert_eq!(rewrite(for_each, "each.value.id"), None, "{for_each:?}");
        }
        // Not an attribute of each value.
        assert_eq!(rewrite(&["module.aks"], "each.key"), None);
        assert_eq!(rewrite(&["module.aks"], "each.value[0]"), None);
    }
}
