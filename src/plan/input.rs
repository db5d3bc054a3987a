//! The normalized model as the Rego `input` document
//! (docs/input-format.md).
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::normalize::{is_cluster_type, Model, Resource};
use crate::finding::Step;

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
        let mut clusters: Vec<regorus::Value> = Vec::new();
        for r in &self.resources {
            if super::joins::hidden(&self.exposed, &r.type_) {
                continue;
            }
            let v = resource_value(r);
            if is_cluster_type(&r.type_) {
                clusters.push(v.clone());
            }
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
