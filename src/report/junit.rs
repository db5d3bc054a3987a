//! `--format junit`: JUnit XML, as read by Azure DevOps `PublishTestResults`
//! (`testResultsFormat: JUnit`), GitLab and Jenkins.
//!
//! One `<testsuite>` per input file. In it:
//! - an `<error>` test case per input error;
//! - a test case per (rule, resource) pair with findings, named
//!   `AKS001 private-cluster` with the resource address as class name: a
//!   `<failure>` (type = severity) when a finding failed, else (values known
//!   only after apply) a `<failure>` with `--unknown fail` or a `<skipped>`;
//! - with `--show-suppressed`, a `<skipped message="reason">` test case per
//!   (rule, resource) pair of suppressed findings;
//! - a passing test case per rule that ran and found nothing in the file
//!   (class name = the file), so passes are visible.
use super::output::{in_order, Out, PARALLEL_RENDER};
use std::collections::{BTreeMap, BTreeSet};

use super::{FileReport, Report};
use crate::cli::UnknownMode;
use crate::error::InputError;
use crate::escape::{no_commands, safe_lines, visible, visible_error};
use crate::finding::{Finding, Status};

/// Escapes text for XML content and attribute values; characters XML 1.0
/// cannot carry become U+FFFD, and line breaks are kept as character
/// references (attribute values would otherwise lose them).
pub fn escape_xml(s: &str) -> String {
    let s = crate::escape::visible_except(s, &['\n', '\r', '\t']);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Escapes element text (line breaks and tabs kept as they are).
fn escape_text(s: &str) -> String {
    let s = crate::escape::visible_except(s, &['\n', '\r', '\t']);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => {}
            '\n' | '\t' => out.push(c),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

enum Outcome<'a> {
    Pass,
    Failure {
        message: String,
        kind: String,
        text: Text<'a>,
    },
    Skipped {
        message: String,
    },
    Error {
        message: String,
        kind: String,
        text: String,
    },
}

/// The body of a failure: the findings of one (rule, resource) pair, put
/// into words when the case is written (a large report's texts are never
/// all held at once).
struct Text<'a> {
    rule: &'a str,
    address: &'a str,
    group: Vec<&'a Finding>,
}

struct Case<'a> {
    name: String,
    classname: String,
    /// Where the (first) finding is: `file` and `line` attributes.
    location: Option<(String, usize)>,
    outcome: Outcome<'a>,
}

fn location_line(f: &Finding) -> String {
    match &f.location {
        Some(l) => format!("{}:{}:{}", visible(&l.file), l.line.max(1), l.column.max(1)),
        None => format!("{} (input plan)", visible(&f.file)),
    }
}

/// The failure text of a group of findings. Its line breaks are akslint's:
/// plan values, addresses, file names and messages are [`visible`] (one
/// line each), a policy's remediation keeps its lines but none that starts
/// with `::` ([`safe_lines`]), so that the text printed on a CI runner's
/// standard output holds no GitHub workflow command.
fn failure_text(report: &Report, t: &Text<'_>) -> String {
    let (rule, address) = (t.rule, t.address);
    let mut text = String::new();
    for f in &t.group {
        let attribute = f.attribute_display();
        let unknown = f.unknown_suffix();
        text.push_str(&format!(
            "[{}] {}{unknown}\n  at {}{}\n",
            f.severity,
            visible(&f.message),
            visible(address),
            if attribute.is_empty() {
                String::new()
            } else {
                format!(" {}", visible(&attribute))
            },
        ));
        text.push_str(&format!("  in {}\n", location_line(f)));
    }
    if let Some(meta) = report.rule(rule) {
        if !meta.remediation.is_empty() {
            text.push_str(&format!("Remediation: {}\n", safe_lines(&meta.remediation)));
        }
    }
    text.push_str(&format!("See: akslint explain {}\n", visible(rule)));
    text
}

fn finding_case<'a>(
    report: &Report,
    rule: &'a str,
    address: &'a str,
    group: &[&'a Finding],
) -> Option<Case<'a>> {
    let first = group.first()?;
    let failing: Vec<&&Finding> = group.iter().filter(|f| f.status == Status::Fail).collect();
    let text = Text {
        rule,
        address,
        group: group.to_vec(),
    };
    let name = format!("{} {}", first.rule_id, first.rule_name);
    // A group is all suppressed or all not (see `cases`).
    let outcome = match (&first.suppression, failing.first()) {
        (Some(s), _) => Outcome::Skipped {
            message: s.justification.clone(),
        },
        (None, Some(f)) => Outcome::Failure {
            message: f.message.clone(),
            kind: f.severity.as_str().to_string(),
            text,
        },
        (None, None) if report.unknown == UnknownMode::Fail => Outcome::Failure {
            message: format!("{}{}", first.message, first.unknown_suffix()),
            kind: first.severity.as_str().to_string(),
            text,
        },
        (None, None) if first.unknown_suffix().is_empty() => Outcome::Skipped {
            message: first.message.clone(),
        },
        (None, None) => Outcome::Skipped {
            message: format!("known only after apply: {}", first.message),
        },
    };
    Some(Case {
        name,
        classname: address.to_string(),
        location: failing
            .first()
            .copied()
            .or(Some(first))
            .and_then(|f| f.location.as_ref())
            .map(|l| (l.file.clone(), l.line.max(1))),
        outcome,
    })
}

fn error_case(e: &InputError) -> Case<'static> {
    let name = match e {
        InputError::Rule { rule, .. } => format!("{rule} (rule error)"),
        _ => format!("input ({})", e.code()),
    };
    Case {
        name,
        classname: e.file().to_string(),
        location: None,
        outcome: Outcome::Error {
            message: e.to_string(),
            kind: e.code().to_string(),
            // File names and reasons on one line each (`visible`).
            text: visible_error(e).to_string(),
        },
    }
}

fn cases<'a>(report: &Report, file: &'a FileReport) -> Vec<Case<'a>> {
    let mut out: Vec<Case> = file.errors.iter().map(error_case).collect();
    // Suppressed findings (listed with --show-suppressed) make their own
    // `<skipped>` case, beside the failing one of the same rule and resource.
    let mut groups: BTreeMap<(&str, &str, bool), Vec<&Finding>> = BTreeMap::new();
    for f in file.findings.iter().filter(|f| report.is_shown(f)) {
        groups
            .entry((
                f.rule_id.as_str(),
                f.address.as_str(),
                f.suppression.is_some(),
            ))
            .or_default()
            .push(f);
    }
    let with_findings: BTreeSet<&str> = groups.keys().map(|(rule, _, _)| *rule).collect();
    out.extend(
        groups
            .iter()
            .filter_map(|((rule, address, _), g)| finding_case(report, rule, address, g)),
    );
    if file.linted {
        let mut ran: Vec<_> = report
            .rules
            .iter()
            .filter(|r| !with_findings.contains(r.id.as_str()))
            .collect();
        ran.sort_by(|a, b| a.id.cmp(&b.id));
        ran.dedup_by(|a, b| a.id == b.id);
        out.extend(ran.into_iter().map(|r| Case {
            name: format!("{} {}", r.id, r.name),
            classname: file.file.clone(),
            location: None,
            outcome: Outcome::Pass,
        }));
    }
    out
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

fn count(cases: &[Case]) -> Counts {
    let mut c = Counts {
        tests: cases.len(),
        ..Counts::default()
    };
    for case in cases {
        match case.outcome {
            Outcome::Pass => {}
            Outcome::Failure { .. } => c.failures += 1,
            Outcome::Skipped { .. } => c.skipped += 1,
            Outcome::Error { .. } => c.errors += 1,
        }
    }
    c
}

/// Writes a test case; no line of it starts with `::` ([`no_commands`]: the
/// hostile strings in it are escaped already, this is the last guard).
fn write_case(report: &Report, out: &mut String, case: &Case<'_>) {
    let start = out.len();
    write_case_text(report, out, case);
    let guarded = match no_commands(out.get(start..).unwrap_or_default()) {
        std::borrow::Cow::Owned(text) => Some(text),
        std::borrow::Cow::Borrowed(_) => None,
    };
    if let Some(text) = guarded {
        out.truncate(start);
        out.push_str(&text);
    }
}

fn write_case_text(report: &Report, out: &mut String, case: &Case<'_>) {
    let mut open = format!(
        "    <testcase name=\"{}\" classname=\"{}\"",
        escape_xml(&case.name),
        escape_xml(&case.classname)
    );
    if let Some((file, line)) = &case.location {
        open.push_str(&format!(" file=\"{}\" line=\"{line}\"", escape_xml(file)));
    }
    match &case.outcome {
        Outcome::Pass => out.push_str(&format!("{open}/>\n")),
        Outcome::Skipped { message } => out.push_str(&format!(
            "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>\n",
            escape_xml(message)
        )),
        Outcome::Failure {
            message,
            kind,
            text,
        } => out.push_str(&format!(
            "{open}>\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
            escape_xml(message),
            escape_xml(kind),
            escape_text(&failure_text(report, text))
        )),
        Outcome::Error {
            message,
            kind,
            text,
        } => out.push_str(&format!(
            "{open}>\n      <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>\n",
            escape_xml(message),
            escape_xml(kind),
            escape_text(text)
        )),
    }
}

/// Renders the report as JUnit XML.
pub fn render(report: &Report) -> String {
    super::output::render_string(|out| render_to(report, out))
}

/// The same, written as it is rendered.
pub fn render_to(report: &Report, out: &mut Out<'_>) {
    render_from(report, out, PARALLEL_RENDER);
}

/// [`render_to`], with a suite's cases written in parallel from
/// `parallel_from` of them on.
fn render_from(report: &Report, out: &mut Out<'_>, parallel_from: usize) {
    let suites: Vec<(&FileReport, Vec<Case>)> =
        report.files.iter().map(|f| (f, cases(report, f))).collect();
    let mut total = Counts::default();
    for (_, cs) in &suites {
        let c = count(cs);
        total.tests += c.tests;
        total.failures += c.failures;
        total.errors += c.errors;
        total.skipped += c.skipped;
    }
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"akslint\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
        total.tests, total.failures, total.errors, total.skipped
    ));
    for (file, cs) in &suites {
        let c = count(cs);
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
            escape_xml(&file.file),
            c.tests,
            c.failures,
            c.errors,
            c.skipped
        ));
        let write = |_, case: &Case<'_>, text: &mut String| write_case(report, text, case);
        in_order(cs, cs.len() >= parallel_from, write, |text: String| {
            out.push_str(&text);
        });
        out.push_str("  </testsuite>\n");
    }
    // Warnings about the run (expired exceptions and inline ignores), once,
    // in a suite of their own with no test case.
    if !report.warnings.is_empty() {
        out.push_str(
            "  <testsuite name=\"akslint warnings\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\">\n",
        );
        out.push_str("    <system-err>");
        for w in &report.warnings {
            let line = format!("warning: {}\n", crate::escape::safe_line(w));
            out.push_str(&escape_text(&line));
        }
        out.push_str("</system-err>\n  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::report;

    fn rendered(report: &Report, parallel_from: usize) -> String {
        super::super::output::render_string(|out| render_from(report, out, parallel_from))
    }

    #[test]
    fn cases_written_in_parallel_are_written_in_order() {
        for (findings, errors) in [(0, true), (6, true), (PARALLEL_RENDER * 3, false)] {
            let mut r = report(findings, 0, errors);
            r.unknown = UnknownMode::Fail;
            let parallel = rendered(&r, 0);
            assert!(parallel == rendered(&r, usize::MAX), "{findings} findings");
            assert_eq!(parallel.contains("<failure message="), findings > 0);
            assert_eq!(parallel.contains("<error message="), errors);
        }
    }
}
