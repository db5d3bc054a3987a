//! `--format json`: one JSON document on stdout, also when inputs are invalid.
//!
//! ```json
//! {"version": 1,
//!  "tool": {"name": "akslint", "version": "0.1.0"},
//!  "findings": [{"rule_id": "AKS001", "rule_name": "private-cluster", "severity": "high",
//!                "status": "fail", "address": "azurerm_kubernetes_cluster.aks",
//!                "resource_type": "azurerm_kubernetes_cluster",
//!                "attribute": "private_cluster_enabled", "attribute_path": ["private_cluster_enabled"],
//!                "message": "...", "file": "plan.json", "location": null, "change": "new"}],
//!  "fixed": [],
//!  "errors": [{"file": "bad.json", "code": "json", "message": "..."}],
//!  "warnings": ["exception at .akslint.toml:7 (AKS001 on module.dev.*) expired on 2025-01-31: ..."],
//!  "summary": {"files": 1, "resources": 12, "findings": {"critical": 0, "high": 1, ...},
//!              "unknown": 0, "errors": 0, "new": 1, "existing": 0, "fixed": 0,
//!              "failed": true}}
//! ```
use serde::Serialize;

use super::output::{in_order, write_element_at, write_pretty_at, Out, PARALLEL_RENDER};
use super::{Report, Summary};
use crate::finding::{Change, Finding, Location, Severity, Status, Step, Suppression};

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    /// Failing before the change, no longer after it.
    fixed: Vec<JsonFinding<'a>>,
    errors: Vec<JsonError>,
    warnings: &'a [String],
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// Written by serde, and field by field by [`write_finding`]: the two in
/// step (a test compares them).
#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    rule_name: &'a str,
    severity: Severity,
    status: Status,
    address: &'a str,
    resource_type: &'a str,
    attribute: String,
    attribute_path: &'a [Step],
    message: &'a str,
    file: &'a str,
    location: Option<&'a Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<&'a Suppression>,
    /// `new` or `existing` (see `--gate`).
    change: Change,
}

#[derive(Serialize)]
struct JsonError {
    file: String,
    code: &'static str,
    message: String,
}

fn finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        rule_id: &f.rule_id,
        rule_name: &f.rule_name,
        severity: f.severity,
        status: f.status,
        address: &f.address,
        resource_type: &f.resource_type,
        attribute: f.attribute_display(),
        attribute_path: &f.attribute,
        message: &f.message,
        file: &f.file,
        location: f.location.as_ref(),
        suppression: f.suppression.as_ref(),
        change: f.change,
    }
}

pub fn render(report: &Report) -> String {
    super::output::render_string(|out| render_to(report, out))
}

/// [`render`], written as it is serialized.
pub fn render_to(report: &Report, out: &mut Out<'_>) {
    render_from(report, out, PARALLEL_RENDER);
}

fn render_from(report: &Report, out: &mut Out<'_>, parallel_from: usize) {
    let doc = Doc {
        version: 1,
        tool: Tool {
            name: "akslint",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: report.findings().map(finding).collect(),
        fixed: report.fixed().map(finding).collect(),
        errors: report
            .errors()
            .map(|e| JsonError {
                file: e.file().to_string(),
                code: e.code(),
                message: e.to_string(),
            })
            .collect(),
        warnings: &report.warnings,
        summary: report.summary(),
    };
    // A large report's findings are rendered in parallel, each on its own:
    // the same bytes as serde's pretty printer over the whole document.
    if doc.findings.len() + doc.fixed.len() >= parallel_from {
        render_parts(&doc, out);
    } else if super::inert_json::to_writer_pretty(&mut *out, &doc).is_err() {
        // Out's writes do not fail (it keeps a write error for `finish`).
        out.push_str("{}");
    }
    out.push('\n');
}

/// The document as serde's pretty printer writes it, field by field, each
/// list of findings an element at a time (in parallel, a chunk at a time).
fn render_parts(doc: &Doc<'_>, out: &mut Out<'_>) {
    out.push_str("{\n");
    field(out, "version", &doc.version, false);
    field(out, "tool", &doc.tool, false);
    list(out, "findings", &doc.findings);
    list(out, "fixed", &doc.fixed);
    field(out, "errors", &doc.errors, false);
    field(out, "warnings", &doc.warnings, false);
    field(out, "summary", &doc.summary, true);
    out.push('}');
}

/// Indentation of the document's fields.
const FIELD: &str = "  ";

/// A value written as one of the document's fields (one level deep).
fn write_field_value(out: &mut Out<'_>, value: &impl Serialize) {
    let mut text = Vec::new();
    write_pretty_at(&mut text, 1, value);
    out.push_bytes(&text);
}

fn key(out: &mut Out<'_>, name: &str) {
    out.push_str(FIELD);
    write_field_value(out, &name);
    out.push_str(": ");
}

fn field(out: &mut Out<'_>, name: &str, value: &impl Serialize, last: bool) {
    key(out, name);
    write_field_value(out, value);
    out.push_str(if last { "\n" } else { ",\n" });
}

fn list(out: &mut Out<'_>, name: &str, items: &[JsonFinding<'_>]) {
    key(out, name);
    if items.is_empty() {
        out.push_str("[],\n");
        return;
    }
    out.push('[');
    // The document, the list: a finding is 2 levels deep.
    let element = |i, f: &JsonFinding<'_>, buffer: &mut Vec<u8>| write_finding(buffer, i, f);
    in_order(items, true, element, |text: Vec<u8>| out.push_bytes(&text));
    out.push_str("\n");
    out.push_str(FIELD);
    out.push_str("],\n");
}

/// Finding `i` of a list, as [`write_element_at`] writes it two levels
/// deep (the document, the list), written here field by field: serde's
/// pretty printer spends most of a large report's time on calls per token
/// and on scanning each string a byte at a time. Each string goes through
/// [`string`]; a suppressed finding (rare, with an enum of its own) is
/// written by serde.
fn write_finding(out: &mut Vec<u8>, i: usize, f: &JsonFinding<'_>) {
    if f.suppression.is_some() {
        write_element_at(out, i, 2, f);
        return;
    }
    // A field after the first, in the finding's object.
    let key = |out: &mut Vec<u8>, name: &str| {
        out.extend_from_slice(b",\n      \"");
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\": ");
    };
    out.extend_from_slice(if i == 0 { b"\n    {" } else { b",\n    {" });
    out.extend_from_slice(b"\n      \"rule_id\": ");
    string(out, f.rule_id);
    for (name, value) in [
        ("rule_name", f.rule_name),
        ("severity", f.severity.as_str()),
        ("status", f.status.as_str()),
        ("address", f.address),
        ("resource_type", f.resource_type),
        ("attribute", &f.attribute),
    ] {
        key(out, name);
        string(out, value);
    }
    key(out, "attribute_path");
    if f.attribute_path.is_empty() {
        out.extend_from_slice(b"[]");
    } else {
        out.push(b'[');
        for (j, step) in f.attribute_path.iter().enumerate() {
            out.extend_from_slice(if j == 0 {
                b"\n        "
            } else {
                b",\n        "
            });
            match step {
                Step::Index(n) => out.extend_from_slice(itoa::Buffer::new().format(*n).as_bytes()),
                Step::Key(k) => string(out, k),
            }
        }
        out.extend_from_slice(b"\n      ]");
    }
    for (name, value) in [("message", f.message), ("file", f.file)] {
        key(out, name);
        string(out, value);
    }
    key(out, "location");
    match f.location {
        None => out.extend_from_slice(b"null"),
        Some(l) => {
            out.extend_from_slice(b"{\n        \"file\": ");
            string(out, &l.file);
            for (name, n) in [
                ("line", l.line),
                ("column", l.column),
                ("end_line", l.end_line),
                ("end_column", l.end_column),
            ] {
                out.extend_from_slice(b",\n        \"");
                out.extend_from_slice(name.as_bytes());
                out.extend_from_slice(b"\": ");
                out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
            }
            out.extend_from_slice(b"\n      }");
        }
    }
    key(out, "change");
    string(out, f.change.as_str());
    out.extend_from_slice(b"\n    }");
}

/// A string as serde writes it in the report: printable ASCII without `#`
/// (most of a report) is written here, with serde's two escapes it can
/// hold (`\"` and `\\`); any other string by serde's printer, made inert
/// ([`super::inert_json`]).
fn string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // Without an early exit, a chunk's test is vectorized.
    let plain = bytes.chunks(64).all(|chunk| {
        chunk.iter().fold(0u8, |bad, &b| {
            bad | u8::from(b.wrapping_sub(0x20) >= 0x5f) | u8::from(b == b'#')
        }) == 0
    });
    if !plain {
        write_pretty_at(out, 0, &s);
        return;
    }
    out.push(b'"');
    let mut from = 0;
    for at in memchr::memchr2_iter(b'"', b'\\', bytes) {
        out.extend_from_slice(bytes.get(from..at).unwrap_or_default());
        out.push(b'\\');
        from = at;
    }
    out.extend_from_slice(bytes.get(from..).unwrap_or_default());
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::report;

    fn rendered(report: &Report, parallel_from: usize) -> String {
        super::super::output::render_string(|out| render_from(report, out, parallel_from))
    }

    #[test]
    fn rendered_in_parts_is_what_serde_writes_whole() {
        for (findings, fixed, errors) in [
            (0, 0, false),
            (0, 0, true),
            (3, 0, false),
            (0, 2, true),
            (5, 4, true),
            (super::super::output::RENDER_CHUNK * 2 + 3, 1, false),
        ] {
            let r = report(findings, fixed, errors);
            let whole = rendered(&r, usize::MAX);
            let parts = rendered(&r, 0);
            assert!(
                whole == parts,
                "{findings} findings, {fixed} fixed, errors {errors}"
            );
            assert!(serde_json::from_str::<serde_json::Value>(&parts).is_ok());
        }
    }

    #[test]
    fn findings_are_written_as_serde_writes_them() {
        use crate::finding::{Change, Location, Severity, Status, Step};
        let texts = [
            "",
            "plain text",
            "set `x = \"overlay\"`",
            "a\\b\\",
            "\"",
            "##vso[task.setvariable]x",
            "###[error]",
            "# one",
            "tab\there",
            "\u{1}\u{1f}\u{7f}",
            "日本 \u{202e} \u{2028} \u{85}",
            "</x> & 'y'",
        ];
        let mut n = 0;
        for (a, text) in texts.iter().enumerate() {
            for (b, other) in texts.iter().enumerate() {
                let f = Finding {
                    rule_id: text.to_string(),
                    rule_name: other.to_string(),
                    severity: Severity::ALL[(a + b) % 4],
                    status: if a % 2 == 0 {
                        Status::Fail
                    } else {
                        Status::Unknown
                    },
                    address: format!("module.m[{other}].{text}"),
                    resource_type: other.to_string(),
                    attribute: match b % 3 {
                        0 => Vec::new(),
                        1 => vec![Step::Key(text.to_string())],
                        _ => vec![
                            Step::Key(other.to_string()),
                            Step::Index(u64::MAX - a as u64),
                            Step::Key("zones".into()),
                        ],
                    },
                    message: format!("{text}{other}"),
                    file: other.to_string(),
                    location: (a % 3 != 0).then(|| Location {
                        file: text.to_string(),
                        line: a * 1000,
                        column: b,
                        end_line: usize::MAX,
                        end_column: 0,
                        source_path: None,
                    }),
                    suppression: None,
                    change: if b % 2 == 0 {
                        Change::New
                    } else {
                        Change::Existing
                    },
                };
                let f = finding(&f);
                for i in [0, 1, 7] {
                    let (mut direct, mut serde) = (Vec::new(), Vec::new());
                    write_finding(&mut direct, i, &f);
                    write_element_at(&mut serde, i, 2, &f);
                    assert_eq!(
                        String::from_utf8_lossy(&direct),
                        String::from_utf8_lossy(&serde)
                    );
                    n += 1;
                }
            }
        }
        assert_eq!(n, texts.len() * texts.len() * 3);
    }

    #[test]
    fn large_reports_are_rendered_in_parts() {
        let r = report(PARALLEL_RENDER, 0, false);
        assert_eq!(rendered(&r, PARALLEL_RENDER), rendered(&r, usize::MAX));
        let v: serde_json::Value = serde_json::from_str(&render(&r)).unwrap();
        assert_eq!(
            v["findings"].as_array().map(Vec::len),
            Some(PARALLEL_RENDER)
        );
    }
}
