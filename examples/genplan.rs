//! Generates synthetic `terraform show -json` plans for the benchmarks
//! (benches/lint.rs) and for measuring by hand (docs/performance.md).
//!
//! ```text
//! cargo run --release --example genplan -- --size-mb 100 --out /tmp/plan100.json
//! cargo run --release --example genplan -- --dir /tmp/plans1000 --count 1000
//! cargo run --release --example genplan -- --like-real ../shared/corpus/real-plans --size-mb 100 --out /tmp/real100.json
//! ```
//!
//! The plans have the genuine shape of `terraform show -json` output:
//! `planned_values` (modules nested as `child_modules`), `resource_changes`
//! (`change.before/after/after_unknown/before_sensitive/after_sensitive`),
//! `configuration` (one block per resource, `module_calls` with their
//! `module`s, `count_expression`/`for_each_expression`), and the remaining
//! top-level keys. The resources are a realistic mix: "landing zone" module
//! instances (`module.lz_<team>["env-NNN"]`, for_each) full of ordinary
//! azurerm resources (network, NSGs and rules, route tables, storage, key
//! vaults and secrets, role assignments, private endpoints, diagnostics,
//! ...), each with a nested `module.aks[0]` (count) holding one cluster, two
//! node pools and two federated credentials: AKS resources are about 3% of
//! the resource instances. The AKS bodies are those of
//! fixtures/example/plan.json and fixtures/federated/plan.json, varied per
//! instance so that rules both pass and fail. About 40% of the ordinary
//! resources already exist (`no-op`/`update` with a `before`).
//!
//! Output is deterministic for a given `--seed` (a 64-bit LCG, no `rand`).
//! A big plan is streamed to disk (each module instance is generated twice,
//! once for `planned_values` and once for `resource_changes`), so memory
//! stays small whatever the size.
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

const EXAMPLE_PLAN: &str = include_str!("../fixtures/example/plan.json");
const FEDERATED_PLAN: &str = include_str!("../fixtures/federated/plan.json");

const AZURERM: &str = "registry.terraform.io/hashicorp/azurerm";
const AZUREAD: &str = "registry.terraform.io/hashicorp/azuread";
const TEAMS: [&str; 12] = [
    "payments", "search", "identity", "checkout", "catalog", "billing", "data", "ml", "platform",
    "web", "mobile", "ops",
];
const REGIONS: [&str; 4] = [
    "westeurope",
    "northeurope",
    "swedencentral",
    "germanywestcentral",
];

// ---------------------------------------------------------------- randomness

/// A 64-bit linear congruential generator (Knuth's MMIX constants) with an
/// output mix: plenty for picking variations deterministically.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        let mut r = Rng(seed ^ 0x9E37_79B9_7F4A_7C15);
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let x = self.0;
        (x ^ (x >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9) ^ (x >> 32)
    }
    fn below(&mut self, n: u64) -> u64 {
        (self.next() >> 11) % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from_digit(self.below(16) as u32, 16).unwrap_or('0'))
            .collect()
    }
    fn guid(&mut self) -> String {
        format!(
            "{}-{}-{}-{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(4),
            self.hex(4),
            self.hex(12)
        )
    }
    fn secret(&mut self, n: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        (0..n)
            .map(|_| ALPHABET[self.below(ALPHABET.len() as u64) as usize] as char)
            .collect()
    }
}

// ---------------------------------------------------------------- templates

/// Change bodies and configuration expressions taken from the fixtures.
struct Templates {
    cluster: Change,
    cluster_expr: Value,
    pool_apps: Change,
    pool_apps_expr: Value,
    pool_spot: Change,
    pool_spot_expr: Value,
    federated: Change,
    federated_expr: Value,
    workspace: Change,
    workspace_expr: Value,
}

#[derive(Clone)]
struct Change {
    after: Value,
    unknown: Value,
    sensitive: Value,
}

impl Templates {
    fn load() -> Self {
        let example: Value = serde_json::from_str(EXAMPLE_PLAN).expect("fixture plan parses");
        let federated: Value = serde_json::from_str(FEDERATED_PLAN).expect("fixture plan parses");
        let change = |doc: &Value, address: &str| -> Change {
            let rc = doc["resource_changes"]
                .as_array()
                .and_then(|a| a.iter().find(|r| r["address"] == address))
                .unwrap_or_else(|| panic!("fixture has no {address}"));
            let c = &rc["change"];
            Change {
                after: c["after"].clone(),
                unknown: c["after_unknown"].clone(),
                sensitive: c["after_sensitive"].clone(),
            }
        };
        let expr = |doc: &Value, address: &str| -> Value {
            doc["configuration"]["root_module"]["resources"]
                .as_array()
                .and_then(|a| a.iter().find(|r| r["address"] == address))
                .map(|r| r["expressions"].clone())
                .unwrap_or_else(|| panic!("fixture configuration has no {address}"))
        };
        let mut federated_expr = expr(&federated, "azurerm_federated_identity_credential.api");
        // Inside the aks module the cluster is `main`, the identity `workload`.
        federated_expr["issuer"] = json!({"references": [
            "azurerm_kubernetes_cluster.main.oidc_issuer_url", "azurerm_kubernetes_cluster.main"]});
        federated_expr["parent_id"] = json!({"references": [
            "azurerm_user_assigned_identity.workload.id", "azurerm_user_assigned_identity.workload"]});
        federated_expr["resource_group_name"] = json!({"references": ["var.resource_group_name"]});
        federated_expr["name"] = json!({"references": ["each.key"]});
        federated_expr["subject"] = json!({"references": ["each.value"]});
        let mut cluster_expr = expr(&example, "azurerm_kubernetes_cluster.main");
        retarget_refs(&mut cluster_expr);
        let mut workspace_expr = expr(&example, "azurerm_log_analytics_workspace.main");
        retarget_refs(&mut workspace_expr);
        Templates {
            cluster: change(&example, "azurerm_kubernetes_cluster.main"),
            cluster_expr,
            pool_apps: change(&example, "azurerm_kubernetes_cluster_node_pool.apps"),
            pool_apps_expr: expr(&example, "azurerm_kubernetes_cluster_node_pool.apps"),
            pool_spot: change(&example, "azurerm_kubernetes_cluster_node_pool.spot"),
            pool_spot_expr: expr(&example, "azurerm_kubernetes_cluster_node_pool.spot"),
            federated: change(&federated, "azurerm_federated_identity_credential.api"),
            federated_expr,
            workspace: change(&example, "azurerm_log_analytics_workspace.main"),
            workspace_expr,
        }
    }
}

/// In a module, what the example's root module referenced directly comes in
/// through variables (`azurerm_subnet.aks.id` -> `var.subnet_id`), except
/// references to the module's own cluster.
fn retarget_refs(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(refs)) = m.get_mut("references") {
                let outside = refs.iter().any(|r| {
                    r.as_str().is_some_and(|s| {
                        !s.starts_with("var.")
                            && !s.starts_with("azurerm_kubernetes_cluster.")
                            && !s.starts_with("data.")
                    })
                });
                if outside {
                    let first = refs.first().and_then(Value::as_str).unwrap_or_default();
                    let parts: Vec<&str> = first.split('.').collect();
                    let var = match parts.as_slice() {
                        [t, _, attr, ..] => {
                            format!("var.{}_{}", t.trim_start_matches("azurerm_"), attr)
                        }
                        _ => "var.input".to_string(),
                    };
                    *refs = vec![Value::String(var)];
                }
                return;
            }
            for child in m.values_mut() {
                retarget_refs(child);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(retarget_refs),
        _ => {}
    }
}

// ---------------------------------------------------------------- the model

/// How a resource block is instanced.
#[derive(Clone, Copy)]
enum Instancing {
    Single,
    Count(usize),
    /// for_each over `<prefix>-00`, `<prefix>-01`, ...
    ForEach(usize, &'static str),
}

impl Instancing {
    fn keys(self) -> Vec<Option<Value>> {
        match self {
            Instancing::Single => vec![None],
            Instancing::Count(n) => (0..n).map(|i| Some(json!(i))).collect(),
            Instancing::ForEach(n, prefix) => (0..n)
                .map(|i| Some(Value::String(format!("{prefix}-{i:02}"))))
                .collect(),
        }
    }
    fn config(self, var: &str) -> Option<(&'static str, Value)> {
        match self {
            Instancing::Single => None,
            Instancing::Count(n) => Some(("count_expression", json!({"constant_value": n}))),
            Instancing::ForEach(..) => Some((
                "for_each_expression",
                json!({"references": [format!("var.{var}")]}),
            )),
        }
    }
}

/// One resource block of a module.
struct Block {
    type_: &'static str,
    name: &'static str,
    how: Instancing,
}

/// Which blocks a landing zone has, and how many instances of each.
#[derive(Clone, Copy)]
enum Shape {
    /// About 300 KB per module instance: the big plans.
    Full,
    /// A real-size plan (tens of KB): the directory of small plans.
    Small,
}

fn landing_zone_blocks(shape: Shape) -> Vec<Block> {
    use Instancing::*;
    let n = |full: usize, small: usize| match shape {
        Shape::Full => full,
        Shape::Small => small,
    };
    let b = |type_, name, how| Block { type_, name, how };
    vec![
        b("azurerm_resource_group", "this", Count(n(2, 1))),
        b("azurerm_virtual_network", "this", Single),
        b("azurerm_subnet", "this", ForEach(n(14, 1), "snet")),
        b(
            "azurerm_network_security_group",
            "this",
            ForEach(n(14, 1), "snet"),
        ),
        b(
            "azurerm_network_security_rule",
            "this",
            ForEach(n(40, 1), "rule"),
        ),
        b(
            "azurerm_subnet_network_security_group_association",
            "this",
            ForEach(n(14, 1), "snet"),
        ),
        b("azurerm_route_table", "this", Count(n(2, 0))),
        b("azurerm_route", "this", ForEach(n(8, 0), "route")),
        b("azurerm_storage_account", "this", ForEach(n(5, 1), "st")),
        b(
            "azurerm_storage_container",
            "this",
            ForEach(n(15, 0), "container"),
        ),
        b("azurerm_key_vault", "this", Single),
        b(
            "azurerm_key_vault_secret",
            "this",
            ForEach(n(10, 1), "secret"),
        ),
        b("azurerm_key_vault_access_policy", "this", Count(n(4, 0))),
        b("azurerm_role_assignment", "this", ForEach(n(16, 1), "ra")),
        b("azurerm_private_endpoint", "this", ForEach(n(5, 0), "pe")),
        b(
            "azurerm_private_dns_zone_virtual_network_link",
            "this",
            ForEach(n(4, 0), "zone"),
        ),
        b("azurerm_public_ip", "this", Count(n(2, 0))),
        b(
            "azurerm_user_assigned_identity",
            "this",
            ForEach(n(3, 0), "id"),
        ),
        b("azurerm_log_analytics_workspace", "this", Single),
        b(
            "azurerm_monitor_diagnostic_setting",
            "this",
            ForEach(n(6, 0), "diag"),
        ),
        b("azuread_application_password", "ci", Single),
    ]
}

fn aks_blocks() -> Vec<Block> {
    use Instancing::*;
    let b = |type_, name, how| Block { type_, name, how };
    vec![
        b("azurerm_kubernetes_cluster", "main", Single),
        b("azurerm_kubernetes_cluster_node_pool", "apps", Single),
        b("azurerm_kubernetes_cluster_node_pool", "spot", Single),
        b("azurerm_user_assigned_identity", "workload", Single),
        b(
            "azurerm_federated_identity_credential",
            "workload",
            ForEach(2, "sa"),
        ),
        b("azurerm_role_assignment", "network", Count(1)),
    ]
}

fn root_blocks(shape: Shape) -> Vec<Block> {
    use Instancing::*;
    match shape {
        Shape::Full => vec![
            Block {
                type_: "azurerm_resource_group",
                name: "hub",
                how: Single,
            },
            Block {
                type_: "azurerm_virtual_network",
                name: "hub",
                how: Single,
            },
            Block {
                type_: "azurerm_subnet",
                name: "hub",
                how: ForEach(4, "hub"),
            },
            Block {
                type_: "azurerm_log_analytics_workspace",
                name: "central",
                how: Single,
            },
            Block {
                type_: "azurerm_role_assignment",
                name: "platform",
                how: ForEach(8, "ra"),
            },
        ],
        Shape::Small => vec![Block {
            type_: "azurerm_resource_group",
            name: "hub",
            how: Single,
        }],
    }
}

/// One resource instance.
struct Inst {
    type_: &'static str,
    name: &'static str,
    index: Option<Value>,
    actions: &'static [&'static str],
    before: Option<Value>,
    change: Change,
}

/// One module instance with its resources and child module instances.
struct ModInst {
    address: String,
    resources: Vec<Inst>,
    children: Vec<ModInst>,
}

/// Per-instance context: names every body uses.
struct Ctx {
    team: &'static str,
    env: String,
    location: &'static str,
    subscription: String,
    tenant: String,
    rg: String,
    tags: Value,
}

impl Ctx {
    fn new(rng: &mut Rng, team: &'static str, env: String) -> Self {
        let location = *rng.pick(&REGIONS);
        let rg = format!("rg-{team}-{env}");
        let tags = json!({
            "cost_center": format!("cc-{}", 1000 + rng.below(9000)),
            "environment": env.clone(),
            "owner": format!("{team}@contoso.example"),
            "team": team,
        });
        Ctx {
            team,
            env,
            location,
            subscription: rng.guid(),
            tenant: rng.guid(),
            rg,
            tags,
        }
    }
    fn id(&self, provider: &str, name: &str) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/{provider}/{name}",
            self.subscription, self.rg
        )
    }
}

fn key_str(k: &Option<Value>) -> String {
    match k {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "0".to_string(),
    }
}

/// The body of an ordinary (non-AKS) resource: after, after_unknown,
/// after_sensitive.
fn body(rng: &mut Rng, t: &Templates, cx: &Ctx, type_: &str, key: &Option<Value>) -> Change {
    let k = key_str(key);
    let base = format!("{}-{}-{}", cx.team, cx.env, k);
    let loc = cx.location;
    let rg = cx.rg.clone();
    let tags = cx.tags.clone();
    let octet = rng.below(250);
    let (after, unknown, sensitive) = match type_ {
        "azurerm_resource_group" => (
            json!({"location": loc, "managed_by": null, "name": format!("{rg}-{k}"), "tags": tags, "timeouts": null}),
            json!({"id": true, "tags": {}}),
            json!({"tags": {}}),
        ),
        "azurerm_virtual_network" => (
            json!({"address_space": [format!("10.{octet}.0.0/16")], "bgp_community": null,
                "ddos_protection_plan": [], "dns_servers": ["10.0.1.4"], "edge_zone": null,
                "encryption": [], "flow_timeout_in_minutes": null, "location": loc,
                "name": format!("vnet-{base}"), "private_endpoint_vnet_policies": "Disabled",
                "resource_group_name": rg, "tags": tags, "timeouts": null}),
            json!({"address_space": [false], "ddos_protection_plan": [], "dns_servers": [false],
                "encryption": [], "guid": true, "id": true, "subnet": true, "tags": {}}),
            json!({"address_space": [false], "ddos_protection_plan": [], "dns_servers": [false],
                "encryption": [], "subnet": [], "tags": {}}),
        ),
        "azurerm_subnet" => (
            json!({"address_prefixes": [format!("10.{octet}.{}.0/24", rng.below(250))],
                "default_outbound_access_enabled": false, "delegation": [], "name": format!("snet-{base}"),
                "private_endpoint_network_policies": "Disabled",
                "private_link_service_network_policies_enabled": true, "resource_group_name": rg,
                "service_endpoint_policy_ids": null,
                "service_endpoints": ["Microsoft.KeyVault", "Microsoft.Storage"], "timeouts": null,
                "virtual_network_name": format!("vnet-{}-{}", cx.team, cx.env)}),
            json!({"address_prefixes": [false], "delegation": [], "id": true, "service_endpoints": [false, false]}),
            json!({"address_prefixes": [false], "delegation": [], "service_endpoints": [false, false]}),
        ),
        "azurerm_network_security_group" => (
            json!({"location": loc, "name": format!("nsg-{base}"), "resource_group_name": rg, "tags": tags, "timeouts": null}),
            json!({"id": true, "security_rule": true, "tags": {}}),
            json!({"security_rule": [], "tags": {}}),
        ),
        "azurerm_network_security_rule" => (
            json!({"access": if rng.chance(85) { "Allow" } else { "Deny" },
                "description": format!("managed by terraform ({k})"),
                "destination_address_prefix": "VirtualNetwork", "destination_address_prefixes": null,
                "destination_application_security_group_ids": null,
                "destination_port_range": rng.pick(&["443", "80", "22", "3389", "8080-8090"]).to_string(),
                "destination_port_ranges": null, "direction": if rng.chance(70) { "Inbound" } else { "Outbound" },
                "name": format!("rule-{k}"), "network_security_group_name": format!("nsg-{base}"),
                "priority": 100 + rng.below(3900), "protocol": rng.pick(&["Tcp", "Udp", "*"]).to_string(),
                "resource_group_name": rg, "source_address_prefix": rng.pick(&["10.0.0.0/8", "AzureLoadBalancer", "Internet", "*"]).to_string(),
                "source_address_prefixes": null, "source_application_security_group_ids": null,
                "source_port_range": "*", "source_port_ranges": null, "timeouts": null}),
            json!({"id": true}),
            json!({}),
        ),
        "azurerm_subnet_network_security_group_association" => (
            json!({"timeouts": null}),
            json!({"id": true, "network_security_group_id": true, "subnet_id": true}),
            json!({}),
        ),
        "azurerm_route_table" => (
            json!({"bgp_route_propagation_enabled": false, "location": loc, "name": format!("rt-{base}"),
                "resource_group_name": rg, "route": [{"address_prefix": "0.0.0.0/0", "name": "default",
                "next_hop_in_ip_address": "10.0.1.4", "next_hop_type": "VirtualAppliance"}],
                "tags": tags, "timeouts": null}),
            json!({"id": true, "route": [{}], "subnets": true, "tags": {}}),
            json!({"route": [{}], "subnets": [], "tags": {}}),
        ),
        "azurerm_route" => (
            json!({"address_prefix": format!("10.{octet}.0.0/16"), "name": format!("route-{k}"),
                "next_hop_in_ip_address": "10.0.1.4", "next_hop_type": "VirtualAppliance",
                "resource_group_name": rg, "route_table_name": format!("rt-{}-{}-0", cx.team, cx.env), "timeouts": null}),
            json!({"id": true}),
            json!({}),
        ),
        "azurerm_storage_account" => (
            json!({"access_tier": "Hot", "account_kind": "StorageV2",
                "account_replication_type": rng.pick(&["LRS", "ZRS", "GRS"]).to_string(), "account_tier": "Standard",
                "allow_nested_items_to_be_public": false, "allowed_copy_scope": null,
                "azure_files_authentication": [], "blob_properties": [{"change_feed_enabled": false,
                "change_feed_retention_in_days": null, "container_delete_retention_policy": [{"days": 7}],
                "cors_rule": [], "default_service_version": null, "delete_retention_policy": [{"days": 7,
                "permanent_delete_enabled": false}], "last_access_time_enabled": false, "restore_policy": [],
                "versioning_enabled": true}], "cross_tenant_replication_enabled": false, "custom_domain": [],
                "customer_managed_key": [], "default_to_oauth_authentication": true, "dns_endpoint_type": "Standard",
                "edge_zone": null, "https_traffic_only_enabled": true, "identity": [], "immutability_policy": [],
                "infrastructure_encryption_enabled": true, "is_hns_enabled": false, "large_file_share_enabled": null,
                "local_user_enabled": false, "location": loc, "min_tls_version": "TLS1_2",
                "name": format!("st{}{}{}", cx.team, cx.env.replace('-', ""), k.replace('-', "")),
                "network_rules": [{"bypass": ["AzureServices"], "default_action": "Deny", "ip_rules": [],
                "private_link_access": [], "virtual_network_subnet_ids": []}], "nfsv3_enabled": false,
                "public_network_access_enabled": rng.chance(20), "queue_encryption_key_type": "Service",
                "resource_group_name": rg, "routing": [], "sas_policy": [], "sftp_enabled": false,
                "share_properties": [], "shared_access_key_enabled": false, "static_website": [],
                "table_encryption_key_type": "Service", "tags": tags, "timeouts": null}),
            json!({"azure_files_authentication": [], "blob_properties": [{"container_delete_retention_policy": [{}],
                "cors_rule": [], "delete_retention_policy": [{}], "restore_policy": []}], "custom_domain": [],
                "customer_managed_key": [], "id": true, "identity": [], "immutability_policy": [],
                "network_rules": [{"bypass": [false], "ip_rules": [], "private_link_access": [],
                "virtual_network_subnet_ids": []}], "primary_access_key": true, "primary_blob_connection_string": true,
                "primary_blob_endpoint": true, "primary_blob_host": true, "primary_connection_string": true,
                "primary_dfs_endpoint": true, "primary_file_endpoint": true, "primary_location": true,
                "primary_queue_endpoint": true, "primary_table_endpoint": true, "primary_web_endpoint": true,
                "queue_properties": true, "routing": [], "sas_policy": [], "secondary_access_key": true,
                "secondary_blob_connection_string": true, "secondary_connection_string": true,
                "secondary_location": true, "share_properties": [], "static_website": [], "tags": {}}),
            json!({"azure_files_authentication": [], "blob_properties": [{"container_delete_retention_policy": [{}],
                "cors_rule": [], "delete_retention_policy": [{}], "restore_policy": []}], "custom_domain": [],
                "customer_managed_key": [], "identity": [], "immutability_policy": [],
                "network_rules": [{"bypass": [false], "ip_rules": [], "private_link_access": [],
                "virtual_network_subnet_ids": []}], "primary_access_key": true,
                "primary_blob_connection_string": true, "primary_connection_string": true,
                "queue_properties": [], "routing": [], "sas_policy": [], "secondary_access_key": true,
                "secondary_blob_connection_string": true, "secondary_connection_string": true,
                "share_properties": [], "static_website": [], "tags": {}}),
        ),
        "azurerm_storage_container" => (
            json!({"container_access_type": "private", "metadata": null, "name": format!("container-{k}"), "timeouts": null}),
            json!({"default_encryption_scope": true, "encryption_scope_override_enabled": true,
                "has_immutability_policy": true, "has_legal_hold": true, "id": true, "metadata": true,
                "resource_manager_id": true, "storage_account_id": true}),
            json!({"metadata": {}}),
        ),
        "azurerm_key_vault" => (
            json!({"access_policy": [], "enable_rbac_authorization": rng.chance(70),
                "enabled_for_deployment": false, "enabled_for_disk_encryption": true,
                "enabled_for_template_deployment": false, "location": loc,
                "name": format!("kv-{}-{}", cx.team, cx.env), "network_acls": [{"bypass": "AzureServices",
                "default_action": "Deny", "ip_rules": [], "virtual_network_subnet_ids": []}],
                "public_network_access_enabled": false, "purge_protection_enabled": true,
                "resource_group_name": rg, "sku_name": "premium", "soft_delete_retention_days": 90,
                "tags": tags, "tenant_id": cx.tenant, "timeouts": null}),
            json!({"access_policy": true, "contact": true, "id": true, "network_acls": [{"ip_rules": [],
                "virtual_network_subnet_ids": []}], "tags": {}, "vault_uri": true}),
            json!({"access_policy": [], "contact": [], "network_acls": [{"ip_rules": [],
                "virtual_network_subnet_ids": []}], "tags": {}}),
        ),
        "azurerm_key_vault_secret" => (
            json!({"content_type": "password", "expiration_date": "2026-12-31T00:00:00Z",
                "name": format!("secret-{k}"), "not_before_date": null, "tags": tags, "timeouts": null,
                "value": rng.secret(32), "value_wo": null, "value_wo_version": null}),
            json!({"id": true, "key_vault_id": true, "resource_id": true, "resource_versionless_id": true,
                "tags": {}, "version": true, "versionless_id": true}),
            json!({"tags": {}, "value": true}),
        ),
        "azurerm_key_vault_access_policy" => (
            json!({"application_id": null, "certificate_permissions": null,
                "key_permissions": ["Get", "List", "WrapKey", "UnwrapKey"], "object_id": rng.guid(),
                "secret_permissions": ["Get", "List"], "storage_permissions": null,
                "tenant_id": cx.tenant, "timeouts": null}),
            json!({"id": true, "key_permissions": [false, false, false, false], "key_vault_id": true,
                "secret_permissions": [false, false]}),
            json!({"key_permissions": [false, false, false, false], "secret_permissions": [false, false]}),
        ),
        "azurerm_role_assignment" => (
            json!({"condition": null, "condition_version": null,
                "delegated_managed_identity_resource_id": null, "description": null,
                "principal_id": rng.guid(),
                "role_definition_name": rng.pick(&["Reader", "Contributor", "Network Contributor",
                    "Key Vault Secrets User", "Storage Blob Data Reader", "AcrPull"]).to_string(),
                "scope": format!("/subscriptions/{}/resourceGroups/{}", cx.subscription, rg),
                "skip_service_principal_aad_check": null, "timeouts": null}),
            json!({"id": true, "name": true, "principal_type": true, "role_definition_id": true}),
            json!({}),
        ),
        "azurerm_private_endpoint" => (
            json!({"custom_network_interface_name": null, "ip_configuration": [], "location": loc,
                "name": format!("pe-{base}"), "private_dns_zone_group": [{"name": "default",
                "private_dns_zone_ids": [cx.id("Microsoft.Network/privateDnsZones", "privatelink.blob.core.windows.net")]}],
                "private_service_connection": [{"is_manual_connection": false, "name": format!("psc-{base}"),
                "private_connection_resource_alias": null, "request_message": null,
                "subresource_names": ["blob"]}], "resource_group_name": rg, "tags": tags, "timeouts": null}),
            json!({"custom_dns_configs": true, "id": true, "ip_configuration": [], "network_interface": true,
                "private_dns_zone_configs": true, "private_dns_zone_group": [{"id": true,
                "private_dns_zone_ids": [false]}], "private_service_connection": [{
                "private_connection_resource_id": true, "private_ip_address": true,
                "subresource_names": [false]}], "subnet_id": true, "tags": {}}),
            json!({"custom_dns_configs": [], "ip_configuration": [], "network_interface": [],
                "private_dns_zone_configs": [], "private_dns_zone_group": [{"private_dns_zone_ids": [false]}],
                "private_service_connection": [{"subresource_names": [false]}], "tags": {}}),
        ),
        "azurerm_private_dns_zone_virtual_network_link" => (
            json!({"name": format!("link-{base}"), "private_dns_zone_name": format!("privatelink.{k}.core.windows.net"),
                "registration_enabled": false, "resource_group_name": "rg-hub", "tags": tags, "timeouts": null}),
            json!({"id": true, "tags": {}, "virtual_network_id": true}),
            json!({"tags": {}}),
        ),
        "azurerm_public_ip" => (
            json!({"allocation_method": "Static", "ddos_protection_mode": "VirtualNetworkInherited",
                "ddos_protection_plan_id": null, "domain_name_label": null, "domain_name_label_scope": null,
                "edge_zone": null, "idle_timeout_in_minutes": 4, "ip_tags": null, "ip_version": "IPv4",
                "location": loc, "name": format!("pip-{base}"), "public_ip_prefix_id": null,
                "resource_group_name": rg, "reverse_fqdn": null, "sku": "Standard", "sku_tier": "Regional",
                "tags": tags, "timeouts": null, "zones": ["1", "2", "3"]}),
            json!({"fqdn": true, "id": true, "ip_address": true, "tags": {}, "zones": [false, false, false]}),
            json!({"tags": {}, "zones": [false, false, false]}),
        ),
        "azurerm_user_assigned_identity" => (
            json!({"location": loc, "name": format!("id-{base}"), "resource_group_name": rg, "tags": tags, "timeouts": null}),
            json!({"client_id": true, "id": true, "principal_id": true, "tags": {}, "tenant_id": true}),
            json!({"tags": {}}),
        ),
        "azurerm_log_analytics_workspace" => {
            let mut c = t.workspace.clone();
            c.after["name"] = json!(format!("log-{base}"));
            c.after["location"] = json!(loc);
            c.after["resource_group_name"] = json!(rg);
            c.after["retention_in_days"] = json!(*rng.pick(&[30, 60, 90]));
            (c.after, c.unknown, c.sensitive)
        }
        "azurerm_monitor_diagnostic_setting" => (
            json!({"enabled_log": [{"category": null, "category_group": "allLogs"},
                {"category": null, "category_group": "audit"}], "eventhub_authorization_rule_id": null,
                "eventhub_name": null, "log_analytics_destination_type": "Dedicated",
                "metric": [{"category": "AllMetrics", "enabled": true}], "name": format!("diag-{k}"),
                "partner_solution_id": null, "storage_account_id": null, "timeouts": null}),
            json!({"enabled_log": [{}, {}], "id": true, "log_analytics_workspace_id": true,
                "metric": [{}], "target_resource_id": true}),
            json!({"enabled_log": [{}, {}], "metric": [{}]}),
        ),
        "azuread_application_password" => (
            json!({"display_name": format!("ci-{}-{}", cx.team, cx.env),
                "end_date": if rng.chance(30) { "2099-01-01T00:00:00Z" } else { "2026-06-30T00:00:00Z" },
                "end_date_relative": null, "rotate_when_changed": null}),
            json!({"application_id": true, "id": true, "key_id": true, "start_date": true, "value": true}),
            json!({"value": true}),
        ),
        other => panic!("no body for {other}"),
    };
    Change {
        after,
        unknown,
        sensitive,
    }
}

/// The AKS bodies of the fixtures, varied so that rules pass and fail.
fn aks_body(rng: &mut Rng, t: &Templates, cx: &Ctx, block: &Block, key: &Option<Value>) -> Change {
    let base = format!("{}-{}", cx.team, cx.env);
    match (block.type_, block.name) {
        ("azurerm_kubernetes_cluster", _) => {
            let mut c = t.cluster.clone();
            let a = &mut c.after;
            a["name"] = json!(format!("aks-{base}"));
            a["dns_prefix"] = json!(format!("aks-{base}"));
            a["location"] = json!(cx.location);
            a["resource_group_name"] = json!(cx.rg);
            a["tags"] = cx.tags.clone();
            a["private_cluster_enabled"] = json!(rng.chance(60));
            a["sku_tier"] = json!(if rng.chance(70) { "Standard" } else { "Free" });
            a["local_account_disabled"] = json!(rng.chance(80));
            a["azure_policy_enabled"] = json!(rng.chance(75));
            a["kubernetes_version"] = json!(*rng.pick(&["1.29", "1.30", "1.31"]));
            a["automatic_upgrade_channel"] = json!(*rng.pick(&["patch", "stable", "none"]));
            if rng.chance(30) {
                a["network_profile"][0]["network_policy"] = Value::Null;
            }
            if rng.chance(25) {
                a["default_node_pool"][0]["zones"] = Value::Null;
            }
            a["default_node_pool"][0]["max_count"] = json!(3 + rng.below(8));
            c
        }
        ("azurerm_kubernetes_cluster_node_pool", name) => {
            let mut c = if name == "spot" {
                t.pool_spot.clone()
            } else {
                t.pool_apps.clone()
            };
            if rng.chance(50) {
                c.after["zones"] = json!(["1", "2", "3"]);
            }
            c.after["max_count"] = json!(5 + rng.below(20));
            c.after["vm_size"] =
                json!(*rng.pick(&["Standard_D4ds_v5", "Standard_D8ds_v5", "Standard_E8ds_v5"]));
            c
        }
        ("azurerm_federated_identity_credential", _) => {
            let mut c = t.federated.clone();
            let k = key_str(key);
            c.after["name"] = json!(format!("fic-{base}-{k}"));
            c.after["resource_group_name"] = json!(cx.rg);
            c.after["subject"] = json!(if rng.chance(15) {
                "system:serviceaccount:apps:*".to_string()
            } else {
                format!("system:serviceaccount:apps:{k}")
            });
            c
        }
        (type_, _) => body(rng, t, cx, type_, key),
    }
}

fn is_aks(type_: &str) -> bool {
    matches!(
        type_,
        "azurerm_kubernetes_cluster"
            | "azurerm_kubernetes_cluster_node_pool"
            | "azurerm_federated_identity_credential"
    )
}

/// Makes an instance that already exists: everything unknown at top level
/// becomes known (ids, keys, endpoints), `before` is the prior value.
fn existing(rng: &mut Rng, cx: &Ctx, type_: &str, mut c: Change, update: bool) -> (Change, Value) {
    const LISTY: &[&str] = &[
        "security_rule",
        "subnet",
        "subnets",
        "custom_dns_configs",
        "private_dns_zone_configs",
        "network_interface",
        "access_policy",
        "contact",
        "queue_properties",
        "ip_tags",
    ];
    let mut known = Map::new();
    if let Value::Object(u) = &c.unknown {
        for (k, v) in u {
            if v != &Value::Bool(true) {
                continue;
            }
            let value = if LISTY.contains(&k.as_str()) {
                json!([])
            } else if k == "id" || k.ends_with("_id") {
                json!(cx.id(&format!("Microsoft.Azure/{type_}"), &rng.hex(10)))
            } else if c.sensitive.get(k) == Some(&Value::Bool(true)) {
                json!(rng.secret(64))
            } else {
                json!(format!("{k}-{}", rng.hex(12)))
            };
            known.insert(k.clone(), value);
        }
    }
    if let Value::Object(a) = &mut c.after {
        a.extend(known);
    }
    c.unknown = json!({});
    let mut before = c.after.clone();
    if update {
        before["tags"] = json!({"team": cx.team});
    }
    (c, before)
}

fn instances(rng: &mut Rng, t: &Templates, cx: &Ctx, blocks: &[Block]) -> Vec<Inst> {
    let mut out = Vec::new();
    for block in blocks {
        for key in block.how.keys() {
            let change = aks_body(rng, t, cx, block, &key);
            let roll = rng.below(100);
            let (actions, before, change): (&'static [&'static str], _, _) =
                if is_aks(block.type_) || roll >= 40 {
                    (&["create"], None, change)
                } else if roll < 30 {
                    let (c, b) = existing(rng, cx, block.type_, change, false);
                    (&["no-op"], Some(b), c)
                } else {
                    let (c, b) = existing(rng, cx, block.type_, change, true);
                    (&["update"], Some(b), c)
                };
            out.push(Inst {
                type_: block.type_,
                name: block.name,
                index: key,
                actions,
                before,
                change,
            });
        }
    }
    out
}

/// Landing zone number `i`: `module.lz_<team>["env-NNN"]` with its
/// `module.aks[0]`.
fn landing_zone(seed: u64, t: &Templates, shape: Shape, i: usize) -> ModInst {
    let mut rng = Rng::new(seed.wrapping_add((i as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407)));
    let team = TEAMS[i % TEAMS.len()];
    let env = format!("env-{:03}", i / TEAMS.len());
    let address = format!("module.lz_{team}[\"{env}\"]");
    let cx = Ctx::new(&mut rng, team, env);
    let resources = instances(&mut rng, t, &cx, &landing_zone_blocks(shape));
    let aks = instances(&mut rng, t, &cx, &aks_blocks());
    ModInst {
        children: vec![ModInst {
            address: format!("{address}.module.aks[0]"),
            resources: aks,
            children: Vec::new(),
        }],
        address,
        resources,
    }
}

fn root(seed: u64, t: &Templates, shape: Shape) -> ModInst {
    let mut rng = Rng::new(seed);
    let cx = Ctx::new(&mut rng, "hub", "shared".to_string());
    ModInst {
        address: String::new(),
        resources: instances(&mut rng, t, &cx, &root_blocks(shape)),
        children: Vec::new(),
    }
}

// ---------------------------------------------------------------- writing

fn provider(type_: &str) -> &'static str {
    if type_.starts_with("azuread_") {
        AZUREAD
    } else {
        AZURERM
    }
}

fn address(module: &str, inst: &Inst) -> String {
    let mut s = String::with_capacity(module.len() + 64);
    if !module.is_empty() {
        s.push_str(module);
        s.push('.');
    }
    s.push_str(inst.type_);
    s.push('.');
    s.push_str(inst.name);
    match &inst.index {
        Some(Value::String(k)) => {
            s.push_str("[\"");
            s.push_str(k);
            s.push_str("\"]");
        }
        Some(Value::Number(n)) => {
            s.push('[');
            s.push_str(&n.to_string());
            s.push(']');
        }
        _ => {}
    }
    s
}

/// Terraform leaves unknown values out of `after` and `planned_values`.
fn planned_entry(module: &str, inst: &Inst) -> Value {
    let mut m = Map::new();
    m.insert("address".into(), json!(address(module, inst)));
    m.insert("mode".into(), json!("managed"));
    m.insert("type".into(), json!(inst.type_));
    m.insert("name".into(), json!(inst.name));
    if let Some(ix) = &inst.index {
        m.insert("index".into(), ix.clone());
    }
    m.insert("provider_name".into(), json!(provider(inst.type_)));
    m.insert("schema_version".into(), json!(0));
    m.insert("values".into(), inst.change.after.clone());
    m.insert("sensitive_values".into(), inst.change.sensitive.clone());
    Value::Object(m)
}

fn change_entry(module: &str, inst: &Inst) -> Value {
    let mut m = Map::new();
    m.insert("address".into(), json!(address(module, inst)));
    if !module.is_empty() {
        m.insert("module_address".into(), json!(module));
    }
    m.insert("mode".into(), json!("managed"));
    m.insert("type".into(), json!(inst.type_));
    m.insert("name".into(), json!(inst.name));
    if let Some(ix) = &inst.index {
        m.insert("index".into(), ix.clone());
    }
    m.insert("provider_name".into(), json!(provider(inst.type_)));
    let before_sensitive = if inst.before.is_some() {
        inst.change.sensitive.clone()
    } else {
        json!(false)
    };
    m.insert(
        "change".into(),
        json!({
            "actions": inst.actions,
            "before": inst.before.clone().unwrap_or(Value::Null),
            "after": inst.change.after,
            "after_unknown": inst.change.unknown,
            "before_sensitive": before_sensitive,
            "after_sensitive": inst.change.sensitive,
        }),
    );
    if inst.actions == ["update"] {
        m.insert("action_reason".into(), json!("update_in_place"));
    }
    Value::Object(m)
}

fn write_planned_module<W: Write>(w: &mut W, m: &ModInst) -> std::io::Result<()> {
    write!(w, "{{\"address\":")?;
    serde_json::to_writer(&mut *w, &m.address)?;
    write!(w, ",\"resources\":[")?;
    for (i, r) in m.resources.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        serde_json::to_writer(&mut *w, &planned_entry(&m.address, r))?;
    }
    w.write_all(b"]")?;
    if !m.children.is_empty() {
        w.write_all(b",\"child_modules\":[")?;
        for (i, c) in m.children.iter().enumerate() {
            if i > 0 {
                w.write_all(b",")?;
            }
            write_planned_module(w, c)?;
        }
        w.write_all(b"]")?;
    }
    w.write_all(b"}")
}

fn write_changes<W: Write>(w: &mut W, m: &ModInst, first: &mut bool) -> std::io::Result<()> {
    for r in &m.resources {
        if !*first {
            w.write_all(b",")?;
        }
        *first = false;
        serde_json::to_writer(&mut *w, &change_entry(&m.address, r))?;
    }
    for c in &m.children {
        write_changes(w, c, first)?;
    }
    Ok(())
}

/// Configuration expressions of an ordinary block, from one instance's
/// values: constants, references for the usual wiring, `each.key` names.
fn expressions_from(after: &Value, how: Instancing) -> Value {
    fn conv(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, child) in m {
                    if child.is_null() || child.as_array().is_some_and(Vec::is_empty) {
                        continue;
                    }
                    let e = match child {
                        Value::Array(a) if a.iter().all(Value::is_object) => {
                            Value::Array(a.iter().map(conv).collect())
                        }
                        _ => match k.as_str() {
                            "resource_group_name" => json!({"references": [
                                "azurerm_resource_group.this[0].name", "azurerm_resource_group.this[0]",
                                "azurerm_resource_group.this"]}),
                            "location" => json!({"references": ["var.location"]}),
                            "tags" => json!({"references": ["local.tags"]}),
                            "tenant_id" => json!({"references": [
                                "data.azurerm_client_config.current.tenant_id",
                                "data.azurerm_client_config.current"]}),
                            "principal_id" | "object_id" => {
                                json!({"references": ["each.value.principal_id", "each.value"]})
                            }
                            "value" => {
                                json!({"references": ["random_password.this.result", "random_password.this"]})
                            }
                            _ => json!({"constant_value": child}),
                        },
                    };
                    out.insert(k.clone(), e);
                }
                Value::Object(out)
            }
            other => json!({"constant_value": other}),
        }
    }
    let mut e = conv(after);
    if let (Instancing::ForEach(..), Value::Object(m)) = (how, &mut e) {
        if m.contains_key("name") {
            m.insert("name".into(), json!({"references": ["each.key"]}));
        }
    }
    e
}

fn config_block(t: &Templates, sample: &[Inst], module_blocks: &[Block], aks: bool) -> Vec<Value> {
    module_blocks
        .iter()
        .map(|b| {
            let expressions = if aks {
                match (b.type_, b.name) {
                    ("azurerm_kubernetes_cluster", _) => t.cluster_expr.clone(),
                    ("azurerm_kubernetes_cluster_node_pool", "apps") => t.pool_apps_expr.clone(),
                    ("azurerm_kubernetes_cluster_node_pool", _) => t.pool_spot_expr.clone(),
                    ("azurerm_federated_identity_credential", _) => t.federated_expr.clone(),
                    ("azurerm_role_assignment", _) => json!({
                        "principal_id": {"references": ["azurerm_kubernetes_cluster.main.identity[0].principal_id",
                            "azurerm_kubernetes_cluster.main.identity[0]", "azurerm_kubernetes_cluster.main"]},
                        "role_definition_name": {"constant_value": "Network Contributor"},
                        "scope": {"references": ["var.subnet_id"]}}),
                    _ => sample_expr(sample, b),
                }
            } else if b.type_ == "azurerm_log_analytics_workspace" {
                t.workspace_expr.clone()
            } else {
                sample_expr(sample, b)
            };
            let mut m = Map::new();
            m.insert("address".into(), json!(format!("{}.{}", b.type_, b.name)));
            m.insert("mode".into(), json!("managed"));
            m.insert("type".into(), json!(b.type_));
            m.insert("name".into(), json!(b.name));
            m.insert(
                "provider_config_key".into(),
                json!(if b.type_.starts_with("azuread_") { "azuread" } else { "azurerm" }),
            );
            m.insert("expressions".into(), expressions);
            m.insert("schema_version".into(), json!(0));
            if let Some((k, v)) = b.how.config(&format!("{}_{}", b.type_.trim_start_matches("azurerm_"), b.name)) {
                m.insert(k.into(), v);
            }
            Value::Object(m)
        })
        .collect()
}

fn sample_expr(sample: &[Inst], b: &Block) -> Value {
    sample
        .iter()
        .find(|i| i.type_ == b.type_ && i.name == b.name)
        .map(|i| {
            // Config is written as source, not as the value with ids filled.
            let mut after = i.before.clone().unwrap_or_else(|| i.change.after.clone());
            if let Value::Object(m) = &mut after {
                m.remove("id");
            }
            expressions_from(&after, b.how)
        })
        .unwrap_or_else(|| json!({}))
}

fn configuration(t: &Templates, seed: u64, shape: Shape, calls: &[&str]) -> Value {
    let lz = landing_zone(seed, t, shape, 0);
    let aks_module = json!({
        "outputs": {
            "cluster_id": {"expression": {"references": ["azurerm_kubernetes_cluster.main.id", "azurerm_kubernetes_cluster.main"]}},
            "oidc_issuer_url": {"expression": {"references": ["azurerm_kubernetes_cluster.main.oidc_issuer_url", "azurerm_kubernetes_cluster.main"]}},
        },
        "resources": config_block(t, &lz.children[0].resources, &aks_blocks(), true),
        "variables": {
            "admin_group_object_id": {}, "disk_encryption_set_id": {}, "log_analytics_workspace_id": {},
            "resource_group_name": {}, "route_table_id": {}, "subnet_id": {}, "location": {},
        },
    });
    let lz_module = json!({
        "outputs": {
            "vnet_id": {"expression": {"references": ["azurerm_virtual_network.this.id", "azurerm_virtual_network.this"]}},
            "aks_cluster_id": {"expression": {"references": ["module.aks[0].cluster_id", "module.aks[0]"]}},
        },
        "resources": config_block(t, &lz.resources, &landing_zone_blocks(shape), false),
        "module_calls": {
            "aks": {
                "source": "./modules/aks",
                "count_expression": {"references": ["var.aks_enabled"]},
                "expressions": {
                    "subnet_id": {"references": ["azurerm_subnet.this[\"snet-00\"].id", "azurerm_subnet.this[\"snet-00\"]", "azurerm_subnet.this"]},
                    "log_analytics_workspace_id": {"references": ["azurerm_log_analytics_workspace.this.id", "azurerm_log_analytics_workspace.this"]},
                    "resource_group_name": {"references": ["azurerm_resource_group.this[0].name", "azurerm_resource_group.this[0]", "azurerm_resource_group.this"]},
                    "location": {"references": ["var.location"]},
                },
                "module": aks_module,
            },
        },
        "variables": {"aks_enabled": {"default": true}, "location": {}, "team": {}, "environment": {}},
    });
    let root = root(seed, t, shape);
    let mut module_calls = Map::new();
    for team in calls {
        module_calls.insert(
            format!("lz_{team}"),
            json!({
                "source": "./modules/landing-zone",
                "for_each_expression": {"references": [format!("var.{team}_environments")]},
                "expressions": {
                    "team": {"constant_value": team},
                    "environment": {"references": ["each.key"]},
                    "location": {"references": ["each.value.location", "each.value"]},
                },
                "module": lz_module.clone(),
            }),
        );
    }
    json!({
        "provider_config": {
            "azuread": {"name": "azuread", "full_name": AZUREAD, "version_constraint": "~> 3.0"},
            "azurerm": {"name": "azurerm", "full_name": AZURERM, "version_constraint": "~> 4.0",
                "expressions": {"features": [{}]}},
        },
        "root_module": {
            "resources": config_block(t, &root.resources, &root_blocks(shape), false),
            "module_calls": module_calls,
            "variables": {"location": {"default": "westeurope"}},
        },
    })
}

/// Writes one plan with `zones` landing-zone instances; returns its size.
fn write_plan(
    path: &Path,
    t: &Templates,
    seed: u64,
    shape: Shape,
    zones: usize,
) -> std::io::Result<u64> {
    let file = std::fs::File::create(path)?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let calls: Vec<&str> = TEAMS.iter().copied().take(zones.min(TEAMS.len())).collect();
    w.write_all(b"{\"format_version\":\"1.2\",\"terraform_version\":\"1.11.4\",\"variables\":{\"location\":{\"value\":\"westeurope\"}")?;
    for team in &calls {
        let envs: Map<String, Value> = (0..zones)
            .filter(|i| TEAMS[i % TEAMS.len()] == *team)
            .map(|i| {
                (
                    format!("env-{:03}", i / TEAMS.len()),
                    json!({"location": REGIONS[i % REGIONS.len()]}),
                )
            })
            .collect();
        write!(w, ",\"{team}_environments\":")?;
        serde_json::to_writer(&mut w, &json!({ "value": envs }))?;
    }
    w.write_all(b"},\"planned_values\":{\"root_module\":{\"resources\":[")?;
    let root = root(seed, t, shape);
    for (i, r) in root.resources.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        serde_json::to_writer(&mut w, &planned_entry("", r))?;
    }
    w.write_all(b"],\"child_modules\":[")?;
    for i in 0..zones {
        if i > 0 {
            w.write_all(b",")?;
        }
        write_planned_module(&mut w, &landing_zone(seed, t, shape, i))?;
    }
    w.write_all(b"]}},\"resource_changes\":[")?;
    let mut first = true;
    write_changes(&mut w, &root, &mut first)?;
    for i in 0..zones {
        write_changes(&mut w, &landing_zone(seed, t, shape, i), &mut first)?;
    }
    w.write_all(b"],\"configuration\":")?;
    serde_json::to_writer(&mut w, &configuration(t, seed, shape, &calls))?;
    w.write_all(b",\"relevant_attributes\":[{\"resource\":\"azurerm_resource_group.hub\",\"attribute\":[\"name\"]}]")?;
    w.write_all(b",\"timestamp\":\"2025-06-01T12:00:00Z\",\"applyable\":true,\"complete\":true,\"errored\":false}")?;
    w.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

/// Serialized size of one landing zone (planned_values + resource_changes).
fn zone_bytes(t: &Templates, seed: u64, shape: Shape, i: usize) -> usize {
    let lz = landing_zone(seed, t, shape, i);
    let mut buf = Vec::new();
    write_planned_module(&mut buf, &lz).expect("write to memory");
    let mut first = true;
    write_changes(&mut buf, &lz, &mut first).expect("write to memory");
    buf.len() + 1
}

fn count_instances(m: &ModInst, total: &mut usize, aks: &mut usize) {
    for r in &m.resources {
        *total += 1;
        if is_aks(r.type_) {
            *aks += 1;
        }
    }
    for c in &m.children {
        count_instances(c, total, aks);
    }
}

/// Writes a plan of about `size_mb` MB to `out`; returns a one-line summary.
pub fn generate_big(out: &Path, size_mb: f64, seed: u64) -> std::io::Result<String> {
    let t = Templates::load();
    let target = (size_mb * 1_000_000.0) as usize;
    let sample = (0..8)
        .map(|i| zone_bytes(&t, seed, Shape::Full, i))
        .sum::<usize>()
        / 8;
    let zones_guess = target / sample.max(1) + 1;
    let config = serde_json::to_vec(&configuration(
        &t,
        seed,
        Shape::Full,
        &TEAMS[..zones_guess.min(TEAMS.len())],
    ))
    .map_or(0, |v| v.len());
    let zones = (target.saturating_sub(config + 20_000) / sample.max(1)).max(1);
    let size = write_plan(out, &t, seed, Shape::Full, zones)?;
    let (mut total, mut aks) = (0, 0);
    count_instances(&root(seed, &t, Shape::Full), &mut total, &mut aks);
    for i in 0..zones {
        count_instances(
            &landing_zone(seed, &t, Shape::Full, i),
            &mut total,
            &mut aks,
        );
    }
    Ok(format!(
        "{}: {:.1} MB, {} landing zones, {} resource instances, {} AKS ({:.1}%)",
        out.display(),
        size as f64 / 1e6,
        zones,
        total,
        aks,
        100.0 * aks as f64 / total as f64
    ))
}

/// Writes `count` small real-size plans (`plan-NNNN.json`) into `dir`;
/// returns a one-line summary.
pub fn generate_dir(dir: &Path, count: usize, seed: u64) -> std::io::Result<String> {
    let t = Templates::load();
    std::fs::create_dir_all(dir)?;
    let mut bytes = 0u64;
    for i in 0..count {
        let path = dir.join(format!("plan-{i:04}.json"));
        // One small landing zone each, different in every file.
        let s = seed.wrapping_add(i as u64 * 7919);
        bytes += write_plan(&path, &t, s, Shape::Small, 1)?;
    }
    Ok(format!(
        "{}: {count} plans, {:.1} MB, {:.1} KB each on average",
        dir.display(),
        bytes as f64 / 1e6,
        bytes as f64 / count.max(1) as f64 / 1e3
    ))
}

/// Writes a big plan of real resources (`--like-real DIR`): the
/// `resource_changes` of every plan in `dir` (`*.json`, sorted by name),
/// repeated under `module.mN` prefixes until the file reaches `size_mb`,
/// and a `configuration` with a module call `mN` holding that plan's root
/// module for each copy, so that the configuration joins (node pools and
/// credentials to their cluster) resolve as in the original plans. Returns
/// a one-line summary.
pub fn generate_like_real(dir: &Path, out: &Path, size_mb: f64) -> std::io::Result<String> {
    let bad = |e: serde_json::Error| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    // (resource_changes, root module of the configuration) of each plan.
    let mut plans: Vec<(Vec<Value>, Value, usize)> = Vec::new();
    for p in &paths {
        let v: Value = serde_json::from_slice(&std::fs::read(p)?).map_err(bad)?;
        let changes = v
            .get("resource_changes")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if changes.is_empty() {
            continue;
        }
        let root = v
            .pointer("/configuration/root_module")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let bytes = serde_json::to_vec(&changes).map_err(bad)?.len()
            + serde_json::to_vec(&root).map_err(bad)?.len();
        plans.push((changes, root, bytes));
    }
    let per_round: usize = plans.iter().map(|p| p.2).sum();
    if per_round == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: no plan with resource_changes", dir.display()),
        ));
    }
    let target = (size_mb * 1_000_000.0) as usize;
    let rounds = (target / per_round).max(1);
    let mut w = BufWriter::new(std::fs::File::create(out)?);
    w.write_all(br#"{"format_version":"1.2","terraform_version":"1.9.8","resource_changes":["#)?;
    let (mut first, mut total, mut clusters) = (true, 0usize, 0usize);
    let mut calls = Map::new();
    let mut k = 0usize;
    for _ in 0..rounds {
        for (changes, root, _) in &plans {
            let prefix = format!("module.m{k}");
            for c in changes {
                let mut c = c.clone();
                if let Some(o) = c.as_object_mut() {
                    if let Some(Value::String(a)) = o.get_mut("address") {
                        *a = format!("{prefix}.{a}");
                    }
                    let module = match o.get("module_address").and_then(Value::as_str) {
                        Some(m) => format!("{prefix}.{m}"),
                        None => prefix.clone(),
                    };
                    o.insert("module_address".into(), Value::String(module));
                    if o.get("mode").and_then(Value::as_str) != Some("data") {
                        total += 1;
                        if o.get("type").and_then(Value::as_str)
                            == Some("azurerm_kubernetes_cluster")
                        {
                            clusters += 1;
                        }
                    }
                }
                if !first {
                    w.write_all(b",")?;
                }
                first = false;
                serde_json::to_writer(&mut w, &c).map_err(bad)?;
            }
            calls.insert(
                format!("m{k}"),
                json!({ "source": format!("./m{k}"), "module": root }),
            );
            k += 1;
        }
    }
    w.write_all(br#"],"configuration":{"root_module":{"module_calls":"#)?;
    serde_json::to_writer(&mut w, &Value::Object(calls)).map_err(bad)?;
    w.write_all(b"}}}")?;
    w.flush()?;
    let size = std::fs::metadata(out)?.len();
    Ok(format!(
        "{}: {:.1} MB, {} plans x {rounds}, {k} modules, {total} managed resource changes, {clusters} clusters",
        out.display(),
        size as f64 / 1e6,
        plans.len()
    ))
}

fn usage() -> ! {
    eprintln!(
        "usage: genplan --size-mb N --out FILE [--seed N]\n       genplan --dir DIR --count N [--seed N]\n       genplan --like-real DIR --size-mb N --out FILE"
    );
    std::process::exit(2)
}

#[allow(dead_code)] // unused where benches/lint.rs includes this file as a module
fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut like_real = None::<PathBuf>;
    let (mut size_mb, mut out, mut dir, mut count, mut seed) = (
        None::<f64>,
        None::<PathBuf>,
        None::<PathBuf>,
        None::<usize>,
        42u64,
    );
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--size-mb" => size_mb = Some(val().parse().unwrap_or_else(|_| usage())),
            "--out" => out = Some(PathBuf::from(val())),
            "--dir" => dir = Some(PathBuf::from(val())),
            "--count" => count = Some(val().parse().unwrap_or_else(|_| usage())),
            "--seed" => seed = val().parse().unwrap_or_else(|_| usage()),
            "--like-real" => like_real = Some(PathBuf::from(val())),
            _ => usage(),
        }
    }
    let summary = match (size_mb, out, dir, count) {
        (Some(mb), Some(out), None, None) if like_real.is_some() => {
            generate_like_real(like_real.as_deref().unwrap_or(Path::new(".")), &out, mb)?
        }
        (Some(mb), Some(out), None, None) => generate_big(&out, mb, seed)?,
        (None, None, Some(dir), Some(n)) => generate_dir(&dir, n, seed)?,
        _ => usage(),
    };
    println!("{summary}");
    Ok(())
}
