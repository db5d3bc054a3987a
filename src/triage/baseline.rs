//! Baselines: `--write-baseline FILE` records today's findings by
//! fingerprint (rule, address, attribute: no line numbers), `--baseline FILE`
//! then reports only findings that are not in it.
use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::RunError;
use crate::finding::{Finding, SuppressionKind};
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
}

/// The identity of a finding in a baseline.
pub fn key(f: &Finding) -> (String, String, String) {
    (f.rule_id.clone(), f.address.clone(), f.attribute_display())
}

/// The baseline of a report: every finding not suppressed by an exception
/// or an inline comment. Those the `--baseline` in use suppresses stay in
/// it: refreshing a baseline with one in use (`AKSLINT_BASELINE` set)
/// must not drop what it accepted.
pub fn render(path: &Path, report: &Report) -> Result<String, RunError> {
    let entries: BTreeSet<Entry> = report
        .files
        .iter()
        .flat_map(|f| f.findings.iter())
        .filter(|f| {
            f.suppression
                .as_ref()
                .is_none_or(|s| s.kind == SuppressionKind::Baseline)
        })
        .map(|f| Entry {
            rule_id: f.rule_id.clone(),
            address: f.address.clone(),
            attribute: f.attribute_display(),
        })
        .collect();
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

pub fn read(path: &Path) -> Result<BTreeSet<(String, String, String)>, RunError> {
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
    Ok(file
        .findings
        .into_iter()
        .map(|e| (e.rule_id, e.address, e.attribute))
        .collect())
}
