//! The triage stage: which findings are accepted, and why.
//!
//! - [`inline`]: `# akslint:ignore` comments in the `.tf` source;
//! - exceptions of `.akslint.toml` (below);
//! - [`baseline`]: findings recorded by `--write-baseline`;
//! - [`change`]: new, existing and fixed findings (`--gate`, `--base`);
//! - [`identity`]: what makes two runs' findings the same.
pub(crate) mod baseline;
pub(crate) mod change;
pub(crate) mod identity;
pub(crate) mod inline;

use crate::error::RunError;
use crate::finding::{self, Finding};
use crate::plan::Model;
use crate::report::FileReport;
use crate::settings::{ConfigFile, Date};
use crate::source::locate::Locator;
use crate::source::SourceFiles;

/// Applies `# akslint:ignore` comments of the `.tf` source; returns
/// warnings for those that suppress nothing: expired, unreadable (a bad
/// expiry date, no rule), or naming no rule of `known` (lowercase ids and
/// names of every rule the run could load), as a typo would. Only the
/// comments beside a finding are read.
pub(crate) fn apply_inline(
    locator: &Locator<'_>,
    files: &SourceFiles,
    today: Date,
    model: &Model,
    known: &std::collections::BTreeSet<String>,
    findings: &mut [Finding],
) -> Vec<String> {
    let mut warnings = std::collections::BTreeSet::new();
    for f in findings.iter_mut() {
        let Some(loc) = f.location.clone() else {
            continue;
        };
        if !loc.file.ends_with(".tf") {
            continue;
        }
        let Some(r) = model
            .resources
            .binary_search_by(|r| r.address.as_str().cmp(&f.address))
            .ok()
            .and_then(|i| model.resources.get(i))
        else {
            continue;
        };
        let Some(header) = locator.map.locate(&r.module, &r.type_, &r.name, &[]) else {
            continue;
        };
        let path = match (&loc.source_path, &locator.repo_root) {
            (Some(p), _) => p.clone(),
            (None, Some(root)) => root.join(&loc.file),
            (None, None) => std::path::PathBuf::from(&loc.file),
        };
        let Some(text) = files.text(&path) else {
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        let attr_line = (!f.attribute.is_empty() && loc.line != header.line).then_some(loc.line);
        for (n, inline) in inline::applicable(&lines, attr_line, header.line) {
            let Some(inline) = inline else {
                warnings.insert(format!(
                    "{}:{n}: an akslint:ignore comment that does not read as \
                     `akslint:ignore RULE[,RULE] [exp:YYYY-MM-DD] [-- reason]`; it suppresses nothing",
                    loc.file
                ));
                continue;
            };
            for r in &inline.rules {
                if !known.contains(&r.to_ascii_lowercase()) {
                    warnings.insert(format!(
                        "{}:{n}: akslint:ignore names no rule {r:?}; it suppresses nothing for it",
                        loc.file
                    ));
                }
            }
            if !inline.covers(&f.rule_id, &f.rule_name) {
                continue;
            }
            let reason = inline.reason.clone().unwrap_or_default();
            match inline.expires {
                Some(d) if d < today => {
                    warnings.insert(format!(
                        "{}:{n}: akslint:ignore {} expired on {d} ({}); it suppresses nothing",
                        loc.file,
                        inline.rules.join(","),
                        if reason.is_empty() {
                            "no reason given"
                        } else {
                            &reason
                        }
                    ));
                }
                _ => {
                    f.suppression = Some(finding::Suppression {
                        kind: finding::SuppressionKind::InSource,
                        justification: if reason.is_empty() {
                            format!("akslint:ignore at {}:{n}", loc.file)
                        } else {
                            reason
                        },
                    });
                    break;
                }
            }
        }
    }
    warnings.into_iter().collect()
}

/// Suppresses findings matched by a live exception; warns about every
/// expired one.
pub(crate) fn apply_exceptions(
    config: &ConfigFile,
    today: Date,
    files: &mut [FileReport],
) -> Vec<String> {
    let mut warnings = Vec::new();
    for ex in &config.exceptions {
        if ex.expired(today) {
            warnings.push(format!(
                "exception at {} ({} on {}) expired on {}: {}; it suppresses nothing",
                ex.origin,
                ex.rule_ids.join(","),
                if ex.addresses.is_empty() {
                    "every resource".to_string()
                } else {
                    ex.addresses.join(", ")
                },
                ex.expires.map(|d| d.to_string()).unwrap_or_default(),
                ex.reason
            ));
        }
    }
    for f in files
        .iter_mut()
        .flat_map(|f| f.findings.iter_mut().chain(f.fixed.iter_mut()))
    {
        if f.suppression.is_some() {
            continue;
        }
        if let Some(ex) = config
            .exceptions
            .iter()
            .find(|ex| !ex.expired(today) && ex.matches(&f.rule_id, &f.address))
        {
            f.suppression = Some(finding::Suppression {
                kind: finding::SuppressionKind::Exception,
                justification: ex.reason.clone(),
            });
        }
    }
    warnings
}

/// Suppresses the findings the baseline at `path` holds; returns a
/// warning when some of its entries of the rules that ran (`ran`) match no
/// finding of the run (and every input was linted).
pub(crate) fn apply_baseline(
    path: &std::path::Path,
    files: &mut [FileReport],
    ran: &std::collections::HashSet<&str>,
) -> Result<Vec<String>, RunError> {
    let mut known = baseline::read(path)?;
    let entries = known.len(ran);
    for file in files.iter_mut() {
        let previous: std::collections::HashMap<&str, &str> = file
            .moved
            .iter()
            .map(|(previous, now)| (now.as_str(), previous.as_str()))
            .collect();
        // A fixed finding is suppressed as its entry says, but does not
        // keep the entry in use.
        for (f, fixed) in file
            .findings
            .iter_mut()
            .map(|f| (f, false))
            .chain(file.fixed.iter_mut().map(|f| (f, true)))
        {
            let old = previous.get(f.address.as_str()).copied();
            let accepted = known.accepts(f, old, !fixed);
            if f.suppression.is_none() && accepted {
                f.suppression = Some(finding::Suppression {
                    kind: finding::SuppressionKind::Baseline,
                    justification: format!("in the baseline {}", path.display()),
                });
            }
        }
    }
    let unmatched = known.unmatched(ran);
    let all_linted = files.iter().all(|f| f.linted && f.errors.is_empty());
    Ok(if unmatched > 0 && all_linted {
        vec![format!(
            "baseline {}: {unmatched} of {entries} entries of the rules that ran match no \
             finding of this run (fixed, changed, or of a plan not linted here); \
             --write-baseline refreshes it",
            path.display()
        )]
    } else {
        Vec::new()
    })
}
