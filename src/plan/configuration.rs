//! The plan's `configuration` section: which attributes a resource's source
//! sets (to tell truly unknown values from provider defaults), and where a
//! reference points (to join node pools and federated credentials to their
//! cluster through resources, module outputs and module call arguments).
use std::collections::{HashMap, HashSet};

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::address;
use crate::finding::Step;

/// One module of the configuration, by its call path (`["aks"]`).
#[derive(Default)]
pub(crate) struct ModuleCfg<'c> {
    pub(crate) resources: HashMap<(&'c str, &'c str), &'c Map<String, Value>>,
    pub(crate) outputs: HashMap<&'c str, &'c Value>,
    pub(crate) calls: HashMap<&'c str, &'c Map<String, Value>>,
}

/// The plan's Terraform `configuration` section, indexed (not to be confused
/// with `.akslint.toml`, the settings' `ConfigFile`).
#[derive(Default)]
pub(crate) struct TfConfiguration<'c> {
    pub(crate) modules: HashMap<Vec<String>, ModuleCfg<'c>>,
    /// Resources declared under their full address in the root module (seen
    /// in some flattened real plans).
    flat: HashMap<&'c str, &'c Map<String, Value>>,
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
}

pub(crate) const MAX_DEPTH: usize = 32;

/// Where a reference leads: the module scope, its instance keys, and the
/// expression to follow there.
pub(crate) type Hop<'c> = (Vec<String>, Vec<Option<Value>>, &'c Value);

impl<'c> TfConfiguration<'c> {
    pub fn new(configuration: &'c Value) -> Self {
        let mut idx = TfConfiguration::default();
        if let Some(root) = configuration.get("root_module") {
            idx.add_module(Vec::new(), root, 0);
        }
        idx
    }

    fn add_module(&mut self, path: Vec<String>, module: &'c Value, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let mut cfg = ModuleCfg::default();
        if let Some(resources) = module.get("resources").and_then(Value::as_array) {
            for r in resources.iter().filter_map(Value::as_object) {
                let (Some(t), Some(n)) = (
                    r.get("type").and_then(Value::as_str),
                    r.get("name").and_then(Value::as_str),
                ) else {
                    continue;
                };
                if r.get("mode").and_then(Value::as_str) == Some("data") {
                    continue;
                }
                if path.is_empty() {
                    if let Some(a) = r.get("address").and_then(Value::as_str) {
                        if a.starts_with("module.") {
                            self.flat.insert(a, r);
                            continue;
                        }
                    }
                }
                cfg.resources.insert((t, n), r);
            }
        }
        if let Some(outputs) = module.get("outputs").and_then(Value::as_object) {
            for (k, v) in outputs {
                cfg.outputs.insert(k.as_str(), v);
            }
        }
        if let Some(calls) = module.get("module_calls").and_then(Value::as_object) {
            for (name, call) in calls {
                let Some(call_obj) = call.as_object() else {
                    continue;
                };
                cfg.calls.insert(name.as_str(), call_obj);
                if let Some(child) = call.get("module") {
                    let mut p = path.clone();
                    p.push(name.clone());
                    self.add_module(p, child, depth + 1);
                }
            }
        }
        self.modules.insert(path, cfg);
    }

    /// The `expressions` of a resource's configuration, or None when the
    /// resource is not in the configuration.
    pub fn expressions(
        &self,
        module: &[String],
        type_: &str,
        name: &str,
        full_config_address: &str,
    ) -> Option<&'c Map<String, Value>> {
        let r = self
            .modules
            .get(module)
            .and_then(|m| m.resources.get(&(type_, name)).copied())
            .or_else(|| self.flat.get(full_config_address).copied())?;
        match r.get("expressions") {
            Some(Value::Object(e)) => Some(e),
            _ => Some(empty_map()),
        }
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
    ) -> Option<Hop<'c>> {
        match segs.first()?.name.as_str() {
            "module" => {
                let (child, output) = (segs.get(1)?, segs.get(2)?);
                let mut child_scope = scope.to_vec();
                child_scope.push(child.name.clone());
                let mut child_keys = keys.to_vec();
                child_keys.push(child.key.clone());
                let expr = self
                    .modules
                    .get(&child_scope)
                    .and_then(|m| m.outputs.get(output.name.as_str()))
                    .and_then(|o| o.get("expression"))?;
                Some((child_scope, child_keys, expr))
            }
            "var" => {
                let var = segs.get(1)?;
                let (call, parent) = scope.split_last()?;
                let parent_keys = keys.get(..parent.len()).unwrap_or_default();
                let expr = self
                    .modules
                    .get(parent)
                    .and_then(|m| m.calls.get(call.as_str()))
                    .and_then(|c| c.get("expressions"))
                    .and_then(|e| e.get(var.name.as_str()))?;
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
                    if let Some(t) = self.resolve(&s, &k, e, want_type, depth + 1) {
                        return Some(t);
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
                    });
                }
                _ => {}
            }
        }
        None
    }
}

/// Parses the plan's `configuration` section, keeping only what
/// [`TfConfiguration`] and the joins read of it: every module's outputs and
/// module calls, its data sources, and its managed resources of the types in
/// `keep` (None: every type). The configuration of a large plan is mostly
/// the expressions of resources no rule reads; as a `Value` it takes about
/// ten times its size in memory (430 MB for the 40 MB section of a 100 MB
/// plan), so they are skipped while parsing, in one pass.
pub(crate) fn parse_pruned(
    raw: &str,
    keep: Option<&HashSet<String>>,
) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(raw);
    let v = Pruned::Document(keep).deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

/// The scalar methods of a pruning visitor: a value of an unexpected shape
/// is kept as it is (what reads it ignores it), as a plain parse would.
macro_rules! scalars {
    () => {
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_string()))
        }

        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }

        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
            Ok(Value::from(v))
        }

        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
            Ok(Value::from(v))
        }

        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
            Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
    };
}

/// What is being parsed: the section, one module, one module call.
#[derive(Clone, Copy)]
enum Pruned<'k> {
    Document(Option<&'k HashSet<String>>),
    Module(Option<&'k HashSet<String>>, usize),
    Call(Option<&'k HashSet<String>>, usize),
}

/// A configuration resource's mode and type, read before the rest.
#[derive(serde::Deserialize)]
struct Kind<'a> {
    #[serde(borrow, default)]
    mode: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default, rename = "type")]
    type_: Option<std::borrow::Cow<'a, str>>,
}

impl<'de> DeserializeSeed<'de> for Pruned<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Pruned<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a Terraform configuration object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = match (self, key.as_str()) {
                (Pruned::Document(keep), "root_module") => {
                    map.next_value_seed(Pruned::Module(keep, 0))?
                }
                (Pruned::Module(keep, _), "resources") => map.next_value_seed(Resources(keep))?,
                (Pruned::Module(keep, depth), "module_calls") => {
                    map.next_value_seed(Calls(keep, depth))?
                }
                (Pruned::Call(keep, depth), "module") if depth < MAX_DEPTH => {
                    map.next_value_seed(Pruned::Module(keep, depth + 1))?
                }
                (Pruned::Module(..), "outputs") => map.next_value_seed(Outputs)?,
                (Pruned::Call(..), "expressions") => map.next_value::<Value>()?,
                // Nothing else of a module (variables, provider
                // configurations) or a call (source, count) is read.
                (Pruned::Module(..) | Pruned::Call(..), _) => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    continue;
                }
                _ => map.next_value::<Value>()?,
            };
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element::<Value>()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    scalars!();
}

/// What [`TfConfiguration`] and the joins read of a configuration resource.
const RESOURCE_KEYS: [&str; 5] = ["address", "mode", "type", "name", "expressions"];

/// A module's `outputs`: only each output's `expression` is read.
struct Outputs;

impl<'de> DeserializeSeed<'de> for Outputs {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        let mut v = Value::deserialize(d)?;
        if let Value::Object(outputs) = &mut v {
            for o in outputs.values_mut() {
                if let Value::Object(o) = o {
                    o.retain(|k, _| k == "expression");
                }
            }
        }
        Ok(v)
    }
}

/// A module's `resources`: those of other types are skipped.
struct Resources<'k>(Option<&'k HashSet<String>>);

impl<'de> DeserializeSeed<'de> for Resources<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Resources<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of configuration resources")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        use serde::de::Error;
        let mut out = Vec::new();
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            if let Some(keep) = self.0 {
                if let Ok(k) = serde_json::from_str::<Kind<'_>>(raw.get()) {
                    let data = k.mode.as_deref() == Some("data");
                    if !data && !k.type_.is_some_and(|t| keep.contains(t.as_ref())) {
                        continue;
                    }
                }
            }
            let mut r: Value = serde_json::from_str(raw.get()).map_err(A::Error::custom)?;
            if let Value::Object(m) = &mut r {
                m.retain(|k, _| RESOURCE_KEYS.contains(&k.as_str()));
            }
            out.push(r);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))
    }

    scalars!();
}

/// A module's `module_calls`: each call's `module` is pruned in turn.
struct Calls<'k>(Option<&'k HashSet<String>>, usize);

impl<'de> DeserializeSeed<'de> for Calls<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Calls<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the module calls of a configuration module")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let call = map.next_value_seed(Pruned::Call(self.0, self.1))?;
            out.insert(key, call);
        }
        Ok(Value::Object(out))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Value, A::Error> {
        Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
    }

    scalars!();
}

fn empty_map() -> &'static Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

/// Is an expression object (`{"references": [...]}` / `{"constant_value": ...}`)
/// rather than a block?
fn is_expression(m: &Map<String, Value>) -> bool {
    !m.is_empty() && m.keys().all(|k| k == "references" || k == "constant_value")
}

/// Does the configuration set the attribute at `path` (or a block or
/// expression around it)? Used to decide whether a value Terraform marks
/// unknown is truly unknown (set by an expression) or a provider default
/// (not configured: unset).
pub(crate) fn sets_path(expressions: &Map<String, Value>, path: &[Step]) -> bool {
    let mut cur: &Value = match path.first() {
        Some(Step::Key(k)) => match expressions.get(k) {
            Some(v) => v,
            None => return false,
        },
        _ => return true,
    };
    for step in path.iter().skip(1) {
        match (cur, step) {
            (Value::Object(m), _) if is_expression(m) => return true,
            (Value::Object(m), Step::Key(k)) => match m.get(k) {
                Some(v) => cur = v,
                None => return false,
            },
            (Value::Array(a), Step::Index(i)) => {
                match a.get(usize::try_from(*i).unwrap_or(usize::MAX)) {
                    Some(v) => cur = v,
                    None => return false,
                }
            }
            // A block list addressed by key, or similar shape mismatch: the
            // source sets something here that we cannot see through.
            _ => return true,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn k(s: &str) -> Step {
        Step::Key(s.into())
    }

    #[test]
    fn configured_and_unconfigured_paths() {
        let e = json!({
            "network_profile": [{"network_plugin": {"constant_value": "azure"}}],
            "disk_encryption_set_id": {"references": ["azurerm_disk_encryption_set.d.id"]},
            "tags": {"references": ["var.tags"]}
        });
        let e = e.as_object().unwrap();
        assert!(!sets_path(
            e,
            &[k("network_profile"), Step::Index(0), k("network_policy")]
        ));
        assert!(sets_path(
            e,
            &[k("network_profile"), Step::Index(0), k("network_plugin")]
        ));
        assert!(sets_path(e, &[k("disk_encryption_set_id")]));
        assert!(sets_path(e, &[k("tags"), k("env")]));
        assert!(!sets_path(e, &[k("api_server_access_profile")]));
    }

    #[test]
    fn resolves_through_module_output_and_variable() {
        let cfg = json!({"root_module": {
            "resources": [{"mode": "managed", "type": "azurerm_kubernetes_cluster_node_pool", "name": "p",
                "expressions": {"kubernetes_cluster_id": {"references": ["module.aks.cluster_id", "module.aks"]}}}],
            "module_calls": {"aks": {"expressions": {}, "module": {
                "resources": [{"mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "this", "expressions": {}}],
                "outputs": {"cluster_id": {"expression": {"references": ["azurerm_kubernetes_cluster.this.id", "azurerm_kubernetes_cluster.this"]}}},
                "module_calls": {"pools": {"expressions": {"cluster_id": {"references": ["azurerm_kubernetes_cluster.this.id"]}}, "module": {
                    "resources": [{"mode": "managed", "type": "azurerm_kubernetes_cluster_node_pool", "name": "inner",
                        "expressions": {"kubernetes_cluster_id": {"references": ["var.cluster_id"]}}}]}}}
            }}}
        }});
        let idx = TfConfiguration::new(&cfg);
        let e = idx
            .expressions(&[], "azurerm_kubernetes_cluster_node_pool", "p", "")
            .unwrap();
        let t = idx
            .resolve(
                &[],
                &[],
                &e["kubernetes_cluster_id"],
                "azurerm_kubernetes_cluster",
                0,
            )
            .unwrap();
        assert_eq!(t.module, vec!["aks".to_string()]);
        assert_eq!(t.name, "this");
        assert_eq!(t.attr.as_deref(), Some("id"));

        let scope = vec!["aks".to_string(), "pools".to_string()];
        let e = idx
            .expressions(&scope, "azurerm_kubernetes_cluster_node_pool", "inner", "")
            .unwrap();
        let t = idx
            .resolve(
                &scope,
                &[None, None],
                &e["kubernetes_cluster_id"],
                "azurerm_kubernetes_cluster",
                0,
            )
            .unwrap();
        assert_eq!(t.module, vec!["aks".to_string()]);
    }

    #[test]
    fn the_pruned_configuration_keeps_what_the_joins_read() {
        let raw = r#"{"provider_config": {"azurerm": {"name": "azurerm"}},
            "root_module": {
                "variables": {"v": {"default": "x"}},
                "outputs": {"o": {"expression": {"references": ["module.m.id"]}, "description": "d"}},
                "resources": [
                    {"address": "azurerm_kubernetes_cluster.c", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "c",
                     "provider_config_key": "azurerm", "schema_version": 2,
                     "expressions": {"dns_prefix": {"constant_value": "c"}}},
                    {"address": "azurerm_application_gateway.g", "mode": "managed", "type": "azurerm_application_gateway", "name": "g",
                     "expressions": {"name": {"constant_value": "g"}}},
                    {"address": "data.azurerm_role_definition.r", "mode": "data", "type": "azurerm_role_definition", "name": "r",
                     "expressions": {"name": {"constant_value": "AcrPull"}}}
                ],
                "module_calls": {"m": {"source": "./m", "expressions": {"x": {"references": ["var.v"]}},
                    "module": {"resources": [
                        {"address": "azurerm_public_ip.p", "mode": "managed", "type": "azurerm_public_ip", "name": "p"},
                        {"address": "azurerm_kubernetes_cluster_node_pool.n", "mode": "managed", "type": "azurerm_kubernetes_cluster_node_pool", "name": "n",
                         "expressions": {"kubernetes_cluster_id": {"references": ["var.x"]}}}
                    ]}}}
            }}"#;
        let keep: HashSet<String> = [
            "azurerm_kubernetes_cluster",
            "azurerm_kubernetes_cluster_node_pool",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
        let pruned = parse_pruned(raw, Some(&keep)).unwrap();
        let expected = serde_json::json!({
            "provider_config": {"azurerm": {"name": "azurerm"}},
            "root_module": {
                "outputs": {"o": {"expression": {"references": ["module.m.id"]}}},
                "resources": [
                    {"address": "azurerm_kubernetes_cluster.c", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "c",
                     "expressions": {"dns_prefix": {"constant_value": "c"}}},
                    {"address": "data.azurerm_role_definition.r", "mode": "data", "type": "azurerm_role_definition", "name": "r",
                     "expressions": {"name": {"constant_value": "AcrPull"}}}
                ],
                "module_calls": {"m": {"expressions": {"x": {"references": ["var.v"]}},
                    "module": {"resources": [
                        {"address": "azurerm_kubernetes_cluster_node_pool.n", "mode": "managed", "type": "azurerm_kubernetes_cluster_node_pool", "name": "n",
                         "expressions": {"kubernetes_cluster_id": {"references": ["var.x"]}}}
                    ]}}}
            }
        });
        assert_eq!(pruned, expected);
        // Without a filter every resource is kept.
        let all = parse_pruned(raw, None).unwrap();
        let full: Value = serde_json::from_str(raw).unwrap();
        assert_eq!(
            all.pointer("/root_module/resources")
                .map(|r| r.as_array().map(Vec::len)),
            full.pointer("/root_module/resources")
                .map(|r| r.as_array().map(Vec::len))
        );
        // And the index reads the same expressions from it.
        let (a, b) = (TfConfiguration::new(&pruned), TfConfiguration::new(&full));
        let pool = |c: &TfConfiguration<'_>| {
            c.expressions(
                &["m".to_string()],
                "azurerm_kubernetes_cluster_node_pool",
                "n",
                "",
            )
            .cloned()
        };
        assert_eq!(pool(&a), pool(&b));
        assert!(pool(&a).is_some());
        // Malformed input is an error, not a panic.
        assert!(parse_pruned("{\"root_module\": {\"resources\": [1,", Some(&keep)).is_err());
    }
}
