//! Reports: everything a run found, and the formats that render it.
pub mod compact;
pub mod github;
pub(crate) mod inert_json;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod output;
pub mod root_cause;
pub mod sarif;
#[cfg(test)]
mod testing;
pub mod text;

use std::collections::BTreeMap;

use serde::Serialize;

pub use crate::cli::{Gate, UnknownMode};
use crate::error::InputError;
use crate::exit::ExitStatus;
use crate::finding::{Change, Finding, Severity, Status};
use crate::rules::RuleMeta;

/// What happened to one input.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub file: String,
    pub resources: usize,
    pub findings: Vec<Finding>,
    pub errors: Vec<InputError>,
    /// Linted (true) or rejected before any rule ran (false).
    pub linted: bool,
    /// Findings of the before side that the change fixes (status as on the
    /// before side; never suppressed ones).
    pub fixed: Vec<Finding>,
    /// Resources a `moved` block renamed: (previous address, address now),
    /// for the baseline. Not reported.
    pub moved: Vec<(String, String)>,
}

/// A whole run.
#[derive(Debug, Clone)]
pub struct Report {
    pub files: Vec<FileReport>,
    /// Metadata of the rules that ran, sorted by id.
    pub rules: Vec<RuleMeta>,
    pub unknown: UnknownMode,
    pub fail_on: Option<Severity>,
    /// Warnings about the run itself (expired exceptions and suppressions).
    pub warnings: Vec<String>,
    /// List suppressed findings too (`--show-suppressed`).
    pub show_suppressed: bool,
    /// `--gate`: with `new`, only new findings fail the run.
    pub gate: Gate,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub resources: usize,
    /// Failing findings by severity.
    pub findings: BTreeMap<&'static str, usize>,
    pub unknown: usize,
    /// Findings suppressed by exceptions, inline comments or the baseline.
    pub suppressed: usize,
    pub errors: usize,
    /// Reported findings (not suppressed) the change introduces.
    pub new: usize,
    /// Reported findings (not suppressed) that failed before the change too.
    pub existing: usize,
    /// Findings the change fixes.
    pub fixed: usize,
    /// Whether the run fails on its findings (exit status 1).
    pub failed: bool,
}

impl Report {
    /// Findings as reported (unknown ones dropped with `--unknown ignore`), in
    /// deterministic order.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.files
            .iter()
            .flat_map(|f| f.findings.iter())
            .filter(|f| self.is_shown(f))
    }

    /// Findings as SARIF reports them: those of [`Report::findings`] and the
    /// suppressed ones whatever `--show-suppressed` (SARIF marks them with
    /// `suppressions`: left out, code scanning would close their alerts as
    /// fixed, and open new ones when the suppression ends).
    pub fn findings_with_suppressed(&self) -> impl Iterator<Item = &Finding> {
        self.files
            .iter()
            .flat_map(|f| f.findings.iter())
            .filter(|f| f.status == Status::Fail || self.unknown != UnknownMode::Ignore)
    }

    /// Is this finding part of the report (not hidden by `--unknown ignore`,
    /// not suppressed unless `--show-suppressed`)?
    pub(crate) fn is_shown(&self, f: &Finding) -> bool {
        (f.status == Status::Fail || self.unknown != UnknownMode::Ignore)
            && (f.suppression.is_none() || self.show_suppressed)
    }

    /// Suppressed findings (shown or not).
    pub(crate) fn suppressed_count(&self) -> usize {
        self.files
            .iter()
            .flat_map(|f| f.findings.iter())
            .filter(|f| f.suppression.is_some())
            .count()
    }

    /// Findings the change fixes, in deterministic order.
    pub fn fixed(&self) -> impl Iterator<Item = &Finding> {
        self.files.iter().flat_map(|f| f.fixed.iter())
    }

    pub fn errors(&self) -> impl Iterator<Item = &InputError> {
        self.files.iter().flat_map(|f| f.errors.iter())
    }

    pub fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Does this finding count towards the exit status?
    pub(crate) fn is_failing(&self, f: &Finding) -> bool {
        if f.suppression.is_some() || (self.gate == Gate::New && f.change != Change::New) {
            return false;
        }
        let counted = match f.status {
            Status::Fail => true,
            Status::Unknown => self.unknown == UnknownMode::Fail,
        };
        counted && self.fail_on.is_some_and(|t| f.severity >= t)
    }

    pub fn summary(&self) -> Summary {
        let mut by_sev: BTreeMap<&'static str, usize> =
            Severity::ALL.iter().map(|s| (s.as_str(), 0)).collect();
        let mut unknown = 0;
        let (mut new, mut existing) = (0, 0);
        for f in self.findings().filter(|f| f.suppression.is_none()) {
            match f.change {
                Change::New => new += 1,
                Change::Existing => existing += 1,
            }
            match f.status {
                Status::Fail => *by_sev.entry(f.severity.as_str()).or_default() += 1,
                Status::Unknown => unknown += 1,
            }
        }
        Summary {
            files: self.files.iter().filter(|f| f.linted).count(),
            resources: self.files.iter().map(|f| f.resources).sum(),
            findings: by_sev,
            unknown,
            suppressed: self.suppressed_count(),
            errors: self.errors().count(),
            new,
            existing,
            fixed: self.fixed().count(),
            failed: self.findings().any(|f| self.is_failing(f)),
        }
    }

    /// 0 clean, 1 failing findings, 2 errors.
    pub(crate) fn exit_status(&self) -> ExitStatus {
        if self.errors().next().is_some() {
            ExitStatus::Error
        } else if self.summary().failed {
            ExitStatus::Findings
        } else {
            ExitStatus::Clean
        }
    }
}
