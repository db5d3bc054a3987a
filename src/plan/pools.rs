//! Node pools: a cluster's default pool and the pool resources, each read
//! in place from the resource that holds it.
use std::collections::BTreeSet;

use serde_json::Value;

use super::normalize::{Model, Resource, CLUSTER, NODE_POOL};
use crate::finding::Step;

/// One node pool (see docs/input-format.md "Pool"). Its values are those
/// of the resource that holds it ([`Model::pool_values`]), not a copy (a
/// copy of every pool's values was 25 MB on a 100 MB plan).
#[derive(Debug, Clone)]
pub struct Pool {
    pub address: String,
    pub kind: &'static str,
    pub cluster: Option<String>,
    /// Where the pool lies in its resource's values (`default_node_pool[0]`
    /// for a cluster's default pool; empty for a pool resource).
    pub prefix: Vec<Step>,
    /// The position in [`Model::resources`] of the resource that holds it.
    pub owner: usize,
    pub unknown: BTreeSet<String>,
    pub sensitive: BTreeSet<String>,
}

impl Model {
    /// A pool's values: its resource's values at its prefix (null when
    /// that is not there: pools are only made where it is).
    pub fn pool_values(&self, p: &Pool) -> &Value {
        static NULL: Value = Value::Null;
        self.resources
            .get(p.owner)
            .and_then(|r| super::normalize::at(&r.values, &p.prefix))
            .unwrap_or(&NULL)
    }
}

/// The pools of a file's resources (sorted by address, as in the model).
pub(super) fn pools_of(resources: &[Resource]) -> Vec<Pool> {
    let mut pools = Vec::new();
    for (owner, r) in resources.iter().enumerate() {
        if r.type_ == CLUSTER {
            if !has_default_pool(r) {
                continue;
            }
            pools.push(Pool {
                address: r.address.clone(),
                kind: "default",
                cluster: Some(r.address.clone()),
                prefix: vec![Step::Key("default_node_pool".into()), Step::Index(0)],
                owner,
                unknown: strip_prefix_keys(&r.unknown, "default_node_pool.0."),
                sensitive: strip_prefix_keys(&r.sensitive, "default_node_pool.0."),
            });
        } else if r.type_ == NODE_POOL {
            pools.push(Pool {
                address: r.address.clone(),
                kind: "resource",
                cluster: r.cluster.clone(),
                prefix: Vec::new(),
                owner,
                unknown: r.unknown.clone(),
                sensitive: r.sensitive.clone(),
            });
        }
    }
    pools
}

/// Whether a cluster has a `default_node_pool` block, also where the plan
/// marks the block sensitive (its values then read `(sensitive)`, and are
/// withheld as they are: the pool exists all the same).
fn has_default_pool(r: &Resource) -> bool {
    let block = |v: &Value| v.get(0).is_some_and(Value::is_object);
    r.values.get("default_node_pool").is_some_and(block)
        || r.withheld.iter().any(|(path, v)| match path.as_slice() {
            [Step::Key(k)] => k == "default_node_pool" && block(v),
            [Step::Key(k), Step::Index(0)] => k == "default_node_pool" && v.is_object(),
            _ => false,
        })
}

fn strip_prefix_keys(set: &BTreeSet<String>, prefix: &str) -> BTreeSet<String> {
    set.iter()
        .filter_map(|k| k.strip_prefix(prefix).map(str::to_string))
        .collect()
}
