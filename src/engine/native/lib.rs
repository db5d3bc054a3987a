//! The value semantics of `rules/lib/akslint.rego`, in Rust: what `raw`,
//! `unknown`, `attr`, `attr1`, `is_unset`, `eq_ci` and the finding
//! constructors of the library answer, on the same input. Each function
//! names the Rego it stands for; where an input is not of the shape the
//! Rego reads without error (a resource without `values`, a `prefix` that
//! is not an array), the caller gets `None` and the rule runs as Rego.
use std::cell::OnceCell;
use std::collections::HashMap;
use std::ops::Deref;

use regorus::Value;

use crate::engine::deny::RawFinding;
use crate::finding::{Status, Step};

/// One step of an attribute path: a key, or an index into a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum S {
    K(&'static str),
    I(u64),
}

/// A constant attribute path.
pub(super) type Path = &'static [S];

pub(super) fn key(s: &str) -> Value {
    Value::from(s)
}

/// `v[step]`, as Rego indexes a value.
fn step(v: &Value, s: S) -> Option<&Value> {
    let out = match s {
        S::K(k) => &v[&key(k)],
        S::I(i) => &v[&Value::from(i)],
    };
    (*out != Value::Undefined).then_some(out)
}

/// The path key of a path's prefix (`["a", 0, "b"]` -> `"a.0.b"`), as
/// `lib.path_key` builds it.
fn path_key(path: &[S]) -> String {
    let mut out = String::new();
    for (n, s) in path.iter().enumerate() {
        if n > 0 {
            out.push('.');
        }
        match s {
            S::K(k) => out.push_str(k),
            S::I(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// A resource or pool of the input: an object with an `address` string
/// and a `values` object (what every resource akslint builds has).
#[derive(Clone, Copy)]
pub(super) struct Obj<'i> {
    pub(super) obj: &'i Value,
    pub(super) values: &'i Value,
    pub(super) address: &'i str,
}

impl<'i> Obj<'i> {
    pub(super) fn new(obj: &'i Value) -> Option<Self> {
        let values = &obj[&key("values")];
        let Value::String(address) = &obj[&key("address")] else {
            return None;
        };
        matches!(values, Value::Object(_)).then_some(Self {
            obj,
            values,
            address,
        })
    }

    /// A field of the resource itself (`kind`, `cluster`).
    pub(super) fn field(&self, name: &str) -> &'i Value {
        &self.obj[&key(name)]
    }

    /// `lib.raw`: the value at a path, null when absent.
    pub(super) fn raw(&self, path: &[S]) -> &'i Value {
        let mut v = self.values;
        for &s in path {
            match step(v, s) {
                Some(next) => v = next,
                None => return &Value::Null,
            }
        }
        v
    }

    /// `object.get(obj.values, path, <absent>)`: the value at a path, if
    /// the path is there (even as null).
    pub(super) fn get(&self, path: &[S]) -> Option<&'i Value> {
        let mut v = self.values;
        for &s in path {
            v = step(v, s)?;
        }
        Some(v)
    }

    /// `lib.unknown`: the path, or a block around it, is known only after
    /// apply. With `unknown_roots` an object, the path's first step must
    /// be `true` in it; then (or without it) some prefix key of the path
    /// must be `true` in `unknown`.
    pub(super) fn unknown(&self, path: &[S]) -> bool {
        let Some(&first) = path.first() else {
            return false;
        };
        let roots = &self.obj[&key("unknown_roots")];
        if let Value::Object(_) = roots {
            if step(roots, first) != Some(&Value::Bool(true)) {
                return false;
            }
        }
        let unknown = &self.obj[&key("unknown")];
        let Value::Object(u) = unknown else {
            // object.get(obj, "unknown", {}): absent is {}; another type
            // fails is_object.
            return false;
        };
        (1..=path.len()).any(|n| {
            path.get(..n)
                .is_some_and(|p| u.get(&key(&path_key(p))) == Some(&Value::Bool(true)))
        })
    }

    /// `lib.key_present`: the values hold the path's key, even as null.
    pub(super) fn key_present(&self, path: &[S]) -> bool {
        let Some((&last, parent)) = path.split_last() else {
            return false;
        };
        let parent = if parent.is_empty() {
            self.values
        } else {
            self.raw(parent)
        };
        matches!(parent, Value::Object(_)) && step(parent, last).is_some()
    }

    /// `lib.is_unset`: unset and not unknown.
    pub(super) fn is_unset(&self, path: &[S]) -> bool {
        empty(self.raw(path)) && !self.unknown(path)
    }

    /// `lib.has_value`: a known, non-empty value.
    pub(super) fn has_value(&self, path: &[S]) -> bool {
        !empty(self.raw(path)) && !self.unknown(path)
    }

    /// `lib.is_default_pool`.
    pub(super) fn is_default_pool(&self) -> bool {
        matches!(self.field("kind"), Value::String(k) if k.as_ref() == "default")
    }

    pub(super) fn is_resource_pool(&self) -> bool {
        matches!(self.field("kind"), Value::String(k) if k.as_ref() == "resource")
    }

    /// `lib.mode_unknown`: a pool resource whose mode is known only after
    /// apply.
    pub(super) fn mode_unknown(&self) -> bool {
        self.is_resource_pool() && self.unknown(&[S::K("mode")])
    }

    /// `lib.is_system_pool`.
    pub(super) fn is_system_pool(&self) -> bool {
        self.is_default_pool()
            || (self.is_resource_pool()
                && !self.mode_unknown()
                && eq_ci(self.raw(&[S::K("mode")]), "System"))
    }

    /// `lib.is_user_pool`: a pool resource whose mode is known and not
    /// `System`.
    pub(super) fn is_user_pool(&self) -> bool {
        self.is_resource_pool()
            && !self.mode_unknown()
            && !eq_ci(self.raw(&[S::K("mode")]), "System")
    }

    /// `lib.attr1` (its every case: `attr1_any`).
    pub(super) fn attr1(&self, path: Path) -> Attr<'i> {
        let v = self.raw(path);
        if self.unknown(path) {
            Attr {
                path,
                unknown: true,
                value: v,
            }
        } else if empty(v) {
            Attr::none(path)
        } else {
            Attr {
                path,
                unknown: false,
                value: v,
            }
        }
    }

    /// `lib.attr` of two paths (its every case: `attr2_any`): the first
    /// that is set or unknown, else the first whose key is present, else
    /// the first.
    pub(super) fn attr2(&self, p0: Path, p1: Path) -> Attr<'i> {
        if !empty(self.raw(p0)) || self.unknown(p0) {
            self.attr1(p0)
        } else if !empty(self.raw(p1)) || self.unknown(p1) {
            self.attr1(p1)
        } else if !self.key_present(p0) && self.key_present(p1) {
            Attr::none(p1)
        } else {
            Attr::none(p0)
        }
    }
}

/// What `lib.attr` returns: `{path, unknown, value}`.
#[derive(Clone, Copy)]
pub(super) struct Attr<'i> {
    pub(super) path: Path,
    pub(super) unknown: bool,
    pub(super) value: &'i Value,
}

impl Attr<'_> {
    fn none(path: Path) -> Self {
        Attr {
            path,
            unknown: false,
            value: &Value::Null,
        }
    }

    /// The last step's name (AKS041's `name(a)`), or "" for an index.
    pub(super) fn name(&self) -> &'static str {
        match self.path.last() {
            Some(S::K(k)) => k,
            _ => "",
        }
    }
}

/// `lib.empty`: null, "", [] or {} (false and 0 are values).
pub(super) fn empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// A number as Rego's `sprintf("%v")` writes it; None for another type.
pub(super) fn number_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.format_decimal()),
        _ => None,
    }
}

/// An integer as the rules read it (a count, a zone): None for another
/// number, which the Rust versions hand to the Rego: a fraction, beyond
/// 2^53, or a float that regorus writes otherwise (`-0`, a large float
/// written with trailing zeros).
pub(super) fn integer(v: &Value) -> Option<i64> {
    let Value::Number(n) = v else {
        return None;
    };
    let i = n
        .as_i64()
        .filter(|i| n.is_integer() && i.unsigned_abs() <= 1 << 53)?;
    (n.format_decimal() == i.to_string()).then_some(i)
}

/// `sprintf("%q")` of a string of printable ASCII without quotes or
/// backslashes (Go quoting leaves it as it is); None for another.
pub(super) fn quoted(s: &str) -> Option<String> {
    s.chars()
        .all(|c| matches!(c, ' '..='~') && c != '"' && c != '\\')
        .then(|| format!("\"{s}\""))
}

/// `lib.eq_ci`: both strings, equal once lowercased.
pub(super) fn eq_ci(a: &Value, b: &str) -> bool {
    matches!(a, Value::String(s) if s.to_lowercase() == b.to_lowercase())
}

/// `lib.in_ci` over strings.
pub(super) fn in_ci(a: &Value, allowed: &[&str]) -> bool {
    allowed.iter().any(|b| eq_ci(a, b))
}

/// One input of the rules, with its clusters and pools read once for
/// every Rust rule that runs on it (each rule reading them again was a
/// fifth of their time). It reads as the input value itself.
pub(crate) struct Input<'i> {
    value: &'i Value,
    clusters: OnceCell<Option<Vec<Obj<'i>>>>,
    automatic: OnceCell<Option<Vec<Obj<'i>>>>,
    pools: OnceCell<Option<Vec<Obj<'i>>>>,
}

impl<'i> Input<'i> {
    pub(crate) fn new(value: &'i Value) -> Self {
        Self {
            value,
            clusters: OnceCell::new(),
            automatic: OnceCell::new(),
            pools: OnceCell::new(),
        }
    }
}

impl Deref for Input<'_> {
    type Target = Value;

    fn deref(&self) -> &Value {
        self.value
    }
}

/// `lib.resources_of`, read from the value.
fn read_resources<'i>(input: &'i Value, t: &str) -> Option<Vec<Obj<'i>>> {
    let by_type = &input[&key("by_type")];
    let list = match by_type {
        Value::Undefined => return Some(Vec::new()),
        Value::Object(_) => &by_type[&key(t)],
        _ => return None,
    };
    match list {
        Value::Undefined => Some(Vec::new()),
        Value::Array(a) => a.iter().map(Obj::new).collect(),
        _ => None,
    }
}

/// The resources of one type (`lib.resources_of`): None when the input
/// is not of the shape the Rego reads (then the rule runs as Rego).
pub(super) fn resources_of<'i>(input: &Input<'i>, t: &str) -> Option<Vec<Obj<'i>>> {
    let cell = match t {
        "azurerm_kubernetes_cluster" => &input.clusters,
        "azurerm_kubernetes_automatic_cluster" => &input.automatic,
        _ => return read_resources(input.value, t),
    };
    cell.get_or_init(|| read_resources(input.value, t)).clone()
}

/// `lib.clusters`.
pub(super) fn clusters<'i>(input: &Input<'i>) -> Option<Vec<Obj<'i>>> {
    resources_of(input, "azurerm_kubernetes_cluster")
}

/// `automatic.automatic_clusters`.
pub(super) fn automatic_clusters<'i>(input: &Input<'i>) -> Option<Vec<Obj<'i>>> {
    resources_of(input, "azurerm_kubernetes_automatic_cluster")
}

/// `lib.pools`.
pub(super) fn pools<'i>(input: &Input<'i>) -> Option<Vec<Obj<'i>>> {
    input
        .pools
        .get_or_init(|| match &input.value[&key("pools")] {
            Value::Undefined => Some(Vec::new()),
            Value::Array(a) => a.iter().map(Obj::new).collect(),
            _ => None,
        })
        .clone()
}

/// `lib.cluster_pools`: the pools joined to a cluster, from
/// `input.pools_by_cluster` when it is an object, else those of
/// `input.pools` whose `cluster` is the cluster's address.
pub(super) fn cluster_pools<'i>(input: &Input<'i>, cluster: &Obj<'i>) -> Option<Vec<Obj<'i>>> {
    let by_cluster = &input.value[&key("pools_by_cluster")];
    if let Value::Object(o) = by_cluster {
        return match o.get(&key(cluster.address)) {
            None => Some(Vec::new()),
            Some(Value::Array(a)) => a.iter().map(Obj::new).collect(),
            Some(_) => None,
        };
    }
    let address = key(cluster.address);
    Some(
        pools(input)?
            .into_iter()
            .filter(|p| *p.field("cluster") == address)
            .collect(),
    )
}

/// `automatic.cluster_index`: the clusters by address. None when two
/// different clusters have one address (the Rego's object conflicts).
pub(super) struct ClusterIndex<'i>(HashMap<&'i str, Obj<'i>>);

const NAP_MODE: Path = &[S::K("node_provisioning_profile"), S::I(0), S::K("mode")];

impl<'i> ClusterIndex<'i> {
    pub(super) fn new(input: &Input<'i>) -> Option<Self> {
        let mut index: HashMap<&'i str, Obj<'i>> = HashMap::new();
        for c in clusters(input)? {
            if let Some(before) = index.insert(c.address, c) {
                if before.obj != c.obj {
                    return None;
                }
            }
        }
        Some(Self(index))
    }

    /// `cluster_index[p.cluster]`.
    pub(super) fn cluster_of(&self, p: &Obj<'_>) -> Option<&Obj<'i>> {
        match p.field("cluster") {
            Value::String(s) => self.0.get(s.as_ref()),
            _ => None,
        }
    }

    /// `automatic.nap_auto`: the pool's cluster provisions user capacity
    /// itself (node provisioning mode `Auto`, known).
    pub(super) fn nap_auto(&self, p: &Obj<'_>) -> bool {
        self.cluster_of(p)
            .is_some_and(|c| !c.unknown(NAP_MODE) && eq_ci(c.raw(NAP_MODE), "Auto"))
    }

    /// `automatic.nap_unknown`: the pool's cluster's node provisioning
    /// mode is known only after apply.
    pub(super) fn nap_unknown(&self, p: &Obj<'_>) -> bool {
        self.cluster_of(p).is_some_and(|c| c.unknown(NAP_MODE))
    }
}

/// `automatic.nap_unknown_note`.
pub(super) const NAP_UNKNOWN_NOTE: &str = " (the cluster's `node_provisioning_profile.mode` is known only after apply: with `Auto` the rule does not apply)";

impl From<S> for Step {
    fn from(s: S) -> Self {
        match s {
            S::K(k) => Step::Key(k.to_string()),
            S::I(i) => Step::Index(i),
        }
    }
}

/// The steps of an attribute path held as a value (a `prefix`), read as
/// `parse_deny` reads a finding's: None when it is not an array, or holds
/// a step that is not a string or a whole number (the rule then runs as
/// Rego, whose finding `parse_deny` reports as an error).
pub(super) fn steps(path: &Value) -> Option<Vec<Step>> {
    let Value::Array(a) = path else {
        return None;
    };
    a.iter()
        .map(|s| crate::engine::deny::step(s).ok())
        .collect()
}

/// A rule's `deny` set: findings as the library's `finding` and
/// `unknown_finding` build them, as [`RawFinding`]s in the set's order
/// with its duplicates dropped. Rego orders a set of finding objects by
/// their fields in key order (`attribute`, `msg`, `resource`, `status`),
/// an attribute's steps with numbers before strings: the order of
/// [`Step`] and [`Status`] in that field order.
#[derive(Default)]
pub(super) struct Deny(Vec<(Vec<Step>, String, String, Status)>);

impl Deny {
    /// `lib.finding` (`unknown` false) or `lib.unknown_finding`: None when
    /// the object's `prefix` is not an array (the Rego's `array.concat`
    /// would be undefined) or not one of [`steps`].
    pub(super) fn add(
        &mut self,
        obj: &Obj<'_>,
        path: &[S],
        unknown: bool,
        msg: String,
    ) -> Option<()> {
        self.add_steps(obj, path.iter().map(|&s| s.into()), unknown, msg)
    }

    /// `add`, with the path's steps given one by one.
    pub(super) fn add_steps(
        &mut self,
        obj: &Obj<'_>,
        path: impl IntoIterator<Item = Step>,
        unknown: bool,
        msg: String,
    ) -> Option<()> {
        let mut attribute = match obj.field("prefix") {
            Value::Undefined => Vec::new(),
            prefix => steps(prefix)?,
        };
        attribute.extend(path);
        let status = if unknown {
            Status::Unknown
        } else {
            Status::Fail
        };
        self.0
            .push((attribute, msg, obj.address.to_string(), status));
        Some(())
    }

    /// `lib.result`: the finding of an attribute read with `attr`.
    pub(super) fn result(&mut self, obj: &Obj<'_>, a: &Attr<'_>, msg: String) -> Option<()> {
        self.add(obj, a.path, a.unknown, msg)
    }

    /// The findings of rule `rule`, in the set's order.
    pub(super) fn into_findings(mut self, rule: usize) -> Vec<RawFinding> {
        self.0.sort_unstable();
        self.0.dedup();
        self.0
            .into_iter()
            .map(|(attribute, message, resource, status)| RawFinding {
                rule,
                message,
                resource,
                attribute,
                status,
            })
            .collect()
    }
}
