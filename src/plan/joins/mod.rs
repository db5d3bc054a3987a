//! Cross-resource joins of the 2026-12 baseline (docs/input-format.md
//! "Joins"): pool -> subnet -> route table -> routes (AKS007), role
//! assignment -> kubelet identity, registry and role (AKS028), cluster ->
//! role assignments scoped to it (AKS027), cluster -> diagnostic settings
//! (AKS045). They are computed once per file, with hash indexes, so that the
//! rules stay linear in the plan's size.
//!
//! In a plan, an attribute is joined through the configuration's references
//! (directly, through module outputs and module call arguments), as node
//! pools are; an attribute that references nothing a plan holds is matched by
//! its value against the known `id` values; in state, values are compared
//! case-insensitively. What leads outside the plan or state is reported as
//! such, so that the rules give `unknown`.
use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::address;
use super::configuration::{Target, TfConfiguration as ConfigIndex, MAX_DEPTH};
use super::input::View;
use super::normalize::{Model, Resource};

/// Every resource type that is a cluster for the joins (extend here).
pub const CLUSTER_TYPES: [&str; 2] = [
    "azurerm_kubernetes_cluster",
    "azurerm_kubernetes_automatic_cluster",
];

/// A rule that reads `input.joins` declares this in its `resource_types`.
pub const MARKER: &str = "akslint:joins";

/// Resource types the joins read. They are parsed when a loaded rule
/// declares [`MARKER`], and appear in `input.resources`/`by_type` only when a
/// rule declares them too (the joins carry what the rules need, so the input
/// stays small).
pub const JOIN_TYPES: [&str; 10] = [
    "azurerm_kubernetes_cluster",
    "azurerm_kubernetes_automatic_cluster",
    SUBNET,
    VNET,
    ROUTE_TABLE,
    ROUTE,
    ASSOCIATION,
    ROLE_ASSIGNMENT,
    IDENTITY,
    DIAGNOSTIC,
];

/// Are resources of type `t` parsed for the joins (filter `set`)?
pub fn needed(set: &std::collections::HashSet<String>, t: &str) -> bool {
    set.contains(MARKER) && JOIN_TYPES.contains(&t)
}

/// Adds the join types to the types kept while parsing.
pub fn keep(set: &std::collections::HashSet<String>, keep: &mut std::collections::HashSet<String>) {
    if set.contains(MARKER) {
        keep.extend(JOIN_TYPES.iter().map(|t| (*t).to_string()));
    }
}

/// Is a resource of type `t` left out of `input.resources`/`by_type`?
pub fn hidden(exposed: &Option<std::collections::HashSet<String>>, t: &str) -> bool {
    exposed
        .as_ref()
        .is_some_and(|set| !set.contains(t) && JOIN_TYPES.contains(&t) && !is_cluster(t))
}

mod egress;
mod roles;

use egress::egress;
#[cfg(test)]
use roles::role_definitions;
use roles::{diagnostics, roles};

const SUBNET: &str = "azurerm_subnet";
const VNET: &str = "azurerm_virtual_network";
const ROUTE_TABLE: &str = "azurerm_route_table";
const ROUTE: &str = "azurerm_route";
const ASSOCIATION: &str = "azurerm_subnet_route_table_association";
const ROLE_ASSIGNMENT: &str = "azurerm_role_assignment";
const IDENTITY: &str = "azurerm_user_assigned_identity";
const DIAGNOSTIC: &str = "azurerm_monitor_diagnostic_setting";
const REGISTRY: &str = "azurerm_container_registry";
const ROLE_DEFINITION: &str = "azurerm_role_definition";
/// The id of the built-in `AcrPull` role definition.
const ACR_PULL_ID: &str = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

/// The joins of one file, by resource address.
#[derive(Debug, Clone, Default)]
pub struct Joins {
    /// Cluster -> the diagnostic settings that target it.
    pub diagnostics: BTreeMap<String, Vec<String>>,
    /// Diagnostic settings whose target is truly unknown and references no
    /// resource of the plan (it may be any cluster).
    pub diagnostics_unresolved: Vec<String>,
    /// Role assignment of a cluster's kubelet identity -> what it joins.
    pub roles: BTreeMap<String, RoleJoin>,
    /// Cluster -> role assignments scoped to it (or to a path prefix of it).
    pub cluster_roles: BTreeMap<String, Vec<String>>,
    /// Role assignments whose scope leads outside the plan or state.
    pub roles_unresolved_scope: Vec<String>,
    /// Pool address -> its egress chain.
    pub egress: BTreeMap<String, Egress>,
}

#[derive(Debug, Clone)]
pub struct RoleJoin {
    /// The cluster whose kubelet identity the principal is.
    pub kubelet_cluster: Option<String>,
    /// `registry`, `other` or `unresolved`.
    pub scope: &'static str,
    /// The registry resource when it is in the plan or state.
    pub registry: Option<String>,
    /// The role name (`AcrPull` for the AcrPull definition id; another
    /// definition id stands for itself); None when unresolvable.
    pub role: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Egress {
    /// `joined` (one subnet), `ambiguous` (one of a network's inline subnets,
    /// not singled out) or `outside`.
    pub subnet: &'static str,
    pub subnets: Vec<SubnetChain>,
}

#[derive(Debug, Clone)]
pub struct SubnetChain {
    /// The subnet resource, or the virtual network of an inline subnet.
    pub address: String,
    pub name: Option<String>,
    /// `joined`, `outside` (table not in the plan or state), `none` (no
    /// table) or `unresolved` (an association or a write-only table that
    /// cannot be resolved).
    pub table: &'static str,
    pub route_table: Option<String>,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone)]
pub struct Route {
    /// The route table (inline route) or the `azurerm_route`.
    pub source: String,
    /// The route's prefix and next hop as custom policies see them
    /// (`(sensitive)` where the plan marks them).
    pub address_prefix: Value,
    pub next_hop_type: Value,
    /// The two as they are, where the plan marks either sensitive: the
    /// built-in rules' (`View::Actual`).
    pub actual: Option<Box<[Value; 2]>>,
    /// Marked sensitive whole (or its list is): left out of what custom
    /// policies see.
    pub hidden: bool,
    pub unknown: bool,
}

/// Where an expression's references lead.
enum Ref {
    /// A managed resource of an accepted type.
    Managed(Target),
    /// A data source (type, module path, name).
    Data(String, Vec<String>, String),
    /// A managed resource of another type.
    Other,
    /// Nothing in the configuration: a root variable, a local, no reference.
    Outside,
}

/// Follows an expression's references (through module outputs and call
/// arguments) to a managed resource whose type `accept`s, a data source, or
/// another resource.
fn resolve(
    cfg: &ConfigIndex,
    scope: &[String],
    keys: &[Option<Value>],
    expr: &Value,
    accept: &dyn Fn(&str) -> bool,
    depth: usize,
) -> Ref {
    if depth > MAX_DEPTH {
        return Ref::Outside;
    }
    let Some(refs) = expr.get("references").and_then(Value::as_array) else {
        return Ref::Outside;
    };
    let mut other = false;
    for r in refs.iter().filter_map(Value::as_str) {
        let Some(segs) = address::parse(r) else {
            continue;
        };
        let Some(first) = segs.first() else { continue };
        match first.name.as_str() {
            "module" | "var" => {
                let Some((s, k, e)) = cfg.hop(scope, keys, &segs) else {
                    continue;
                };
                match resolve(cfg, &s, &k, &e, accept, depth + 1) {
                    Ref::Outside => {}
                    Ref::Other => other = true,
                    Ref::Managed(t) => return Ref::Managed(cfg.read_through(t, &segs)),
                    found => return found,
                }
            }
            "data" => {
                if let (Some(t), Some(n)) = (segs.get(1), segs.get(2)) {
                    return Ref::Data(t.name.clone(), scope.to_vec(), n.name.clone());
                }
            }
            "local" | "each" | "count" | "path" | "terraform" | "self" => {}
            t if t.contains('_') => {
                let Some(name) = segs.get(1) else { continue };
                if accept(t) {
                    return Ref::Managed(Target {
                        module: scope.to_vec(),
                        module_keys: keys.to_vec(),
                        type_: t.to_string(),
                        name: name.name.clone(),
                        index: name.key.clone(),
                        attr: segs.get(2).map(|s| s.name.clone()),
                        pending_key: None,
                    });
                }
                other = true;
            }
            _ => {}
        }
    }
    if other {
        Ref::Other
    } else {
        Ref::Outside
    }
}

/// A module instance path: `[("a", Some("x")), ("b", None)]`.
type ModulePath = Vec<(String, Option<Value>)>;

/// Items (pools, clusters, role assignments) a worker takes at a time when
/// a join is computed for each in parallel.
const PARALLEL_MIN: usize = 32;

/// Module names (without instance keys) -> positions of resources.
type ByModule = HashMap<Vec<String>, Vec<usize>>;

/// Indexes over one file's resources.
struct Index<'m> {
    resources: &'m [Resource],
    /// (type, name) -> module names (without instance keys) -> positions.
    by_name: HashMap<(&'m str, &'m str), ByModule>,
    /// Module address -> its instance path, parsed once.
    paths: HashMap<&'m str, ModulePath>,
    /// Lower-case `id` value -> resources (an association's id is its
    /// subnet's).
    by_id: HashMap<String, Vec<usize>>,
    cfg: Option<&'m ConfigIndex>,
}

impl<'m> Index<'m> {
    fn new(resources: &'m [Resource], cfg: Option<&'m ConfigIndex>) -> Self {
        let mut by_name: HashMap<(&str, &str), ByModule> = HashMap::new();
        let mut paths: HashMap<&str, ModulePath> = HashMap::new();
        let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in resources.iter().enumerate() {
            let path = paths
                .entry(r.module.as_str())
                .or_insert_with(|| address::module_path(&r.module));
            by_name
                .entry((r.type_.as_str(), r.name.as_str()))
                .or_default()
                .entry(path.iter().map(|(n, _)| n.clone()).collect())
                .or_default()
                .push(i);
            if let Some(id) = join_value(&r.values, "id") {
                by_id.entry(id.to_ascii_lowercase()).or_default().push(i);
            }
        }
        Index {
            resources,
            by_name,
            paths,
            by_id,
            cfg,
        }
    }

    /// The resource at a position of `resources` (always valid: positions
    /// come from the same slice).
    fn r(&self, i: usize) -> &'m Resource {
        self.resources.get(i).unwrap_or_else(|| empty_resource())
    }

    /// The module instance path of a resource.
    fn path(&self, r: &Resource) -> std::borrow::Cow<'_, ModulePath> {
        match self.paths.get(r.module.as_str()) {
            Some(p) => std::borrow::Cow::Borrowed(p),
            None => std::borrow::Cow::Owned(address::module_path(&r.module)),
        }
    }

    /// The configuration expressions of a resource.
    fn exprs(&self, r: &Resource) -> Option<Map<String, Value>> {
        let cfg = self.cfg?;
        let mods: Vec<String> = self.path(r).iter().map(|(n, _)| n.clone()).collect();
        let full = super::normalize::configuration_address(&mods, &r.type_, &r.name);
        cfg.expressions(&mods, &r.type_, &r.name, &full)
    }

    /// Resolves the expression `expr` of resource `r`.
    /// `attr`: the attribute of `r` whose expression `expr` is ("" for one
    /// nested in a block): `each.value.ATTR` is read through `for_each`
    /// only while the plan does not know its value (a known value is the
    /// one to join by).
    fn resolve(
        &self,
        r: &Resource,
        attr: &str,
        expr: Option<&Value>,
        accept: &dyn Fn(&str) -> bool,
    ) -> Ref {
        let (Some(cfg), Some(expr)) = (self.cfg, expr) else {
            return Ref::Outside;
        };
        let path = self.path(r);
        let mods: Vec<String> = path.iter().map(|(n, _)| n.clone()).collect();
        let keys: Vec<Option<Value>> = path.iter().map(|(_, k)| k.clone()).collect();
        // `each.value.ATTR` of a resource whose `for_each` is a module call
        // or a resource: the instance with the resource's own key, when the
        // plan has it (else the expression leads nowhere, as before: a
        // `for_each` with other keys than the instances').
        let known = !attr.is_empty()
            && !r.unknown.contains(attr)
            && r.values.get(attr).is_some_and(|v| !v.is_null());
        let through = if known {
            None
        } else {
            super::join::through_for_each(cfg, &mods, r, expr, false)
        };
        if let Some(through) = through {
            if let Ref::Managed(t) = resolve(cfg, &mods, &keys, &through, &|_| true, 0) {
                if self.pick(&t, &r.index).is_some() {
                    return resolve(cfg, &mods, &keys, &through, accept, 0);
                }
            }
        }
        resolve(cfg, &mods, &keys, expr, accept, 0)
    }

    /// The instance a reference means, for a resource with index `own`.
    fn pick(&self, target: &Target, own: &Option<Value>) -> Option<usize> {
        // Same type, name and module names; then the module keys that the
        // reference fixes.
        let candidates: Vec<usize> = self
            .by_name
            .get(&(target.type_.as_str(), target.name.as_str()))
            .and_then(|by_module| by_module.get(target.module.as_slice()))
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| {
                self.path(self.r(i))
                    .iter()
                    .zip(&target.module_keys)
                    .all(|((_, key), want)| match (key, want) {
                        (_, None) => true,
                        (Some(k), Some(w)) => address::same_key(k, w),
                        (None, Some(_)) => false,
                    })
            })
            .collect();
        let chosen: Vec<usize> = match &target.index {
            Some(ix) => candidates
                .into_iter()
                .filter(|&i| {
                    self.r(i)
                        .index
                        .as_ref()
                        .is_some_and(|k| address::same_key(k, ix))
                })
                .collect(),
            None if candidates.len() == 1 => candidates,
            None => candidates
                .into_iter()
                .filter(|&i| match (&self.r(i).index, own) {
                    (Some(a), Some(b)) => address::same_key(a, b),
                    _ => false,
                })
                .collect(),
        };
        match chosen.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// A resource of one of `types` whose id equals the value.
    fn by_value(&self, value: Option<&str>, types: &[&str]) -> Option<usize> {
        self.by_id
            .get(&value?.to_ascii_lowercase())?
            .iter()
            .copied()
            .find(|&i| types.contains(&self.r(i).type_.as_str()))
    }

    /// Joins an attribute of `r` to a resource of one of `types`: by
    /// reference, else by value. Err(true): it leads outside (a data
    /// source, a variable, a value that matches nothing); Err(false): the
    /// attribute is unset.
    fn join(&self, r: &Resource, attr: &str, types: &[&str]) -> Result<usize, bool> {
        let exprs = self.exprs(r);
        let expr = exprs.as_ref().and_then(|e| e.get(attr));
        // An id joins (`azurerm_subnet.x.id`); another attribute of the
        // resource (`azurerm_kubernetes_cluster.x.node_resource_group_id`)
        // names something else.
        if let Ref::Managed(t) = self.resolve(r, attr, expr, &|t| types.contains(&t)) {
            if is_id(&t) {
                if let Some(i) = self.pick(&t, &r.index) {
                    return Ok(i);
                }
            }
        }
        let value = str_value(&r.values, attr);
        if let Some(i) = self.by_value(value, types) {
            return Ok(i);
        }
        let set = value.is_some() || expr.is_some() || r.unknown.contains(attr);
        Err(set)
    }
}

fn empty_resource() -> &'static Resource {
    static EMPTY: std::sync::OnceLock<Resource> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| Resource {
        address: String::new(),
        type_: String::new(),
        name: String::new(),
        module: String::new(),
        index: None,
        actions: Vec::new(),
        values: Value::Object(Map::new()),
        unknown: Default::default(),
        sensitive: Default::default(),
        withheld: Vec::new(),
        cluster: None,
        oidc_cluster: None,
    })
}

fn str_value<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// A value to join by: [`str_value`], unless it is the placeholder of a
/// value the plan marks sensitive. Such a value matches nothing (two
/// marked ids are not the same id), so it is never a key of a join's index.
fn join_value<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    str_value(v, key).filter(|s| *s != super::normalize::REDACTED)
}

/// `values[key][0][inner]` as a non-empty string.
fn nested_str<'v>(v: &'v Value, key: &str, inner: &str) -> Option<&'v str> {
    v.get(key)
        .and_then(|b| b.get(0))
        .and_then(|b| b.get(inner))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// Whether a reference reads the resource's `id` (or the whole resource).
fn is_id(t: &Target) -> bool {
    matches!(t.attr.as_deref(), None | Some("id"))
}

fn is_cluster(t: &str) -> bool {
    CLUSTER_TYPES.contains(&t)
}

/// Computes the joins of a normalized file (`cfg`: the plan's configuration).
pub fn join(model: &mut Model, cfg: Option<&ConfigIndex>) {
    let wanted = [
        ROLE_ASSIGNMENT,
        DIAGNOSTIC,
        ASSOCIATION,
        SUBNET,
        VNET,
        ROUTE_TABLE,
    ];
    if !model
        .resources
        .iter()
        .any(|r| wanted.contains(&r.type_.as_str()))
        && model.pools.is_empty()
    {
        return;
    }
    let joins = {
        let m: &Model = model;
        let idx = Index::new(&m.resources, cfg);
        // The egress chains and the other joins fill fields of their own:
        // computed side by side.
        let (mut joins, chains) = rayon::join(
            || {
                let mut joins = Joins::default();
                diagnostics(&idx, &mut joins);
                roles(&idx, &mut joins);
                joins
            },
            || {
                let mut joins = Joins::default();
                egress(&idx, m, &mut joins);
                joins.egress
            },
        );
        joins.egress = chains;
        joins
    };
    model.joins = joins;
}

// ------------------------------------------------------------------ to Rego

fn rv(s: &str) -> regorus::Value {
    regorus::Value::from(s)
}

fn obj(entries: Vec<(&str, regorus::Value)>) -> regorus::Value {
    let map: BTreeMap<regorus::Value, regorus::Value> =
        entries.into_iter().map(|(k, v)| (rv(k), v)).collect();
    regorus::Value::from(map)
}

fn opt(s: &Option<String>) -> regorus::Value {
    s.as_deref().map_or(regorus::Value::Null, rv)
}

/// A route of `input.joins.egress` in `view`: as it is (built-in rules'
/// verdicts), `(sensitive)` where the plan marks it (custom policies), or,
/// marked, known only after apply (the built-in rules' messages are
/// checked on that, see `View::Masked`).
fn route_value(r: &Route, view: View) -> regorus::Value {
    let masked = view == View::Masked && (r.hidden || r.actual.is_some());
    let [prefix, hop] = match (&r.actual, view) {
        _ if masked => [&Value::Null, &Value::Null],
        (Some(a), View::Actual) => {
            let [p, h] = &**a;
            [p, h]
        }
        _ => [&r.address_prefix, &r.next_hop_type],
    };
    obj(vec![
        ("source", rv(&r.source)),
        ("address_prefix", super::input::to_rego(prefix)),
        ("next_hop_type", super::input::to_rego(hop)),
        ("unknown", regorus::Value::from(r.unknown || masked)),
    ])
}

impl Joins {
    /// `input.joins` (docs/input-format.md); `resource` gives the Resource
    /// object of an address; `has` tells which keys (cluster, pool and role
    /// assignment addresses) the input holds: a slice of the input gets the
    /// joins of its own clusters, pools and role assignments, and the lists
    /// of unresolved ones whole (they concern every cluster). `file` holds
    /// the facts about the whole file (`any_cluster`, `csi_cluster`).
    pub fn to_input(
        &self,
        resource: &dyn Fn(&str) -> Option<regorus::Value>,
        has: &dyn Fn(&str) -> bool,
        file: Vec<(&str, regorus::Value)>,
        view: View,
    ) -> regorus::Value {
        let list = |addrs: &[String]| -> regorus::Value {
            regorus::Value::from(addrs.iter().filter_map(|a| resource(a)).collect::<Vec<_>>())
        };
        let map_of = |m: &BTreeMap<String, Vec<String>>| -> regorus::Value {
            let out: BTreeMap<regorus::Value, regorus::Value> = m
                .iter()
                .filter(|(k, _)| has(k))
                .map(|(k, v)| (rv(k), list(v)))
                .collect();
            regorus::Value::from(out)
        };
        let roles: BTreeMap<regorus::Value, regorus::Value> = self
            .roles
            .iter()
            .filter(|(k, _)| has(k))
            .map(|(k, j)| {
                (
                    rv(k),
                    obj(vec![
                        ("resource", resource(k).unwrap_or(regorus::Value::Null)),
                        ("kubelet_cluster", opt(&j.kubelet_cluster)),
                        ("scope", rv(j.scope)),
                        ("registry", opt(&j.registry)),
                        ("role", opt(&j.role)),
                    ]),
                )
            })
            .collect();
        let egress: BTreeMap<regorus::Value, regorus::Value> = self
            .egress
            .iter()
            .filter(|(k, _)| has(k))
            .map(|(k, e)| {
                let subnets: Vec<regorus::Value> = e
                    .subnets
                    .iter()
                    .map(|s| {
                        obj(vec![
                            ("address", rv(&s.address)),
                            ("name", opt(&s.name)),
                            ("table", rv(s.table)),
                            ("route_table", opt(&s.route_table)),
                            (
                                "routes",
                                regorus::Value::from(
                                    s.routes
                                        .iter()
                                        .filter(|r| !r.hidden || view != View::Redacted)
                                        .map(|r| route_value(r, view))
                                        .collect::<Vec<_>>(),
                                ),
                            ),
                        ])
                    })
                    .collect();
                (
                    rv(k),
                    obj(vec![
                        ("subnet", rv(e.subnet)),
                        ("subnets", regorus::Value::from(subnets)),
                    ]),
                )
            })
            .collect();
        let mut entries = file;
        entries.extend([
            ("diagnostic_settings", map_of(&self.diagnostics)),
            (
                "diagnostic_settings_unresolved",
                list(&self.diagnostics_unresolved),
            ),
            ("role_assignments", regorus::Value::from(roles)),
            ("cluster_role_assignments", map_of(&self.cluster_roles)),
            (
                "role_assignments_unresolved_scope",
                list(&self.roles_unresolved_scope),
            ),
            ("egress", regorus::Value::from(egress)),
        ]);
        obj(entries)
    }
}

#[cfg(test)]
mod tests;
