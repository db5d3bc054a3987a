//! The Rust versions against their Rego, on random clusters and pools:
//! every attribute the ported rules read, each absent, unset in each way,
//! of another type, or one of the values the rules compare with (in other
//! cases), with random `unknown` keys and `unknown_roots` as akslint
//! builds them, missing or inconsistent. The Rego runs on the VM, rule by
//! rule; the two `deny` sets must be equal, messages included.
use serde_json::{json, Map, Value as Json};

use super::{deny, PORTED};
use crate::engine::{Backend, RuleEngine};
use crate::finding::Status;

/// xorshift64*: deterministic, no dependency. `odd`: this input may hold
/// shapes a Rust version hands to the Rego (a fractional count, a pool
/// without a prefix).
struct Rng(u64, bool);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }
}

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
                if let Some(v) = leaf(rng) {
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
            "api_server_access_profile",
            "api_server_access_profile.0.authorized_ip_ranges",
            "api_server_authorized_ip_ranges",
            "api_server_access.0.authorized_ip_ranges",
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
    let mut unknown = Map::new();
    if !pool && rng.below(8) == 0 {
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

fn input(rng: &mut Rng, n: usize) -> Json {
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
        },
        "pools": pools,
    })
}

fn engine(backend: Backend, params: &Map<String, Json>) -> RuleEngine {
    let rules: Vec<_> = crate::rules::builtin_rules()
        .unwrap_or_default()
        .into_iter()
        .filter(|r| PORTED.contains(&r.meta.id.as_str()))
        .collect();
    assert_eq!(rules.len(), PORTED.len(), "a ported rule is not built in");
    RuleEngine::new(
        rules,
        &crate::rules::builtin_libs(),
        params,
        std::time::Duration::from_secs(60),
        backend,
        false,
    )
    .unwrap_or_else(|e| panic!("engine: {e}"))
}

#[test]
fn rust_and_rego_agree_on_random_resources() {
    let mut params = Map::new();
    params.insert(
        "AKS003".into(),
        json!({"allowed_policies": ["calico", "Cilium"]}),
    );
    params.insert("AKS039".into(), json!({"max_interval_hours": 720}));
    params.insert("AKS011".into(), json!({"min_nodes": 5}));
    params.insert("AKS012".into(), json!({"required_zones": [1, 2, "3", "4"]}));
    params.insert("AKS016".into(), json!({"max_price": 0.5}));
    params.insert(
        "AKS046".into(),
        json!({"min_version": "1.32", "max_skew": 1}),
    );
    params.insert("AKS047".into(), json!({"min": 30}));
    params.insert("AKS019".into(), json!({"min_nodes": 1}));
    for params in [Map::new(), params] {
        let mut native = engine(Backend::Native, &params);
        let mut vm = engine(Backend::Vm, &params);
        let data = crate::engine::merge_params(native.rules(), &params);
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15, false);
        let mut findings = 0;
        let mut by_rule = std::collections::BTreeMap::new();
        for round in 0..60 {
            rng.1 = round % 3 == 2;
            let input = regorus::Value::from(input(&mut rng, 60));
            // Each Rust version reads the inputs without odd shapes.
            for id in PORTED {
                let read = deny(id, &input, &data).is_some();
                assert!(read || rng.1, "{id} handed back round {round}");
            }
            let (a, fa) = native.evaluate(input.clone());
            let (b, fb) = vm.evaluate(input);
            assert!(fa.is_empty() && fb.is_empty(), "{fa:?} {fb:?}");
            if a != b {
                let first = a.iter().zip(&b).position(|(x, y)| x != y);
                panic!(
                    "round {round}: Rust {} findings, Rego {}; first difference at {first:?}:\n{:?}\n{:?}",
                    a.len(),
                    b.len(),
                    first.and_then(|i| a.get(i)),
                    first.and_then(|i| b.get(i)),
                );
            }
            findings += a.len();
            for f in &a {
                let id = native.rules().get(f.rule).map(|r| r.meta.id.clone());
                *by_rule.entry((id, f.status)).or_insert(0) += 1;
            }
        }
        // Every ported rule found something, both ways (the inputs reach
        // the rules' branches).
        assert!(findings > 1000, "{findings}");
        // Rules whose Rego gives only failures.
        const FAIL_ONLY: &[&str] = &["AKS006", "AKS030", "AKS034", "AKS040", "AKS042"];
        for id in PORTED {
            for status in [Status::Fail, Status::Unknown] {
                if status == Status::Unknown && FAIL_ONLY.contains(id) {
                    continue;
                }
                let n = by_rule.get(&(Some(id.to_string()), status));
                assert!(n.is_some(), "{id} gave no {status:?} finding");
            }
        }
    }
}

#[test]
fn a_shape_the_rust_versions_do_not_read_goes_to_the_rego() {
    let data = json!({"akslint": {"params": {"AKS003": {"allowed_policies": ["calico"]}}}});
    // A cluster without values, a pool whose prefix is not a list.
    let odd = regorus::Value::from(json!({
        "by_type": {"azurerm_kubernetes_cluster": [{"address": "a"}]},
        "pools": [{"address": "p", "values": {}, "prefix": "x"}],
    }));
    assert!(deny("AKS001", &odd, &data).is_none());
    assert!(deny("AKS017", &odd, &data).is_none());
    // A parameter of another type.
    let data = json!({"akslint": {"params": {"AKS003": {"allowed_policies": [1]}}}});
    assert!(deny("AKS003", &regorus::Value::from(json!({})), &data).is_none());
    // And the engine still gives the Rego's findings for it.
    let mut native = engine(Backend::Native, &Map::new());
    let mut vm = engine(Backend::Vm, &Map::new());
    let (a, fa) = native.evaluate(odd.clone());
    let (b, fb) = vm.evaluate(odd);
    assert_eq!(a, b);
    assert_eq!(fa.len(), fb.len());
    // Two different clusters at one address: the rules that index the
    // clusters by address hand the input to the Rego.
    let cluster = |version: &str| json!({"address": "c", "values": {"kubernetes_version": version}, "unknown_roots": {}});
    let pool = json!({"address": "p", "kind": "resource", "cluster": "c", "prefix": [],
        "values": {"orchestrator_version": "1.33"}, "unknown_roots": {}});
    let twice = regorus::Value::from(json!({
        "by_type": {"azurerm_kubernetes_cluster": [cluster("1.30"), cluster("1.31")]},
        "pools": [pool],
    }));
    let data = crate::engine::merge_params(native.rules(), &Map::new());
    for id in ["AKS014", "AKS046"] {
        assert!(deny(id, &twice, &data).is_none(), "{id}");
    }
    let (a, fa) = native.evaluate(twice.clone());
    let (b, fb) = vm.evaluate(twice);
    assert_eq!(a, b);
    assert_eq!(fa.len(), fb.len());
}
