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

use super::output::Out;
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
    // Out's writes do not fail (it keeps a write error for `finish`).
    if serde_json::to_writer_pretty(&mut *out, &doc).is_err() {
        out.push_str("{}");
    }
    out.push('\n');
}
