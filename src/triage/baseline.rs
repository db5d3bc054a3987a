//! Baselines: `--write-baseline FILE` records today's findings by
//! fingerprint (rule, address, attribute, status: no line numbers),
//! `--baseline FILE` then reports only findings that are not in it.
//!
//! An entry accepts its rule's finding on its resource and attribute
//! ([`super::identity`]: the attribute as azurerm 4.x names it, the
//! resource also at the address a `moved` block gave it). An entry of a
//! `fail` (or of no status: a baseline written before statuses were
//! recorded) accepts that finding whatever its status; an entry of an
//! `unknown` verdict accepts only an `unknown` one: a problem that was
//! only possible when the baseline was written and is now certain is
//! reported.
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::identity::{identity, Identity};
use crate::error::RunError;
use crate::finding::{Finding, Status, SuppressionKind};
use crate::report::Report;

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    rule_id: String,
    address: String,
    attribute: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
}

/// The entries of a baseline, by identity.
pub(crate) struct Known {
    entries: HashMap<Identity, Accepts>,
}

#[derive(Default)]
struct Accepts {
    /// A failure (else only an unknown verdict).
    fail: bool,
    /// A finding of the run matched it.
    matched: bool,
    /// Entries of the file with this identity.
    entries: usize,
}

impl Known {
    /// Entries of the file of the rules in `ran`.
    pub(crate) fn len(&self, ran: &HashSet<&str>) -> usize {
        self.of(ran).map(|a| a.entries).sum()
    }

    /// Entries of the file of the rules in `ran` no finding matched (with
    /// `record`).
    pub(crate) fn unmatched(&self, ran: &HashSet<&str>) -> usize {
        self.of(ran).filter(|a| !a.matched).map(|a| a.entries).sum()
    }

    fn of<'k>(&'k self, ran: &'k HashSet<&str>) -> impl Iterator<Item = &'k Accepts> {
        self.entries
            .iter()
            .filter(|(id, _)| ran.contains(id.0.as_str()))
            .map(|(_, a)| a)
    }

    /// Whether an entry accepts `f` (at its address, or at `previous`, the
    /// address a `moved` block renamed it from); `record`: the entry
    /// counts as matched.
    pub(crate) fn accepts(&mut self, f: &Finding, previous: Option<&str>, record: bool) -> bool {
        let attribute = f.attribute_display();
        let addresses = std::iter::once(f.address.as_str()).chain(previous);
        for address in addresses {
            let key = identity(&f.rule_id, address, &attribute);
            if let Some(a) = self.entries.get_mut(&key) {
                if a.fail || f.status == Status::Unknown {
                    a.matched |= record;
                    return true;
                }
            }
        }
        false
    }
}

/// The baseline of a report: every finding not suppressed by an exception
/// or an inline comment. Those the `--baseline` in use (`in_use`)
/// suppresses stay in it, and so do its entries of rules that did not run
/// (`--rule`, `--skip-rule`, a policy not loaded): refreshing a baseline
/// with one in use (`AKSLINT_BASELINE` set) must not drop what it
/// accepted.
pub fn render(path: &Path, report: &Report, in_use: Option<&Path>) -> Result<String, RunError> {
    let kept = || {
        report
            .files
            .iter()
            .flat_map(|f| f.findings.iter())
            .filter(|f| {
                f.suppression
                    .as_ref()
                    .is_none_or(|s| s.kind == SuppressionKind::Baseline)
            })
    };
    let mut entries: BTreeSet<Entry> = BTreeSet::new();
    if let Some(in_use) = in_use {
        let ran: HashSet<&str> = report.rules.iter().map(|r| r.id.as_str()).collect();
        let file = read_file(in_use)?;
        entries.extend(
            file.findings
                .into_iter()
                .filter(|e| !ran.contains(e.rule_id.as_str())),
        );
    }
    entries.extend(kept().map(|f| Entry {
        rule_id: f.rule_id.clone(),
        address: f.address.clone(),
        attribute: f.attribute_display(),
        status: Some(f.status),
    }));
    let file = File {
        version: 1,
        findings: entries.into_iter().collect(),
    };
    let mut text = serde_json::to_string_pretty(&file).map_err(|e| RunError::Baseline {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    text.push('\n');
    Ok(text)
}

fn read_file(path: &Path) -> Result<File, RunError> {
    let bad = |reason: String| RunError::Baseline {
        path: path.to_path_buf(),
        reason,
    };
    let text =
        std::fs::read_to_string(path).map_err(|e| bad(crate::plan::read::describe_io(&e)))?;
    let file: File = serde_json::from_str(&text).map_err(|e| {
        bad(format!(
            "line {} column {}: not a baseline",
            e.line(),
            e.column()
        ))
    })?;
    if file.version != 1 {
        return Err(bad(format!("unsupported version {}", file.version)));
    }
    Ok(file)
}

pub(crate) fn read(path: &Path) -> Result<Known, RunError> {
    let file = read_file(path)?;
    let mut entries: HashMap<Identity, Accepts> = HashMap::new();
    for e in file.findings {
        let a = entries
            .entry(identity(&e.rule_id, &e.address, &e.attribute))
            .or_default();
        a.fail |= e.status != Some(Status::Unknown);
        a.entries += 1;
    }
    Ok(Known { entries })
}
