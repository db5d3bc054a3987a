//! AKS046 k8s-version and AKS009 authorized-ips-narrow in Rust (see
//! `rules.rs`), with the version and address range reading of
//! `rules/lib/versions.rego`.
use std::cmp::Ordering;

use regorus::Value;

use super::lib::{
    automatic_clusters, clusters, empty, in_ci, number_text, pools, Attr, ClusterIndex, Deny,
    Input, Obj, Path, S,
};

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

/// AKS046's `shown` and AKS009's `quoted`: a string in backquotes (its
/// first `n` characters when longer, as `count` (UTF-16 code units) and
/// `substring` (characters) measure), else `other`.
fn shown(v: &Value, n: usize, other: &str) -> String {
    match v {
        Value::String(s) if s.encode_utf16().count() <= n => format!("`{s}`"),
        Value::String(s) => format!("`{}...`", s.chars().take(n).collect::<String>()),
        _ => other.into(),
    }
}

/// AKS046's `shown`.
fn version_shown(v: &Value) -> String {
    shown(v, 32, "a value that is not a version")
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
pub(super) fn aks046(input: &Input<'_>, min_text: &Value, max_skew: &Value) -> Option<Deny> {
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
                let msg = format!("`kubernetes_version` {} is not a version like `1.34` or `1.34.3`: set it to {min_text} or newer.", version_shown(v));
                deny.add(&c, CP, false, msg)?;
            }
            Some(version) => {
                if min_version.is_some_and(|m| compare(version, m) == Ordering::Less) {
                    let msg = format!("Kubernetes {} is older than {min_text}: upgrade `kubernetes_version` to {min_text} or newer.", version_shown(v));
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
            let msg = format!("The node pool's `orchestrator_version` {} is not a version like `1.34` or `1.34.3`: leave it unset (it follows the control plane) or set a version.", version_shown(v));
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
                    let msg = format!("The node pool's `orchestrator_version` {} is newer than the control plane's `kubernetes_version`: a pool may not run ahead of the control plane; lower it or upgrade the control plane first.", version_shown(v));
                    deny.add(&p, POOL, false, msg)?;
                }
                let behind = minors_behind(version, cp);
                if Value::from(behind) > *max_skew {
                    let msg = format!("The node pool's `orchestrator_version` {} is {behind} minor versions behind the control plane (at most {skew} allowed): upgrade the pool.", version_shown(v));
                    deny.add(&p, POOL, false, msg)?;
                }
            }
        }
    }
    Some(deny)
}

/// `versions.parse_range`'s result: the family (4 or 6) and the prefix.
#[derive(Clone, Copy)]
struct Range {
    family: u8,
    prefix: u64,
}

/// `versions.ipv4_re`: four decimal octets 0-255 without leading zeros.
fn ipv4(a: &str) -> bool {
    let octet = |s: &str| {
        (1..=3).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_digit())
            && (s == "0" || !s.starts_with('0'))
            && s.parse::<u16>().is_ok_and(|n| n <= 255)
    };
    let parts: Vec<&str> = a.split('.').collect();
    parts.len() == 4 && parts.into_iter().all(octet)
}

/// `versions.hex_groups`: each 1-4 hex digits.
fn hex_groups(gs: &[&str]) -> bool {
    gs.iter()
        .all(|g| (1..=4).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `versions.groups`.
fn groups(s: &str) -> Vec<&str> {
    if s.is_empty() {
        Vec::new()
    } else {
        s.split(':').collect()
    }
}

/// `versions.tail_width`: how many groups the groups ending an address
/// stand for (an IPv4 tail counts as two).
fn tail_width(gs: &[&str]) -> Option<usize> {
    if hex_groups(gs) {
        return Some(gs.len());
    }
    let (last, rest) = gs.split_last()?;
    (ipv4(last) && hex_groups(rest)).then_some(gs.len() + 1)
}

/// `versions.ipv6_address`: eight groups, or fewer around one `::`.
fn ipv6(a: &str) -> bool {
    if a.contains(':')
        && !a.contains("::")
        && tail_width(&a.split(':').collect::<Vec<_>>()) == Some(8)
    {
        return true;
    }
    let halves: Vec<&str> = a.split("::").collect();
    let [head, tail] = halves[..] else {
        return false;
    };
    let head = groups(head);
    hex_groups(&head) && tail_width(&groups(tail)).is_some_and(|w| head.len() + w < 8)
}

/// `versions.parse_range`: `Some(None)` where the Rego's is undefined;
/// None for a prefix with a leading zero (`/016`), which `to_number`
/// refuses: the rule then runs as Rego.
fn parse_range(v: &Value) -> Option<Option<Range>> {
    let Value::String(s) = v else {
        return Some(None);
    };
    let mut parts = s.trim().split('/');
    let address = parts.next().unwrap_or_default();
    let prefix = parts.next();
    if parts.next().is_some() {
        return Some(None);
    }
    let (family, full) = if ipv4(address) {
        (4, 32)
    } else if ipv6(address) {
        (6, 128)
    } else {
        return Some(None);
    };
    let prefix = match prefix {
        None => full,
        Some(p) if (1..=10).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) => {
            if p.len() > 1 && p.starts_with('0') {
                return None;
            }
            p.parse().ok()?
        }
        Some(_) => return Some(None),
    };
    Some((prefix <= full).then_some(Range { family, prefix }))
}

/// AKS009 authorized-ips-narrow; `min_prefix` is its parameter (a number).
pub(super) fn aks009(input: &Input<'_>, min_prefix: &Value) -> Option<Deny> {
    const RANGES: Path = &[
        S::K("api_server_access_profile"),
        S::I(0),
        S::K("authorized_ip_ranges"),
    ];
    const RANGES_3X: Path = &[S::K("api_server_authorized_ip_ranges")];
    const AUTO: Path = &[
        S::K("api_server_access"),
        S::I(0),
        S::K("authorized_ip_ranges"),
    ];
    let min = number_text(min_prefix)?;
    let listed = |a: &Attr<'_>| a.unknown || !empty(a.value);
    let mut lists = Vec::new();
    for c in clusters(input)? {
        let a = c.attr2(RANGES, RANGES_3X);
        if listed(&a) {
            lists.push((c, a));
        }
    }
    for c in automatic_clusters(input)? {
        let a = c.attr1(AUTO);
        if listed(&a) {
            lists.push((c, a));
        }
    }
    let mut deny = Deny::default();
    for (c, a) in lists {
        let Value::Array(items) = a.value else {
            if a.unknown {
                let msg = format!("The API server's authorized IP ranges are known only after apply: each must be /{min} or narrower, never `0.0.0.0/0`.");
                deny.add(&c, a.path, true, msg)?;
            }
            continue;
        };
        let mut problems = Vec::new();
        let mut unknown_entries = false;
        for (i, r) in items.iter().enumerate() {
            let mut path = a.path.to_vec();
            path.push(S::I(i as u64));
            if c.unknown(&path) {
                unknown_entries = true;
                continue;
            }
            let problem = match parse_range(r)? {
                None => "is not an IP range".to_string(),
                Some(p) if p.prefix == 0 => "is the whole internet".to_string(),
                Some(p) if p.family == 4 && Value::from(p.prefix) < *min_prefix => {
                    format!("is wider than /{min}")
                }
                Some(_) => continue,
            };
            problems.push(format!(
                "{} {problem}",
                shown(r, 64, "an entry that is not a string")
            ));
        }
        if !problems.is_empty() {
            let msg = format!("The API server's authorized IP ranges are too wide: {}. Allow only the narrow CIDRs that need the API server (prefix /{min} or longer).", problems.join("; "));
            deny.add(&c, a.path, false, msg)?;
        } else if unknown_entries {
            let msg = format!("Some authorized IP ranges are known only after apply: each must be /{min} or narrower, never `0.0.0.0/0`.");
            deny.add(&c, a.path, true, msg)?;
        }
    }
    Some(deny)
}
