//! From `terraform show -json` output to the policy input (docs/input-format.md):
//! which resources are checked, their values under the baseline's value
//! semantics (unknown, sensitive), node pools, and the cross-resource joins.
use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde_json::{Map, Value};

use super::address;
use super::configuration::{sets_path, TfConfiguration};
use super::join::{join_plan, join_state};
use super::parse::{self, Kind, RawDoc, RawStateModule};
pub use super::pools::Pool;
use super::read::Source;
use crate::error::InputError;
use crate::finding::Step;

pub(crate) const CLUSTER: &str = "azurerm_kubernetes_cluster";
/// AKS Automatic (azurerm 4.81+): a cluster without pools (BASELINE-2026-12.md).
pub(crate) const AUTOMATIC_CLUSTER: &str = "azurerm_kubernetes_automatic_cluster";

/// A cluster of either type: joins (credentials, and whatever else a rule
/// joins to "a cluster") and `input.clusters` treat both alike.
pub(crate) fn is_cluster_type(t: &str) -> bool {
    t == CLUSTER || t == AUTOMATIC_CLUSTER
}
pub(crate) const NODE_POOL: &str = "azurerm_kubernetes_cluster_node_pool";
pub(crate) const FEDERATED: [&str; 2] = [
    "azurerm_federated_identity_credential",
    "azuread_application_federated_identity_credential",
];
/// What a redacted value reads as.
pub(crate) const REDACTED: &str = "(sensitive)";

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
    /// Cross-resource joins of the 2026-12 rules (src/plan/joins.rs).
    pub joins: super::joins::Joins,
    /// The resource types the loaded rules declare (None: all).
    pub exposed: TypeFilter,
    /// A plan's before side: every kept change's `before` object (the old
    /// object of a replacement, the deleted object of a delete) normalized
    /// as a state file is (known values only, no unknowns). None for a
    /// state, and for a plan in which no change has a `before` (create
    /// only): there is nothing to compare with.
    pub before: Option<Box<Model>>,
}

/// Which resource types to build values for (None: all).
pub type TypeFilter = Option<HashSet<String>>;

fn wanted(filter: &TypeFilter, t: &str) -> bool {
    match filter {
        None => true,
        // The joins need clusters whenever pools or credentials are wanted.
        Some(set) => {
            set.contains(t)
                || (is_cluster_type(t) && !set.is_empty())
                || super::joins::needed(set, t)
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

pub(crate) fn path_key(path: &[Step]) -> String {
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

/// The attribute paths of a resource type that its provider marks
/// sensitive (`scripts/gen-sensitive.py`).
fn schema_sensitive(type_: &str) -> &'static [&'static str] {
    super::sensitive_attributes::SENSITIVE
        .binary_search_by(|(t, _)| (*t).cmp(type_))
        .ok()
        .and_then(|i| super::sensitive_attributes::SENSITIVE.get(i))
        .map_or(&[], |(_, p)| p)
}

/// An attribute path's keys joined by `.` (indices left out), as in
/// [`schema_sensitive`].
fn key_path(path: &[Step]) -> String {
    let mut out = String::new();
    for s in path {
        if let Step::Key(k) = s {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(k);
        }
    }
    out
}

/// Redacts always-secret attributes wherever they occur, and those the
/// provider schemas mark sensitive, whether or not the plan marks them.
fn redact_secret_keys(
    v: &mut Value,
    type_: &str,
    path: &mut Vec<Step>,
    out: &mut BTreeSet<String>,
) {
    let schema = schema_sensitive(type_);
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                path.push(Step::Key(k.clone()));
                let secret = SECRET_KEYS.contains(&k.as_str())
                    || (path.len() == 1 && k == "value" && type_.ends_with("_password"))
                    || (!schema.is_empty() && schema.contains(&key_path(path).as_str()));
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

pub(super) fn configuration_address(module: &[String], type_: &str, name: &str) -> String {
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
    let mut err = parse::json_error(&src.name, e);
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
            (*line, *column) = parse::line_col(&src.text, abs);
        }
    }
    err
}

/// An error of one change. A fragment's is placed in the file only when it
/// is the one reported: placing it counts lines from the file's start.
enum ChangeError {
    Fragment {
        start: usize,
        len: usize,
        error: serde_json::Error,
    },
    Input(InputError),
}

/// The error of a fragment of the file's text.
fn fragment(src: &Source, fragment: &str, error: serde_json::Error) -> ChangeError {
    match (fragment.as_ptr() as usize).checked_sub(src.text.as_ptr() as usize) {
        Some(start) if start + fragment.len() <= src.text.len() => ChangeError::Fragment {
            start,
            len: fragment.len(),
            error,
        },
        _ => ChangeError::Input(fragment_err(src, fragment, &error)),
    }
}

impl ChangeError {
    fn into_input(self, src: &Source) -> InputError {
        match self {
            Self::Input(e) => e,
            Self::Fragment { start, len, error } => {
                let fragment = src.text.get(start..start + len).unwrap_or_default();
                fragment_err(src, fragment, &error)
            }
        }
    }
}

/// Loads and normalizes one source.
pub fn normalize(src: &Source, filter: &TypeFilter) -> Result<Model, InputError> {
    // Changes of types no rule reads are only counted while parsing.
    let keep = filter.as_ref().map(|set| {
        let mut keep = set.clone();
        if !set.is_empty() {
            keep.insert(CLUSTER.to_string());
            keep.insert(AUTOMATIC_CLUSTER.to_string());
        }
        super::joins::keep(set, &mut keep);
        keep
    });
    let (kind, doc) = parse::parse_keeping(src, keep.as_ref())?;
    let mut model = match kind {
        Kind::Plan => normalize_plan(src, doc, filter, keep.as_ref()),
        Kind::State => normalize_state(src, doc, filter),
    }?;
    model.exposed = filter.clone();
    if let Some(b) = model.before.as_mut() {
        b.exposed = filter.clone();
    }
    Ok(model)
}

fn normalize_plan(
    src: &Source,
    doc: RawDoc<'_>,
    filter: &TypeFilter,
    keep: Option<&std::collections::HashSet<String>>,
) -> Result<Model, InputError> {
    let cfg = doc
        .configuration
        .map(|raw| TfConfiguration::parse(raw.get(), keep));
    let changes = doc.resource_changes.unwrap_or_default();
    let mut count = changes.others;
    // Each change is normalized on its own: a large file's in parallel,
    // gathered in file order (the same model, and the same first error,
    // whatever the thread count).
    // After an error, only the changes before it are still normalized (the
    // first error in file order is the one reported).
    let first_error = AtomicUsize::new(usize::MAX);
    let one = |(i, rc)| {
        if i > first_error.load(Ordering::Relaxed) {
            return Ok(Normalized::default());
        }
        let n = normalize_change(src, rc, filter, cfg.as_ref());
        if n.is_err() {
            first_error.fetch_min(i, Ordering::Relaxed);
        }
        n
    };
    let done: Vec<Result<Normalized, ChangeError>> = if changes.kept.len() >= PARALLEL_CHANGES {
        changes
            .kept
            .into_par_iter()
            .enumerate()
            .with_min_len(64)
            .map(one)
            .collect()
    } else {
        changes.kept.into_iter().enumerate().map(one).collect()
    };
    let mut resources = Vec::new();
    let mut before = Vec::new();
    for n in done {
        let n = n.map_err(|e| e.into_input(src))?;
        before.extend(n.before);
        count += usize::from(n.counted);
        resources.extend(n.resource);
    }
    resources.sort_by(|a, b| a.address.cmp(&b.address));
    if let Some(cfg) = &cfg {
        join_plan(&mut resources, cfg);
    }
    let before = (!before.is_empty()).then(|| {
        before.sort_by(|a, b| a.address.cmp(&b.address));
        join_state(&mut before);
        let n = before.len();
        let mut b = finish(src, Kind::State, doc.terraform_version.clone(), before, n);
        super::joins::join(&mut b, None);
        Box::new(b)
    });
    let mut model = finish(src, Kind::Plan, doc.terraform_version, resources, count);
    super::joins::join(&mut model, cfg.as_ref());
    model.before = before;
    Ok(model)
}

/// Changes from which a file's are normalized in parallel.
const PARALLEL_CHANGES: usize = 512;

/// What one change of `resource_changes` gives.
#[derive(Default)]
struct Normalized {
    /// It counts among the file's resources (not a data source, deposed
    /// object, delete or forget).
    counted: bool,
    /// Its resource, when a rule reads its type.
    resource: Option<Resource>,
    /// Its before side (state semantics), when a rule reads its type.
    before: Option<Resource>,
}

fn normalize_change(
    src: &Source,
    rc: parse::RawChange<'_>,
    filter: &TypeFilter,
    cfg: Option<&TfConfiguration<'_>>,
) -> Result<Normalized, ChangeError> {
    let file = &src.name;
    let mut out = Normalized::default();
    let managed = rc.mode.as_deref().unwrap_or("managed") == "managed"
        && !rc.address.starts_with("data.")
        && !rc.address.contains(".data.");
    if !managed || rc.deposed.is_some() {
        return Ok(out);
    }
    let want = wanted(filter, &rc.type_);
    // Values are parsed only for the resource types a rule reads.
    let parse = |raw: Option<&serde_json::value::RawValue>| -> Result<Option<Value>, ChangeError> {
        match raw {
            Some(r) if want => serde_json::from_str(r.get())
                .map(Some)
                .map_err(|e| fragment(src, r.get(), e)),
            _ => Ok(None),
        }
    };
    if want {
        out.before = before_resource(src, &rc, parse(rc.change.before)?)?;
    }
    let change = Change {
        after: parse(rc.change.after)?,
        after_unknown: parse(rc.change.after_unknown)?,
        after_sensitive: parse(rc.change.after_sensitive)?,
        actions: rc.change.actions.into_iter().map(Cow::into_owned).collect(),
    };
    let acts: Vec<&str> = change.actions.iter().map(String::as_str).collect();
    if acts == ["delete"] || acts == ["forget"] {
        return Ok(out);
    }
    out.counted = true;
    if !want {
        return Ok(out);
    }
    let module = rc.module_address.as_deref().unwrap_or_default().to_string();
    let mut values = match change.after {
        Some(v @ Value::Object(_)) => v,
        Some(Value::Null) | None => Value::Object(Map::new()),
        Some(_) => {
            return Err(ChangeError::Input(InputError::NotTerraform {
                file: file.clone(),
                reason: format!("{}: change.after is not an object", rc.address),
            }))
        }
    };
    let sensitive = apply_sensitive(&mut values, change.after_sensitive.as_ref(), &rc.type_);
    let mods = module_names(&module);
    let exprs = cfg.as_ref().and_then(|c| {
        c.expressions(
            &mods,
            &rc.type_,
            &rc.name,
            &configuration_address(&mods, &rc.type_, &rc.name),
        )
    });
    let mut unknown = BTreeSet::new();
    if let Some(au) = &change.after_unknown {
        let mut paths = Vec::new();
        true_paths(au, &mut Vec::new(), &mut paths);
        for p in paths {
            let truly = match &exprs {
                Some(e) => sets_path(e, &p),
                None => true,
            };
            if truly {
                unknown.insert(path_key(&p));
            }
        }
    }
    out.resource = Some(Resource {
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
    Ok(out)
}

/// The before side of one change, with a state file's value semantics:
/// the `before` object, `before_sensitive` redacted, nothing unknown. None
/// when the change has no `before` (a create).
fn before_resource(
    src: &Source,
    rc: &parse::RawChange<'_>,
    values: Option<Value>,
) -> Result<Option<Resource>, ChangeError> {
    let Some(mut values @ Value::Object(_)) = values else {
        return Ok(None);
    };
    let marks: Option<Value> = match rc.change.before_sensitive {
        Some(raw) => {
            Some(serde_json::from_str(raw.get()).map_err(|e| fragment(src, raw.get(), e))?)
        }
        None => None,
    };
    let sensitive = apply_sensitive(&mut values, marks.as_ref(), &rc.type_);
    Ok(Some(Resource {
        address: rc.address.to_string(),
        type_: rc.type_.to_string(),
        name: rc.name.to_string(),
        module: rc.module_address.as_deref().unwrap_or_default().to_string(),
        index: rc.index.clone(),
        actions: Vec::new(),
        values,
        unknown: BTreeSet::new(),
        sensitive,
        cluster: None,
        oidc_cluster: None,
    }))
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
    super::joins::join(&mut model, None);
    Ok(model)
}

fn finish(
    src: &Source,
    kind: Kind,
    terraform_version: Option<String>,
    resources: Vec<Resource>,
    resource_count: usize,
) -> Model {
    let pools = super::pools::pools_of(&resources);
    Model {
        file: src.name.clone(),
        kind,
        terraform_version,
        resources,
        pools,
        resource_count,
        configuration: None,
        joins: super::joins::Joins::default(),
        exposed: None,
        before: None,
    }
}
