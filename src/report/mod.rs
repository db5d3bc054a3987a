//! Reports: everything a run found, and the formats that render it.
pub mod compact;
pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod root_cause;
pub mod sarif;
pub mod text;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::InputError;
use crate::finding::{Finding, Severity, Status};
use crate::rules::RuleMeta;
use crate::settings::UnknownMode;

/// What happened to one input.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub file: String,
    pub resources: usize,
    pub findings: Vec<Finding>,
    pub errors: Vec<InputError>,
    /// Linted (true) or rejected before any rule ran (false).
    pub linted: bool,
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

    /// Is this finding part of the report (not hidden by `--unknown ignore`,
    /// not suppressed unless `--show-suppressed`)?
    pub fn is_shown(&self, f: &Finding) -> bool {
        (f.status == Status::Fail || self.unknown != UnknownMode::Ignore)
            && (f.suppression.is_none() || self.show_suppressed)
    }

    /// Suppressed findings (shown or not).
    pub fn suppressed_count(&self) -> usize {
        self.files
            .iter()
            .flat_map(|f| f.findings.iter())
            .filter(|f| f.suppression.is_some())
            .count()
    }

    pub fn errors(&self) -> impl Iterator<Item = &InputError> {
        self.files.iter().flat_map(|f| f.errors.iter())
    }

    pub fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Does this finding count towards the exit status?
    pub fn is_failing(&self, f: &Finding) -> bool {
        if f.suppression.is_some() {
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
        for f in self.findings().filter(|f| f.suppression.is_none()) {
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
            failed: self.findings().any(|f| self.is_failing(f)),
        }
    }

    /// 0 clean, 1 failing findings, 2 errors.
    pub fn exit_code(&self) -> u8 {
        if self.errors().next().is_some() {
            2
        } else if self.summary().failed {
            1
        } else {
            0
        }
    }
}
