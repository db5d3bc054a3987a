//! The random inputs of the tests: clusters, pools and Key Vaults.
use serde_json::{json, Map, Value as Json};

use super::joined::{chain, ranges};

/// xorshift64*: deterministic, no dependency. `odd`: this input may hold
/// shapes a Rust version hands to the Rego (a fractional count, a pool
/// without a prefix).
pub(super) struct Rng(pub(super) u64, pub(super) bool);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(super) fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }
}

/// The Key Vault attributes AKS036 reads (its leaves first), as unknown
/// keys.
const VAULT_KEYS: &[&str] = &[
    "purge_protection_enabled",
    "rbac_authorization_enabled",
    "enable_rbac_authorization",
    "public_network_access_enabled",
    "network_acls",
    "network_acls.0",
    "network_acls.0.default_action",
];

/// The container registry attributes AKS037 reads, as unknown keys too.
const REGISTRY_KEYS: &[&str] = &["admin_enabled", "public_network_access_enabled"];

/// The values a leaf may take (None: absent).
fn leaf(rng: &mut Rng) -> Option<Json> {
    let choices = [
        Json::Null,
        json!(""),
        json!([]),
        json!({}),
        json!(true),
        json!(false),
        json!(0),
        json!(3),
        json!("azure"),
        json!("Azure"),
        json!("kubenet"),
        json!("overlay"),
        json!("Overlay"),
        json!("cilium"),
        json!("Cilium"),
        json!("calico"),
        json!("none"),
        json!("None"),
        json!("patch"),
        json!("stable"),
        json!("NodeImage"),
        json!("securitypatch"),
        json!("Unmanaged"),
        json!("SystemAssigned"),
        json!("userassigned"),
        json!("SystemAssigned, UserAssigned"),
        json!("UserAssigned,"),
        json!("<absent>"),
        json!(["203.0.113.0/24"]),
        json!([{}]),
        json!([{"client_id": "x"}]),
        json!("İ"),
        json!("Standard"),
        json!("premium"),
        json!("Free"),
        json!(24),
        json!(48),
        json!(168),
        json!(720),
        json!(2160),
        json!(-1),
        json!("userDefinedRouting"),
        json!("LoadBalancer"),
        json!("managedNATGateway"),
        json!("Deny"),
        json!("deny"),
        json!("Allow"),
        json!("CriticalAddonsOnly=true:NoSchedule"),
        json!(["CriticalAddonsOnly=true:NoSchedule"]),
        json!(["a=b:NoSchedule", null]),
        json!(["a=b:NoSchedule", "CriticalAddonsOnly=true:NoSchedule"]),
        json!("System"),
        json!("system"),
        json!("User"),
        json!("Spot"),
        json!("spot"),
        json!("Regular"),
        json!("Delete"),
        json!("Deallocate"),
        json!([{"day": "Sunday"}]),
        json!("Ephemeral"),
        json!("ephemeral"),
        json!("Managed"),
        json!("Auto"),
        json!("auto"),
        json!("Manual"),
        json!("1.33"),
        json!("v1.31.2"),
        json!(" 1.34 "),
        json!(110),
        json!(30),
        json!("Private"),
        json!("private"),
        json!("Public"),
    ];
    if rng.1 && rng.below(40) == 0 {
        return Some(json!(24.5));
    }
    (rng.below(5) > 0).then(|| rng.pick(&choices).cloned().unwrap_or(Json::Null))
}

/// A block (`name = [ {fields} ]`), absent, or unset in one of its ways.
fn block(rng: &mut Rng, fields: &[&str]) -> Option<Json> {
    match rng.below(8) {
        0 => None,
        1 => Some(Json::Null),
        2 => Some(json!([])),
        3 => leaf(rng),
        _ => {
            let mut o = Map::new();
            for f in fields {
                let udr = [json!("userDefinedRouting"), json!("userdefinedrouting")];
                let v = if *f == "authorized_ip_ranges" && rng.below(2) == 0 {
                    Some(ranges(rng))
                } else if *f == "outbound_type" && rng.below(2) == 0 {
                    rng.pick(&udr).cloned()
                } else {
                    leaf(rng)
                };
                if let Some(v) = v {
                    o.insert((*f).to_string(), v);
                }
            }
            Some(json!([o]))
        }
    }
}

fn values(rng: &mut Rng, pool: bool) -> Map<String, Json> {
    let mut v = Map::new();
    let leaves: &[&str] = if pool {
        &[
            "host_encryption_enabled",
            "enable_host_encryption",
            "mode",
            "node_public_ip_enabled",
            "enable_node_public_ip",
            "only_critical_addons_enabled",
            "node_taints",
            "node_count",
            "min_count",
            "auto_scaling_enabled",
            "enable_auto_scaling",
            "zones",
            "priority",
            "eviction_policy",
            "spot_max_price",
            "os_disk_type",
            "max_pods",
            "orchestrator_version",
            "vnet_subnet_id",
            "max_count",
        ]
    } else {
        &[
            "private_cluster_enabled",
            "oidc_issuer_enabled",
            "workload_identity_enabled",
            "maintenance_window",
            "maintenance_window_auto_upgrade",
            "maintenance_window_node_os",
            "sku_tier",
            "image_cleaner_enabled",
            "image_cleaner_interval_hours",
            "api_server_authorized_ip_ranges",
            "automatic_upgrade_channel",
            "automatic_channel_upgrade",
            "node_os_upgrade_channel",
            "node_os_channel_upgrade",
            "service_principal",
            "private_cluster_public_fqdn_enabled",
            "local_account_disabled",
            "role_based_access_control_enabled",
            "run_command_enabled",
            "azure_policy_enabled",
            "http_application_routing_enabled",
            "kubernetes_version",
            "disk_encryption_set_id",
        ]
    };
    for k in leaves {
        let special: &[Json] = match *k {
            "zones" => &[
                json!(["1", "2", "3"]),
                json!([3, 1, 2]),
                json!(["1"]),
                json!([1, 2]),
                json!(["1", "2", "3", "4"]),
                json!(["1", "2", null]),
                json!(["1", "2", "3", null]),
                json!(["1", "2", "4"]),
                json!(["a", "b", "c", "d"]),
            ],
            "spot_max_price" => &[json!(-1), json!(-1.0), json!(0.5), json!(0.05), json!("-1")],
            "kubernetes_version" | "orchestrator_version" => &[
                json!("1.33"),
                json!("1.32.4"),
                json!("1.30"),
                json!("1.29.9"),
                json!("V1.34.0"),
                json!("1.33.0"),
                json!("1000.1"),
                json!("1.034"),
                json!("1.33.1.2"),
                json!("1.x"),
                json!("1.33."),
                json!("vv1.33"),
                json!("1.1234567"),
                json!("\u{a0}1.31\t"),
                json!("a version far longer than thirty-two characters"),
                json!("ünïcödé version longer than thirty-two ✓"),
                json!("ünïcödé 32 🙂🙂🙂 abcdefghijklmnopq"),
                json!(1.33),
            ],
            "max_pods" => &[json!(30), json!(50), json!(110), json!(29.5), json!("110")],
            "min_count" | "max_count" | "node_count" => &[
                json!(0),
                json!(1),
                json!(1.0),
                json!(2),
                json!(5),
                json!("3"),
            ],
            "os_disk_type" => &[json!("Ephemeral"), json!("ephemeral"), json!("Managed")],
            "node_taints" => &[
                json!(["kubernetes.azure.com/scalesetpriority=spot:NoSchedule"]),
                json!(["a=b:NoSchedule", null]),
                json!([
                    null,
                    "kubernetes.azure.com/scalesetpriority=spot:NoSchedule"
                ]),
                json!(["kubernetes.azure.com/scalesetpriority=spot:NoExecute"]),
            ],
            _ => &[],
        };
        // Numbers regorus writes otherwise than Rust's integers do: odd.
        if *k == "zones" && rng.1 && rng.below(10) == 0 {
            let odd = [
                json!(["1", 1_152_921_504_606_846_976.0]),
                json!([-0.0, "1"]),
            ];
            v.insert("zones".into(), rng.pick(&odd).cloned().unwrap_or_default());
            continue;
        }
        if *k == "api_server_authorized_ip_ranges" && rng.below(2) == 0 {
            v.insert((*k).to_string(), ranges(rng));
            continue;
        }
        let x = match rng.pick(special) {
            Some(x) if rng.below(2) == 0 => Some(x.clone()),
            _ => leaf(rng),
        };
        if let Some(x) = x {
            v.insert((*k).to_string(), x);
        }
    }
    if pool {
        return v;
    }
    let blocks: [(&str, &[&str]); 13] = [
        ("oms_agent", &["log_analytics_workspace_id"]),
        ("monitor_metrics", &["labels_allowed"]),
        (
            "azure_active_directory_role_based_access_control",
            &["azure_rbac_enabled", "tenant_id"],
        ),
        (
            "network_profile",
            &[
                "network_plugin",
                "network_plugin_mode",
                "network_data_plane",
                "ebpf_data_plane",
                "network_policy",
                "outbound_type",
            ],
        ),
        ("api_server_access_profile", &["authorized_ip_ranges"]),
        ("api_server_access", &["authorized_ip_ranges"]),
        ("identity", &["type", "identity_ids"]),
        ("microsoft_defender", &["log_analytics_workspace_id"]),
        ("key_vault_secrets_provider", &["secret_rotation_enabled"]),
        ("node_provisioning_profile", &["mode"]),
        ("hosted_system", &["node_subnet_id"]),
        (
            "key_management_service",
            &["key_vault_key_id", "key_vault_network_access"],
        ),
        (
            "private_cluster",
            &["public_fully_qualified_domain_name_enabled"],
        ),
    ];
    for (name, fields) in blocks {
        if let Some(b) = block(rng, fields) {
            v.insert(name.to_string(), b);
        }
    }
    // Node auto-provisioning, which the user-pool rules read through the
    // pool's cluster: often set.
    if rng.below(2) == 0 {
        let modes = [json!("Auto"), json!("auto"), json!("Manual"), Json::Null];
        let mode = rng.pick(&modes).cloned().unwrap_or_default();
        v.insert(
            "node_provisioning_profile".into(),
            json!([{ "mode": mode }]),
        );
    }
    v
}

/// A pool version near its cluster's (`a.b` -> the same with a patch, or
/// a few minors apart), when the cluster's is of that shape.
fn near_version(rng: &mut Rng, cluster: &Json) -> Option<Json> {
    let (a, b) = cluster.as_str()?.split_once('.')?;
    let (a, b): (i64, i64) = (a.parse().ok()?, b.parse().ok()?);
    let minor = b + [-3, -2, -1, 0, 0, 1][rng.below(6)];
    Some(match rng.below(3) {
        0 => json!(format!("{a}.{minor}")),
        _ => json!(format!("{a}.{minor}.{}", rng.below(3))),
    })
}

/// `unknown` keys among the paths the rules read (and their blocks), and
/// `unknown_roots` as akslint builds it, or missing, or inconsistent.
fn unknown(rng: &mut Rng, o: &mut Map<String, Json>, pool: bool) {
    let keys: &[&str] = if pool {
        &[
            "host_encryption_enabled",
            "enable_host_encryption",
            "mode",
            "node_public_ip_enabled",
            "enable_node_public_ip",
            "only_critical_addons_enabled",
            "node_taints",
            "node_taints.0",
            "node_taints.1",
            "node_count",
            "min_count",
            "auto_scaling_enabled",
            "enable_auto_scaling",
            "zones",
            "zones.0",
            "zones.2",
            "priority",
            "eviction_policy",
            "spot_max_price",
            "os_disk_type",
            "max_pods",
            "orchestrator_version",
            "vnet_subnet_id",
            "max_count",
        ]
    } else {
        &[
            "private_cluster_enabled",
            "private_cluster",
            "oidc_issuer_enabled",
            "workload_identity_enabled",
            "maintenance_window",
            "maintenance_window_auto_upgrade",
            "maintenance_window_node_os",
            "default_node_pool",
            "default_node_pool.0",
            "sku_tier",
            "image_cleaner_enabled",
            "image_cleaner_interval_hours",
            "oms_agent",
            "oms_agent.0.log_analytics_workspace_id",
            "monitor_metrics",
            "azure_active_directory_role_based_access_control",
            "azure_active_directory_role_based_access_control.0.azure_rbac_enabled",
            "network_profile",
            "network_profile.0",
            "network_profile.0.network_plugin",
            "network_profile.0.network_plugin_mode",
            "network_profile.0.network_data_plane",
            "network_profile.0.ebpf_data_plane",
            "network_profile.0.network_policy",
            "network_profile.0.outbound_type",
            "api_server_access_profile",
            "api_server_access_profile.0.authorized_ip_ranges",
            "api_server_authorized_ip_ranges",
            "api_server_access.0.authorized_ip_ranges",
            "api_server_access_profile.0.authorized_ip_ranges.0",
            "api_server_access_profile.0.authorized_ip_ranges.1",
            "api_server_authorized_ip_ranges.0",
            "api_server_access.0.authorized_ip_ranges.1",
            "service_principal",
            "identity",
            "identity.0.type",
            "automatic_upgrade_channel",
            "automatic_channel_upgrade",
            "node_os_upgrade_channel",
            "node_os_channel_upgrade",
            "private_cluster_public_fqdn_enabled",
            "private_cluster.0.public_fully_qualified_domain_name_enabled",
            "local_account_disabled",
            "role_based_access_control_enabled",
            "run_command_enabled",
            "azure_policy_enabled",
            "http_application_routing_enabled",
            "microsoft_defender",
            "microsoft_defender.0.log_analytics_workspace_id",
            "key_vault_secrets_provider",
            "key_vault_secrets_provider.0.secret_rotation_enabled",
            "node_provisioning_profile.0.mode",
            "kubernetes_version",
            "disk_encryption_set_id",
            "hosted_system",
            "key_management_service",
            "key_management_service.0.key_vault_key_id",
            "key_management_service.0.key_vault_network_access",
        ]
    };
    unknown_keys(rng, o, keys, !pool);
}

/// Random `unknown` keys among `keys` (and, with `nap`, the node
/// auto-provisioning mode now and then), with `unknown_roots`.
fn unknown_keys(rng: &mut Rng, o: &mut Map<String, Json>, keys: &[&str], nap: bool) {
    let mut unknown = Map::new();
    if nap && rng.below(8) == 0 {
        unknown.insert("node_provisioning_profile.0.mode".into(), json!(true));
    }
    for _ in 0..rng.below(4) {
        if let Some(k) = rng.pick(keys) {
            // Now and then a key that is not `true`.
            let v = if rng.below(10) == 0 {
                json!(false)
            } else {
                json!(true)
            };
            unknown.insert((*k).to_string(), v);
        }
    }
    let mut roots = Map::new();
    for k in unknown.keys() {
        let root = k.split('.').next().unwrap_or_default();
        roots.insert(root.to_string(), json!(true));
    }
    match rng.below(12) {
        0 => {}
        1 => {
            o.insert("unknown_roots".into(), json!({}));
        }
        2 => {
            o.insert("unknown_roots".into(), json!(["network_profile"]));
        }
        3 => {
            roots.insert("identity".into(), json!(false));
            o.insert("unknown_roots".into(), Json::Object(roots));
        }
        _ => {
            o.insert("unknown_roots".into(), Json::Object(roots));
        }
    }
    match rng.below(15) {
        0 => {}
        1 => {
            o.insert("unknown".into(), Json::Null);
        }
        _ => {
            o.insert("unknown".into(), Json::Object(unknown));
        }
    }
}

pub(super) fn input(rng: &mut Rng, n: usize) -> Json {
    let mut clusters = Vec::new();
    let mut automatic = Vec::new();
    let mut pools = Vec::new();
    for i in 0..n {
        let auto = rng.below(6) == 0;
        let t = if auto {
            "azurerm_kubernetes_automatic_cluster"
        } else {
            "azurerm_kubernetes_cluster"
        };
        let address = format!("module.m[{}].{t}.c{i}", rng.below(3));
        let mut c = Map::new();
        c.insert("address".into(), json!(address));
        c.insert("type".into(), json!(t));
        c.insert("values".into(), Json::Object(values(rng, false)));
        unknown(rng, &mut c, false);
        for _ in 0..rng.below(3) {
            let default = rng.below(2) == 0;
            let mut p = Map::new();
            match rng.below(12) {
                0 => {}
                1 => {
                    p.insert("kind".into(), json!("other"));
                }
                _ => {
                    p.insert(
                        "kind".into(),
                        json!(if default { "default" } else { "resource" }),
                    );
                }
            }
            if rng.below(10) > 0 {
                p.insert("cluster".into(), json!(address));
            }
            let (pa, prefix) = if default {
                (address.clone(), json!(["default_node_pool", 0]))
            } else {
                (
                    format!("azurerm_kubernetes_cluster_node_pool.p{i}_{}", rng.below(9)),
                    json!([]),
                )
            };
            p.insert("address".into(), json!(pa));
            if !rng.1 || rng.below(8) > 0 {
                p.insert("prefix".into(), prefix);
            }
            let mut pv = values(rng, true);
            if rng.below(3) == 0 {
                let version = c["values"].get("kubernetes_version").cloned();
                if let Some(v) = version.and_then(|v| near_version(rng, &v)) {
                    pv.insert("orchestrator_version".into(), v);
                }
            }
            p.insert("values".into(), Json::Object(pv));
            unknown(rng, &mut p, true);
            pools.push(Json::Object(p));
        }
        if auto {
            automatic.push(Json::Object(c));
        } else {
            clusters.push(Json::Object(c));
        }
    }
    // Key Vaults (AKS036), and whether some cluster has the CSI driver as
    // the joins tell it (or not, or not as a boolean).
    let mut vaults = Vec::new();
    for i in 0..rng.below(4) {
        let mut v = Map::new();
        v.insert("address".into(), json!(format!("azurerm_key_vault.kv{i}")));
        let mut values = Map::new();
        for k in &VAULT_KEYS[..4] {
            // Often the good value: a vault whose only doubts are unknown
            // values gives the unknown finding.
            let good = json!(*k != "public_network_access_enabled");
            if let Some(x) = (rng.below(3) > 0).then_some(good).or_else(|| leaf(rng)) {
                values.insert((*k).to_string(), x);
            }
        }
        let acls = match rng.below(3) {
            0 => {
                let deny = if rng.below(2) == 0 { "Deny" } else { "deny" };
                Some(json!([{ "default_action": deny }]))
            }
            _ => block(rng, &["default_action"]),
        };
        if let Some(b) = acls {
            values.insert("network_acls".into(), b);
        }
        v.insert("values".into(), Json::Object(values));
        unknown_keys(rng, &mut v, VAULT_KEYS, false);
        vaults.push(Json::Object(v));
    }
    // Container registries (AKS037), often private.
    let mut registries = Vec::new();
    for i in 0..rng.below(3) {
        let mut values = Map::new();
        for k in REGISTRY_KEYS {
            if let Some(x) = (rng.below(2) > 0)
                .then_some(json!(false))
                .or_else(|| leaf(rng))
            {
                values.insert((*k).to_string(), x);
            }
        }
        let mut r = Map::new();
        r.insert(
            "address".into(),
            json!(format!("azurerm_container_registry.r{i}")),
        );
        r.insert("values".into(), Json::Object(values));
        unknown_keys(rng, &mut r, REGISTRY_KEYS, false);
        registries.push(Json::Object(r));
    }
    let joins = [
        json!({}),
        json!({"csi_cluster": false}),
        json!({"csi_cluster": "yes"}),
        json!({"csi_cluster": true}),
        json!({"csi_cluster": true}),
    ];
    let mut joins = rng.pick(&joins).cloned().unwrap_or_default();
    // Whether a cluster is in the file, as the joins tell it (or not as
    // a boolean): AKS037 reads it.
    let any = [json!(true), json!(false), json!("yes")];
    if let (Some(flag), true) = (rng.pick(&any), rng.below(2) == 0) {
        joins["any_cluster"] = flag.clone();
    }
    // Egress chains of most pools (AKS007).
    if rng.below(5) > 0 {
        let mut egress = Map::new();
        for p in &pools {
            if let (Some(a), true) = (p["address"].as_str(), rng.below(4) > 0) {
                egress.insert(a.to_string(), chain(rng));
            }
        }
        joins["egress"] = Json::Object(egress);
    }
    // As akslint joins them, most of the time.
    let mut by_cluster = Map::new();
    for p in &pools {
        if let Some(c) = p["cluster"].as_str() {
            let list = by_cluster.entry(c.to_string()).or_insert_with(|| json!([]));
            if let Some(l) = list.as_array_mut() {
                l.push(p.clone());
            }
        }
    }
    let by_cluster = if rng.below(4) > 0 {
        Json::Object(by_cluster)
    } else {
        Json::Null
    };
    json!({
        "pools_by_cluster": by_cluster,
        "by_type": {
            "azurerm_kubernetes_cluster": clusters,
            "azurerm_kubernetes_automatic_cluster": automatic,
            "azurerm_key_vault": vaults,
            "azurerm_container_registry": registries,
        },
        "joins": joins,
        "pools": pools,
    })
}
