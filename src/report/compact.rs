//! `--compact` and `--quiet` text output.
//!
//! Compact: one line per finding, `file:line:col: SEVERITY RULE address:
//! message` (like ruff's concise output), ordered by file, line and rule,
//! then the summary. Quiet: only errors, warnings and the summary.
use super::output::Out;
use super::root_cause::RootCauses;
use super::text::{ordered, summary_line};
use super::Report;
use crate::escape::{no_commands, visible};
use crate::finding::Finding;

/// Plan and policy strings are hostile: control characters (escape
/// sequences, line breaks), line separators and bidirectional overrides are
/// written as `\u{..}` ([`visible`]), so that one finding stays one line and
/// cannot drive the terminal, and a line that would start with `::` (a file
/// so named) cannot be read as a GitHub workflow command ([`no_commands`]).
fn clean(s: &str) -> String {
    no_commands(&visible(s)).into_owned()
}

/// One finding's line (`causes`: the report's root causes).
pub fn line(causes: &RootCauses<'_>, f: &Finding) -> String {
    let (file, line, column) = match &f.location {
        Some(l) => (l.file.as_str(), l.line.max(1), l.column.max(1)),
        None => (f.file.as_str(), 1, 1),
    };
    let message = match causes.reported_by(f) {
        Some((cause, words)) => {
            format!("same root cause as {cause} on this resource ({words}); its fix covers this")
        }
        None => f.message.clone(),
    };
    let unknown = f.unknown_suffix();
    let suppressed = f
        .suppression
        .as_ref()
        .map(|s| format!(" [suppressed: {}]", s.justification))
        .unwrap_or_default();
    clean(&format!(
        "{file}:{line}:{column}: {} {} {}: {message}{unknown}{suppressed}",
        f.severity.as_str().to_ascii_uppercase(),
        f.rule_id,
        f.address,
    ))
}

/// Errors (one line each), then warnings.
fn errors_and_warnings(report: &Report, out: &mut Out<'_>) {
    for e in report.errors() {
        let text = e
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // The error's text names its file.
        out.push_str(&clean(&format!("error[{}]: {text}", e.code())));
        out.push('\n');
    }
    for w in &report.warnings {
        out.push_str(&clean(&format!("warning: {w}")));
        out.push('\n');
    }
}

/// `--compact`.
pub fn render(report: &Report) -> String {
    super::output::render_string(|out| render_to(report, out))
}

/// The same, written as it is rendered.
pub fn render_to(report: &Report, out: &mut Out<'_>) {
    let causes = RootCauses::of(report);
    for file in &report.files {
        for f in ordered(report, file) {
            out.push_str(&line(&causes, f));
            out.push('\n');
        }
    }
    errors_and_warnings(report, out);
    out.push_str(&summary_line(report));
}

/// `--quiet`.
pub fn render_quiet(report: &Report) -> String {
    super::output::render_string(|out| render_quiet_to(report, out))
}

/// The same, written as it is rendered.
pub fn render_quiet_to(report: &Report, out: &mut Out<'_>) {
    errors_and_warnings(report, out);
    out.push_str(&summary_line(report));
}
