//! Findings whose root cause another finding on the same resource already
//! reports: the text formats say so in one line instead of repeating the
//! advice.
//!
//! The pairs, from the rules' own conditions:
//! - AKS004 (authorized IP ranges) fires only on a cluster that is not
//!   private, and its fix starts with `private_cluster_enabled = true`: on a
//!   cluster where AKS001 (private cluster) fails, the two findings are one
//!   cause (a public API server) and one fix.
//!
//! Pairs considered and not taken: AKS024 (Azure RBAC) and AKS026 (Kubernetes
//! RBAC) are separate settings with separate fixes; AKS032/AKS033 (Key Vault
//! secret rotation and its interval) never fire together (AKS033 reads the
//! interval only when rotation is on); AKS015/AKS016 (spot taint, spot
//! eviction) are two independent settings of a spot pool.
use std::collections::HashSet;

use super::Report;
use crate::finding::{Finding, Status};

/// (rule, the rule that reports its root cause, the cause in words).
const PAIRS: &[(&str, &str, &str)] = &[("AKS004", "AKS001", "the API server is public")];

/// The root causes a report shows: each shown, unsuppressed, failing
/// finding of a root-cause rule, by input file, rule and resource. Built
/// once per report, so that looking a finding up does not read the others.
pub struct RootCauses<'a> {
    shown: HashSet<(&'a str, &'a str, &'a str)>,
}

impl<'a> RootCauses<'a> {
    pub fn of(report: &'a Report) -> Self {
        // Of inputs of the same name (a pipe given twice), the first one's.
        let mut names = HashSet::new();
        let shown = report
            .files
            .iter()
            .filter(|r| names.insert(r.file.as_str()))
            .flat_map(|r| r.findings.iter().map(move |o| (r.file.as_str(), o)))
            .filter(|(_, o)| {
                PAIRS.iter().any(|(_, cause, _)| o.rule_id == *cause)
                    && o.status == Status::Fail
                    && o.suppression.is_none()
                    && report.is_shown(o)
            })
            .map(|(file, o)| (file, o.rule_id.as_str(), o.address.as_str()))
            .collect();
        RootCauses { shown }
    }

    /// When a shown, unsuppressed finding of the root-cause rule exists on
    /// the same resource of the same input: that rule's id and the cause in
    /// words.
    pub fn reported_by(&self, f: &Finding) -> Option<(&'static str, &'static str)> {
        let (_, cause, words) = PAIRS.iter().find(|(rule, _, _)| *rule == f.rule_id)?;
        self.shown
            .contains(&(f.file.as_str(), *cause, f.address.as_str()))
            .then_some((*cause, *words))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::report;

    fn finding(base: &Finding, rule: &str, status: Status) -> Finding {
        Finding {
            rule_id: rule.into(),
            status,
            suppression: None,
            ..base.clone()
        }
    }

    #[test]
    fn the_cause_is_looked_for_in_the_first_input_of_the_name() {
        let mut r = report(1, 0, false);
        let base = r.files[0].findings[0].clone();
        let mut second = r.files[0].clone();
        r.files[0].findings = vec![
            finding(&base, "AKS001", Status::Unknown),
            finding(&base, "AKS004", Status::Fail),
        ];
        second.findings = vec![
            finding(&base, "AKS001", Status::Fail),
            finding(&base, "AKS004", Status::Fail),
        ];
        r.files.push(second.clone());
        let aks004 = finding(&base, "AKS004", Status::Fail);
        // The first input's AKS001 is unknown: not the cause.
        assert_eq!(RootCauses::of(&r).reported_by(&aks004), None);
        // Alone, the second input's failing AKS001 is.
        r.files.remove(0);
        let causes = RootCauses::of(&r);
        assert_eq!(
            causes.reported_by(&aks004),
            Some(("AKS001", "the API server is public"))
        );
        // Not on another resource, and not for another rule.
        let elsewhere = Finding {
            address: "azurerm_kubernetes_cluster.other".into(),
            ..aks004.clone()
        };
        assert_eq!(causes.reported_by(&elsewhere), None);
        assert_eq!(
            causes.reported_by(&finding(&base, "AKS002", Status::Fail)),
            None
        );
    }
}
