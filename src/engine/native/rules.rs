//! Built-in rules evaluated in Rust: each function gives the `deny` set of
//! the rule of its name (`rules/<id>-*.rego`), from the same input, with
//! the same messages. The Rego stays the definition: `tests/engines.rs`
//! compares the two on every fixture, real plan and generated plan, and
//! the property tests on mutated plans. None: the input is not of the
//! shape these read, and the rule runs as Rego.
use regorus::Value;

use crate::finding::Step;

use super::lib::{
    automatic_clusters, clusters, empty, eq_ci, in_ci, integer, number_text, Attr, Deny, Input,
    Obj, Path, S,
};

/// AKS001 private-cluster.
pub(super) fn aks001(input: &Input<'_>) -> Option<Deny> {
    let mut deny = Deny::default();
    for c in clusters(input)? {
        let a = c.attr1(&[S::K("private_cluster_enabled")]);
        if *a.value != Value::Bool(true) {
            let msg = if a.unknown {
                "`private_cluster_enabled` is known only after apply: it must be `true`, or the API server has a public endpoint."
            } else {
                "The API server has a public endpoint: set `private_cluster_enabled = true`."
            };
            deny.result(&c, &a, msg.into())?;
        }
    }
    for c in automatic_clusters(input)? {
        let a = c.attr1(&[S::K("private_cluster")]);
        if *a.value == Value::Null {
            let msg = if a.unknown {
                "The `private_cluster` block is known only after apply: without it the API server has a public endpoint."
            } else {
                "The API server has a public endpoint: add a `private_cluster {}` block."
            };
            deny.result(&c, &a, msg.into())?;
        }
    }
    Some(deny)
}

const PLUGIN: Path = &[S::K("network_profile"), S::I(0), S::K("network_plugin")];
const PLUGIN_MODE: Path = &[
    S::K("network_profile"),
    S::I(0),
    S::K("network_plugin_mode"),
];
const DATA_PLANE: Path = &[S::K("network_profile"), S::I(0), S::K("network_data_plane")];
const DATA_PLANE_3X: Path = &[S::K("network_profile"), S::I(0), S::K("ebpf_data_plane")];

/// AKS002 cni-overlay.
pub(super) fn aks002(input: &Input<'_>) -> Option<Deny> {
    const FIX: &str = "set `network_profile.network_plugin = \"azure\"` with `network_plugin_mode = \"overlay\"` (or `network_data_plane = \"cilium\"`)";
    let mut deny = Deny::default();
    for c in clusters(input)? {
        let a = c.attr1(PLUGIN);
        if a.unknown {
            let msg = format!(
                "The network plugin is known only after apply: it must be \"azure\"; {FIX}."
            );
            deny.add(&c, PLUGIN, true, msg)?;
        }
        if !a.unknown && !eq_ci(a.value, "azure") {
            let name = match a.value {
                Value::String(s) if !s.is_empty() => s.as_ref(),
                _ => "unset (kubenet by default)",
            };
            deny.add(
                &c,
                PLUGIN,
                false,
                format!("The network plugin is {name}: {FIX}."),
            )?;
        }
        if eq_ci(a.value, "azure") && !eq_ci(c.raw(PLUGIN_MODE), "overlay") {
            let dp = c.attr2(DATA_PLANE, DATA_PLANE_3X);
            if eq_ci(dp.value, "cilium") {
                continue;
            }
            if c.unknown(PLUGIN_MODE) {
                let msg = format!("`network_plugin_mode` is known only after apply: it must be \"overlay\" unless the data plane is cilium; {FIX}.");
                deny.add(&c, PLUGIN_MODE, true, msg)?;
            } else if dp.unknown {
                let msg = format!("The network data plane is known only after apply: it must be \"cilium\" unless `network_plugin_mode = \"overlay\"`; {FIX}.");
                deny.add(&c, dp.path, true, msg)?;
            } else {
                let msg = "Azure CNI assigns pod IPs from the node subnet: set `network_profile.network_plugin_mode = \"overlay\"` (or `network_data_plane = \"cilium\"`).";
                deny.add(&c, PLUGIN_MODE, false, msg.into())?;
            }
        }
    }
    Some(deny)
}

/// AKS005 egress: `allowed` as `allowed_outbound_types` (strings).
pub(super) fn aks005(input: &Input<'_>, allowed: &[String]) -> Option<Deny> {
    const OUTBOUND: Path = &[S::K("network_profile"), S::I(0), S::K("outbound_type")];
    let text = allowed.join(", ");
    let choice = if allowed.len() == 1 {
        format!("to {text}")
    } else {
        format!("to one of {text}")
    };
    let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
    let mut deny = Deny::default();
    for c in clusters(input)? {
        let a = c.attr1(OUTBOUND);
        if in_ci(a.value, &allowed) {
            continue;
        }
        let msg = if a.unknown {
            format!("`network_profile.outbound_type` is known only after apply: set it {choice}.")
        } else {
            let describe = match a.value {
                Value::String(s) if !s.is_empty() => format!("is {s}"),
                _ => "is not set (loadBalancer by default)".to_string(),
            };
            format!("The outbound type {describe}, so egress bypasses the hub firewall: set `network_profile.outbound_type` {choice}.")
        };
        deny.result(&c, &a, msg)?;
    }
    Some(deny)
}

/// AKS003 network-policy; `allowed` is its `allowed_policies` parameter.
pub(super) fn aks003(input: &Input<'_>, allowed: &[String]) -> Option<Deny> {
    const POLICY: Path = &[S::K("network_profile"), S::I(0), S::K("network_policy")];
    let allowed_text = allowed.join(", ");
    let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
    let mut deny = Deny::default();
    for c in clusters(input)? {
        let a = c.attr1(POLICY);
        if in_ci(a.value, &allowed) {
            continue;
        }
        let unset = !a.unknown && *a.value == Value::Null;
        if unset {
            let d = c.attr2(DATA_PLANE, DATA_PLANE_3X);
            if !d.unknown && eq_ci(d.value, "cilium") {
                continue;
            }
            if d.unknown {
                let msg = "`network_profile.network_policy` is not set and the data plane is known only after apply: set `network_policy` to one of the allowed engines, or use the Cilium data plane (`network_data_plane = \"cilium\"`).";
                deny.add(&c, POLICY, true, msg.into())?;
                continue;
            }
        }
        let describe = match a.value {
            Value::String(s) if !s.is_empty() => format!("is {s}"),
            _ => "is not set".to_string(),
        };
        let msg = if a.unknown {
            format!("`network_profile.network_policy` is known only after apply: it must be one of {allowed_text}.")
        } else if *a.value == Value::Null {
            format!("The network policy engine {describe}: set `network_profile.network_policy` to one of {allowed_text}, or use the Cilium data plane (`network_data_plane = \"cilium\"`, which enforces policy itself).")
        } else {
            format!("The network policy engine {describe}: set `network_profile.network_policy` to one of {allowed_text}.")
        };
        deny.result(&c, &a, msg)?;
    }
    Some(deny)
}

/// AKS004 authorized-ips.
pub(super) fn aks004(input: &Input<'_>) -> Option<Deny> {
    const RANGES: Path = &[
        S::K("api_server_access_profile"),
        S::I(0),
        S::K("authorized_ip_ranges"),
    ];
    const RANGES_3X: Path = &[S::K("api_server_authorized_ip_ranges")];
    const PRIVATE: Path = &[S::K("private_cluster_enabled")];
    const FIX: &str = "set `private_cluster_enabled = true`, or `api_server_access_profile.authorized_ip_ranges` (3.x `api_server_authorized_ip_ranges`) to your trusted CIDRs";
    let mut deny = Deny::default();
    for c in clusters(input)? {
        if *c.raw(PRIVATE) == Value::Bool(true) {
            continue;
        }
        let a = c.attr2(RANGES, RANGES_3X);
        if !a.unknown && !empty(a.value) {
            continue;
        }
        if a.unknown {
            let msg = format!("The API server's authorized IP ranges are known only after apply: unless the cluster is private they must not be empty; {FIX}.");
            deny.add(&c, a.path, true, msg)?;
        } else if c.unknown(PRIVATE) {
            let msg = format!("`private_cluster_enabled` is known only after apply and the API server has no authorized IP ranges: {FIX}.");
            deny.add(&c, PRIVATE, true, msg)?;
        } else {
            let msg =
                format!("The public API server accepts connections from any IP address: {FIX}.");
            deny.add(&c, a.path, false, msg)?;
        }
    }
    const AUTO_RANGES: Path = &[
        S::K("api_server_access"),
        S::I(0),
        S::K("authorized_ip_ranges"),
    ];
    const AUTO_FIX: &str = "add a `private_cluster {}` block, or set `api_server_access { authorized_ip_ranges = [...] }` to your trusted CIDRs";
    for c in automatic_clusters(input)? {
        let p = c.attr1(&[S::K("private_cluster")]);
        let r = c.attr1(AUTO_RANGES);
        if *p.value != Value::Null || *r.value != Value::Null {
            continue;
        }
        if r.unknown {
            let msg = format!("The API server's authorized IP ranges are known only after apply: unless the cluster is private they must not be empty; {AUTO_FIX}.");
            deny.add(&c, r.path, true, msg)?;
        } else if p.unknown {
            let msg = format!("The `private_cluster` block is known only after apply and the API server has no authorized IP ranges: {AUTO_FIX}.");
            deny.add(&c, p.path, true, msg)?;
        } else {
            let msg = format!(
                "The public API server accepts connections from any IP address: {AUTO_FIX}."
            );
            deny.add(&c, r.path, false, msg)?;
        }
    }
    Some(deny)
}

/// AKS020 no-service-principal.
pub(super) fn aks020(input: &Input<'_>) -> Option<Deny> {
    const IDENTITY: Path = &[S::K("identity")];
    const ALLOWED: &[&str] = &["SystemAssigned", "UserAssigned"];
    let managed = |t: &Value| {
        in_ci(t, ALLOWED)
            || matches!(t, Value::String(s) if s.split(',').count() > 1
                && s.split(',').all(|part| in_ci(&Value::from(part.trim()), ALLOWED)))
    };
    let mut deny = Deny::default();
    let mut all = clusters(input)?;
    all.extend(automatic_clusters(input)?);
    for c in &all {
        let a = c.attr1(&[S::K("service_principal")]);
        if !c.is_unset(a.path) {
            let msg = if a.unknown {
                "The `service_principal` block is known only after apply: the cluster must authenticate with a managed identity (`identity { type = \"SystemAssigned\" }` or `\"UserAssigned\"`), not a service principal and its client secret."
            } else {
                "The cluster authenticates with a service principal and its client secret: remove the `service_principal` block and use `identity { type = \"SystemAssigned\" }` or `\"UserAssigned\"`."
            };
            deny.result(c, &a, msg.into())?;
        }
        if c.is_unset(IDENTITY) {
            let msg = "The cluster has no managed identity: add `identity { type = \"SystemAssigned\" }` (or `\"UserAssigned\"` with `identity_ids`).";
            deny.add(c, IDENTITY, false, msg.into())?;
            continue;
        }
        let a = c.attr1(&[S::K("identity"), S::I(0), S::K("type")]);
        if !managed(a.value) {
            let msg = if a.unknown {
                "The cluster's identity type is known only after apply: it must be a managed identity (`SystemAssigned` or `UserAssigned`)."
            } else {
                "The cluster's identity is not a managed identity: set `identity { type = \"SystemAssigned\" }` or `\"UserAssigned\"`."
            };
            deny.result(c, &a, msg.into())?;
        }
    }
    Some(deny)
}

/// AKS041's `renamed`: `lib.attr`, except that an unset attribute is
/// reported under the name the resource carries (a key present, even as
/// null, and not the string "<absent>", the Rego's marker).
fn renamed<'i>(c: &Obj<'i>, p0: Path, p1: Path) -> Attr<'i> {
    let a = c.attr2(p0, p1);
    if a.unknown || !empty(a.value) {
        return a;
    }
    let present = |p: Path| {
        c.get(p)
            .is_some_and(|v| !matches!(v, Value::String(s) if s.as_ref() == "<absent>"))
    };
    match [p0, p1].into_iter().find(|p| present(p)) {
        Some(path) => Attr {
            path,
            unknown: false,
            value: c.raw(path),
        },
        None => a,
    }
}

/// AKS041 upgrade-channel.
pub(super) fn aks041(input: &Input<'_>) -> Option<Deny> {
    let mut deny = Deny::default();
    for c in clusters(input)? {
        let a = renamed(
            &c,
            &[S::K("automatic_upgrade_channel")],
            &[S::K("automatic_channel_upgrade")],
        );
        if a.unknown || empty(a.value) || eq_ci(a.value, "none") {
            let msg = if a.unknown {
                format!("`{}` is known only after apply: it must name a channel other than \"none\" (\"patch\" or \"stable\").", a.name())
            } else {
                format!("The cluster is not upgraded automatically: set `{}` to \"patch\" or \"stable\".", a.name())
            };
            deny.result(&c, &a, msg)?;
        }
        let a = renamed(
            &c,
            &[S::K("node_os_upgrade_channel")],
            &[S::K("node_os_channel_upgrade")],
        );
        if a.unknown || !in_ci(a.value, &["NodeImage", "SecurityPatch"]) {
            let msg = if a.unknown {
                format!("`{}` is known only after apply: it must be \"NodeImage\" or \"SecurityPatch\", for node OS security updates to be applied automatically.", a.name())
            } else {
                format!("Node OS security updates are not applied automatically: set `{}` to \"NodeImage\" or \"SecurityPatch\".", a.name())
            };
            deny.result(&c, &a, msg)?;
        }
    }
    Some(deny)
}

/// AKS024 azure-rbac.
pub(super) fn aks024(input: &Input<'_>) -> Option<Deny> {
    const BLOCK: Path = &[S::K("azure_active_directory_role_based_access_control")];
    const ENABLED: Path = &[
        S::K("azure_active_directory_role_based_access_control"),
        S::I(0),
        S::K("azure_rbac_enabled"),
    ];
    let mut deny = Deny::default();
    for c in clusters(input)? {
        if !c.has_value(BLOCK) {
            let a = c.attr1(BLOCK);
            let msg = if a.unknown {
                "The `azure_active_directory_role_based_access_control` block is known only after apply: it must be present, with `azure_rbac_enabled = true`."
            } else {
                "The cluster has no Entra ID integration with Azure RBAC: add an `azure_active_directory_role_based_access_control` block with `azure_rbac_enabled = true`."
            };
            deny.result(&c, &a, msg.into())?;
            continue;
        }
        let a = c.attr1(ENABLED);
        if *a.value != Value::Bool(true) {
            let msg = if a.unknown {
                "`azure_rbac_enabled` is known only after apply: it must be `true`, for Kubernetes authorization through Azure RBAC."
            } else {
                "Kubernetes authorization does not use Azure RBAC: set `azure_rbac_enabled = true` in `azure_active_directory_role_based_access_control`."
            };
            deny.result(&c, &a, msg.into())?;
        }
    }
    Some(deny)
}

/// AKS039 image-cleaner; `max_hours` is its `max_interval_hours`
/// parameter (a number).
pub(super) fn aks039(input: &Input<'_>, max_hours: &Value) -> Option<Deny> {
    const ENABLED: Path = &[S::K("image_cleaner_enabled")];
    const INTERVAL: Path = &[S::K("image_cleaner_interval_hours")];
    let max = number_text(max_hours)?;
    let mut deny = Deny::default();
    for c in clusters(input)? {
        let a = c.attr1(ENABLED);
        if *a.value != Value::Bool(true) {
            let msg = if a.unknown {
                format!("`image_cleaner_enabled` is known only after apply: it must be `true`, with `image_cleaner_interval_hours` between 24 and {max}.")
            } else {
                format!("Image Cleaner is off: set `image_cleaner_enabled = true` and `image_cleaner_interval_hours` between 24 and {max}.")
            };
            deny.result(&c, &a, msg)?;
        }
        if !(c.unknown(ENABLED) || *c.raw(ENABLED) == Value::Bool(true)) {
            continue;
        }
        let a = c.attr1(INTERVAL);
        let in_range = matches!(a.value, Value::Number(_))
            && *a.value >= Value::from(24u64)
            && a.value <= max_hours;
        if !a.unknown && !in_range {
            let msg = match number_text(a.value) {
                Some(v) => format!("`image_cleaner_interval_hours` is {v}: set it between 24 and {max}."),
                None if *a.value == Value::Null => format!("`image_cleaner_interval_hours` is not set (the provider sends 0): set it between 24 and {max}."),
                None => format!("`image_cleaner_interval_hours` is not a number: set it between 24 and {max}."),
            };
            deny.result(&c, &a, msg)?;
        }
        if c.unknown(INTERVAL) {
            let msg = format!("`image_cleaner_interval_hours` is known only after apply: it must be between 24 and {max}.");
            deny.add(&c, INTERVAL, true, msg)?;
        }
    }
    Some(deny)
}

/// AKS042 monitoring.
pub(super) fn aks042(input: &Input<'_>) -> Option<Deny> {
    const OMS: Path = &[S::K("oms_agent")];
    const WORKSPACE: Path = &[
        S::K("oms_agent"),
        S::I(0),
        S::K("log_analytics_workspace_id"),
    ];
    const METRICS: Path = &[S::K("monitor_metrics")];
    let mut deny = Deny::default();
    for c in clusters(input)? {
        if c.is_unset(WORKSPACE) {
            let path = if c.is_unset(OMS) { OMS } else { WORKSPACE };
            let msg = "Container Insights is not enabled, container logs and events are not collected: add an `oms_agent` block with `log_analytics_workspace_id` set.";
            deny.add(&c, path, false, msg.into())?;
        }
        if c.is_unset(METRICS) {
            let msg = "Managed Prometheus is not enabled, cluster metrics are not collected: add a `monitor_metrics` block.";
            deny.add(&c, METRICS, false, msg.into())?;
        }
    }
    Some(deny)
}

/// AKS043 paid-sku.
pub(super) fn aks043(input: &Input<'_>) -> Option<Deny> {
    let mut deny = Deny::default();
    for c in clusters(input)? {
        let a = c.attr1(&[S::K("sku_tier")]);
        if !a.unknown && in_ci(a.value, &["Standard", "Premium", "Paid"]) {
            continue;
        }
        let msg = if a.unknown {
            "`sku_tier` is known only after apply: it must be \"Standard\" or \"Premium\" for an API server uptime SLA."
        } else {
            "The cluster runs on the Free tier, without an API server uptime SLA: set `sku_tier = \"Standard\"` (or \"Premium\")."
        };
        deny.result(&c, &a, msg.into())?;
    }
    Some(deny)
}

/// AKS011's `[decidable, count]` of a pool: None when a count is a number
/// the Rust version does not read (see `integer`).
fn pool_count(p: &Obj<'_>) -> Option<(bool, i64)> {
    let count_at = |path: Path| -> Option<(bool, i64)> {
        if p.unknown(path) {
            return Some((false, 0));
        }
        match p.raw(path) {
            v @ Value::Number(_) => Some((true, integer(v)?)),
            _ if path == NODE_COUNT => Some((true, 1)),
            _ => Some((true, 0)),
        }
    };
    let a = p.attr2(AUTOSCALING, AUTOSCALING_3X);
    if a.unknown {
        let (m, n) = (count_at(MIN_COUNT)?, count_at(NODE_COUNT)?);
        let least = if m.0 && n.0 { m.1.min(n.1) } else { 0 };
        Some((false, least))
    } else if *a.value == Value::Bool(true) {
        count_at(MIN_COUNT)
    } else {
        count_at(NODE_COUNT)
    }
}

const AUTOSCALING: Path = &[S::K("auto_scaling_enabled")];
const AUTOSCALING_3X: Path = &[S::K("enable_auto_scaling")];
const MIN_COUNT: Path = &[S::K("min_count")];
const NODE_COUNT: Path = &[S::K("node_count")];

/// AKS011 system-min-nodes; `min_nodes` is its parameter (a number).
pub(super) fn aks011(input: &Input<'_>, min_nodes: &Value) -> Option<Deny> {
    const FIX: &str = "set `default_node_pool.node_count` (or `min_count` with autoscaling) higher, or add a `mode = \"System\"` node pool";
    let min_text = number_text(min_nodes)?;
    let mut deny = Deny::default();
    for c in clusters(input)? {
        let pools = super::lib::cluster_pools(input, &c)?;
        let mut known = 0_i64;
        let mut uncertain = false;
        for p in pools.iter().filter(|p| p.is_system_pool()) {
            let (decidable, n) = pool_count(p)?;
            known = known
                .checked_add(n)
                .filter(|k| k.unsigned_abs() <= 1 << 53)?;
            uncertain |= !decidable;
        }
        if Value::from(known) >= *min_nodes {
            continue;
        }
        uncertain |=
            pools.iter().any(Obj::mode_unknown) || c.unknown(&[S::K("default_node_pool"), S::I(0)]);
        // The count that applies on the default pool, or the autoscaling
        // switch when that is what is unknown.
        // (A default pool without a list as its prefix: handed to the Rego.)
        let on_default = match pools.iter().find(|p| p.is_default_pool()) {
            None => None,
            Some(p) => {
                let mut steps = super::lib::steps(p.field("prefix"))?;
                let a = p.attr2(AUTOSCALING, AUTOSCALING_3X);
                let path = if a.unknown {
                    a.path
                } else if *a.value == Value::Bool(true) {
                    MIN_COUNT
                } else {
                    NODE_COUNT
                };
                steps.extend(path.iter().map(|&s| Step::from(s)));
                Some(steps)
            }
        };
        let attribute = on_default.unwrap_or_else(|| {
            vec![
                Step::Key("default_node_pool".into()),
                Step::Index(0),
                Step::Key("node_count".into()),
            ]
        });
        let msg = if uncertain {
            format!("The system node pools' node count is known only after apply ({known} known): they need at least {min_text} nodes; {FIX}.")
        } else {
            format!("The system node pools guarantee only {known} node(s), fewer than {min_text}: {FIX}.")
        };
        deny.add_steps(&c, attribute, uncertain, msg)?;
    }
    Some(deny)
}

/// AKS022 workload-identity.
pub(super) fn aks022(input: &Input<'_>) -> Option<Deny> {
    let mut deny = Deny::default();
    for c in clusters(input)? {
        let a = c.attr1(&[S::K("oidc_issuer_enabled")]);
        if *a.value != Value::Bool(true) {
            let msg = if a.unknown {
                "`oidc_issuer_enabled` is known only after apply: it must be `true`, which workload identity needs."
            } else {
                "The cluster's OIDC issuer is disabled, which workload identity needs: set `oidc_issuer_enabled = true`."
            };
            deny.result(&c, &a, msg.into())?;
        }
        let a = c.attr1(&[S::K("workload_identity_enabled")]);
        if *a.value != Value::Bool(true) {
            let msg = if a.unknown {
                "`workload_identity_enabled` is known only after apply: it must be `true` (with `oidc_issuer_enabled = true`)."
            } else {
                "Workload identity is disabled: set `workload_identity_enabled = true` (with `oidc_issuer_enabled = true`)."
            };
            deny.result(&c, &a, msg.into())?;
        }
    }
    Some(deny)
}

/// AKS040 maintenance.
pub(super) fn aks040(input: &Input<'_>) -> Option<Deny> {
    const AUTO_UPGRADE: Path = &[S::K("maintenance_window_auto_upgrade")];
    const NODE_OS: Path = &[S::K("maintenance_window_node_os")];
    let mut deny = Deny::default();
    for c in clusters(input)? {
        if c.is_unset(AUTO_UPGRADE) && c.is_unset(&[S::K("maintenance_window")]) {
            let msg = "Cluster upgrades can start at any time: add a `maintenance_window_auto_upgrade` block (or the legacy `maintenance_window`) with your maintenance slot.";
            deny.add(&c, AUTO_UPGRADE, false, msg.into())?;
        }
        if c.is_unset(NODE_OS) {
            let msg = "Node OS image updates can start at any time: add a `maintenance_window_node_os` block with your maintenance slot.";
            deny.add(&c, NODE_OS, false, msg.into())?;
        }
    }
    Some(deny)
}
