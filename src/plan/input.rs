//! The normalized model as the Rego `input` document
//! (docs/input-format.md).
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::normalize::{is_cluster_type, Model, Pool, Resource};
use crate::finding::Step;

fn rv_str(s: &str) -> regorus::Value {
    regorus::Value::from(s)
}

fn rv_set(keys: &BTreeSet<String>) -> regorus::Value {
    rv_true_map(keys.iter().map(String::as_str))
}

/// An object of `keys`, each -> `true` (the input's form of a set).
fn rv_true_map<'a>(keys: impl Iterator<Item = &'a str>) -> regorus::Value {
    let map: BTreeMap<regorus::Value, regorus::Value> = keys
        .map(|k| (rv_str(k), regorus::Value::from(true)))
        .collect();
    regorus::Value::from(map)
}

/// The first part of each path key (`a.0.b` -> `a`): `unknown_roots`, the
/// quick test `lib.unknown` makes before it reads `unknown`.
fn rv_roots(keys: &BTreeSet<String>) -> regorus::Value {
    rv_true_map(keys.iter().map(|k| k.split('.').next().unwrap_or(k)))
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
/// A JSON value as a policy value, read in place. Numbers, strings and
/// containers convert as regorus' own `From<serde_json::Value>` converts
/// them, with one difference: an object whose first key is
/// `$serde_json::private::Number` stays an object (regorus reads it as a
/// big number, and as Undefined when the rest does not fit, which made a
/// plan value with that key hide the whole resource from the rules).
pub(crate) fn to_rego(v: &Value) -> regorus::Value {
    match v {
        Value::Null => regorus::Value::Null,
        Value::Bool(b) => regorus::Value::from(*b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                regorus::Value::from(u)
            } else if let Some(i) = n.as_i64() {
                regorus::Value::from(i)
            } else {
                // Finite: serde_json reads no other float.
                n.as_f64()
                    .map_or(regorus::Value::Null, regorus::Value::from)
            }
        }
        Value::String(s) => regorus::Value::from(s.as_str()),
        Value::Array(a) => regorus::Value::from(a.iter().map(to_rego).collect::<Vec<_>>()),
        Value::Object(m) => regorus::Value::from(
            m.iter()
                .map(|(k, v)| (regorus::Value::from(k.as_str()), to_rego(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

/// Which values an input document holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// What the plan marks sensitive reads `(sensitive)`: the input of
    /// custom policies, and the one on which the built-in rules' messages
    /// are checked (see `commands::check`).
    Redacted,
    /// The values marked sensitive that are not secrets as they are
    /// ([`super::normalize::Withheld`]): the built-in rules' verdicts.
    Actual,
    /// The values marked sensitive that are not secrets are known only
    /// after apply (absent from `values`, their paths in `unknown`): the
    /// input on which the built-in rules' messages are checked (see
    /// `commands::check`). A rule reads no value there, not even the
    /// placeholder, which it could take for the value it stands for (an
    /// unset `node_count` is 1).
    Masked,
}

impl Resource {
    /// The values with what is withheld put back (see [`View::Actual`]).
    pub(crate) fn actual(&self) -> std::borrow::Cow<'_, Value> {
        self.values_as(View::Actual)
    }

    /// The values in `view`.
    fn values_as(&self, view: View) -> std::borrow::Cow<'_, Value> {
        use std::borrow::Cow;
        match view {
            _ if self.withheld.is_empty() => Cow::Borrowed(&self.values),
            View::Actual => Cow::Owned(actual_values(self)),
            View::Masked => Cow::Owned(masked_values(self)),
            View::Redacted => Cow::Borrowed(&self.values),
        }
    }

    /// The paths known only after apply in `view` (see [`View::Masked`]).
    fn unknown_as(&self, view: View) -> std::borrow::Cow<'_, BTreeSet<String>> {
        use std::borrow::Cow;
        if view != View::Masked || self.withheld.is_empty() {
            return Cow::Borrowed(&self.unknown);
        }
        let mut unknown = self.unknown.clone();
        unknown.extend(
            self.withheld
                .iter()
                .map(|(path, _)| super::normalize::path_key(path)),
        );
        Cow::Owned(unknown)
    }
}

/// A resource's values with what is withheld taken out (see
/// [`View::Masked`]): an attribute removed, a list element null.
fn masked_values(r: &Resource) -> Value {
    let mut v = r.values.clone();
    for (path, _) in &r.withheld {
        let Some((last, parent)) = path.split_last() else {
            continue;
        };
        match (super::normalize::at_mut(&mut v, parent), last) {
            (Some(Value::Object(o)), Step::Key(k)) => {
                o.remove(k);
            }
            (Some(Value::Array(a)), Step::Index(i)) => {
                if let Some(slot) = usize::try_from(*i).ok().and_then(|i| a.get_mut(i)) {
                    *slot = Value::Null;
                }
            }
            _ => {}
        }
    }
    v
}

/// A resource's values with what is withheld put back.
fn actual_values(r: &Resource) -> Value {
    let mut v = r.values.clone();
    for (path, old) in &r.withheld {
        if let Some(slot) = super::normalize::at_mut(&mut v, path) {
            *slot = old.clone();
        }
    }
    v
}

/// A resource's values in `view`, as a policy value.
fn values_in(r: &Resource, view: View) -> regorus::Value {
    to_rego(&r.values_as(view))
}

fn resource_value(r: &Resource, view: View) -> regorus::Value {
    let unknown = r.unknown_as(view);
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
        ("values", values_in(r, view)),
        ("unknown", rv_set(&unknown)),
        ("unknown_roots", rv_roots(&unknown)),
        ("sensitive", rv_set(&r.sensitive)),
        ("cluster", rv_opt(&r.cluster)),
        ("oidc_cluster", rv_opt(&r.oidc_cluster)),
    ])
}

/// One slice of a model for evaluation (see [`Model::slices`]): indices
/// into `resources` and `pools`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Slice {
    pub resources: Vec<usize>,
    pub pools: Vec<usize>,
}

/// The attribute of the Key Vault Secrets Store CSI driver add-on.
const CSI: &str = "key_vault_secrets_provider";

/// Facts about the whole file that rules on one slice need
/// (docs/input-format.md "Joins"): whether it holds a cluster, and whether a
/// cluster has the Key Vault Secrets Store CSI driver (`lib.is_set`: a
/// value that is not empty, or one known only after apply).
fn file_facts(resources: &[Resource], view: View) -> Vec<(&'static str, regorus::Value)> {
    let any_cluster = resources.iter().any(|r| is_cluster_type(&r.type_));
    let csi_cluster = resources.iter().any(|r| {
        r.type_ == super::normalize::CLUSTER
            && (r.unknown_as(view).contains(CSI) || !is_empty(r.values_as(view).get(CSI)))
    });
    vec![
        ("any_cluster", regorus::Value::from(any_cluster)),
        ("csi_cluster", regorus::Value::from(csi_cluster)),
    ]
}

/// Rego's `lib.empty`: absent, null, "", [] or {}.
fn is_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        Some(_) => false,
    }
}

impl Model {
    /// The Rego `input` document (docs/input-format.md), as custom
    /// policies see it.
    pub fn to_input(&self) -> regorus::Value {
        self.to_input_as(View::Redacted)
    }

    /// The Rego `input` document in `view`.
    pub fn to_input_as(&self, view: View) -> regorus::Value {
        self.input_of(
            &mut self.resources.iter(),
            &mut self.pools.iter(),
            &|_| true,
            view,
        )
    }

    /// Whether any resource has values the plan marks sensitive that are
    /// not secrets (whose two [`View`]s differ).
    pub fn has_withheld(&self) -> bool {
        self.resources.iter().any(|r| !r.withheld.is_empty())
    }

    /// A pool's values in `view`, as a policy value.
    fn pool_values_in(&self, p: &Pool, view: View) -> regorus::Value {
        match view {
            View::Actual => to_rego(&self.pool_values_actual(p)),
            View::Redacted => to_rego(self.pool_values(p)),
            View::Masked => match self.resources.get(p.owner) {
                Some(r) if !r.withheld.is_empty() => to_rego(
                    super::normalize::at(&masked_values(r), &p.prefix)
                        .unwrap_or(&Value::Object(serde_json::Map::new())),
                ),
                _ => to_rego(self.pool_values(p)),
            },
        }
    }

    /// A pool's paths known only after apply in `view` (see
    /// [`View::Masked`]): what is withheld below its prefix, and every
    /// attribute of a default pool whose whole block is withheld.
    fn pool_unknown_as<'p>(
        &self,
        p: &'p Pool,
        view: View,
    ) -> std::borrow::Cow<'p, BTreeSet<String>> {
        use std::borrow::Cow;
        let owner = match self.resources.get(p.owner) {
            Some(r) if view == View::Masked && !r.withheld.is_empty() => r,
            _ => return Cow::Borrowed(&p.unknown),
        };
        let mut unknown = p.unknown.clone();
        for (path, _) in &owner.withheld {
            if let Some(rest) = path.strip_prefix(p.prefix.as_slice()) {
                if !rest.is_empty() {
                    unknown.insert(super::normalize::path_key(rest));
                    continue;
                }
            }
            if p.prefix.starts_with(path) {
                unknown.extend(super::pools::all_default_pool_attributes(&owner.values));
            }
        }
        Cow::Owned(unknown)
    }

    /// A pool's values with what is withheld put back (see [`View::Actual`]).
    pub(crate) fn pool_values_actual(&self, p: &Pool) -> std::borrow::Cow<'_, Value> {
        use std::borrow::Cow;
        match self.resources.get(p.owner) {
            Some(r) if !r.withheld.is_empty() => Cow::Owned(
                super::normalize::at(&actual_values(r), &p.prefix)
                    .cloned()
                    .unwrap_or(Value::Null),
            ),
            _ => Cow::Borrowed(self.pool_values(p)),
        }
    }

    /// Splits the model into at most `n` slices, so that the built-in rules
    /// can be evaluated on each alone and find, together, what they find on
    /// the whole input: each cluster is in one slice with its pools and the
    /// resources joined to it (node pools, federated credentials), and
    /// with its joins; every other resource is in the first slice, which
    /// also holds the first clusters. The facts about the whole file that
    /// some rules read (`joins.any_cluster`, `joins.csi_cluster`) are in
    /// every slice. Every resource and pool is in exactly one slice.
    pub fn slices(&self, n: usize) -> Vec<Slice> {
        use std::collections::HashMap;
        // Group 0: what belongs to no cluster; then one group per cluster.
        let mut groups: HashMap<&str, usize> = HashMap::new();
        for r in &self.resources {
            if is_cluster_type(&r.type_) {
                let next = groups.len() + 1;
                groups.entry(r.address.as_str()).or_insert(next);
            }
        }
        let group_of =
            |cluster: Option<&str>| cluster.and_then(|c| groups.get(c)).copied().unwrap_or(0);
        let total = groups.len() + 1;
        let n = n.clamp(1, total);
        let mut out = vec![Slice::default(); n];
        let slot = |g: usize| g * n / total;
        for (i, r) in self.resources.iter().enumerate() {
            let g = if is_cluster_type(&r.type_) {
                group_of(Some(&r.address))
            } else {
                group_of(r.cluster.as_deref().or(r.oidc_cluster.as_deref()))
            };
            if let Some(s) = out.get_mut(slot(g)) {
                s.resources.push(i);
            }
        }
        for (i, p) in self.pools.iter().enumerate() {
            if let Some(s) = out.get_mut(slot(group_of(p.cluster.as_deref()))) {
                s.pools.push(i);
            }
        }
        out
    }

    /// The input document of one slice (see [`Model::slices`]) in `view`.
    pub fn slice_input(&self, slice: &Slice, view: View) -> regorus::Value {
        let mut keys: std::collections::HashSet<&str> = slice
            .resources
            .iter()
            .filter_map(|&i| self.resources.get(i))
            .map(|r| r.address.as_str())
            .collect();
        keys.extend(
            slice
                .pools
                .iter()
                .filter_map(|&i| self.pools.get(i))
                .map(|p| p.address.as_str()),
        );
        self.input_of(
            &mut slice
                .resources
                .iter()
                .filter_map(|&i| self.resources.get(i)),
            &mut slice.pools.iter().filter_map(|&i| self.pools.get(i)),
            &|k| keys.contains(k),
            view,
        )
    }

    fn input_of<'a>(
        &'a self,
        resources: &mut dyn Iterator<Item = &'a Resource>,
        pools: &mut dyn Iterator<Item = &'a Pool>,
        has: &dyn Fn(&str) -> bool,
        view: View,
    ) -> regorus::Value {
        let mut by_type: BTreeMap<regorus::Value, Vec<regorus::Value>> = BTreeMap::new();
        let mut all = Vec::new();
        let mut clusters: Vec<regorus::Value> = Vec::new();
        for r in resources {
            if super::joins::hidden(&self.exposed, &r.type_) {
                continue;
            }
            let v = resource_value(r, view);
            if is_cluster_type(&r.type_) {
                clusters.push(v.clone());
            }
            by_type.entry(rv_str(&r.type_)).or_default().push(v.clone());
            all.push(v);
        }
        let mut by_cluster: BTreeMap<regorus::Value, Vec<regorus::Value>> = BTreeMap::new();
        let pools: Vec<regorus::Value> = pools
            .map(|p| {
                let values = self.pool_values_in(p, view);
                let unknown = self.pool_unknown_as(p, view);
                let name = match &values {
                    regorus::Value::Object(o) => match o.get(&rv_str("name")) {
                        Some(n @ regorus::Value::String(_)) => n.clone(),
                        _ => regorus::Value::Null,
                    },
                    _ => regorus::Value::Null,
                };
                let v = obj(vec![
                    ("address", rv_str(&p.address)),
                    ("kind", rv_str(p.kind)),
                    ("cluster", rv_opt(&p.cluster)),
                    ("prefix", rv_path(&p.prefix)),
                    ("name", name),
                    ("values", values),
                    ("unknown", rv_set(&unknown)),
                    ("unknown_roots", rv_roots(&unknown)),
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
        let joins = self.joins.to_input(
            &|a| {
                self.resources
                    .binary_search_by(|r| r.address.as_str().cmp(a))
                    .ok()
                    .and_then(|i| self.resources.get(i))
                    .map(|r| resource_value(r, view))
            },
            has,
            file_facts(&self.resources, view),
            view,
        );
        obj(vec![
            ("format", regorus::Value::from(1u64)),
            ("file", rv_str(&self.file)),
            ("kind", rv_str(self.kind.as_str())),
            ("terraform_version", rv_opt(&self.terraform_version)),
            ("resources", regorus::Value::from(all)),
            ("clusters", regorus::Value::from(clusters)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_in_place_is_regorus_own_conversion() {
        let v: Value = serde_json::from_str(
            r#"{"a": [1, -2, 3.5, 1e16, 18446744073709551615, -9223372036854775808,
                      1.7976931348623157e308, 0.1, -0.0, 5e-324],
                "b": {"c": null, "d": true, "e": "é\u0000\"", "": {}},
                "f": [[], {}, [{"g": 0.1}]]}"#,
        )
        .unwrap();
        assert_eq!(to_rego(&v), regorus::Value::from(v.clone()));
        for scalar in [Value::Null, Value::from(false), Value::from("x")] {
            assert_eq!(to_rego(&scalar), regorus::Value::from(scalar.clone()));
        }
    }

    #[test]
    fn withheld_values_are_the_marked_ones_that_are_not_secrets() {
        use serde_json::json;
        let mut values = json!({
            "kubernetes_version": "1.30",
            "kube_config": [{"password": "p"}],
            "tags": {"password": "x", "env": "prod"},
            "service_principal": [{"client_id": "c", "client_secret": "s"}],
            "zones": ["1", "2"]
        });
        let marks = json!({
            "kubernetes_version": true,
            "kube_config": true,
            "tags": true,
            "service_principal": [{"client_secret": true}],
            "zones": [false, true]
        });
        let (sensitive, withheld) = super::super::normalize::apply_sensitive(
            &mut values,
            Some(&marks),
            "azurerm_kubernetes_cluster",
        );
        assert_eq!(
            sensitive.iter().map(String::as_str).collect::<Vec<_>>(),
            [
                "kube_config",
                "kubernetes_version",
                "service_principal.0.client_secret",
                "tags",
                "zones.1"
            ]
        );
        let redacted = json!({
            "kubernetes_version": "(sensitive)",
            "kube_config": "(sensitive)",
            "tags": "(sensitive)",
            "service_principal": [{"client_id": "c", "client_secret": "(sensitive)"}],
            "zones": ["1", "(sensitive)"]
        });
        assert_eq!(values, redacted);
        // Secrets are not withheld, nor are secrets inside a withheld value.
        let key = |k: &str| Step::Key(k.to_string());
        assert_eq!(
            withheld,
            vec![
                (vec![key("kubernetes_version")], json!("1.30")),
                (
                    vec![key("tags")],
                    json!({"password": "(sensitive)", "env": "prod"})
                ),
                (vec![key("zones"), Step::Index(1)], json!("2")),
            ]
        );
        let r = Resource {
            address: "azurerm_kubernetes_cluster.c".into(),
            type_: "azurerm_kubernetes_cluster".into(),
            name: "c".into(),
            module: String::new(),
            index: None,
            actions: Vec::new(),
            values,
            unknown: BTreeSet::new(),
            sensitive,
            withheld,
            cluster: None,
            oidc_cluster: None,
        };
        let actual = json!({
            "kubernetes_version": "1.30",
            "kube_config": "(sensitive)",
            "tags": {"password": "(sensitive)", "env": "prod"},
            "service_principal": [{"client_id": "c", "client_secret": "(sensitive)"}],
            "zones": ["1", "2"]
        });
        assert_eq!(actual_values(&r), actual);
        assert_eq!(values_in(&r, View::Actual), to_rego(&actual));
        assert_eq!(values_in(&r, View::Redacted), to_rego(&redacted));
    }

    #[test]
    fn a_number_marker_key_stays_an_object() {
        for text in [
            r#"{"$serde_json::private::Number": "12"}"#,
            r#"{"$serde_json::private::Number": "x", "zzz": "y"}"#,
        ] {
            let v: Value = serde_json::from_str(text).unwrap();
            let r = to_rego(&v);
            assert!(r.as_object().is_ok(), "{text}: {r:?}");
            assert_eq!(
                r["$serde_json::private::Number"],
                to_rego(&v["$serde_json::private::Number"])
            );
        }
    }
}
