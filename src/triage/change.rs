//! The change status (`--gate`): each finding of the after side is `new` or
//! `existing` against the before side (the plan's own `before` values, or
//! `--base`), matched by rule, resource address and attribute
//! ([`super::identity`]: a resource a `moved` block renamed, and an
//! attribute renamed by the provider, keep their identity); failing
//! before-side findings the after side no longer has are `fixed`.
use std::collections::{HashMap, HashSet};

use super::identity::{identity, Identity};
use crate::finding::{Change, Finding};

/// The identity a finding keeps across both sides.
fn key(f: &Finding) -> Identity {
    identity(&f.rule_id, &f.address, &f.attribute_display())
}

/// Sets each finding's change status against `before` (None: nothing to
/// compare with, every finding gets `default`) and returns the failing
/// before-side findings the after side no longer has, sorted. `moved`:
/// the plan's renamed resources (previous address, address now); a
/// before-side finding of a previous address is one of the address now.
pub(crate) fn classify(
    findings: &mut [Finding],
    before: Option<Vec<Finding>>,
    moved: &[(String, String)],
    default: Change,
) -> Vec<Finding> {
    let Some(mut before) = before else {
        for f in findings.iter_mut() {
            f.change = default;
        }
        return Vec::new();
    };
    if !moved.is_empty() {
        let now: HashMap<&str, &str> = moved
            .iter()
            .map(|(previous, now)| (previous.as_str(), now.as_str()))
            .collect();
        for b in &mut before {
            if let Some(now) = now.get(b.address.as_str()) {
                b.address = (*now).to_string();
            }
        }
    }
    let failing: HashSet<Identity> = before.iter().map(key).collect();
    for f in findings.iter_mut() {
        f.change = if failing.contains(&key(f)) {
            Change::Existing
        } else {
            Change::New
        };
    }
    let after: HashSet<Identity> = findings.iter().map(key).collect();
    // Fixed: failing before, not after. A verdict that was only `unknown`
    // before (a value or a join the before side cannot resolve) fixed
    // nothing that is known.
    let mut fixed: Vec<Finding> = before
        .into_iter()
        .filter(|b| b.status == crate::finding::Status::Fail && !after.contains(&key(b)))
        .collect();
    for f in &mut fixed {
        f.change = Change::Existing;
    }
    fixed.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    fixed.dedup();
    fixed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Severity, Status, Step};

    fn f(rule: &str, address: &str, attr: &str) -> Finding {
        Finding {
            rule_id: rule.into(),
            rule_name: rule.into(),
            severity: Severity::High,
            status: Status::Fail,
            address: address.into(),
            resource_type: "azurerm_kubernetes_cluster".into(),
            attribute: vec![Step::Key(attr.into())],
            message: String::new(),
            file: "plan.json".into(),
            location: None,
            suppression: None,
            change: Change::New,
        }
    }

    #[test]
    fn new_existing_and_fixed_by_address_rule_and_attribute() {
        let mut after = vec![f("AKS001", "a", "x"), f("AKS002", "a", "y")];
        let before = vec![
            f("AKS001", "a", "x"),
            f("AKS002", "a", "z"),
            f("AKS003", "b", "x"),
        ];
        let fixed = classify(&mut after, Some(before), &[], Change::New);
        assert_eq!(after[0].change, Change::Existing);
        assert_eq!(after[1].change, Change::New);
        let ids: Vec<_> = fixed.iter().map(|f| (&*f.rule_id, &*f.address)).collect();
        assert_eq!(ids, [("AKS002", "a"), ("AKS003", "b")]);
    }

    #[test]
    fn without_a_before_side_every_finding_gets_the_default() {
        let mut after = vec![f("AKS001", "a", "x")];
        assert!(classify(&mut after, None, &[], Change::Existing).is_empty());
        assert_eq!(after[0].change, Change::Existing);
    }

    #[test]
    fn an_unknown_verdict_before_is_never_fixed() {
        let mut after = vec![];
        let mut unknown = f("AKS007", "a", "x");
        unknown.status = Status::Unknown;
        let fixed = classify(
            &mut after,
            Some(vec![unknown, f("AKS001", "a", "y")]),
            &[],
            Change::New,
        );
        let ids: Vec<_> = fixed.iter().map(|f| &*f.rule_id).collect();
        assert_eq!(ids, ["AKS001"]);
    }

    #[test]
    fn a_moved_resource_and_a_renamed_attribute_keep_their_findings() {
        let mut after = vec![
            f("AKS001", "module.new.c", "x"),
            f("AKS013", "c", "default_node_pool[0].auto_scaling_enabled"),
            f("AKS011", "c", "default_node_pool[0].min_count"),
            f("AKS002", "module.new.c", "y"),
        ];
        let before = vec![
            f("AKS001", "module.old.c", "x"),
            f("AKS013", "c", "default_node_pool[0].enable_auto_scaling"),
            f("AKS011", "c", "default_node_pool[0].node_count"),
            f("AKS003", "module.old.c", "z"),
        ];
        let moved = [("module.old.c".to_string(), "module.new.c".to_string())];
        let fixed = classify(&mut after, Some(before.clone()), &moved, Change::New);
        let changes: Vec<_> = after.iter().map(|f| f.change).collect();
        assert_eq!(
            changes,
            [
                Change::Existing,
                Change::Existing,
                Change::Existing,
                Change::New
            ]
        );
        // Fixed at the address the resource has now.
        let ids: Vec<_> = fixed.iter().map(|f| (&*f.rule_id, &*f.address)).collect();
        assert_eq!(ids, [("AKS003", "module.new.c")]);
        // Without the move, the old address's findings are fixed and the
        // new one's new.
        let fixed = classify(&mut after, Some(before), &[], Change::New);
        assert_eq!(after[0].change, Change::New);
        assert_eq!(fixed.len(), 2);
    }
}
