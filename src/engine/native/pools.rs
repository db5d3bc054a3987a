//! The built-in rules about node pools, in Rust (see `rules.rs`).
use std::collections::BTreeSet;

use regorus::Value;

use super::lib::{
    automatic_clusters, empty, eq_ci, integer, number_text, pools, quoted, ClusterIndex, Deny,
    Input, Path, NAP_UNKNOWN_NOTE, S,
};

/// AKS010 critical-addons.
pub(super) fn aks010(input: &Input<'_>) -> Option<Deny> {
    const TAINT: &str = "CriticalAddonsOnly=true:NoSchedule";
    const ONLY_CRITICAL: Path = &[S::K("only_critical_addons_enabled")];
    const TAINTS: Path = &[S::K("node_taints")];
    let mut deny = Deny::default();
    for p in pools(input)? {
        let default = p.is_default_pool();
        if !(p.is_system_pool() || p.mode_unknown()) {
            continue;
        }
        let taints = match p.raw(TAINTS) {
            Value::Array(a) => Some(a),
            _ => None,
        };
        let reserved = *p.raw(ONLY_CRITICAL) == Value::Bool(true)
            || taints.is_some_and(|t| {
                t.iter()
                    .any(|t| matches!(t, Value::String(s) if s.as_ref() == TAINT))
            });
        if reserved {
            continue;
        }
        let taints_unknown = p.unknown(TAINTS)
            || taints.is_some_and(|t| {
                (0..t.len()).any(|i| p.unknown(&[S::K("node_taints"), S::I(i as u64)]))
            });
        let (msg, attribute) = if default {
            ("The system node pool also runs application pods: set `default_node_pool.only_critical_addons_enabled = true`.", ONLY_CRITICAL)
        } else {
            ("The system node pool also runs application pods: add `\"CriticalAddonsOnly=true:NoSchedule\"` to `node_taints`.", TAINTS)
        };
        if p.unknown(ONLY_CRITICAL) {
            deny.add(
                &p,
                ONLY_CRITICAL,
                true,
                format!("{msg} (`only_critical_addons_enabled` is known only after apply)"),
            )?;
        } else if taints_unknown {
            deny.add(
                &p,
                TAINTS,
                true,
                format!("{msg} (`node_taints` is known only after apply)"),
            )?;
        } else if p.mode_unknown() {
            deny.add(
                &p,
                attribute,
                true,
                format!("{msg} (the pool's mode is known only after apply)"),
            )?;
        } else {
            deny.add(&p, attribute, false, msg.into())?;
        }
    }
    Some(deny)
}

/// AKS012 zones; `required` is its `required_zones` parameter.
pub(super) fn aks012(input: &Input<'_>, required: &[Value]) -> Option<Deny> {
    const ZONES: Path = &[S::K("zones")];
    // `zone(z)`: a string, or an integer as text; None for another value.
    let zone = |z: &Value| -> Option<Option<String>> {
        match z {
            Value::String(s) => Some(Some(s.to_string())),
            Value::Number(_) => Some(Some(integer(z)?.to_string())),
            _ => Some(None),
        }
    };
    let quote_all = |zones: &BTreeSet<String>| -> Option<String> {
        let quoted: Option<Vec<String>> = zones.iter().map(|z| quoted(z)).collect();
        Some(quoted?.join(", "))
    };
    let mut wanted = BTreeSet::new();
    for z in required {
        wanted.extend(zone(z)?);
    }
    let required_text = quote_all(&wanted)?;
    let mut deny = Deny::default();
    for p in pools(input)? {
        let raw = p.raw(ZONES);
        let mut zones = BTreeSet::new();
        if let Value::Array(a) = raw {
            for z in a.iter() {
                zones.extend(zone(z)?);
            }
        }
        if wanted.is_subset(&zones) {
            continue;
        }
        let element_unknown = match raw {
            Value::Array(a) => (0..a.len()).any(|i| p.unknown(&[S::K("zones"), S::I(i as u64)])),
            _ => false,
        };
        if p.unknown(ZONES) {
            let msg = format!("The node pool's `zones` are known only after apply: they must include {required_text}.");
            deny.add(&p, ZONES, true, msg)?;
        } else if element_unknown {
            let msg = format!("Some of the node pool's `zones` are known only after apply: they must include {required_text}.");
            deny.add(&p, ZONES, true, msg)?;
        } else {
            let describe = if zones.is_empty() {
                "is not spread across availability zones".to_string()
            } else {
                format!("runs in zones {} only", quote_all(&zones)?)
            };
            let msg = format!("The node pool {describe}: set `zones = [{required_text}]`.");
            deny.add(&p, ZONES, false, msg)?;
        }
    }
    Some(deny)
}

/// AKS016 spot-eviction; `max_price` is its parameter (a number).
pub(super) fn aks016(input: &Input<'_>, max_price: &Value) -> Option<Deny> {
    const PRIORITY: Path = &[S::K("priority")];
    let max = number_text(max_price)?;
    let minus_one = Value::from(-1_i64);
    let mut deny = Deny::default();
    for p in pools(input)? {
        let priority_unknown = p.unknown(PRIORITY);
        if !(priority_unknown || eq_ci(p.raw(PRIORITY), "Spot")) {
            continue;
        }
        // The library's `verdict`: unknown when the priority is.
        let mut verdict = |a: &super::lib::Attr<'_>, msg: String, unknown_msg: String| {
            if !a.unknown && priority_unknown {
                deny.add(
                    &p,
                    a.path,
                    true,
                    format!("{msg} (the pool's priority is known only after apply)"),
                )
            } else if a.unknown {
                deny.add(&p, a.path, true, unknown_msg)
            } else {
                deny.add(&p, a.path, false, msg)
            }
        };
        let a = p.attr1(&[S::K("eviction_policy")]);
        if !((!a.unknown && empty(a.value)) || eq_ci(a.value, "Delete")) {
            verdict(
                &a,
                "Evicted spot nodes are deallocated and keep holding quota and disks: set `eviction_policy = \"Delete\"`.".into(),
                "`eviction_policy` is known only after apply: it must be \"Delete\" (or unset), or evicted spot nodes keep holding quota and disks.".into(),
            )?;
        }
        let a = p.attr1(&[S::K("spot_max_price")]);
        let price = if empty(a.value) { &minus_one } else { a.value };
        if a.unknown || price != max_price {
            verdict(
                &a,
                format!("The spot pool's maximum price differs from the required {max}: set `spot_max_price = {max}`."),
                format!("`spot_max_price` is known only after apply: it must be {max}."),
            )?;
        }
    }
    Some(deny)
}

/// AKS017 host-encryption.
pub(super) fn aks017(input: &Input<'_>) -> Option<Deny> {
    let mut deny = Deny::default();
    for p in pools(input)? {
        let a = p.attr2(
            &[S::K("host_encryption_enabled")],
            &[S::K("enable_host_encryption")],
        );
        if *a.value == Value::Bool(true) {
            continue;
        }
        let msg = if a.unknown {
            format!("`{}` is known only after apply: it must be `true`, to encrypt the node pool's temp disks and caches at the host.", a.name())
        } else {
            "The node pool does not encrypt temp disks and caches at the host: set `host_encryption_enabled = true` (3.x `enable_host_encryption`).".to_string()
        };
        deny.result(&p, &a, msg)?;
    }
    Some(deny)
}

/// AKS018 node-public-ip.
pub(super) fn aks018(input: &Input<'_>) -> Option<Deny> {
    let mut deny = Deny::default();
    for p in pools(input)? {
        let a = p.attr2(
            &[S::K("node_public_ip_enabled")],
            &[S::K("enable_node_public_ip")],
        );
        if !a.unknown && *a.value != Value::Bool(true) {
            continue;
        }
        let msg = if a.unknown {
            format!("`{}` is known only after apply: it must not be `true`, or the node pool gives its nodes public IP addresses.", a.name())
        } else {
            "The node pool gives its nodes public IP addresses: set `node_public_ip_enabled = false` (3.x `enable_node_public_ip`) or remove it.".to_string()
        };
        deny.result(&p, &a, msg)?;
    }
    Some(deny)
}

/// AKS014 ephemeral-os.
pub(super) fn aks014(input: &Input<'_>) -> Option<Deny> {
    const MSG: &str =
        "The user node pool's OS disk is a managed disk: set `os_disk_type = \"Ephemeral\"`.";
    let index = ClusterIndex::new(input)?;
    let mut deny = Deny::default();
    for p in pools(input)? {
        if !(p.is_user_pool() || p.mode_unknown()) || index.nap_auto(&p) {
            continue;
        }
        let a = p.attr1(&[S::K("os_disk_type")]);
        if eq_ci(a.value, "Ephemeral") {
            continue;
        }
        if !a.unknown && p.mode_unknown() {
            let msg = format!("{MSG} (the pool's mode is known only after apply)");
            deny.add(&p, a.path, true, msg)?;
        } else if !a.unknown && index.nap_unknown(&p) {
            deny.add(&p, a.path, true, format!("{MSG}{NAP_UNKNOWN_NOTE}"))?;
        } else {
            deny.result(&p, &a, MSG.into())?;
        }
    }
    Some(deny)
}

/// AKS047 max-pods; `min` is its parameter (a number).
pub(super) fn aks047(input: &Input<'_>, min: &Value) -> Option<Deny> {
    const MAX_PODS: Path = &[S::K("max_pods")];
    let min_text = number_text(min)?;
    let mut deny = Deny::default();
    for p in pools(input)? {
        if p.unknown(MAX_PODS) {
            let msg =
                format!("`max_pods` is known only after apply: it must be at least {min_text}.");
            deny.add(&p, MAX_PODS, true, msg)?;
        }
        if !p.has_value(MAX_PODS) {
            continue;
        }
        let v = p.raw(MAX_PODS);
        if matches!(v, Value::Number(_)) && v >= min {
            continue;
        }
        let shown = number_text(v).unwrap_or_else(|| "an invalid number of".into());
        deny.add(&p, MAX_PODS, false, format!("The node pool allows {shown} pods per node: set `max_pods` to at least {min_text} (or leave it unset for the network plugin's default)."))?;
    }
    Some(deny)
}

/// AKS006 vnet-subnet.
pub(super) fn aks006(input: &Input<'_>) -> Option<Deny> {
    const SUBNET: Path = &[S::K("vnet_subnet_id")];
    const HOSTED: Path = &[S::K("hosted_system")];
    let mut deny = Deny::default();
    for p in pools(input)? {
        if p.is_unset(SUBNET) {
            deny.add(&p, SUBNET, false, "The node pool has no subnet of your own virtual network: set `vnet_subnet_id` to a subnet of the cluster's spoke network.".into())?;
        }
    }
    for c in automatic_clusters(input)? {
        if c.is_unset(HOSTED) {
            deny.add(&c, HOSTED, false, "The AKS Automatic cluster's nodes do not live in a subnet of your own virtual network: add `hosted_system { node_subnet_id = ..., system_node_subnet_id = ... }` with subnets of the cluster's spoke network.".into())?;
        }
    }
    Some(deny)
}

/// AKS015 spot-taint.
pub(super) fn aks015(input: &Input<'_>) -> Option<Deny> {
    const TAINT: &str = "kubernetes.azure.com/scalesetpriority=spot:NoSchedule";
    const MSG: &str = "The spot node pool lacks the spot taint: add `\"kubernetes.azure.com/scalesetpriority=spot:NoSchedule\"` to `node_taints`.";
    const PRIORITY: Path = &[S::K("priority")];
    const TAINTS: Path = &[S::K("node_taints")];
    let mut deny = Deny::default();
    for p in pools(input)? {
        let priority_unknown = p.unknown(PRIORITY);
        if !(priority_unknown || eq_ci(p.raw(PRIORITY), "Spot")) {
            continue;
        }
        let taints = match p.raw(TAINTS) {
            Value::Array(a) => Some(a),
            _ => None,
        };
        if taints.is_some_and(|t| {
            t.iter()
                .any(|t| matches!(t, Value::String(s) if s.as_ref() == TAINT))
        }) {
            continue;
        }
        let taints_unknown = p.unknown(TAINTS)
            || taints.is_some_and(|t| {
                t.iter().enumerate().any(|(i, t)| {
                    *t == Value::Null && p.unknown(&[S::K("node_taints"), S::I(i as u64)])
                })
            });
        if taints_unknown {
            let msg = format!("{MSG} (`node_taints` is known only after apply)");
            deny.add(&p, TAINTS, true, msg)?;
        } else if priority_unknown {
            let msg = format!("{MSG} (the pool's priority is known only after apply)");
            deny.add(&p, TAINTS, true, msg)?;
        } else {
            deny.add(&p, TAINTS, false, MSG.into())?;
        }
    }
    Some(deny)
}
