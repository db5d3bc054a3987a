//! The changes of `resource_changes` a rule reads, from the copies the
//! parse made of them (the file's text is gone by then) to resources: their
//! values parsed, redacted, and their unknown values told from provider
//! defaults. A large file's in parallel.
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde_json::{Map, Value};

use super::configuration::TfConfiguration;
use super::normalize::{
    apply_sensitive, configuration_address, module_names, parse_fragment, path_key, true_paths,
    wanted, Resource, TypeFilter,
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
        // The test reads the configuration under each path's first key.
        let keys = paths
            .iter()
            .filter_map(|p| match p.first() {
                Some(Step::Key(k)) => Some(k.as_str()),
                _ => None,
            })
            .collect();
        let exprs = cfg.and_then(|c| {
            c.expressions_with(
                &mods,
                &rc.type_,
                &rc.name,
                &configuration_address(&mods, &rc.type_, &rc.name),
                &keys,
            )
        });
        for p in paths {
            let truly = match (&exprs, &after_unknown) {
                (Some(e), Some(au)) => super::unknown::truly_unknown(&rc.type_, e, &values, au, &p),
                _ => true,
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
