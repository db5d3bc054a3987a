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
//!
//! The XML is written by `quick-junit`. Every string goes in through [`xml`]
//! or [`xml_attr`] first: quick-junit escapes markup, but deletes control
//! characters (akslint shows them, as `\u{1b}`) and passes through the
//! noncharacters U+FFFE and U+FFFF, which XML 1.0 forbids.
use std::collections::{BTreeMap, BTreeSet};

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

use super::{FileReport, Report};
use crate::cli::UnknownMode;
use crate::error::InputError;
use crate::finding::{Finding, Status};

/// Element text for quick-junit: line breaks kept, every other control
/// character visible (`\u{1b}`), characters XML 1.0 cannot carry as U+FFFD.
fn xml(s: &str) -> String {
    crate::escape::visible_lines(s)
        .chars()
        .map(|c| {
            if c == '\n' || is_xml_char(c) {
                c
            } else {
                '\u{FFFD}'
            }
        })
        .collect()
}

/// An attribute value for quick-junit: as [`xml`], with line breaks as
/// spaces, which is what an XML parser reads a raw line break in an
/// attribute as (attribute-value normalization).
fn xml_attr(s: &str) -> String {
    xml(s).replace('\n', " ")
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

fn location_line(f: &Finding) -> String {
    match &f.location {
        Some(l) => format!("{}:{}:{}", l.file, l.line.max(1), l.column.max(1)),
        None => format!("{} (input plan)", f.file),
    }
}

/// A `<failure>` or `<error>` with its message, type and text.
fn non_success(kind: NonSuccessKind, message: &str, ty: &str, text: &str) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(kind);
    status
        .set_message(xml_attr(message))
        .set_type(xml_attr(ty))
        .set_description(xml(text));
    status
}

fn skipped(message: &str) -> TestCaseStatus {
    let mut status = TestCaseStatus::skipped();
    status.set_message(xml_attr(message));
    status
}

fn test_case(name: &str, classname: &str, status: TestCaseStatus) -> TestCase {
    let mut case = TestCase::new(xml_attr(name), status);
    case.set_classname(xml_attr(classname));
    case
}

fn finding_case(
    report: &Report,
    rule: &str,
    address: &str,
    group: &[&Finding],
) -> Option<TestCase> {
    let first = group.first()?;
    let failing: Vec<&&Finding> = group.iter().filter(|f| f.status == Status::Fail).collect();
    let mut text = String::new();
    for f in group {
        let attribute = f.attribute_display();
        let unknown = if f.status == Status::Unknown {
            " (known only after apply)"
        } else {
            ""
        };
        text.push_str(&format!(
            "[{}] {}{unknown}\n  at {}{}\n",
            f.severity,
            f.message,
            address,
            if attribute.is_empty() {
                String::new()
            } else {
                format!(" {attribute}")
            },
        ));
        text.push_str(&format!("  in {}\n", location_line(f)));
    }
    if let Some(meta) = report.rule(rule) {
        if !meta.remediation.is_empty() {
            text.push_str(&format!("Remediation: {}\n", meta.remediation));
        }
    }
    text.push_str(&format!("See: akslint explain {rule}\n"));
    // A group is all suppressed or all not (see `cases`).
    let status = match (&first.suppression, failing.first()) {
        (Some(s), _) => skipped(&s.justification),
        (None, Some(f)) => non_success(
            NonSuccessKind::Failure,
            &f.message,
            f.severity.as_str(),
            &text,
        ),
        (None, None) if report.unknown == UnknownMode::Fail => non_success(
            NonSuccessKind::Failure,
            &format!("{} (known only after apply)", first.message),
            first.severity.as_str(),
            &text,
        ),
        (None, None) => skipped(&format!("known only after apply: {}", first.message)),
    };
    let name = format!("{} {}", first.rule_id, first.rule_name);
    let mut case = test_case(&name, address, status);
    // Where the (first failing) finding is.
    let location = failing
        .first()
        .copied()
        .or(Some(first))
        .and_then(|f| f.location.as_ref());
    if let Some(l) = location {
        case.extra.insert("file".into(), xml_attr(&l.file).into());
        case.extra
            .insert("line".into(), l.line.max(1).to_string().into());
    }
    Some(case)
}

fn error_case(e: &InputError) -> TestCase {
    let name = match e {
        InputError::Rule { rule, .. } => format!("{rule} (rule error)"),
        _ => format!("input ({})", e.code()),
    };
    let message = e.to_string();
    let status = non_success(NonSuccessKind::Error, &message, e.code(), &message);
    test_case(&name, e.file(), status)
}

fn suite(report: &Report, file: &FileReport) -> TestSuite {
    let mut suite = TestSuite::new(xml_attr(&file.file));
    suite.add_test_cases(file.errors.iter().map(error_case));
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
    suite.add_test_cases(
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
        suite.add_test_cases(ran.into_iter().map(|r| {
            test_case(
                &format!("{} {}", r.id, r.name),
                &file.file,
                TestCaseStatus::success(),
            )
        }));
    }
    suite
}

/// Renders the report as JUnit XML.
pub fn render(report: &Report) -> String {
    let mut out = quick_junit::Report::new("akslint");
    out.add_test_suites(report.files.iter().map(|file| suite(report, file)));
    // Warnings about the run (expired exceptions and inline ignores), once,
    // in a suite of their own with no test case.
    if !report.warnings.is_empty() {
        let mut warnings = TestSuite::new("akslint warnings");
        let text: String = report
            .warnings
            .iter()
            .map(|w| format!("warning: {}\n", crate::escape::visible(w)))
            .collect();
        warnings.set_system_err(xml(&text));
        out.add_test_suite(warnings);
    }
    // Serializing into memory fails only on a bug in quick-junit: then one
    // error, so that the run does not pass in the CI that reads the report.
    out.to_string().unwrap_or_else(|_| WRITE_FAILED.to_string())
}

const WRITE_FAILED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="akslint" tests="1" skipped="0" failures="0" errors="1">
    <testsuite name="akslint" tests="1" skipped="0" errors="1" failures="0">
        <testcase name="JUnit report">
            <error message="akslint could not write the JUnit report"/>
        </testcase>
    </testsuite>
</testsuites>
"#;
