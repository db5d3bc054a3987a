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
        let shown = report
            .files
            .iter()
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
