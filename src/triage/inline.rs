//! Inline suppressions in `.tf` files:
//! `# akslint:ignore AKS001[,AKS002] [exp:YYYY-MM-DD] [-- reason]`
//! (`//` comments too). On the line above a `resource` block, or on the
//! first lines inside it, it applies to the resource; on the line above an
//! attribute, to findings on that attribute.
use crate::settings::Date;

/// One parsed `akslint:ignore` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Inline {
    /// Rule ids or names as written.
    pub rules: Vec<String>,
    pub expires: Option<Date>,
    pub reason: Option<String>,
}

impl Inline {
    pub(crate) fn covers(&self, rule_id: &str, rule_name: &str) -> bool {
        self.rules
            .iter()
            .any(|r| r.eq_ignore_ascii_case(rule_id) || r.eq_ignore_ascii_case(rule_name))
    }
}

/// Parses a source line; None when it is not an `akslint:ignore` comment
/// (an unparsable expiry makes it not one either, so nothing is silently
/// suppressed forever).
pub fn parse(line: &str) -> Option<Inline> {
    let t = line.trim_start();
    let body = t
        .strip_prefix("//")
        .or_else(|| t.strip_prefix('#'))?
        .trim_start();
    let rest = body.strip_prefix("akslint:ignore")?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let (spec, reason) = match rest.split_once("--") {
        Some((s, r)) => (s, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
        None => (rest, None),
    };
    let mut rules = Vec::new();
    let mut expires = None;
    for word in spec.split_whitespace() {
        if let Some(d) = word.strip_prefix("exp:") {
            expires = Some(Date::parse(d)?);
        } else {
            rules.extend(
                word.split(',')
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(str::to_string),
            );
        }
    }
    (!rules.is_empty()).then_some(Inline {
        rules,
        expires,
        reason,
    })
}

/// Whether a line is an `akslint:ignore` comment at all (parsed or not).
fn is_ignore_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.strip_prefix("//")
        .or_else(|| t.strip_prefix('#'))
        .is_some_and(|b| b.trim_start().starts_with("akslint:ignore"))
}

/// The comments that apply to a finding: the line above its attribute
/// (when the finding is on an attribute), the line above its resource block,
/// and the comment lines at the top of the block. Lines are 1-based. None:
/// an `akslint:ignore` comment that does not parse (no rule, a bad expiry),
/// which suppresses nothing.
pub(crate) fn applicable(
    lines: &[&str],
    attribute_line: Option<usize>,
    header_line: usize,
) -> Vec<(usize, Option<Inline>)> {
    let mut out = Vec::new();
    let at = |n: usize| -> Option<(usize, Option<Inline>)> {
        let text = lines.get(n.checked_sub(1)?)?;
        is_ignore_comment(text).then(|| (n, parse(text)))
    };
    if let Some(a) = attribute_line.filter(|a| *a != header_line) {
        out.extend(at(a.saturating_sub(1)));
    }
    out.extend(at(header_line.saturating_sub(1)));
    let mut n = header_line + 1;
    while let Some(text) = lines.get(n - 1) {
        let t = text.trim_start();
        if !(t.starts_with('#') || t.starts_with("//")) {
            break;
        }
        out.extend(at(n));
        n += 1;
    }
    out.sort_by_key(|(n, _)| *n);
    out.dedup_by_key(|(n, _)| *n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_comment_forms() {
        let i = parse("  # akslint:ignore AKS001,zones exp:2027-03-31 -- behind the VPN").unwrap();
        assert_eq!(i.rules, vec!["AKS001", "zones"]);
        assert_eq!(i.expires.unwrap().to_string(), "2027-03-31");
        assert_eq!(i.reason.as_deref(), Some("behind the VPN"));
        assert!(i.covers("AKS012", "zones"));
        let j = parse("// akslint:ignore AKS002").unwrap();
        assert_eq!(j.rules, vec!["AKS002"]);
        assert!(j.reason.is_none() && j.expires.is_none());
        assert!(parse("# akslint:ignoreAKS001").is_none());
        assert!(parse("# akslint:ignore").is_none());
        assert!(parse("# akslint:ignore AKS001 exp:2027-02-30").is_none());
        assert!(parse("private_cluster_enabled = false # akslint:ignore AKS001").is_none());
    }

    #[test]
    fn finds_comments_above_attribute_and_block() {
        let src = [
            "# akslint:ignore AKS001",
            "resource \"azurerm_kubernetes_cluster\" \"a\" {",
            "  # akslint:ignore AKS025 -- break glass",
            "  name = \"a\"",
            "  // akslint:ignore AKS012",
            "  zones = []",
            "}",
        ];
        let found: Vec<usize> = applicable(&src, Some(6), 2)
            .iter()
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(found, vec![1, 3, 5]);
        let found: Vec<usize> = applicable(&src, Some(4), 2)
            .iter()
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(found, vec![1, 3]);
        // A comment that does not parse is found, as None.
        let src = [
            "# akslint:ignore AKS001 exp:2027-13-45",
            "resource \"x\" \"y\" {",
            "}",
        ];
        let found = applicable(&src, None, 2);
        assert_eq!(found, vec![(1, None)]);
    }
}
