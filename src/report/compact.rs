//! `--compact` and `--quiet` text output.
//!
//! Compact: one line per finding, `file:line:col: SEVERITY RULE address:
//! message` (like ruff's concise output), ordered by file, line and rule,
//! then the summary. Quiet: only errors, warnings and the summary.
use super::output::Out;
use super::root_cause::RootCauses;
use super::text::{ordered, summary_line};
use super::Report;
use owo_colors::{OwoColorize, Style};

use crate::escape::safe_line;
use crate::finding::{Finding, Severity, Status};

/// Plan and policy strings are hostile: control characters (escape
/// sequences, line breaks), line separators and bidirectional overrides are
/// written as `\u{..}` ([`visible`]), so that one finding stays one line and
/// cannot drive the terminal, and a line that would start with `::` (a file
/// so named) cannot be read as a GitHub workflow command ([`no_commands`]).
fn clean(s: &str) -> String {
    safe_line(s)
}

/// One finding's line (`causes`: the report's root causes).
pub fn line(causes: &RootCauses<'_>, f: &Finding) -> String {
    colored_line(causes, f, false)
}

/// The colour of a severity (an `unknown` finding's is dimmed).
fn severity_style(f: &Finding) -> Style {
    let style = match f.severity {
        Severity::Critical => Style::new().red().bold(),
        Severity::High => Style::new().red(),
        Severity::Medium => Style::new().yellow(),
        Severity::Low => Style::new().cyan(),
    };
    match f.status {
        Status::Unknown => style.dimmed(),
        Status::Fail => style,
    }
}

/// One finding's line, in colour when `color`: each hostile piece is
/// [`clean`]ed before the escape sequences go around it, and a line then
/// starts with an escape sequence, never with `::`.
fn colored_line(causes: &RootCauses<'_>, f: &Finding, color: bool) -> String {
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
    let severity = f.severity.as_str().to_ascii_uppercase();
    if !color {
        return clean(&format!(
            "{file}:{line}:{column}: {severity} {} {}: {message}{unknown}{suppressed}",
            f.rule_id, f.address,
        ));
    }
    let suppressed = if suppressed.is_empty() {
        String::new()
    } else {
        clean(&suppressed).dimmed().to_string()
    };
    format!(
        "{}: {} {} {}: {}{unknown}{suppressed}",
        clean(&format!("{file}:{line}:{column}")).bold(),
        severity.style(severity_style(f)),
        clean(&f.rule_id).bold(),
        clean(&f.address),
        clean(&message),
    )
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
    super::output::render_string(|out| render_to(report, false, out))
}

/// The same, written as it is rendered, in colour when `color`.
pub fn render_to(report: &Report, color: bool, out: &mut Out<'_>) {
    let causes = RootCauses::of(report);
    for file in &report.files {
        for f in ordered(report, file) {
            out.push_str(&colored_line(&causes, f, color));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::report;

    /// Without its escape sequences (`ESC [ ... m`), a coloured line is the
    /// plain one: every hostile piece went through [`clean`] either way.
    fn without_colors(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find('\u{1b}') {
            out.push_str(rest.get(..i).unwrap_or_default());
            let after = rest.get(i..).unwrap_or_default();
            let end = after.find('m').map_or(after.len(), |m| m + 1);
            rest = after.get(end..).unwrap_or_default();
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn colored_lines_are_the_plain_lines_in_color() {
        let r = report(60, 0, false);
        let causes = RootCauses::of(&r);
        let mut colored = 0;
        for file in &r.files {
            for f in &file.findings {
                let plain = line(&causes, f);
                let color = colored_line(&causes, f, true);
                assert!(!plain.contains('\u{1b}'), "{plain}");
                assert_eq!(without_colors(&color), plain);
                colored += usize::from(color != plain);
            }
        }
        assert_eq!(colored, 60);
    }
}
