//! AKS046 k8s-version in Rust (see `rules.rs`), with the version reading
//! of `rules/lib/versions.rego`.
use std::cmp::Ordering;

use regorus::Value;

use super::lib::{clusters, in_ci, number_text, pools, ClusterIndex, Deny, Obj, Path, S};

/// `versions.parse_version`'s result: `patch` None for `null`.
#[derive(Clone, Copy)]
struct Version {
    major: i64,
    minor: i64,
    patch: Option<i64>,
}

/// One number of a version: `0|[1-9][0-9]{0,5}`.
fn part(s: &str) -> Option<i64> {
    let digits = !s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit());
    (digits && (s == "0" || !s.starts_with('0')))
        .then(|| s.parse().ok())
        .flatten()
}

/// `versions.parse_version`: a string like `1.34`, `v1.34.3` (spaces
/// around it trimmed as `trim_space` does); None where the Rego's is
/// undefined.
fn parse_version(v: &Value) -> Option<Version> {
    let Value::String(s) = v else {
        return None;
    };
    let s = s.trim();
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    let mut parts = s.split('.');
    let major = part(parts.next()?)?;
    let minor = part(parts.next()?)?;
    let patch = match parts.next() {
        None => None,
        Some(p) => Some(part(p)?),
    };
    parts.next().is_none().then_some(Version {
        major,
        minor,
        patch,
    })
}

/// `versions.compare`: a patch missing on either side compares equal.
fn compare(a: Version, b: Version) -> Ordering {
    a.major
        .cmp(&b.major)
        .then(a.minor.cmp(&b.minor))
        .then(match (a.patch, b.patch) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => Ordering::Equal,
        })
}

/// `versions.minors_behind`.
fn minors_behind(a: Version, b: Version) -> i64 {
    ((b.major - a.major) * 1000 + b.minor) - a.minor
}

/// AKS046's `shown`: a string in backquotes (its first 32 characters when
/// longer, as `count` and `substring` measure), else a fixed text.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) if s.encode_utf16().count() <= 32 => format!("`{s}`"),
        Value::String(s) => format!("`{}...`", s.chars().take(32).collect::<String>()),
        _ => "a value that is not a version".into(),
    }
}

/// The control plane a pool is compared with (AKS046's `control_plane`):
/// None where the Rego's is undefined, `Some(None)` when its version is
/// known only after apply.
fn control_plane(index: &ClusterIndex<'_>, p: &Obj<'_>) -> Option<Option<Version>> {
    let c = index.cluster_of(p)?;
    if c.unknown(CP) {
        return Some(None);
    }
    if !c.has_value(CP) {
        return None;
    }
    parse_version(c.raw(CP)).map(Some)
}

const CP: Path = &[S::K("kubernetes_version")];

/// AKS046 k8s-version; `min_text` and `max_skew` are its parameters (a
/// string or a number, and a number).
pub(super) fn aks046(input: &Value, min_text: &Value, max_skew: &Value) -> Option<Deny> {
    const POOL: Path = &[S::K("orchestrator_version")];
    const CHANNEL: Path = &[S::K("automatic_upgrade_channel")];
    const CHANNEL_3X: Path = &[S::K("automatic_channel_upgrade")];
    let min_text = match min_text {
        Value::String(s) => s.to_string(),
        v => number_text(v)?,
    };
    let skew = number_text(max_skew)?;
    let min_version = parse_version(&Value::from(min_text.as_str()));
    let index = ClusterIndex::new(input)?;
    let mut deny = Deny::default();
    for c in clusters(input)? {
        if c.unknown(CP) {
            let msg = format!(
                "`kubernetes_version` is known only after apply: it must be {min_text} or newer."
            );
            deny.add(&c, CP, true, msg)?;
        }
        if c.is_unset(CP) {
            let ch = c.attr2(CHANNEL, CHANNEL_3X);
            if !in_ci(ch.value, &["patch", "stable", "rapid"]) {
                if ch.unknown {
                    deny.add(&c, CP, true, "`kubernetes_version` is not set and the auto-upgrade channel is known only after apply: set `kubernetes_version`, or a channel that upgrades it (`patch`, `stable`, `rapid`).".into())?;
                } else {
                    deny.add(&c, CP, false, format!("`kubernetes_version` is not set and no auto-upgrade channel moves it (the provider picks a version at creation and never upgrades it): set `kubernetes_version` to {min_text} or newer, or `automatic_upgrade_channel` (3.x `automatic_channel_upgrade`) to `patch`, `stable` or `rapid`."))?;
                }
            }
        }
        if !c.has_value(CP) {
            continue;
        }
        let v = c.raw(CP);
        match parse_version(v) {
            None => {
                let msg = format!("`kubernetes_version` {} is not a version like `1.34` or `1.34.3`: set it to {min_text} or newer.", shown(v));
                deny.add(&c, CP, false, msg)?;
            }
            Some(version) => {
                if min_version.is_some_and(|m| compare(version, m) == Ordering::Less) {
                    let msg = format!("Kubernetes {} is older than {min_text}: upgrade `kubernetes_version` to {min_text} or newer.", shown(v));
                    deny.add(&c, CP, false, msg)?;
                }
            }
        }
    }
    for p in pools(input)? {
        if p.unknown(POOL) {
            let msg = format!("The node pool's `orchestrator_version` is known only after apply: it must not be newer than the control plane nor more than {skew} minor versions behind it.");
            deny.add(&p, POOL, true, msg)?;
        }
        if !p.has_value(POOL) {
            continue;
        }
        let v = p.raw(POOL);
        let Some(version) = parse_version(v) else {
            let msg = format!("The node pool's `orchestrator_version` {} is not a version like `1.34` or `1.34.3`: leave it unset (it follows the control plane) or set a version.", shown(v));
            deny.add(&p, POOL, false, msg)?;
            continue;
        };
        match control_plane(&index, &p) {
            None => {}
            Some(None) => {
                let msg = format!("The control plane's `kubernetes_version` is known only after apply: the node pool's `orchestrator_version` must not be newer than it nor more than {skew} minor versions behind it.");
                deny.add(&p, POOL, true, msg)?;
            }
            Some(Some(cp)) => {
                if compare(version, cp) == Ordering::Greater {
                    let msg = format!("The node pool's `orchestrator_version` {} is newer than the control plane's `kubernetes_version`: a pool may not run ahead of the control plane; lower it or upgrade the control plane first.", shown(v));
                    deny.add(&p, POOL, false, msg)?;
                }
                let behind = minors_behind(version, cp);
                if Value::from(behind) > *max_skew {
                    let msg = format!("The node pool's `orchestrator_version` {} is {behind} minor versions behind the control plane (at most {skew} allowed): upgrade the pool.", shown(v));
                    deny.add(&p, POOL, false, msg)?;
                }
            }
        }
    }
    Some(deny)
}
