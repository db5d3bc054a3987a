//! Whether a value a plan knows only after apply is truly unknown (the
//! configuration sets it) or a provider default (unset), by BASELINE.md's
//! value semantics, from the plan's `configuration` section; and where that
//! section cannot show what sets a value (`dynamic` blocks, the elements of
//! blocks nested as sets), from what the provider schemas say
//! ([`super::configured_attributes`]).
use serde_json::{Map, Value};

use super::configuration::{shown_at, unshown_step};
use super::configured_attributes::{COMPUTED_IN_3X, CONFIGURED, CONFIGURED_BLOCKS, SET_BLOCKS};
use super::normalize::key_path;
use crate::finding::Step;

/// Whether the value at `path`, which `after_unknown` marks, is truly
/// unknown for a resource of `type_` whose configuration is `expressions`
/// and whose planned values are `after`.
pub(super) fn truly_unknown(
    type_: &str,
    expressions: &Map<String, Value>,
    after: &Value,
    after_unknown: &Value,
    path: &[Step],
) -> bool {
    let unshown = unshown(type_, expressions, path);
    unshown.is_none()
        || in_dynamic_required_block(type_, expressions, path)
        || is_list_element(path)
        || (configured_where_unshown(type_, unshown, path)
            && !computed_in_3x(type_, after, after_unknown, path))
}

/// Whether `path` is one that azurerm 3.x computes though no schema the
/// tables were generated from says so ([`COMPUTED_IN_3X`]), in a 3.x plan
/// (one with the key that only 3.x has, in `after` or `after_unknown`).
fn computed_in_3x(type_: &str, after: &Value, after_unknown: &Value, path: &[Step]) -> bool {
    let Some((_, marker, keys)) = COMPUTED_IN_3X.iter().find(|(t, _, _)| *t == type_) else {
        return false;
    };
    // The item itself only: 3.x computes `enabled_log` as a whole, and what
    // is unknown in one of its elements was set by the configuration.
    let key = key_path(path);
    keys.contains(&key.as_str())
        && (after.get(marker).is_some() || after_unknown.get(marker).is_some())
}

/// The first step of `path` that the configuration does not show (None: it
/// sets the value or a block or expression around it). An element of a
/// block nested as a set is matched by what it sets, not by its index: the
/// plan orders a set's elements by value (known ones first), not as the
/// configuration writes them, and merges equal ones. The configuration sets
/// the value when one of the set's elements it shows does; where none does,
/// the element is the step not shown (a `dynamic` block's, if only a
/// configuration sets the value).
fn unshown(type_: &str, expressions: &Map<String, Value>, path: &[Step]) -> Option<usize> {
    let sets = entries(SET_BLOCKS, type_);
    // The step before an index is the block's key: its last name is
    // compared first, so most paths build no key.
    let set_at = (1..path.len()).find(|&j| {
        matches!((path.get(j - 1), path.get(j)), (Some(Step::Key(b)), Some(Step::Index(_)))
            if sets.iter().any(|s| s.rsplit('.').next() == Some(b.as_str())))
            && sets.contains(&key_path(path.get(..j).unwrap_or_default()).as_str())
    });
    let Some(j) = set_at else {
        return unshown_step(expressions, path);
    };
    let shown = match shown_at(expressions, path.get(..j).unwrap_or_default()) {
        Ok(Some(Value::Array(a))) => a.len(),
        // Not shown down to the set, or set by an expression around it.
        _ => return unshown_step(expressions, path),
    };
    let mut alternative = path.to_vec();
    let one_sets_it = (0..shown).any(|k| {
        if let Some(step) = alternative.get_mut(j) {
            *step = Step::Index(k as u64);
        }
        unshown_step(expressions, &alternative).is_none()
    });
    (!one_sets_it).then_some(j)
}

/// Whether `path` lies in (or is) a required block that the configuration
/// does not show: a cluster's `default_node_pool` written as a `dynamic`
/// block (the configuration never shows those; a provider computes no
/// required block). Whole, or what is unknown in it, it is truly unknown:
/// the block may set it (a subnet id known only after apply). Where the
/// configuration shows the block, [`unshown_step`] answers.
fn in_dynamic_required_block(type_: &str, expressions: &Map<String, Value>, path: &[Step]) -> bool {
    type_ == super::normalize::CLUSTER
        && matches!(path.first(), Some(Step::Key(k)) if k == "default_node_pool")
        && !expressions.contains_key("default_node_pool")
}

/// Whether `path` is one element of a list whose length the plan knows
/// (`["10.0.0.0/8", <unknown>]`): a provider computes a whole list, never
/// one element, so the configuration sets it, also where it does not show
/// it (an element in a `dynamic` block's content). Truly unknown.
fn is_list_element(path: &[Step]) -> bool {
    matches!(path.last(), Some(Step::Index(_)))
}

/// Whether `path` is an attribute or a block that only a configuration
/// sets (never computed by a provider: [`CONFIGURED`], [`CONFIGURED_BLOCKS`])
/// where the configuration does not show it: in a block it does not show,
/// or, for a block, the block itself. Such a block is a `dynamic` block (the
/// configuration never shows those). What is unknown in it was set by its
/// content; a block unknown as a whole is one over a list whose length is
/// known only after apply. Truly unknown. An attribute or block a provider
/// may compute stays a provider default, as where the configuration shows
/// the block around it.
fn configured_where_unshown(type_: &str, unshown: Option<usize>, path: &[Step]) -> bool {
    let Some(i) = unshown else {
        return false;
    };
    let key = key_path(path);
    match (path.get(i), path.get(i + 1)) {
        // The step not shown is a block (its key and an index, or one
        // element of a block list) with something below it.
        (Some(Step::Key(_)), Some(Step::Index(_))) if path.len() > i + 2 => {
            listed(CONFIGURED, type_, &key) || listed(CONFIGURED_BLOCKS, type_, &key)
        }
        (Some(Step::Index(_)), Some(_)) => {
            listed(CONFIGURED, type_, &key) || listed(CONFIGURED_BLOCKS, type_, &key)
        }
        // The path ends at the step not shown: a whole block, unknown.
        (Some(Step::Key(_)), None) => listed(CONFIGURED_BLOCKS, type_, &key),
        _ => false,
    }
}

/// Whether `table` lists `key` (keys joined by `.`) for `type_`.
fn listed(table: &[(&str, &[&str])], type_: &str, key: &str) -> bool {
    entries(table, type_).binary_search(&key).is_ok()
}

/// What `table` lists for `type_` (sorted).
fn entries<'t>(table: &[(&str, &'t [&'t str])], type_: &str) -> &'t [&'t str] {
    table
        .binary_search_by(|(t, _)| (*t).cmp(type_))
        .ok()
        .and_then(|i| table.get(i))
        .map_or(&[], |(_, keys)| keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Step {
        Step::Key(s.into())
    }

    fn cwu(type_: &str, expressions: &Map<String, Value>, path: &[Step]) -> bool {
        configured_where_unshown(type_, unshown_step(expressions, path), path)
    }

    #[test]
    fn the_configured_table_is_sorted_and_covers_the_types_the_rules_read() {
        let types: Vec<&str> = CONFIGURED.iter().map(|(t, _)| *t).collect();
        for table in [CONFIGURED, CONFIGURED_BLOCKS] {
            let these: Vec<&str> = table.iter().map(|(t, _)| *t).collect();
            let mut sorted = these.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(these, sorted, "types out of order (binary search)");
            assert_eq!(these, types, "the two tables list other types");
            for (t, keys) in table {
                let mut a = keys.to_vec();
                a.sort_unstable();
                assert_eq!(&a, keys, "{t}: keys out of order");
            }
        }
        let rules = crate::rules::builtin_rules().unwrap_or_default();
        assert!(rules.len() > 40);
        let read = rules.iter().flat_map(|r| r.meta.resource_types.iter());
        for t in read
            .map(String::as_str)
            .chain(super::super::joins::JOIN_TYPES)
            .filter(|t| !t.starts_with("akslint:"))
        {
            assert!(
                types.contains(&t),
                "{t} is not in CONFIGURED: rerun scripts/gen-configured.py"
            );
        }
    }

    #[test]
    fn an_unknown_attribute_only_a_configuration_sets_is_truly_unknown_in_a_hidden_block() {
        let cluster = "azurerm_kubernetes_cluster";
        let shown = serde_json::json!({
            "oms_agent": [{"log_analytics_workspace_id": {"references": ["x"]}}],
            "network_profile": [{"network_plugin": {"constant_value": "azure"}}],
        });
        let shown = shown.as_object().cloned().unwrap_or_default();
        let none = Map::new();
        let oms = [
            k("oms_agent"),
            Step::Index(0),
            k("log_analytics_workspace_id"),
        ];
        let defender = [
            k("microsoft_defender"),
            Step::Index(0),
            k("log_analytics_workspace_id"),
        ];
        let policy = [k("network_profile"), Step::Index(0), k("network_policy")];
        let plugin = [k("network_profile"), Step::Index(0), k("network_plugin")];
        // Not shown at all (a dynamic block): only what no provider computes.
        assert!(cwu(cluster, &none, &oms));
        assert!(cwu(cluster, &none, &defender));
        assert!(cwu(cluster, &none, &plugin));
        assert!(!cwu(cluster, &none, &policy));
        // A shown block's unset attribute is unset; its set one is set.
        assert!(!cwu(cluster, &shown, &plugin));
        assert!(!cwu(cluster, &shown, &policy));
        assert!(unshown_step(&shown, &oms).is_none());
        // A second element of a block list the configuration shows once.
        let second = [
            k("oms_agent"),
            Step::Index(1),
            k("log_analytics_workspace_id"),
        ];
        assert!(cwu(cluster, &shown, &second));
        // A whole block: one no provider computes, not one it may compute.
        assert!(cwu(cluster, &none, &[k("oms_agent")]));
        assert!(!cwu(cluster, &none, &[k("network_profile")]));
        let lb = [
            k("network_profile"),
            Step::Index(0),
            k("load_balancer_profile"),
        ];
        assert!(!cwu(cluster, &shown, &lb));
        let adv = [
            k("network_profile"),
            Step::Index(0),
            k("advanced_networking"),
        ];
        assert!(cwu(cluster, &shown, &adv));
        // An attribute ending where a shown block leaves it out: unset,
        // whatever the table says (a provider's legacy plan may mark it).
        let mode = [
            k("network_profile"),
            Step::Index(0),
            k("network_plugin_mode"),
        ];
        assert!(!cwu(cluster, &shown, &mode));
        // Computed in azurerm 3.x (planned unknown when left out) though no
        // schema of the generator's says so (a review found both): in a 3.x
        // plan (a key only 3.x has), a provider default; in 4.x, set.
        let diag = "azurerm_monitor_diagnostic_setting";
        let whole = [k("enabled_log")];
        let marked = serde_json::json!({"enabled_log": true});
        let v3 = serde_json::json!({"log": []});
        let v4 = serde_json::json!({"enabled_metric": []});
        assert!(!truly_unknown(diag, &none, &v3, &marked, &whole));
        assert!(!truly_unknown(
            diag,
            &none,
            &v4,
            &serde_json::json!({"log": true}),
            &whole
        ));
        assert!(truly_unknown(diag, &none, &v4, &marked, &whole));
        // What is unknown in one of its elements is the configuration's,
        // in 3.x too (a third review).
        let group = [k("enabled_log"), Step::Index(0), k("category_group")];
        assert!(truly_unknown(diag, &none, &v3, &marked, &group));
        let ranges = [
            k("api_server_access_profile"),
            Step::Index(0),
            k("authorized_ip_ranges"),
        ];
        let v3 = serde_json::json!({"api_server_authorized_ip_ranges": []});
        assert!(!truly_unknown(cluster, &none, &v3, &marked, &ranges));
        assert!(truly_unknown(cluster, &none, &v4, &marked, &ranges));
        let category = [k("enabled_log"), Step::Index(0), k("category_group")];
        assert!(cwu(diag, &none, &category));
        // An element of a block list, a top-level attribute, another type:
        // not this case.
        assert!(!cwu(cluster, &none, &[k("oms_agent"), Step::Index(0)]));
        assert!(!cwu(cluster, &none, &[k("disk_encryption_set_id")]));
        assert!(!cwu("azurerm_unknown_type", &none, &oms));
    }

    #[test]
    fn an_element_of_a_set_block_is_matched_by_what_it_sets_not_its_index() {
        let diag = "azurerm_monitor_diagnostic_setting";
        let path = [k("enabled_log"), Step::Index(1), k("category_group")];
        let cfg = |blocks: serde_json::Value| {
            serde_json::json!({ "enabled_log": blocks })
                .as_object()
                .cloned()
                .unwrap_or_default()
        };
        let planned = serde_json::json!({"enabled_log": [{}, {"category_group": true}]});
        let after = serde_json::json!({});
        let none = Map::new();
        // Written first, planned second (the plan orders a set by value).
        let written_first = cfg(serde_json::json!([
            {"category_group": {"references": ["azurerm_log_analytics_workspace.w.id"]}},
            {"category": {"constant_value": "kube-apiserver"}},
        ]));
        assert_eq!(unshown_step(&written_first, &path), Some(2), "by index");
        assert!(truly_unknown(diag, &written_first, &after, &planned, &path));
        // One written, two planned: the other is a dynamic block's.
        let one = cfg(serde_json::json!([{"category": {"constant_value": "kube-apiserver"}}]));
        assert!(truly_unknown(diag, &one, &after, &planned, &path));
        // Two written, none sets it: a dynamic block's too (two written
        // blocks may be one planned element, the plan merges equal ones),
        // which only a configuration sets.
        let two = cfg(serde_json::json!([
            {"category": {"constant_value": "kube-apiserver"}},
            {"category": {"constant_value": "kube-apiserver"}},
        ]));
        assert!(truly_unknown(diag, &two, &after, &planned, &path));
        // A 3.x plan (it has `log`): enabled_log is the provider's.
        let v3 = serde_json::json!({"log": []});
        let whole = [k("enabled_log")];
        let whole_unknown = serde_json::json!({"enabled_log": true});
        assert!(!truly_unknown(diag, &none, &v3, &whole_unknown, &whole));
        assert!(truly_unknown(diag, &none, &after, &whole_unknown, &whole));
        // A list block keeps its order: matched by index.
        let cluster = "azurerm_kubernetes_cluster";
        let oms = [
            k("oms_agent"),
            Step::Index(1),
            k("log_analytics_workspace_id"),
        ];
        let shown = serde_json::json!({"oms_agent": [
            {"log_analytics_workspace_id": {"references": ["x"]}},
            {"msi_auth_for_monitoring_enabled": {"constant_value": true}},
        ]});
        let shown = shown.as_object().cloned().unwrap_or_default();
        let planned = serde_json::json!({"oms_agent": [{}, {"log_analytics_workspace_id": true}]});
        assert!(!truly_unknown(cluster, &shown, &after, &planned, &oms));
    }
}
