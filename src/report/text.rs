//! `--format text`: miette diagnostics grouped per input file (counts first,
//! then new, existing and fixed findings), then a summary.

use super::output::{in_order, Out, PARALLEL_RENDER};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource,
    Severity as MSeverity,
};

use super::root_cause::RootCauses;
use super::{FileReport, Report};
use crate::escape::{no_commands, safe_line, same_width, visible, visible_error, visible_lines};
use crate::finding::{Change, Finding, Location, Severity, Status};
use crate::source::SourceFiles;

/// Byte range of a location in a text (lines and columns are 1-based,
/// columns in characters).
fn byte_range(text: &str, loc: &Location) -> Option<std::ops::Range<usize>> {
    let offset = |line: usize, column: usize| -> Option<usize> {
        let start: usize = text
            .split_inclusive('\n')
            .take(line.checked_sub(1)?)
            .map(str::len)
            .sum();
        let rest = text.get(start..)?;
        let col = rest
            .char_indices()
            .nth(column.checked_sub(1)?)
            .map_or(rest.len(), |(i, _)| i);
        Some(start + col)
    };
    let start = offset(loc.line, loc.column)?;
    let end = offset(loc.end_line, loc.end_column)?.max(start);
    Some(start..end)
}

/// The `.tf` snippet of a finding, with its attribute labelled.
fn snippet(f: &Finding, files: &SourceFiles) -> Option<(NamedSource<String>, LabeledSpan)> {
    let loc = f.location.as_ref()?;
    let path = loc.source_path.as_ref()?;
    // The span is found in the file as it is; the file is shown with its
    // secrets masked, byte for byte (the span holds in it).
    let range = byte_range(&files.text(path)?, loc)?;
    let text = files.shown(path, &f.resource_type)?;
    let attribute = f.attribute.last().map(|_| f.attribute_display());
    let shown = text.get(range.clone()).unwrap_or_default();
    let label = match attribute {
        Some(a) if shown.contains(a.rsplit('.').next().unwrap_or(&a)) => "set here".to_string(),
        // A `dynamic` block, whose content the plan does not show: what is
        // unknown in it may be set there.
        Some(a) if f.status == Status::Unknown && shown.trim_start().starts_with("dynamic") => {
            format!("`{}` is known only after apply", visible(&a))
        }
        Some(a) => format!("`{}` is not set in this block", visible(&a)),
        None => "this resource".to_string(),
    };
    Some((
        NamedSource::new(visible(&loc.file), same_width(&text).into_owned()).with_language("hcl"),
        LabeledSpan::new_with_span(Some(label), range),
    ))
}

fn diagnostic(report: &Report, f: &Finding, has_snippet: bool) -> MietteDiagnostic {
    let severity = match (f.status, f.severity) {
        (Status::Unknown, _) => MSeverity::Advice,
        (_, Severity::Critical | Severity::High) => MSeverity::Error,
        _ => MSeverity::Warning,
    };
    let status = f.unknown_suffix();
    let attribute = f.attribute_display();
    let at = if attribute.is_empty() {
        visible(&f.address).into_owned()
    } else {
        visible(&format!("{}.{}", f.address, attribute)).into_owned()
    };
    let suppressed = f
        .suppression
        .as_ref()
        .map(|s| format!(" [suppressed: {}]", visible(&s.justification)))
        .unwrap_or_default();
    let mut msg = format!(
        "[{}] {}{status}{suppressed}\nat {at}",
        f.severity,
        visible(&f.message)
    );
    if let (Some(loc), false) = (&f.location, has_snippet) {
        msg.push_str(&format!(
            "\n   {}:{}:{}",
            visible(&loc.file),
            loc.line,
            loc.column
        ));
    }
    let mut d = MietteDiagnostic::new(msg)
        .with_code(format!("{}/{}", visible(&f.rule_id), visible(&f.rule_name)))
        .with_severity(severity);
    if let Some(meta) = report.rule(&f.rule_id) {
        if !meta.remediation.is_empty() {
            d = d.with_help(format!(
                "{}  (akslint explain {})",
                visible_lines(&meta.remediation),
                visible(&f.rule_id)
            ));
        }
    }
    d
}

/// The report as miette diagnostics, with `.tf` snippets from the run's
/// source files.
pub fn render(report: &Report, color: bool, files: &SourceFiles) -> String {
    super::output::render_string(|out| render_to(report, color, files, out))
}

/// The same, written as it is rendered.
pub fn render_to(report: &Report, color: bool, files: &SourceFiles, out: &mut Out<'_>) {
    render_from(report, color, files, out, PARALLEL_RENDER);
}

/// [`render_to`], with the findings of a list rendered in parallel from
/// `parallel_from` of them on.
///
/// Hostile strings are [`visible`] (one line) or [`visible_lines`], but
/// miette wraps long lines: what it rendered goes through [`no_commands`],
/// so that no line, wrapped or not, starts with `::` (a GitHub workflow
/// command on the runner).
fn render_from(
    report: &Report,
    color: bool,
    files: &SourceFiles,
    out: &mut Out<'_>,
    parallel_from: usize,
) {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Lines break at spaces only: a code span or a path in a message (a
    // taint, a resource id) stays whole, to be copied as it is.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false);
    let causes = RootCauses::of(report);
    for file in &report.files {
        let findings = ordered(report, file);
        if findings.is_empty() && file.errors.is_empty() && file.fixed.is_empty() {
            continue;
        }
        out.push_str(&no_commands(&format!("{}\n", visible(&file.file))));
        for e in &file.errors {
            let mut text = String::new();
            let _ = handler.render_report(&mut text, &visible_error(e));
            out.push_str(&no_commands(&text));
        }
        let count = |c: Change| findings.iter().filter(|f| f.change == c).count();
        let (new, existing) = (count(Change::New), count(Change::Existing));
        // A file with errors only (not linted, or a rule failed) gets no
        // line of zeros under them.
        if !findings.is_empty() || !file.fixed.is_empty() {
            out.push_str(&format!(
                "{new} new, {existing} existing, {} fixed\n",
                file.fixed.len()
            ));
        }
        for (change, n) in [(Change::New, new), (Change::Existing, existing)] {
            if n == 0 {
                continue;
            }
            out.push_str(&format!("\n{} ({n})\n", change.as_str()));
            let shown: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.change == change)
                .copied()
                .collect();
            let one = |_, f: &&Finding, text: &mut String| {
                if let Some((cause, words)) = causes.reported_by(f) {
                    text.push_str(&root_cause_line(f, cause, words));
                    return;
                }
                match snippet(f, files) {
                    Some((source, label)) => {
                        let d = diagnostic(report, f, true).with_label(label);
                        let r = miette::Report::new(d).with_source_code(source);
                        let _ = handler.render_report(text, r.as_ref());
                    }
                    None => {
                        let _ = handler.render_report(text, &diagnostic(report, f, false));
                    }
                }
            };
            let parallel = shown.len() >= parallel_from;
            in_order(&shown, parallel, one, |text: String| {
                out.push_str(&no_commands(&text));
            });
        }
        if !file.fixed.is_empty() {
            out.push_str(&format!("\nfixed ({})\n", file.fixed.len()));
            for f in &file.fixed {
                let attribute = f.attribute_display();
                let sep = if attribute.is_empty() { "" } else { "." };
                out.push_str(&no_commands(&format!(
                    "  \u{2713} {}/{} [{}] {}: {}\n",
                    visible(&f.rule_id),
                    visible(&f.rule_name),
                    f.severity,
                    visible(&format!("{}{sep}{attribute}", f.address)),
                    visible(&f.message)
                )));
            }
        }
        out.push('\n');
    }
    for w in &report.warnings {
        out.push_str(&format!("warning: {}\n", safe_line(w)));
    }
    if !report.warnings.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary_line(report));
}

/// The findings of one input as the text formats list them: shown ones
/// (`--unknown ignore`, `--show-suppressed`), ordered by file, line and rule.
pub fn ordered<'a>(report: &Report, file: &'a FileReport) -> Vec<&'a Finding> {
    let mut findings: Vec<&Finding> = file
        .findings
        .iter()
        .filter(|f| report.is_shown(f))
        .collect();
    findings.sort_by(|a, b| {
        let at = |f: &'a Finding| f.location.as_ref().map(|l| (l.file.as_str(), l.line));
        (at(a), &a.rule_id).cmp(&(at(b), &b.rule_id))
    });
    findings
}

/// The one line that stands for a finding whose root cause another finding
/// on the same resource reports.
fn root_cause_line(f: &Finding, cause: &str, words: &str) -> String {
    let at = f
        .location
        .as_ref()
        .map(|l| format!(" ({}:{}:{})", l.file, l.line, l.column))
        .unwrap_or_default();
    let line = format!(
        "  ↳ {}/{} on {}{at}: same root cause as {cause} ({words}); the {cause} fix covers it.",
        f.rule_id, f.rule_name, f.address
    );
    let mut out = visible(&line).into_owned();
    out.push('\n');
    out
}

/// The summary line (with its line break).
pub fn summary_line(report: &Report) -> String {
    let s = report.summary();
    let by_sev: Vec<String> = Severity::ALL
        .iter()
        .map(|sev| {
            format!(
                "{} {}",
                s.findings.get(sev.as_str()).copied().unwrap_or(0),
                sev
            )
        })
        .collect();
    format!(
        "{} file{} linted, {} resource{} checked (managed resource instances, of any type): {} finding{} ({}), {} unknown, {} suppressed, {} error{}; {} new, {} existing, {} fixed\n",
        s.files,
        plural(s.files),
        s.resources,
        plural(s.resources),
        s.findings.values().sum::<usize>(),
        plural(s.findings.values().sum::<usize>()),
        by_sev.join(", "),
        s.unknown,
        s.suppressed,
        s.errors,
        plural(s.errors),
        s.new,
        s.existing,
        s.fixed
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::report;

    fn rendered(report: &Report, color: bool, parallel_from: usize) -> String {
        let files = SourceFiles::new();
        super::super::output::render_string(|out| {
            render_from(report, color, &files, out, parallel_from);
        })
    }

    #[test]
    fn findings_rendered_in_parallel_are_written_in_order() {
        for (findings, fixed, errors) in
            [(0, 0, true), (7, 2, true), (PARALLEL_RENDER + 9, 3, false)]
        {
            let r = report(findings, fixed, errors);
            for color in [false, true] {
                let parallel = rendered(&r, color, 0);
                assert!(
                    parallel == rendered(&r, color, usize::MAX),
                    "{findings} findings"
                );
                if findings > 100 {
                    assert!(parallel.contains("same root cause as AKS001"));
                }
            }
        }
        let r = report(PARALLEL_RENDER, 0, false);
        assert_eq!(
            render(&r, false, &SourceFiles::new()),
            rendered(&r, false, usize::MAX)
        );
    }

    #[test]
    fn long_addresses_are_not_broken() {
        let mut r = report(2, 0, false);
        let long = format!(
            "module.{}[\"key\"].azurerm_kubernetes_cluster.{}",
            "platform_".repeat(9),
            "cluster_".repeat(8)
        );
        assert!(long.len() > 100);
        for file in &mut r.files {
            for f in &mut file.findings {
                f.address.clone_from(&long);
            }
        }
        let text = rendered(&r, false, usize::MAX);
        assert!(text.contains(&long), "{text}");
    }
}
