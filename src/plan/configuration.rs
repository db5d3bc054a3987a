//! The plan's `configuration` section: which attributes a resource's source
//! sets (to tell truly unknown values from provider defaults), and where a
//! reference points (to join node pools and federated credentials to their
//! cluster through resources, module outputs and module call arguments).
//!
//! The section is indexed as raw JSON: each piece a reader needs (a
//! resource's `expressions`, an output's `expression`, a call's
//! `expressions`) is a copy of its text, parsed when it is read and dropped
//! after (the copies let the file's text go before the values are built). As a `Value` tree the section took about twelve times its
//! size in memory (194 MB for the 16 MB the joins read of the 100 MB plan
//! of real resources), all of it alive while the file was normalized.
use std::collections::{HashMap, HashSet};

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::address;
use super::config_section as section;
use super::configured_attributes::{Holds, TOP_LEVEL};
use super::normalize::parse_fragment;
use crate::finding::Step;

/// One module of the configuration, by its call path (`["aks"]`).
#[derive(Default)]
struct ModuleCfg {
    /// Managed resources: type -> name -> `expressions`.
    resources: HashMap<String, HashMap<String, Option<Box<RawValue>>>>,
    /// Output name -> its `expression`.
    outputs: HashMap<String, Option<Box<RawValue>>>,
    /// Module call name -> its `expressions`.
    calls: HashMap<String, Option<Box<RawValue>>>,
    /// (type, name) -> the `for_each_expression` of a managed resource.
    for_each: HashMap<(String, String), Box<RawValue>>,
}

/// A data source of the configuration.
pub(crate) struct DataSource {
    pub module: Vec<String>,
    pub type_: String,
    pub name: String,
    expressions: Option<Box<RawValue>>,
}

impl DataSource {
    /// Its `expressions` (empty when it has none).
    pub fn expressions(&self) -> Map<String, Value> {
        object(self.expressions.as_deref())
    }
}

/// The plan's Terraform `configuration` section, indexed (not to be confused
/// with `.akslint.toml`, the settings' `ConfigFile`).
#[derive(Default)]
pub(crate) struct TfConfiguration {
    modules: HashMap<Vec<String>, ModuleCfg>,
    /// Resources declared under their full address in the root module (seen
    /// in some flattened real plans).
    flat: HashMap<String, Option<Box<RawValue>>>,
    data: Vec<DataSource>,
    /// The instance keys of each resource of the plan's model (those of
    /// the types the rules and joins read), by module names, type and
    /// name: `""` for none, else the key as JSON.
    instances: HashMap<(Vec<String>, String, String), HashSet<String>>,
}

/// Where a reference leads: a resource in a module, maybe an instance.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Target {
    pub module: Vec<String>,
    /// Module instance keys that must match (None: any).
    pub module_keys: Vec<Option<Value>>,
    pub type_: String,
    pub name: String,
    pub index: Option<Value>,
    pub attr: Option<String>,
    /// A key read after a module output or a variable that holds the
    /// resource, with no attribute after it yet (`module.fleet.clusters["blue"]`
    /// passed on whole): the instance, if the hop that reads this one names an
    /// attribute ([`TfConfiguration::read_through`]).
    pub pending_key: Option<Value>,
}

pub(crate) const MAX_DEPTH: usize = 32;

/// Where a reference leads: the module scope, its instance keys, and the
/// expression to follow there.
pub(crate) type Hop = (Vec<String>, Vec<Option<Value>>, Value);

/// A field that is an object (else an empty one).
fn object(raw: Option<&RawValue>) -> Map<String, Value> {
    raw.and_then(|r| parse_fragment(r.get()).ok())
        .unwrap_or_default()
}

/// [`object`] with only the values of `keys` built. The others are read
/// through [`Checked`], which fails where building them fails (a number out
/// of range, a lone surrogate), so that the result is the empty object
/// where [`object`]'s is, and otherwise [`object`]'s entries of `keys`.
fn object_with(raw: Option<&RawValue>, keys: &HashSet<&str>) -> Map<String, Value> {
    struct Only<'k>(&'k HashSet<&'k str>);
    impl<'de> serde::de::Visitor<'de> for Only<'_> {
        type Value = Map<String, Value>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Map::new();
            while let Some(key) = map.next_key::<String>()? {
                if self.0.contains(key.as_str()) {
                    let value: Value = map.next_value()?;
                    out.insert(key, value);
                } else {
                    map.next_value::<Checked>()?;
                }
            }
            Ok(out)
        }
    }
    let Some(raw) = raw else {
        return Map::new();
    };
    let mut de = serde_json::Deserializer::from_str(raw.get());
    de.disable_recursion_limit();
    serde::Deserializer::deserialize_map(&mut de, Only(keys))
        .and_then(|m| de.end().map(|()| m))
        .unwrap_or_default()
}

/// A JSON value read as a [`Value`] is read (every number and string
/// parsed), without building it.
struct Checked;

/// serde_json's `raw_value` token: with that feature (on here), `Value`
/// reads an object whose first key it is as the JSON text of that key's
/// string, and fails when the value is not a string of JSON or another key
/// follows (found by review: a configuration that held it under a key the
/// test does not read gave another verdict).
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

impl<'de> serde::Deserialize<'de> for Checked {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Checked;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_unit<E>(self) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Checked, A::Error> {
                while seq.next_element::<Checked>()?.is_some() {}
                Ok(Checked)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Checked, A::Error> {
                let Some(first) = map.next_key::<String>()? else {
                    return Ok(Checked);
                };
                if first == RAW_VALUE_TOKEN {
                    // As `Value` reads it: the JSON text of a string, and
                    // no other key after it.
                    let text: String = map.next_value()?;
                    serde_json::from_str::<Value>(&text).map_err(serde::de::Error::custom)?;
                    return Ok(Checked);
                }
                map.next_value::<Checked>()?;
                while map.next_entry::<String, Checked>()?.is_some() {}
                Ok(Checked)
            }
        }
        d.deserialize_any(V)
    }
}

/// A piece of the section, copied out of the text.
fn owned(raw: Option<&RawValue>) -> Option<Box<RawValue>> {
    raw.map(RawValue::to_owned)
}

impl TfConfiguration {
    /// Indexes the section `raw`, with the managed resources of the types in
    /// `keep` only (None: every type); every module's outputs, module calls
    /// and data sources are kept. The pieces kept are copies: the index
    /// outlives the file's text.
    pub fn parse(raw: &str, keep: Option<&HashSet<String>>) -> Self {
        let mut idx = TfConfiguration::default();
        if let Some(root) = section::root_module(raw) {
            idx.add_module(Vec::new(), root, 0, keep);
        }
        idx
    }

    fn add_module(
        &mut self,
        path: Vec<String>,
        module: section::Module<'_>,
        depth: usize,
        keep: Option<&HashSet<String>>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let mut cfg = ModuleCfg::default();
        for r in module.resources.into_iter().flatten() {
            let (Some(t), Some(n)) = (section::string(r.type_), section::string(r.name)) else {
                continue;
            };
            if section::string(r.mode).as_deref() == Some("data") {
                self.data.push(DataSource {
                    module: path.clone(),
                    type_: t.into_owned(),
                    name: n.into_owned(),
                    expressions: owned(r.expressions),
                });
                continue;
            }
            if keep.is_some_and(|k| !k.contains(t.as_ref())) {
                continue;
            }
            if path.is_empty() {
                if let Some(a) = section::string(r.address).filter(|a| a.starts_with("module.")) {
                    self.flat.insert(a.into_owned(), owned(r.expressions));
                    continue;
                }
            }
            if let Some(fe) = r.for_each_expression {
                cfg.for_each
                    .insert((t.to_string(), n.to_string()), fe.to_owned());
            }
            cfg.resources
                .entry(t.into_owned())
                .or_default()
                .insert(n.into_owned(), owned(r.expressions));
        }
        for (name, o) in module.outputs.into_iter().flatten() {
            cfg.outputs.insert(name, owned(o.expression));
        }
        for (name, call) in module.module_calls.into_iter().flatten() {
            if let Some(child) = call.module {
                let mut p = path.clone();
                p.push(name.clone());
                self.add_module(p, *child, depth + 1, keep);
            }
            cfg.calls.insert(name, owned(call.expressions));
        }
        self.modules.insert(path, cfg);
    }

    /// The data sources, in the order of the section.
    pub fn data_sources(&self) -> &[DataSource] {
        &self.data
    }

    /// The `expressions` of a resource's configuration (empty when it has
    /// none), or None when the resource is not in the configuration.
    pub fn expressions(
        &self,
        module: &[String],
        type_: &str,
        name: &str,
        full_config_address: &str,
    ) -> Option<Map<String, Value>> {
        let raw = self.raw_expressions(module, type_, name, full_config_address)?;
        Some(object(raw.as_deref()))
    }

    /// [`Self::expressions`] with only the values of `keys` built (what the
    /// test of a truly unknown value reads, src/plan/unknown.rs: a path's
    /// first key); the others are read as that parse reads them, not built
    /// ([`object_with`]). A resource's whole configuration was parsed for
    /// each resource with an unknown value: a sixth of the time spent
    /// normalizing a large plan.
    pub fn expressions_with(
        &self,
        module: &[String],
        type_: &str,
        name: &str,
        full_config_address: &str,
        keys: &HashSet<&str>,
    ) -> Option<Map<String, Value>> {
        let raw = self.raw_expressions(module, type_, name, full_config_address)?;
        Some(object_with(raw.as_deref(), keys))
    }

    fn raw_expressions(
        &self,
        module: &[String],
        type_: &str,
        name: &str,
        full_config_address: &str,
    ) -> Option<&Option<Box<RawValue>>> {
        self.modules
            .get(module)
            .and_then(|m| m.resources.get(type_))
            .and_then(|by_name| by_name.get(name))
            .or_else(|| self.flat.get(full_config_address))
    }

    /// The `for_each_expression` of a managed resource's configuration.
    pub fn for_each_expression(&self, module: &[String], type_: &str, name: &str) -> Option<Value> {
        let raw = self
            .modules
            .get(module)?
            .for_each
            .get(&(type_.to_string(), name.to_string()))?;
        parse_fragment(raw.get()).ok()
    }

    /// Records the instance keys of the model's resources (module address,
    /// type, name, key): the configuration does not always show a
    /// `for_each` (not one over a function of constants, `toset(["a",
    /// "b"])`).
    pub(crate) fn record_instances<'r>(
        &mut self,
        resources: impl Iterator<Item = (&'r str, &'r str, &'r str, Option<&'r Value>)>,
    ) {
        for (module, type_, name, key) in resources {
            let names = address::module_path(module)
                .into_iter()
                .map(|(n, _)| n)
                .collect();
            self.instances
                .entry((names, type_.to_string(), name.to_string()))
                .or_default()
                .insert(key.map(Value::to_string).unwrap_or_default());
        }
    }

    /// How many instances the resource has in the model (None: it is not
    /// in the model, of a type no rule or join reads).
    fn instances(&self, t: &Target) -> Option<usize> {
        self.instances
            .get(&(t.module.clone(), t.type_.clone(), t.name.clone()))
            .map(HashSet::len)
    }

    /// A target reached through a module output or a variable (`segs`: the
    /// reference that hopped, `module.aks.cluster.kubelet_identity[0]` or
    /// `var.cluster.id`) whose value names the whole resource
    /// (`value = azurerm_kubernetes_cluster.this`), read on by what follows
    /// the output's (the variable's) name when that is one of the type's
    /// top-level names: the attribute, and for a resource with `count` or
    /// `for_each` the key before it picks the instance
    /// (`module.m.clusters["blue"].id`). The plan shows the same references
    /// for what is not the resource itself: an object that holds it
    /// (`{ cluster = azurerm_kubernetes_cluster.this }`, read
    /// `module.aks.info.cluster.id`: `cluster` is no attribute of the type),
    /// a `for` expression or a splat over its instances
    /// (`azurerm_kubernetes_cluster.this[*].node_resource_group_id`, read
    /// `[0]`: no attribute follows). Those stay the whole resource, as
    /// before; so does a name of the type read further than what it holds
    /// allows (`{ name = azurerm_kubernetes_cluster.a }` read `.name.id`,
    /// a string's; `.identity.id`, a list's without an index: an object's
    /// key). A key with nothing after it waits for the next hop
    /// (`cluster = module.fleet.clusters["blue"]` read `var.cluster.id`).
    /// A key is an instance's only for a resource of several instances in
    /// the model: one of a single instance is a list's or an object's
    /// (`values(...)[0]`, `{ for k, c in ... : c.name => c }`), and one of a
    /// resource the model does not hold cannot be told from them (the
    /// target then stays the whole resource).
    pub(crate) fn read_through(&self, mut t: Target, segs: &[address::Segment]) -> Target {
        if t.attr.is_some() {
            return t;
        }
        let at = match segs.first().map(|s| s.name.as_str()) {
            Some("module") => 2,
            _ => 1,
        };
        let Some(hop) = segs.get(at) else {
            return t;
        };
        let key = hop.key.clone().or_else(|| t.pending_key.take());
        let Some(next) = segs.get(at + 1) else {
            t.pending_key = key;
            return t;
        };
        // What follows the name must fit what it holds: an object's key
        // (`.name.id`, `.route.id` of a list block) is no attribute.
        let further = segs.len() > at + 2;
        let fits = match top_level(&t.type_, &next.name) {
            Some(Holds::Value) => next.key.is_none() && !further,
            Some(Holds::List) => next.key.is_some() || !further,
            Some(Holds::Map) => true,
            None => false,
        };
        if !fits {
            return t;
        }
        match (self.instances(&t), key) {
            (_, None) => {}
            (Some(n), Some(k)) if n > 1 => {
                if t.index.is_none() {
                    t.index = Some(k);
                }
            }
            (Some(_), Some(_)) => {}
            (None, Some(_)) => return t,
        }
        t.attr = Some(next.name.clone());
        t
    }

    /// One hop of reference resolution: the expression that a
    /// `module.CALL.OUTPUT` reference (the call's output) or a `var.NAME`
    /// reference (the argument the calling module passes) stands for, with
    /// the module scope and instance keys it is evaluated in. None for any
    /// other reference, or one the configuration does not hold.
    pub(crate) fn hop(
        &self,
        scope: &[String],
        keys: &[Option<Value>],
        segs: &[address::Segment],
    ) -> Option<Hop> {
        match segs.first()?.name.as_str() {
            "module" => {
                let (child, output) = (segs.get(1)?, segs.get(2)?);
                let mut child_scope = scope.to_vec();
                child_scope.push(child.name.clone());
                let mut child_keys = keys.to_vec();
                child_keys.push(child.key.clone());
                let raw = self
                    .modules
                    .get(&child_scope)?
                    .outputs
                    .get(output.name.as_str())?
                    .as_deref()?;
                let expr = parse_fragment(raw.get()).ok()?;
                Some((child_scope, child_keys, expr))
            }
            "var" => {
                let var = segs.get(1)?;
                let (call, parent) = scope.split_last()?;
                let parent_keys = keys.get(..parent.len()).unwrap_or_default();
                let args = self
                    .modules
                    .get(parent)?
                    .calls
                    .get(call.as_str())?
                    .as_deref()?;
                let expr = parse_fragment::<Map<String, Value>>(args.get())
                    .ok()?
                    .remove(var.name.as_str())?;
                Some((parent.to_vec(), parent_keys.to_vec(), expr))
            }
            _ => None,
        }
    }
    /// Follows the references of an expression until a resource of
    /// `want_type` (through module outputs and module call arguments).
    pub(crate) fn resolve(
        &self,
        scope: &[String],
        scope_keys: &[Option<Value>],
        expr: &Value,
        want_type: &str,
        depth: usize,
    ) -> Option<Target> {
        if depth > MAX_DEPTH {
            return None;
        }
        let refs = expr.get("references")?.as_array()?;
        for r in refs.iter().filter_map(Value::as_str) {
            let Some(segs) = address::parse(r) else {
                continue;
            };
            let Some(first) = segs.first() else { continue };
            match first.name.as_str() {
                "module" | "var" => {
                    let Some((s, k, e)) = self.hop(scope, scope_keys, &segs) else {
                        continue;
                    };
                    if let Some(t) = self.resolve(&s, &k, &e, want_type, depth + 1) {
                        return Some(self.read_through(t, &segs));
                    }
                }
                t if t == want_type => {
                    let Some(name) = segs.get(1) else { continue };
                    return Some(Target {
                        module: scope.to_vec(),
                        module_keys: scope_keys.to_vec(),
                        type_: t.to_string(),
                        name: name.name.clone(),
                        index: name.key.clone(),
                        attr: segs.get(2).map(|s| s.name.clone()),
                        pending_key: None,
                    });
                }
                _ => {}
            }
        }
        None
    }
}

/// What `name` holds when it is one of the type's top-level attributes or
/// blocks (in some provider version); None otherwise, or for a type the
/// table does not have.
pub(crate) fn top_level(type_: &str, name: &str) -> Option<Holds> {
    let (_, names) = TOP_LEVEL.iter().find(|(t, _)| *t == type_)?;
    names
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, holds)| *holds)
}

/// Is an expression object (`{"references": [...]}` / `{"constant_value": ...}`)
/// rather than a block?
fn is_expression(m: &Map<String, Value>) -> bool {
    !m.is_empty() && m.keys().all(|k| k == "references" || k == "constant_value")
}

/// What the configuration shows at a path.
enum Shown<'e> {
    /// The value at the path (a block, a list of blocks, an expression).
    At(&'e Value),
    /// Nothing from this step on (the index of the first step not shown).
    From(usize),
    /// An expression sets something around the path, or the path does not
    /// fit the configuration's shape: the source sets something we cannot
    /// see through.
    Opaque,
}

fn shown<'e>(expressions: &'e Map<String, Value>, path: &[Step]) -> Shown<'e> {
    let mut cur: &Value = match path.first() {
        Some(Step::Key(k)) => match expressions.get(k) {
            Some(v) => v,
            None => return Shown::From(0),
        },
        _ => return Shown::Opaque,
    };
    for (i, step) in path.iter().enumerate().skip(1) {
        let next = match (cur, step) {
            (Value::Object(m), _) if is_expression(m) => return Shown::Opaque,
            (Value::Object(m), Step::Key(k)) => m.get(k),
            (Value::Array(a), Step::Index(n)) => a.get(usize::try_from(*n).unwrap_or(usize::MAX)),
            _ => return Shown::Opaque,
        };
        match next {
            Some(v) => cur = v,
            None => return Shown::From(i),
        }
    }
    Shown::At(cur)
}

/// The first step of `path` that the configuration does not show; None
/// where it sets the attribute at `path` (or a block or expression around
/// it). Used to decide whether a value Terraform marks unknown is truly
/// unknown (set by an expression) or a provider default (not configured:
/// unset): src/plan/unknown.rs.
pub(crate) fn unshown_step(expressions: &Map<String, Value>, path: &[Step]) -> Option<usize> {
    match shown(expressions, path) {
        Shown::From(i) => Some(i),
        Shown::At(_) | Shown::Opaque => None,
    }
}

/// The configuration's value at `prefix` of a path: Ok(None) where it does
/// not show it, Err(()) where an expression sets something around it.
pub(crate) fn shown_at<'e>(
    expressions: &'e Map<String, Value>,
    prefix: &[Step],
) -> Result<Option<&'e Value>, ()> {
    match shown(expressions, prefix) {
        Shown::At(v) => Ok(Some(v)),
        Shown::From(_) => Ok(None),
        Shown::Opaque => Err(()),
    }
}

#[cfg(test)]
mod tests;
