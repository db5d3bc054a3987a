//! The changes of `resource_changes` a rule reads, from the copies the
//! parse made of them (the file's text is gone by then) to resources: their
//! values parsed, redacted, and their unknown values told from provider
//! defaults. A large file's in parallel.
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde_json::{Map, Value};

use super::configuration::{sets_path, unshown_step, TfConfiguration};
use super::configured_attributes::{CONFIGURED, CONFIGURED_BLOCKS};
use super::normalize::{
    apply_sensitive, configuration_address, key_path, module_names, parse_fragment, path_key,
    true_paths, wanted, Resource, TypeFilter,
};
use super::parse::{self, Fragment, KeptChange};
use crate::error::InputError;
use crate::finding::Step;

/// Changes from which a file's are normalized in parallel.
const PARALLEL_CHANGES: usize = 512;

/// What the kept changes of a file give.
#[derive(Default)]
pub(super) struct Normalized {
    /// Changes that count among the file's resources (not a data source,
    /// deposed object, delete or forget).
    pub counted: usize,
    /// Resources of the types a rule reads, in file order.
    pub resources: Vec<Resource>,
    /// Their before sides (state semantics), in file order.
    pub before: Vec<Resource>,
}

/// Normalizes the kept changes of a file. Each change is normalized on its
/// own: a large file's in parallel, gathered in file order (the same
/// resources, and the same first error, whatever the thread count). After
/// an error, only the changes before it are still normalized (the first
/// error in file order is the one reported).
pub(super) fn normalize_all(
    file: &str,
    kept: Vec<KeptChange>,
    filter: &TypeFilter,
    cfg: Option<&TfConfiguration>,
) -> Result<Normalized, InputError> {
    let first_error = AtomicUsize::new(usize::MAX);
    let one = |(i, rc)| {
        if i > first_error.load(Ordering::Relaxed) {
            return Ok(One::default());
        }
        let n = normalize_change(file, rc, filter, cfg);
        if n.is_err() {
            first_error.fetch_min(i, Ordering::Relaxed);
        }
        n
    };
    let done: Vec<Result<One, InputError>> = if kept.len() >= PARALLEL_CHANGES {
        kept.into_par_iter()
            .enumerate()
            .with_min_len(64)
            .map(one)
            .collect()
    } else {
        kept.into_iter().enumerate().map(one).collect()
    };
    let mut out = Normalized::default();
    for n in done {
        let n = n?;
        out.counted += usize::from(n.counted);
        out.resources.extend(n.resource);
        out.before.extend(n.before);
    }
    Ok(out)
}

/// What one change gives.
#[derive(Default)]
struct One {
    counted: bool,
    resource: Option<Resource>,
    before: Option<Resource>,
}

/// The error of a fragment's value, placed in the file: the fragment's
/// position there and the error's within the fragment.
fn fragment_error(file: &str, f: &Fragment, e: &serde_json::Error) -> InputError {
    let mut err = parse::json_error(file, e);
    if let InputError::Json { line, column, .. } = &mut err {
        let text = f.raw.get();
        let within = super::normalize::offset_in(text, *line, *column);
        if let (Some(prefix), true) = (text.get(..within), f.at.line > 0) {
            let bytes = prefix.as_bytes();
            match memchr::memrchr(b'\n', bytes) {
                None => (*line, *column) = (f.at.line, f.at.column + parse::chars(bytes)),
                Some(nl) => {
                    *line = f.at.line + memchr::memchr_iter(b'\n', bytes).count();
                    *column = parse::chars(bytes.get(nl + 1..).unwrap_or_default()) + 1;
                }
            }
        }
    }
    err
}

fn normalize_change(
    file: &str,
    rc: KeptChange,
    filter: &TypeFilter,
    cfg: Option<&TfConfiguration>,
) -> Result<One, InputError> {
    let mut out = One::default();
    let managed = super::address::is_managed(rc.mode.as_deref(), &rc.address);
    if !managed || rc.deposed.is_some() {
        return Ok(out);
    }
    let want = wanted(filter, &rc.type_);
    // Values are parsed only for the resource types a rule reads.
    let [before, after, after_unknown, after_sensitive, before_sensitive] = if want {
        parse_values(file, &rc)?
    } else {
        Default::default()
    };
    if want {
        out.before = before_resource(file, &rc, before, before_sensitive)?;
    }
    if rc.actions == ["delete"] || rc.actions == ["forget"] {
        return Ok(out);
    }
    out.counted = true;
    if !want {
        return Ok(out);
    }
    let module = rc.module_address.clone().unwrap_or_default();
    let mut values = match after {
        Some(v @ Value::Object(_)) => v,
        Some(Value::Null) | None => Value::Object(Map::new()),
        Some(_) => {
            return Err(InputError::NotTerraform {
                file: file.to_string(),
                reason: format!("{}: change.after is not an object", rc.address),
            })
        }
    };
    let (sensitive, withheld) = apply_sensitive(&mut values, after_sensitive.as_ref(), &rc.type_);
    let mut unknown = BTreeSet::new();
    let mut paths = Vec::new();
    if let Some(au) = &after_unknown {
        true_paths(au, &mut Vec::new(), &mut paths);
    }
    // The configuration is read only for a resource with unknown values
    // (most of a plan's updates and no-ops have none).
    if !paths.is_empty() {
        let mods = module_names(&module);
        let exprs = cfg.and_then(|c| {
            c.expressions(
                &mods,
                &rc.type_,
                &rc.name,
                &configuration_address(&mods, &rc.type_, &rc.name),
            )
        });
        for p in paths {
            let truly = match &exprs {
                Some(e) => {
                    sets_path(e, &p)
                        || in_dynamic_required_block(&rc.type_, e, &p)
                        || is_list_element(&p)
                        || configured_where_unshown(&rc.type_, e, &p)
                }
                None => true,
            };
            if truly {
                unknown.insert(path_key(&p));
            }
        }
    }
    out.resource = Some(Resource {
        address: rc.address,
        type_: rc.type_,
        name: rc.name,
        module,
        index: rc.index,
        actions: rc.actions,
        values,
        unknown,
        sensitive,
        withheld,
        cluster: None,
        oidc_cluster: None,
    });
    Ok(out)
}

/// Whether `path` lies in (or is) a required block that the configuration
/// does not show: a cluster's `default_node_pool` written as a `dynamic`
/// block (the configuration never shows those; a provider computes no
/// required block). Whole, or what is unknown in it, it is truly unknown:
/// the block may set it (a subnet id known only after apply). Where the
/// configuration shows the block, `sets_path` answers.
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
fn configured_where_unshown(type_: &str, expressions: &Map<String, Value>, path: &[Step]) -> bool {
    let Some(i) = unshown_step(expressions, path) else {
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
    table
        .binary_search_by(|(t, _)| (*t).cmp(type_))
        .ok()
        .and_then(|i| table.get(i))
        .is_some_and(|(_, keys)| keys.binary_search(&key).is_ok())
}

/// The values of a change (before, after, after_unknown, after_sensitive,
/// before_sensitive), parsed in the order they appear in the file: of two
/// bad values, the first there is the one reported.
fn parse_values(file: &str, rc: &KeptChange) -> Result<[Option<Value>; 5], InputError> {
    let mut present: Vec<(usize, &Fragment)> = [
        &rc.before,
        &rc.after,
        &rc.after_unknown,
        &rc.after_sensitive,
        &rc.before_sensitive,
    ]
    .into_iter()
    .enumerate()
    .filter_map(|(i, f)| Some((i, f.as_ref()?)))
    .collect();
    present.sort_by_key(|(_, f)| f.at.offset);
    let mut out: [Option<Value>; 5] = Default::default();
    for (i, f) in present {
        let v = parse_fragment(f.raw.get()).map_err(|e| fragment_error(file, f, &e))?;
        if let Some(slot) = out.get_mut(i) {
            *slot = Some(v);
        }
    }
    Ok(out)
}

/// The before side of one change, with a state file's value semantics:
/// the `before` object, `before_sensitive` redacted, nothing unknown. None
/// when the change has no `before` (a create).
fn before_resource(
    file: &str,
    rc: &KeptChange,
    values: Option<Value>,
    marks: Option<Value>,
) -> Result<Option<Resource>, InputError> {
    let mut values = match values {
        Some(v @ Value::Object(_)) => v,
        Some(Value::Null) | None => return Ok(None),
        // Its findings would all read as new: a gate failed for nothing.
        Some(_) => {
            return Err(InputError::NotTerraform {
                file: file.to_string(),
                reason: format!("{}: change.before is not an object", rc.address),
            })
        }
    };
    let (sensitive, withheld) = apply_sensitive(&mut values, marks.as_ref(), &rc.type_);
    Ok(Some(Resource {
        address: rc.address.clone(),
        type_: rc.type_.clone(),
        name: rc.name.clone(),
        module: rc.module_address.clone().unwrap_or_default(),
        index: rc.index.clone(),
        actions: Vec::new(),
        values,
        unknown: BTreeSet::new(),
        sensitive,
        withheld,
        cluster: None,
        oidc_cluster: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Step {
        Step::Key(s.into())
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
        assert!(configured_where_unshown(cluster, &none, &oms));
        assert!(configured_where_unshown(cluster, &none, &defender));
        assert!(configured_where_unshown(cluster, &none, &plugin));
        assert!(!configured_where_unshown(cluster, &none, &policy));
        // A shown block's unset attribute is unset; its set one is set.
        assert!(!configured_where_unshown(cluster, &shown, &plugin));
        assert!(!configured_where_unshown(cluster, &shown, &policy));
        assert!(sets_path(&shown, &oms));
        // A second element of a block list the configuration shows once.
        let second = [
            k("oms_agent"),
            Step::Index(1),
            k("log_analytics_workspace_id"),
        ];
        assert!(configured_where_unshown(cluster, &shown, &second));
        // A whole block: one no provider computes, not one it may compute.
        assert!(configured_where_unshown(cluster, &none, &[k("oms_agent")]));
        assert!(!configured_where_unshown(
            cluster,
            &none,
            &[k("network_profile")]
        ));
        let lb = [
            k("network_profile"),
            Step::Index(0),
            k("load_balancer_profile"),
        ];
        assert!(!configured_where_unshown(cluster, &shown, &lb));
        let adv = [
            k("network_profile"),
            Step::Index(0),
            k("advanced_networking"),
        ];
        assert!(configured_where_unshown(cluster, &shown, &adv));
        // An attribute ending where a shown block leaves it out: unset,
        // whatever the table says (a provider's legacy plan may mark it).
        let mode = [
            k("network_profile"),
            Step::Index(0),
            k("network_plugin_mode"),
        ];
        assert!(!configured_where_unshown(cluster, &shown, &mode));
        // Computed in azurerm 3.x (planned unknown when left out) though no
        // schema of the generator's says so (a review found both).
        let diag = "azurerm_monitor_diagnostic_setting";
        assert!(!configured_where_unshown(diag, &none, &[k("enabled_log")]));
        let ranges = [
            k("api_server_access_profile"),
            Step::Index(0),
            k("authorized_ip_ranges"),
        ];
        assert!(!configured_where_unshown(cluster, &none, &ranges));
        let category = [k("enabled_log"), Step::Index(0), k("category_group")];
        assert!(configured_where_unshown(diag, &none, &category));
        // An element of a block list, a top-level attribute, another type:
        // not this case.
        assert!(!configured_where_unshown(
            cluster,
            &none,
            &[k("oms_agent"), Step::Index(0)]
        ));
        assert!(!configured_where_unshown(
            cluster,
            &none,
            &[k("disk_encryption_set_id")]
        ));
        assert!(!configured_where_unshown(
            "azurerm_unknown_type",
            &none,
            &oms
        ));
    }
}
