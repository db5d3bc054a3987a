//! The built-in rules about user pools' autoscaling and node counts, in
//! Rust (see `rules.rs`).
use regorus::Value;

use super::lib::{
    eq_ci, number_text, pools, ClusterIndex, Deny, Input, Obj, Path, NAP_UNKNOWN_NOTE, S,
};

const AUTOSCALING: Path = &[S::K("auto_scaling_enabled")];
const AUTOSCALING_3X: Path = &[S::K("enable_auto_scaling")];
const MIN_COUNT: Path = &[S::K("min_count")];
const MAX_COUNT: Path = &[S::K("max_count")];
const NODE_COUNT: Path = &[S::K("node_count")];
const PRIORITY: Path = &[S::K("priority")];

/// AKS013 autoscaling.
pub(super) fn aks013(input: &Input<'_>) -> Option<Deny> {
    let index = ClusterIndex::new(input)?;
    let mut deny = Deny::default();
    for p in pools(input)? {
        if !(p.is_user_pool() || p.mode_unknown()) || index.nap_auto(&p) {
            continue;
        }
        // AKS013's `emit`.
        let mut emit = |path: Path, value_unknown: bool, msg: &str| {
            if !value_unknown && p.mode_unknown() {
                let msg = format!("{msg} (the pool's mode is known only after apply)");
                deny.add(&p, path, true, msg)
            } else if value_unknown {
                deny.add(&p, path, true, msg.into())
            } else if index.nap_unknown(&p) {
                deny.add(&p, path, true, format!("{msg}{NAP_UNKNOWN_NOTE}"))
            } else {
                deny.add(&p, path, false, msg.into())
            }
        };
        let a = p.attr2(AUTOSCALING, AUTOSCALING_3X);
        if *a.value != Value::Bool(true) {
            emit(a.path, a.unknown, "The user node pool does not autoscale: set `auto_scaling_enabled = true` (3.x `enable_auto_scaling`) with `min_count` and `max_count`.")?;
        }
        if !(a.unknown || *a.value == Value::Bool(true)) {
            continue;
        }
        let max = p.attr1(MAX_COUNT);
        let max_ok = matches!(p.raw(MAX_COUNT), v @ Value::Number(_) if *v >= Value::from(1));
        if !max.unknown && !max_ok {
            emit(
                max.path,
                false,
                "The autoscaler has no usable upper bound: set `max_count` to 1 or more.",
            )?;
        }
        if max.unknown {
            emit(
                max.path,
                true,
                "The autoscaler's `max_count` is known only after apply: it must be 1 or more.",
            )?;
        }
        let min = p.attr1(MIN_COUNT);
        if p.is_unset(MIN_COUNT) {
            emit(
                min.path,
                false,
                "The autoscaler has no lower bound: set `min_count` (0 is allowed).",
            )?;
        }
        let (lo, hi) = (p.raw(MIN_COUNT), p.raw(MAX_COUNT));
        if p.has_value(MIN_COUNT)
            && p.has_value(MAX_COUNT)
            && matches!(lo, Value::Number(_))
            && matches!(hi, Value::Number(_))
            && lo > hi
        {
            emit(MIN_COUNT, false, "The autoscaler's `min_count` is greater than `max_count`: set `min_count <= max_count`.")?;
        }
        if min.unknown {
            emit(
                min.path,
                true,
                "The autoscaler's `min_count` is known only after apply: it must not exceed `max_count`.",
            )?;
        }
    }
    Some(deny)
}

/// AKS019's `doubts`: what is known only after apply about a pool.
fn doubts(index: &ClusterIndex<'_>, p: &Obj<'_>) -> String {
    let mut out = String::new();
    if p.mode_unknown() {
        out.push_str(" (the pool's mode is known only after apply)");
    }
    if p.unknown(PRIORITY) {
        out.push_str(" (the pool's priority is known only after apply: Spot pools are exempt)");
    }
    if index.nap_unknown(p) {
        out.push_str(NAP_UNKNOWN_NOTE);
    }
    out
}

/// AKS019 user-pool-min-nodes; `min_nodes` is its parameter (a number).
pub(super) fn aks019(input: &Input<'_>, min_nodes: &Value) -> Option<Deny> {
    let min_text = number_text(min_nodes)?;
    let index = ClusterIndex::new(input)?;
    let count_ok = |v: &Value| matches!(v, Value::Number(_)) && v >= min_nodes;
    let mut deny = Deny::default();
    for p in pools(input)? {
        let spot = !p.unknown(PRIORITY) && eq_ci(p.raw(PRIORITY), "Spot");
        if !p.is_resource_pool() || p.is_system_pool() || spot || index.nap_auto(&p) {
            continue;
        }
        // AKS019's `emit`.
        let doubts = doubts(&index, &p);
        let mut emit = |path: Path, value_unknown: bool, msg: String| {
            let unknown = value_unknown || !doubts.is_empty();
            deny.add(&p, path, unknown, format!("{msg}{doubts}"))
        };
        let a = p.attr2(AUTOSCALING, AUTOSCALING_3X);
        if !a.unknown {
            let path = if *a.value == Value::Bool(true) {
                MIN_COUNT
            } else {
                NODE_COUNT
            };
            let name = if *a.value == Value::Bool(true) {
                "min_count"
            } else {
                "node_count"
            };
            let c = p.attr1(path);
            if !count_ok(c.value) {
                let msg = if c.unknown {
                    format!("`{name}` is known only after apply: the user node pool must keep at least {min_text} nodes.")
                } else if let Some(n) = number_text(c.value) {
                    let word = if *c.value == Value::from(1) {
                        "node"
                    } else {
                        "nodes"
                    };
                    format!("The user node pool can shrink to {n} {word}: set `{name}` to at least {min_text}.")
                } else {
                    format!("The user node pool has no `{name}`: set it to at least {min_text}.")
                };
                emit(path, c.unknown, msg)?;
            }
        } else {
            for name in ["min_count", "node_count"] {
                if !count_ok(p.raw(&[S::K(name)])) {
                    emit(a.path, true, format!("Autoscaling is known only after apply and `{name}` is below {min_text}: the user node pool must keep at least {min_text} nodes."))?;
                }
            }
        }
    }
    Some(deny)
}
