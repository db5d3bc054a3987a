//! From `terraform show -json` output to the policy input (docs/input-format.md):
//! which resources are checked, their values under the baseline's value
//! semantics (unknown, sensitive), node pools, and the cross-resource joins.
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Map, Value};

use crate::address;
use crate::config::{sets_path, ConfigIndex, Target};
use crate::error::InputError;
use crate::finding::Step;
use crate::load::{self, Kind, RawDoc, RawStateModule, Source};

pub const CLUSTER: &str = "azurerm_kubernetes_cluster";
pub const NODE_POOL: &str = "azurerm_kubernetes_cluster_node_pool";
pub const FEDERATED: [&str; 2] = [
    "azurerm_federated_identity_credential",
    "azuread_application_federated_identity_credential",
];
/// What a redacted value reads as.
pub const REDACTED: &str = "(sensitive)";

/// Attributes that hold secrets whatever the provider marks.
const SECRET_KEYS: &[&str] = &[
    "client_secret",
    "client_key",
    "client_certificate",
    "cluster_ca_certificate",
    "kube_config",
    "kube_config_raw",
    "kube_admin_config",
    "kube_admin_config_raw",
    "password",
    "admin_password",
    "server_app_secret",
    "primary_access_key",
    "secondary_access_key",
    "primary_connection_string",
    "secondary_connection_string",
    "primary_shared_key",
    "secondary_shared_key",
    "private_key_pem",
    "ssh_private_key",
];

/// One checked resource instance.
#[derive(Debug, Clone)]
pub struct Resource {
    pub address: String,
    pub type_: String,
    pub name: String,
    pub module: String,
    pub index: Option<Value>,
    pub actions: Vec<String>,
    pub values: Value,
    pub unknown: BTreeSet<String>,
    pub sensitive: BTreeSet<String>,
    pub cluster: Option<String>,
    pub oidc_cluster: Option<String>,
}

/// One node pool (see docs/input-format.md "Pool").
#[derive(Debug, Clone)]
pub struct Pool {
    pub address: String,
    pub kind: &'static str,
    pub cluster: Option<String>,
    pub prefix: Vec<Step>,
    pub values: Value,
    pub unknown: BTreeSet<String>,
    pub sensitive: BTreeSet<String>,
}

/// A normalized plan or state.
#[derive(Debug, Clone)]
pub struct Model {
    pub file: String,
    pub kind: Kind,
    pub terraform_version: Option<String>,
    /// Resources of the wanted types, sorted by address.
    pub resources: Vec<Resource>,
    pub pools: Vec<Pool>,
    /// Every managed resource instance checked (of any type).
    pub resource_count: usize,
    /// The plan's `configuration` section (None for state).
    pub configuration: Option<Value>,
    /// Cross-resource joins of the 2026-12 rules (src/joins.rs).
    pub joins: crate::joins::Joins,
    /// The resource types the loaded rules declare (None: all).
    pub exposed: TypeFilter,
}

/// Which resource types to build values for (None: all).
pub type TypeFilter = Option<HashSet<String>>;

fn wanted(filter: &TypeFilter, t: &str) -> bool {
    match filter {
        None => true,
        // The joins need clusters whenever pools or credentials are wanted.
        Some(set) => {
            set.contains(t) || (t == CLUSTER && !set.is_empty()) || crate::joins::needed(set, t)
        }
    }
}

/// A change as normalization uses it: values parsed only when wanted.
struct Change {
    actions: Vec<String>,
    after: Option<Value>,
    after_unknown: Option<Value>,
    after_sensitive: Option<Value>,
}

pub fn path_key(path: &[Step]) -> String {
    let mut out = String::new();
    for (i, s) in path.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        match s {
            Step::Key(k) => out.push_str(k),
            Step::Index(n) => out.push_str(&n.to_string()),
        }
    }
    out
}

/// Paths at which a tree of booleans (after_unknown, after_sensitive) is `true`.
fn true_paths(v: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::Bool(true) => out.push(path.clone()),
        Value::Object(m) => {
            for (k, child) in m {
                path.push(Step::Key(k.clone()));
                true_paths(child, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                path.push(Step::Index(i as u64));
                true_paths(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Replaces the value at `path` by the redaction marker (if it is there).
fn redact(values: &mut Value, path: &[Step]) -> bool {
    let mut cur = values;
    for step in path {
        let next = match (cur, step) {
            (Value::Object(m), Step::Key(k)) => m.get_mut(k),
            (Value::Array(a), Step::Index(i)) => {
                a.get_mut(usize::try_from(*i).unwrap_or(usize::MAX))
            }
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return false,
        }
    }
    if cur.is_null() {
        return false;
    }
    *cur = Value::String(REDACTED.to_string());
    true
}

/// Redacts always-secret attributes wherever they occur.
fn redact_secret_keys(
    v: &mut Value,
    type_: &str,
    path: &mut Vec<Step>,
    out: &mut BTreeSet<String>,
) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                path.push(Step::Key(k.clone()));
                let secret = SECRET_KEYS.contains(&k.as_str())
                    || (path.len() == 1 && k == "value" && type_.ends_with("_password"));
                if secret && !is_empty(child) {
                    *child = Value::String(REDACTED.to_string());
                    out.insert(path_key(path));
                } else {
                    redact_secret_keys(child, type_, path, out);
                }
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter_mut().enumerate() {
                path.push(Step::Index(i as u64));
                redact_secret_keys(child, type_, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn apply_sensitive(values: &mut Value, marks: Option<&Value>, type_: &str) -> BTreeSet<String> {
    let mut sensitive = BTreeSet::new();
    if let Some(marks) = marks {
        let mut paths = Vec::new();
        if marks == &Value::Bool(true) {
            // The whole resource is sensitive: every attribute is, and the
            // values keep their object shape.
            if let Value::Object(m) = values {
                paths.extend(m.keys().map(|k| vec![Step::Key(k.clone())]));
            }
        }
        true_paths(marks, &mut Vec::new(), &mut paths);
        paths.retain(|p| !p.is_empty());
        for p in paths {
            redact(values, &p);
            sensitive.insert(path_key(&p));
        }
    }
    redact_secret_keys(values, type_, &mut Vec::new(), &mut sensitive);
    sensitive
}

fn module_names(module: &str) -> Vec<String> {
    address::module_path(module)
        .into_iter()
        .map(|(n, _)| n)
        .collect()
}

fn config_address(module: &[String], type_: &str, name: &str) -> String {
    let mut s = String::new();
    for m in module {
        s.push_str("module.");
        s.push_str(m);
        s.push('.');
    }
    s.push_str(type_);
    s.push('.');
    s.push_str(name);
    s
}

/// An error in a fragment re-parsed from the source text, with its line and
/// column in the whole file.
fn fragment_err(src: &Source, fragment: &str, e: &serde_json::Error) -> InputError {
    let mut err = load::json_error(&src.name, e);
    let base = (fragment.as_ptr() as usize).checked_sub(src.text.as_ptr() as usize);
    if let (InputError::Json { line, column, .. }, Some(base)) = (&mut err, base) {
        // Offset of the error within the fragment, then within the file.
        let in_fragment: usize = fragment
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum::<usize>()
            + fragment
                .split_inclusive('\n')
                .nth(line.saturating_sub(1))
                .map_or(0, |l| {
                    l.char_indices()
                        .nth(column.saturating_sub(1))
                        .map_or(l.len(), |(i, _)| i)
                });
        let abs = base + in_fragment;
        if src.text.get(..abs).is_some() {
            (*line, *column) = load::line_col(&src.text, abs);
        }
    }
    err
}

/// Loads and normalizes one source.
pub fn normalize(src: &Source, filter: &TypeFilter) -> Result<Model, InputError> {
    // Changes of types no rule reads are only counted while parsing.
    let keep = filter.as_ref().map(|set| {
        let mut keep = set.clone();
        if !set.is_empty() {
            keep.insert(CLUSTER.to_string());
        }
        crate::joins::keep(set, &mut keep);
        keep
    });
    let (kind, doc) = load::parse_keeping(src, keep.as_ref())?;
    let mut model = match kind {
        Kind::Plan => normalize_plan(src, doc, filter),
        Kind::State => normalize_state(src, doc, filter),
    }?;
    model.exposed = filter.clone();
    Ok(model)
}

fn normalize_plan(src: &Source, doc: RawDoc<'_>, filter: &TypeFilter) -> Result<Model, InputError> {
    let file = &src.name;
    let configuration: Option<Value> = match doc.configuration {
        Some(raw) => {
            Some(serde_json::from_str(raw.get()).map_err(|e| fragment_err(src, raw.get(), &e))?)
        }
        None => None,
    };
    let cfg = configuration.as_ref().map(ConfigIndex::new);
    let mut resources = Vec::new();
    let changes = doc.resource_changes.unwrap_or_default();
    let mut count = changes.others;
    for rc in changes.kept {
        let managed = rc.mode.as_deref().unwrap_or("managed") == "managed"
            && !rc.address.starts_with("data.")
            && !rc.address.contains(".data.");
        if !managed || rc.deposed.is_some() {
            continue;
        }
        let want = wanted(filter, &rc.type_);
        // Values are parsed only for the resource types a rule reads.
        let parse =
            |raw: Option<&serde_json::value::RawValue>| -> Result<Option<Value>, InputError> {
                match raw {
                    Some(r) if want => serde_json::from_str(r.get())
                        .map(Some)
                        .map_err(|e| fragment_err(src, r.get(), &e)),
                    _ => Ok(None),
                }
            };
        let change = Change {
            after: parse(rc.change.after)?,
            after_unknown: parse(rc.change.after_unknown)?,
            after_sensitive: parse(rc.change.after_sensitive)?,
            actions: rc.change.actions.into_iter().map(Cow::into_owned).collect(),
        };
        let acts: Vec<&str> = change.actions.iter().map(String::as_str).collect();
        if acts == ["delete"] || acts == ["forget"] {
            continue;
        }
        count += 1;
        if !want {
            continue;
        }
        let module = rc.module_address.as_deref().unwrap_or_default().to_string();
        let mut values = match change.after {
            Some(v @ Value::Object(_)) => v,
            Some(Value::Null) | None => Value::Object(Map::new()),
            Some(_) => {
                return Err(InputError::NotTerraform {
                    file: file.clone(),
                    reason: format!("{}: change.after is not an object", rc.address),
                })
            }
        };
        let sensitive = apply_sensitive(&mut values, change.after_sensitive.as_ref(), &rc.type_);
        let mods = module_names(&module);
        let exprs = cfg.as_ref().and_then(|c| {
            c.expressions(
                &mods,
                &rc.type_,
                &rc.name,
                &config_address(&mods, &rc.type_, &rc.name),
            )
        });
        let mut unknown = BTreeSet::new();
        if let Some(au) = &change.after_unknown {
            let mut paths = Vec::new();
            true_paths(au, &mut Vec::new(), &mut paths);
            for p in paths {
                let truly = match exprs {
                    Some(e) => sets_path(e, &p),
                    None => true,
                };
                if truly {
                    unknown.insert(path_key(&p));
                }
            }
        }
        resources.push(Resource {
            address: rc.address.into_owned(),
            type_: rc.type_.into_owned(),
            name: rc.name.into_owned(),
            module,
            index: rc.index,
            actions: change.actions,
            values,
            unknown,
            sensitive,
            cluster: None,
            oidc_cluster: None,
        });
    }
    resources.sort_by(|a, b| a.address.cmp(&b.address));
    if let Some(cfg) = &cfg {
        join_plan(&mut resources, cfg);
    }
    let mut model = finish(src, Kind::Plan, doc.terraform_version, resources, count);
    crate::joins::join(&mut model, cfg.as_ref(), configuration.as_ref());
    Ok(model)
}

fn normalize_state(
    src: &Source,
    doc: RawDoc<'_>,
    filter: &TypeFilter,
) -> Result<Model, InputError> {
    let mut resources = Vec::new();
    let mut count = 0usize;
    let mut stack: Vec<&RawStateModule<'_>> = Vec::new();
    if let Some(root) = doc.values.as_ref().and_then(|v| v.root_module.as_ref()) {
        stack.push(root);
    }
    while let Some(m) = stack.pop() {
        stack.extend(m.child_modules.iter());
        for r in &m.resources {
            let managed = r.mode.as_deref().unwrap_or("managed") == "managed";
            if !managed || r.deposed_key.is_some() {
                continue;
            }
            count += 1;
            if !wanted(filter, &r.type_) {
                continue;
            }
            let mut values: Value = match r.values {
                Some(raw) => {
                    serde_json::from_str(raw.get()).map_err(|e| fragment_err(src, raw.get(), &e))?
                }
                None => Value::Object(Map::new()),
            };
            if !values.is_object() {
                values = Value::Object(Map::new());
            }
            let marks: Option<Value> = match r.sensitive_values {
                Some(raw) => Some(
                    serde_json::from_str(raw.get())
                        .map_err(|e| fragment_err(src, raw.get(), &e))?,
                ),
                None => None,
            };
            let sensitive = apply_sensitive(&mut values, marks.as_ref(), &r.type_);
            let module = match (
                &m.address,
                r.address.rfind(&format!("{}.{}", r.type_, r.name)),
            ) {
                (Some(a), _) => a.clone(),
                (None, Some(i)) if i > 0 => r.address.get(..i - 1).unwrap_or_default().to_string(),
                _ => String::new(),
            };
            resources.push(Resource {
                address: r.address.clone(),
                type_: r.type_.clone(),
                name: r.name.clone(),
                module,
                index: r.index.clone(),
                actions: Vec::new(),
                values,
                unknown: BTreeSet::new(),
                sensitive,
                cluster: None,
                oidc_cluster: None,
            });
        }
    }
    resources.sort_by(|a, b| a.address.cmp(&b.address));
    join_state(&mut resources);
    let mut model = finish(src, Kind::State, doc.terraform_version, resources, count);
    crate::joins::join(&mut model, None, None);
    Ok(model)
}

/// Picks the cluster instance a resolved reference means, for a resource
/// with the given module instance path and index.
fn pick_cluster(
    clusters: &[(usize, &Resource)],
    target: &Target,
    own_index: &Option<Value>,
) -> Option<String> {
    let candidates: Vec<&Resource> = clusters
        .iter()
        .map(|(_, c)| *c)
        .filter(|c| c.type_ == target.type_ && c.name == target.name)
        .filter(|c| {
            let path = address::module_path(&c.module);
            path.len() == target.module.len()
                && path.iter().zip(&target.module).all(|((n, _), t)| n == t)
                && path
                    .iter()
                    .zip(&target.module_keys)
                    .all(|((_, key), want)| match (key, want) {
                        (_, None) => true,
                        (Some(k), Some(w)) => address::same_key(k, w),
                        (None, Some(_)) => false,
                    })
        })
        .collect();
    let chosen: Vec<&&Resource> = match &target.index {
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

fn join_plan(resources: &mut [Resource], cfg: &ConfigIndex<'_>) {
    let clusters: Vec<(usize, Resource)> = resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.type_ == CLUSTER)
        .map(|(i, r)| (i, r.clone()))
        .collect();
    if clusters.is_empty() {
        return;
    }
    let cluster_refs: Vec<(usize, &Resource)> = clusters.iter().map(|(i, r)| (*i, r)).collect();
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
            &config_address(&mods, &r.type_, &r.name),
        ) else {
            continue;
        };
        let Some(expr) = exprs.get(attr) else {
            continue;
        };
        let Some(target) = cfg.resolve(&mods, &keys, expr, CLUSTER, 0) else {
            continue;
        };
        if !is_pool && target.attr.as_deref() != Some("oidc_issuer_url") {
            continue;
        }
        let picked = pick_cluster(&cluster_refs, &target, &r.index);
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

fn join_state(resources: &mut [Resource]) {
    let mut by_id: BTreeMap<String, String> = BTreeMap::new();
    let mut by_issuer: BTreeMap<String, String> = BTreeMap::new();
    for c in resources.iter().filter(|r| r.type_ == CLUSTER) {
        if let Some(id) = c.values.get("id").and_then(Value::as_str) {
            if !id.is_empty() {
                by_id.insert(id.to_ascii_lowercase(), c.address.clone());
            }
        }
        if let Some(url) = c.values.get("oidc_issuer_url").and_then(Value::as_str) {
            if !url.is_empty() {
                by_issuer.insert(url.trim_end_matches('/').to_string(), c.address.clone());
            }
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

fn strip_prefix_keys(set: &BTreeSet<String>, prefix: &str) -> BTreeSet<String> {
    set.iter()
        .filter_map(|k| k.strip_prefix(prefix).map(str::to_string))
        .collect()
}

fn finish(
    src: &Source,
    kind: Kind,
    terraform_version: Option<String>,
    resources: Vec<Resource>,
    resource_count: usize,
) -> Model {
    let mut pools = Vec::new();
    for r in &resources {
        if r.type_ == CLUSTER {
            let Some(pool) = r
                .values
                .get("default_node_pool")
                .and_then(|v| v.get(0))
                .filter(|v| v.is_object())
            else {
                continue;
            };
            pools.push(Pool {
                address: r.address.clone(),
                kind: "default",
                cluster: Some(r.address.clone()),
                prefix: vec![Step::Key("default_node_pool".into()), Step::Index(0)],
                values: pool.clone(),
                unknown: strip_prefix_keys(&r.unknown, "default_node_pool.0."),
                sensitive: strip_prefix_keys(&r.sensitive, "default_node_pool.0."),
            });
        } else if r.type_ == NODE_POOL {
            pools.push(Pool {
                address: r.address.clone(),
                kind: "resource",
                cluster: r.cluster.clone(),
                prefix: Vec::new(),
                values: r.values.clone(),
                unknown: r.unknown.clone(),
                sensitive: r.sensitive.clone(),
            });
        }
    }
    Model {
        file: src.name.clone(),
        kind,
        terraform_version,
        resources,
        pools,
        resource_count,
        configuration: None,
        joins: crate::joins::Joins::default(),
        exposed: None,
    }
}

// ------------------------------------------------------------------ to Rego

fn rv_str(s: &str) -> regorus::Value {
    regorus::Value::from(s)
}

fn rv_set(keys: &BTreeSet<String>) -> regorus::Value {
    let map: BTreeMap<regorus::Value, regorus::Value> = keys
        .iter()
        .map(|k| (rv_str(k), regorus::Value::from(true)))
        .collect();
    regorus::Value::from(map)
}

fn rv_opt(s: &Option<String>) -> regorus::Value {
    s.as_deref().map_or(regorus::Value::Null, rv_str)
}

fn rv_path(path: &[Step]) -> regorus::Value {
    regorus::Value::from(
        path.iter()
            .map(|s| match s {
                Step::Key(k) => rv_str(k),
                Step::Index(i) => regorus::Value::from(*i),
            })
            .collect::<Vec<_>>(),
    )
}

fn obj(entries: Vec<(&str, regorus::Value)>) -> regorus::Value {
    let map: BTreeMap<regorus::Value, regorus::Value> =
        entries.into_iter().map(|(k, v)| (rv_str(k), v)).collect();
    regorus::Value::from(map)
}

/// The Rego object of one resource (docs/input-format.md "Resource").
fn resource_value(r: &Resource) -> regorus::Value {
    obj(vec![
        ("address", rv_str(&r.address)),
        ("type", rv_str(&r.type_)),
        ("name", rv_str(&r.name)),
        ("module", rv_str(&r.module)),
        (
            "index",
            r.index
                .clone()
                .map_or(regorus::Value::Null, regorus::Value::from),
        ),
        ("mode", rv_str("managed")),
        (
            "actions",
            regorus::Value::from(r.actions.iter().map(|a| rv_str(a)).collect::<Vec<_>>()),
        ),
        ("values", regorus::Value::from(r.values.clone())),
        ("unknown", rv_set(&r.unknown)),
        ("sensitive", rv_set(&r.sensitive)),
        ("cluster", rv_opt(&r.cluster)),
        ("oidc_cluster", rv_opt(&r.oidc_cluster)),
    ])
}

impl Model {
    /// The Rego `input` document (docs/input-format.md).
    pub fn to_input(&self) -> regorus::Value {
        let mut by_type: BTreeMap<regorus::Value, Vec<regorus::Value>> = BTreeMap::new();
        let mut all = Vec::with_capacity(self.resources.len());
        for r in &self.resources {
            if crate::joins::hidden(&self.exposed, &r.type_) {
                continue;
            }
            let v = resource_value(r);
            by_type.entry(rv_str(&r.type_)).or_default().push(v.clone());
            all.push(v);
        }
        let mut by_cluster: BTreeMap<regorus::Value, Vec<regorus::Value>> = BTreeMap::new();
        let pools: Vec<regorus::Value> = self
            .pools
            .iter()
            .map(|p| {
                let v = obj(vec![
                    ("address", rv_str(&p.address)),
                    ("kind", rv_str(p.kind)),
                    ("cluster", rv_opt(&p.cluster)),
                    ("prefix", rv_path(&p.prefix)),
                    (
                        "name",
                        p.values
                            .get("name")
                            .and_then(Value::as_str)
                            .map_or(regorus::Value::Null, rv_str),
                    ),
                    ("values", regorus::Value::from(p.values.clone())),
                    ("unknown", rv_set(&p.unknown)),
                    ("sensitive", rv_set(&p.sensitive)),
                ]);
                if let Some(c) = &p.cluster {
                    by_cluster.entry(rv_str(c)).or_default().push(v.clone());
                }
                v
            })
            .collect();
        let by_cluster: BTreeMap<regorus::Value, regorus::Value> = by_cluster
            .into_iter()
            .map(|(k, v)| (k, regorus::Value::from(v)))
            .collect();
        let by_type: BTreeMap<regorus::Value, regorus::Value> = by_type
            .into_iter()
            .map(|(k, v)| (k, regorus::Value::from(v)))
            .collect();
        let joins = self.joins.to_input(&|a| {
            self.resources
                .binary_search_by(|r| r.address.as_str().cmp(a))
                .ok()
                .and_then(|i| self.resources.get(i))
                .map(resource_value)
        });
        obj(vec![
            ("format", regorus::Value::from(1u64)),
            ("file", rv_str(&self.file)),
            ("kind", rv_str(self.kind.as_str())),
            ("terraform_version", rv_opt(&self.terraform_version)),
            ("resources", regorus::Value::from(all)),
            ("by_type", regorus::Value::from(by_type)),
            ("pools", regorus::Value::from(pools)),
            ("pools_by_cluster", regorus::Value::from(by_cluster)),
            ("joins", joins),
        ])
    }

    pub fn resource_type(&self, address: &str) -> Option<&str> {
        self.resources
            .binary_search_by(|r| r.address.as_str().cmp(address))
            .ok()
            .and_then(|i| self.resources.get(i))
            .map(|r| r.type_.as_str())
    }
}
