//! From `terraform show -json` output to the policy input (docs/input-format.md):
//! which resources are checked, their values under the baseline's value
//! semantics (unknown, sensitive), node pools, and the cross-resource joins.
use std::collections::{BTreeSet, HashSet};

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::address;
use super::configuration::TfConfiguration;
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
pub(crate) const SECRET_KEYS: &[&str] = &[
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
    /// The values marked sensitive (`after_sensitive`, `sensitive_values`)
    /// that are not secrets, as they are: the built-in rules judge these,
    /// and nothing else reads them (see [`Withheld`]).
    pub withheld: Withheld,
    pub cluster: Option<String>,
    pub oidc_cluster: Option<String>,
}

/// The paths of a resource's values that the plan marks sensitive, each
/// with its value as it is (`values` holds [`REDACTED`] there), with the
/// secrets inside it redacted. A version or an address range passed through
/// a sensitive variable is not a secret: the built-in rules judge its value
/// (a placeholder would pass or fail what it should not), their messages
/// are withheld where they would show it (`commands::check`), and custom
/// policies, reports and errors only ever see the placeholder. Attributes
/// that are secrets (`SECRET_KEYS`, the provider schemas' sensitive
/// attributes) are never kept here: rules only test that they are set.
pub type Withheld = Vec<(Vec<Step>, Value)>;

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
    /// Resources a `moved` block renamed in this plan: the address each
    /// had before (`previous_address`) and its address now, sorted. The
    /// change status and the baseline match a finding of the old address
    /// with the same finding of the new one.
    pub moved: Vec<(String, String)>,
}

impl Model {
    /// Drops the resources' values (and the before side's), once the rules
    /// have run: what is left (addresses, types, modules, joins) is what the
    /// findings are located with. A large plan's values are most of the
    /// memory the run holds.
    pub fn drop_values(&mut self) {
        for r in &mut self.resources {
            r.values = Value::Null;
            r.withheld = Vec::new();
        }
        if let Some(b) = self.before.as_mut() {
            b.drop_values();
        }
    }
}

/// Which resource types to build values for (None: all).
pub type TypeFilter = Option<HashSet<String>>;

pub(super) fn wanted(filter: &TypeFilter, t: &str) -> bool {
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
pub(super) fn true_paths(v: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
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

/// Replaces the value at `path` by the redaction marker (if it is there),
/// and returns the value it replaced.
fn redact(values: &mut Value, path: &[Step]) -> Option<Value> {
    let cur = at_mut(values, path)?;
    if cur.is_null() {
        return None;
    }
    Some(std::mem::replace(cur, Value::String(REDACTED.to_string())))
}

/// The value at `path` in `v`.
pub(super) fn at<'v>(v: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter().try_fold(v, |cur, step| match step {
        Step::Key(k) => cur.get(k.as_str()),
        Step::Index(i) => usize::try_from(*i).ok().and_then(|i| cur.get(i)),
    })
}

/// The value at `path` in `v`, to change.
pub(super) fn at_mut<'v>(v: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(v, |cur, step| match step {
        Step::Key(k) => cur.get_mut(k.as_str()),
        Step::Index(i) => usize::try_from(*i).ok().and_then(|i| cur.get_mut(i)),
    })
}

/// The attribute paths of a resource type that its provider marks
/// sensitive (`scripts/gen-sensitive.py`).
pub(crate) fn schema_sensitive(type_: &str) -> &'static [&'static str] {
    super::sensitive_attributes::SENSITIVE
        .binary_search_by(|(t, _)| (*t).cmp(type_))
        .ok()
        .and_then(|i| super::sensitive_attributes::SENSITIVE.get(i))
        .map_or(&[], |(_, p)| p)
}

/// An attribute path's keys joined by `.` (indices left out), as in
/// [`schema_sensitive`].
pub(super) fn key_path(path: &[Step]) -> String {
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
    redact_secrets_in(v, type_, schema_sensitive(type_), path, out);
}

fn redact_secrets_in(
    v: &mut Value,
    type_: &str,
    schema: &[&str],
    path: &mut Vec<Step>,
    out: &mut BTreeSet<String>,
) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                path.push(Step::Key(k.clone()));
                if is_secret(type_, schema, path) && !is_empty(child) {
                    *child = Value::String(REDACTED.to_string());
                    out.insert(path_key(path));
                } else {
                    redact_secrets_in(child, type_, schema, path, out);
                }
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter_mut().enumerate() {
                path.push(Step::Index(i as u64));
                redact_secrets_in(child, type_, schema, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Whether the attribute at `path` (its last step a key) of a resource of
/// `type_` (whose schema marks `schema` sensitive) always holds a secret,
/// whatever the plan marks.
fn is_secret(type_: &str, schema: &[&str], path: &[Step]) -> bool {
    let Some(Step::Key(k)) = path.last() else {
        return false;
    };
    SECRET_KEYS.contains(&k.as_str())
        || (path.len() == 1 && k == "value" && type_.ends_with("_password"))
        || (!schema.is_empty() && schema.contains(&key_path(path).as_str()))
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

/// Redacts what the plan marks sensitive (`marks`) and every secret; returns
/// the redacted paths' keys and what is withheld (see [`Withheld`]).
pub(super) fn apply_sensitive(
    values: &mut Value,
    marks: Option<&Value>,
    type_: &str,
) -> (BTreeSet<String>, Withheld) {
    let mut sensitive = BTreeSet::new();
    let mut withheld = Vec::new();
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
            sensitive.insert(path_key(&p));
            let Some(mut old) = redact(values, &p) else {
                continue;
            };
            // A secret, or a part of one, is not withheld: rules only test
            // that it is set.
            let schema = schema_sensitive(type_);
            let secret =
                (1..=p.len()).any(|n| p.get(..n).is_some_and(|q| is_secret(type_, schema, q)));
            if !secret {
                let mut inner = p.clone();
                redact_secret_keys(&mut old, type_, &mut inner, &mut BTreeSet::new());
                withheld.push((p, old));
            }
        }
    }
    redact_secret_keys(values, type_, &mut Vec::new(), &mut sensitive);
    (sensitive, withheld)
}

pub(super) use address::{configuration_address, module_names};

/// The byte offset in `fragment` of serde_json's 1-based `line` and
/// `column` there (serde_json counts the column in bytes).
pub(super) fn offset_in(fragment: &str, line: usize, column: usize) -> usize {
    let start: usize = fragment
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let text = fragment
        .split_inclusive('\n')
        .nth(line.saturating_sub(1))
        .unwrap_or_default();
    let mut at = column.saturating_sub(1).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    start + at
}

/// A piece of the file (a value, a configuration expression) parsed on its
/// own into `T`. The whole file's nesting is bounded by
/// [`parse::MAX_DEPTH`] before any piece is parsed, so serde_json's own
/// limit (128 levels, counted from the piece) is lifted: a piece is read at
/// any depth the file may have, not dropped past 128 levels.
pub(super) fn parse_fragment<T: serde::de::DeserializeOwned>(raw: &str) -> serde_json::Result<T> {
    let mut de = serde_json::Deserializer::from_str(raw);
    de.disable_recursion_limit();
    let v = T::deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

/// An error in a fragment re-parsed from the source text, with its line and
/// column in the whole file.
pub(super) fn fragment_err(src: &Source, fragment: &str, e: &serde_json::Error) -> InputError {
    let mut err = parse::json_error(&src.name, e);
    let base = (fragment.as_ptr() as usize).checked_sub(src.text.as_ptr() as usize);
    if let (
        InputError::Json {
            line,
            column,
            reason,
            ..
        },
        Some(base),
    ) = (&mut err, base)
    {
        // Offset of the error within the fragment, then within the file.
        let mut abs = base + offset_in(fragment, *line, *column);
        // serde_json, skipping a string (not parsing it), places a control
        // character's error on the character before it; parsing it, on it
        // (a newline at the start of the next line: column 0).
        let json_control = |c: char| u32::from(c) < 0x20;
        if reason.starts_with("control character") && e.column() > 0 {
            let mut next = src.text.get(abs..).unwrap_or_default().char_indices();
            if let (Some((_, c)), Some((i, d))) = (next.next(), next.next()) {
                if !json_control(c) && json_control(d) {
                    // As serde_json's parse says it: a newline is placed at
                    // the start of the next line.
                    abs += if d == '\n' { i + 1 } else { i };
                }
            }
        }
        if src.text.get(..abs).is_some() {
            (*line, *column) = parse::line_col(&src.text, abs);
        }
    }
    err
}

/// Loads and normalizes one source.
pub fn normalize(src: &Source, filter: &TypeFilter) -> Result<Model, InputError> {
    prepare(src, filter)?.finish()
}

/// A file parsed, with what the rules read of it copied out of its text:
/// the text can be dropped before the values are built ([`Prepared::finish`]),
/// so that a large plan's text and its values are not in memory together.
pub struct Prepared {
    file: String,
    filter: TypeFilter,
    stage: Stage,
}

enum Stage {
    Plan {
        terraform_version: Option<String>,
        cfg: Option<TfConfiguration>,
        changes: parse::Changes,
    },
    /// A state is normalized from its text (its values are not copied).
    State(Model),
}

/// Parses one source, copying out what [`Prepared::finish`] needs.
pub fn prepare(src: &Source, filter: &TypeFilter) -> Result<Prepared, InputError> {
    let none: Option<fn(&HashSet<String>)> = None;
    prepare_beside(src, filter, none).map(|(p, _)| p)
}

/// [`prepare`], and `beside` (when given) on the address of every resource
/// the model can hold (and maybe more): a plan's configuration is parsed
/// while `beside` runs, on another of rayon's workers when one is free (a
/// large plan's while the rest of the file is parsed, see
/// [`parse::parse_keeping_with`]).
/// The addresses are gathered only for `beside`.
pub fn prepare_beside<T: Send>(
    src: &Source,
    filter: &TypeFilter,
    beside: Option<impl FnOnce(&HashSet<String>) -> T + Send>,
) -> Result<(Prepared, Option<T>), InputError> {
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
    let read_cfg = |raw: &str| TfConfiguration::parse(raw, keep.as_ref());
    let (kind, doc, early) = parse::parse_keeping_with(src, keep.as_ref(), read_cfg)?;
    let (stage, beside) = match kind {
        Kind::Plan => {
            let changes = doc.resource_changes.unwrap_or_default();
            let beside = || {
                beside
                    .map(|beside| beside(&changes.kept.iter().map(|c| c.address.clone()).collect()))
            };
            // The section read during the parse, if it is the document's
            // (the same text: the parse took the key the scan found).
            let early = early.and_then(|(text, cfg)| {
                let same = doc
                    .configuration
                    .is_some_and(|raw| std::ptr::eq(raw.get(), text));
                same.then_some(cfg)
            });
            let (cfg, beside) = match early {
                Some(cfg) => (Some(cfg), beside()),
                None => rayon::join(|| doc.configuration.map(|raw| read_cfg(raw.get())), beside),
            };
            let stage = Stage::Plan {
                cfg,
                terraform_version: doc.terraform_version,
                changes,
            };
            (stage, beside)
        }
        Kind::State => {
            let model = normalize_state(src, doc, filter)?;
            let beside = beside
                .map(|beside| beside(&model.resources.iter().map(|r| r.address.clone()).collect()));
            (Stage::State(model), beside)
        }
    };
    Ok((
        Prepared {
            file: src.name.clone(),
            filter: filter.clone(),
            stage,
        },
        beside,
    ))
}

impl Prepared {
    /// Builds the model: the values of the kept changes, and the joins.
    pub fn finish(self) -> Result<Model, InputError> {
        let mut model = match self.stage {
            Stage::Plan {
                terraform_version,
                cfg,
                changes,
            } => normalize_plan(&self.file, terraform_version, cfg, changes, &self.filter)?,
            Stage::State(model) => model,
        };
        model.exposed = self.filter.clone();
        if let Some(b) = model.before.as_mut() {
            b.exposed = self.filter;
        }
        Ok(model)
    }
}

fn normalize_plan(
    file: &str,
    terraform_version: Option<String>,
    cfg: Option<TfConfiguration>,
    changes: parse::Changes,
    filter: &TypeFilter,
) -> Result<Model, InputError> {
    let moved = changes.moved();
    let n = super::changes::normalize_all(file, changes.kept, filter, cfg.as_ref())?;
    let count = changes.others + n.counted;
    let (mut resources, mut before) = (n.resources, n.before);
    resources.sort_by(|a, b| a.address.cmp(&b.address));
    let mut cfg = cfg;
    if let Some(cfg) = cfg.as_mut() {
        cfg.record_instances(resources.iter().map(|r| {
            (
                r.module.as_str(),
                r.type_.as_str(),
                r.name.as_str(),
                r.index.as_ref(),
            )
        }));
    }
    if let Some(cfg) = &cfg {
        join_plan(&mut resources, cfg);
    }
    let before = (!before.is_empty()).then(|| {
        before.sort_by(|a, b| a.address.cmp(&b.address));
        join_state(&mut before);
        let n = before.len();
        let mut b = finish(file, Kind::State, terraform_version.clone(), before, n);
        super::joins::join(&mut b, None);
        Box::new(b)
    });
    let mut model = finish(file, Kind::Plan, terraform_version, resources, count);
    super::joins::join(&mut model, cfg.as_ref());
    model.before = before;
    model.moved = moved;
    Ok(model)
}

fn normalize_state(
    src: &Source,
    doc: RawDoc<'_>,
    filter: &TypeFilter,
) -> Result<Model, InputError> {
    let mut resources = Vec::new();
    let mut count = 0usize;
    // Of several bad values, the one first in the file is reported: the
    // modules are visited in file order (a module's resources are written
    // before its child modules), and after an error only the values before
    // it are parsed, for an earlier one. It is placed in the file once.
    let offset =
        |raw: &RawValue| (raw.get().as_ptr() as usize).wrapping_sub(src.text.as_ptr() as usize);
    let mut first_error: Option<(usize, &RawValue, serde_json::Error)> = None;
    let mut stack: Vec<&RawStateModule<'_>> = Vec::new();
    if let Some(root) = doc.values.as_ref().and_then(|v| v.root_module.as_ref()) {
        stack.push(root);
    }
    while let Some(m) = stack.pop() {
        stack.extend(m.child_modules.iter().rev());
        for r in &m.resources {
            let managed = super::address::is_managed(r.mode.as_deref(), &r.address);
            if !managed || r.deposed_key.is_some() {
                continue;
            }
            count += 1;
            if !wanted(filter, &r.type_) {
                continue;
            }
            let raws = [r.values, r.sensitive_values];
            if let Some((first, ..)) = &first_error {
                if !raws.into_iter().flatten().any(|raw| offset(raw) < *first) {
                    continue;
                }
            }
            let (values, marks) = match (parse_raw(r.values), parse_raw(r.sensitive_values)) {
                (Ok(values), Ok(marks)) if first_error.is_none() => (values, marks),
                (Ok(_), Ok(_)) => continue,
                (a, b) => {
                    for (raw, e) in [a.err(), b.err()].into_iter().flatten() {
                        let at = offset(raw);
                        if first_error.as_ref().is_none_or(|(first, ..)| at < *first) {
                            first_error = Some((at, raw, e));
                        }
                    }
                    continue;
                }
            };
            let mut values = match values {
                Some(v @ Value::Object(_)) => v,
                Some(Value::Null) | None => Value::Object(Map::new()),
                // Every attribute would read as unset: failures that are not.
                Some(_) => {
                    return Err(InputError::NotTerraform {
                        file: src.name.clone(),
                        reason: format!("{}: values is not an object", r.address),
                    })
                }
            };
            let (sensitive, withheld) = apply_sensitive(&mut values, marks.as_ref(), &r.type_);
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
                withheld,
                cluster: None,
                oidc_cluster: None,
            });
        }
    }
    if let Some((_, raw, e)) = first_error {
        return Err(fragment_err(src, raw.get(), &e));
    }
    resources.sort_by(|a, b| a.address.cmp(&b.address));
    join_state(&mut resources);
    let mut model = finish(
        &src.name,
        Kind::State,
        doc.terraform_version,
        resources,
        count,
    );
    super::joins::join(&mut model, None);
    Ok(model)
}

/// A value that may be absent, parsed; its error with it.
fn parse_raw(raw: Option<&RawValue>) -> Result<Option<Value>, (&RawValue, serde_json::Error)> {
    raw.map(|r| parse_fragment(r.get()).map_err(|e| (r, e)))
        .transpose()
}

fn finish(
    file: &str,
    kind: Kind,
    terraform_version: Option<String>,
    resources: Vec<Resource>,
    resource_count: usize,
) -> Model {
    let pools = super::pools::pools_of(&resources);
    Model {
        file: file.to_string(),
        kind,
        terraform_version,
        resources,
        pools,
        resource_count,
        configuration: None,
        joins: super::joins::Joins::default(),
        exposed: None,
        before: None,
        moved: Vec::new(),
    }
}
