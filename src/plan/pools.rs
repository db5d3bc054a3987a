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

/// Every attribute and block of `default_node_pool` in the azurerm 3.x and
/// 4.x schemas but those below: what is unknown of a default pool whose
/// whole block is (a `dynamic` block over a value known only after apply).
/// Not the pool resource's `mode` or `priority`: a default pool is always a
/// system pool on regular VMs.
const DEFAULT_POOL_ATTRIBUTES: &[&str] = &[
    "capacity_reservation_group_id",
    "fips_enabled",
    "gpu_driver",
    "gpu_instance",
    "host_group_id",
    "kubelet_config",
    "kubelet_disk_type",
    "linux_os_config",
    "max_count",
    "max_pods",
    "min_count",
    "name",
    "node_count",
    "node_labels",
    "node_network_profile",
    "node_public_ip_prefix_id",
    "only_critical_addons_enabled",
    "orchestrator_version",
    "os_disk_size_gb",
    "os_disk_type",
    "os_sku",
    "pod_subnet_id",
    "proximity_placement_group_id",
    "scale_down_mode",
    "snapshot_id",
    "tags",
    "temporary_name_for_rotation",
    "type",
    "ultra_ssd_enabled",
    "upgrade_settings",
    "vm_size",
    "vnet_subnet_id",
    "workload_runtime",
    "zones",
];

/// The attributes of `default_node_pool` that azurerm 4.x renamed or
/// removed: their 3.x names, and their 4.x names.
const DEFAULT_POOL_3X: &[&str] = &[
    "custom_ca_trust_enabled",
    "enable_auto_scaling",
    "enable_host_encryption",
    "enable_node_public_ip",
    "message_of_the_day",
    "node_taints",
];
const DEFAULT_POOL_4X: &[&str] = &[
    "auto_scaling_enabled",
    "host_encryption_enabled",
    "node_public_ip_enabled",
];

/// What is unknown of a cluster's default pool whose whole block is: its
/// every attribute, by the names of the cluster's provider version (told
/// by an attribute 4.x renamed, which a plan lists even when null), by
/// both where that cannot be told.
pub(super) fn all_default_pool_attributes(cluster: &Value) -> BTreeSet<String> {
    let v3 = cluster.get("automatic_channel_upgrade").is_some();
    let v4 = cluster.get("automatic_upgrade_channel").is_some();
    let mut names: Vec<&str> = DEFAULT_POOL_ATTRIBUTES.to_vec();
    if v3 || !v4 {
        names.extend(DEFAULT_POOL_3X);
    }
    if v4 || !v3 {
        names.extend(DEFAULT_POOL_4X);
    }
    names.into_iter().map(str::to_string).collect()
}

impl Model {
    /// A pool's values: its resource's values at its prefix (an empty
    /// object when that is not there: a default pool whose whole block is
    /// known only after apply, or withheld as sensitive).
    pub fn pool_values(&self, p: &Pool) -> &Value {
        static EMPTY: std::sync::LazyLock<Value> =
            std::sync::LazyLock::new(|| Value::Object(serde_json::Map::new()));
        self.resources
            .get(p.owner)
            .and_then(|r| super::normalize::at(&r.values, &p.prefix))
            .unwrap_or(&EMPTY)
    }
}

/// The pools of a file's resources (sorted by address, as in the model).
pub(super) fn pools_of(resources: &[Resource]) -> Vec<Pool> {
    let mut pools = Vec::new();
    for (owner, r) in resources.iter().enumerate() {
        if r.type_ == CLUSTER {
            let unknown = if has_default_pool(r) {
                strip_prefix_keys(&r.unknown, "default_node_pool.0.")
            } else if r.unknown.contains("default_node_pool")
                || r.unknown.contains("default_node_pool.0")
            {
                all_default_pool_attributes(&r.values)
            } else {
                continue;
            };
            pools.push(Pool {
                address: r.address.clone(),
                kind: "default",
                cluster: Some(r.address.clone()),
                prefix: vec![Step::Key("default_node_pool".into()), Step::Index(0)],
                owner,
                unknown,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The names cover every attribute and block of `default_node_pool` in
    /// the shared provider schemas (when they are there: `../shared`).
    #[test]
    fn default_pool_attributes_cover_the_schemas() {
        let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
        let schemas = [
            (
                "tfplan/azurerm-3.x-schema.json",
                "automatic_channel_upgrade",
            ),
            (
                "corpus/azurerm-3.x-schema-aks-subset.json",
                "automatic_channel_upgrade",
            ),
            (
                "tfplan/azurerm-4.x-schema.json",
                "automatic_upgrade_channel",
            ),
        ];
        for (file, marker) in schemas {
            let Ok(text) = std::fs::read_to_string(shared.join(file)) else {
                continue;
            };
            let doc: Value = serde_json::from_str(&text).unwrap_or_default();
            let cluster = serde_json::json!({ marker: null });
            let known = all_default_pool_attributes(&cluster);
            let mut found = 0;
            for provider in doc["provider_schemas"].as_object().into_iter().flatten() {
                let block = &provider.1["resource_schemas"][CLUSTER]["block"]["block_types"]
                    ["default_node_pool"]["block"];
                for kind in ["attributes", "block_types"] {
                    for name in block[kind].as_object().into_iter().flatten().map(|e| e.0) {
                        found += 1;
                        assert!(known.contains(name), "{file}: {name}");
                    }
                }
            }
            assert!(found > 30, "{file}: {found} attributes");
        }
    }
}
