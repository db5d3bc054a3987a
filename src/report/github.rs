//! `--format github`: GitHub Actions workflow commands, which GitHub shows as
//! annotations on the pull request's changed files.
//!
//! ```text
//! ::error file=main.tf,line=12,col=3,endLine=12,endColumn=40,title=AKS001 private-cluster::azurerm_kubernetes_cluster.aks private_cluster_enabled: ...
//! ```
//!
//! `::error` for critical and high findings, `::warning` for medium and low,
//! `::notice` for findings whose value is known only after apply, the most
//! severe first (GitHub shows 10 annotations of each kind a step). Findings
//! not mapped to the Terraform source point at line 1 of the input plan.
//! Input errors are `::error file=F::message`. A last plain line summarises
//! the run in the log.
use super::output::Out;
use super::{Gate, Report};
use crate::error::InputError;
use crate::finding::{Change, Finding, Severity, Status};

/// Escapes a command's message (`%`, CR and LF), with no Azure Pipelines
/// or legacy (`##[`) command in it.
pub fn escape_data(s: &str) -> String {
    crate::escape::no_hash_commands(&crate::escape::visible_except(s, &['\r', '\n']))
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value (as data, plus `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(f: &Finding) -> &'static str {
    match (f.status, f.severity) {
        (Status::Unknown, _) => "notice",
        (Status::Fail, Severity::Critical | Severity::High) => "error",
        (Status::Fail, Severity::Medium | Severity::Low) => "warning",
    }
}

fn properties(props: &[(&str, String)]) -> String {
    props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect::<Vec<_>>()
        .join(",")
}

/// One workflow command for a finding.
pub fn finding_command(f: &Finding) -> String {
    let mut props: Vec<(&str, String)> = Vec::new();
    match &f.location {
        Some(loc) => {
            let line = loc.line.max(1);
            props.push(("file", loc.file.replace('\\', "/")));
            props.push(("line", line.to_string()));
            if loc.column >= 1 {
                props.push(("col", loc.column.to_string()));
            }
            if loc.end_line >= line {
                props.push(("endLine", loc.end_line.to_string()));
                if loc.end_column >= 1 {
                    props.push(("endColumn", loc.end_column.to_string()));
                }
            }
        }
        None => {
            props.push(("file", f.file.replace('\\', "/")));
            props.push(("line", "1".to_string()));
        }
    }
    props.push(("title", format!("{} {}", f.rule_id, f.rule_name)));
    let attribute = f.attribute_display();
    let target = if attribute.is_empty() {
        f.address.clone()
    } else {
        format!("{} {}", f.address, attribute)
    };
    let suffix = match f.status {
        Status::Fail => format!(" [{}]", f.severity),
        // (`::notice` already: the tag says why, unless the message does.)
        Status::Unknown if f.unknown_suffix().is_empty() => format!(" [{}]", f.severity),
        Status::Unknown => format!(" [{}, known only after apply]", f.severity),
    };
    format!(
        "::{} {}::{}",
        command(f),
        properties(&props),
        escape_data(&format!("{target}: {}{suffix}", f.message))
    )
}

/// One workflow command for an input error.
pub fn error_command(e: &InputError) -> String {
    let mut props: Vec<(&str, String)> = vec![("file", e.file().replace('\\', "/"))];
    if let Some((line, column)) = e.position() {
        props.push(("line", line.max(1).to_string()));
        props.push(("col", column.max(1).to_string()));
    }
    format!(
        "::error {}::{}",
        properties(&props),
        escape_data(&e.to_string())
    )
}

/// Renders the report as workflow commands, one a line.
pub fn render(report: &Report) -> String {
    super::output::render_string(|out| render_to(report, out))
}

/// The same, written as it is rendered.
pub fn render_to(report: &Report, out: &mut Out<'_>) {
    for e in report.errors() {
        out.push_str(&error_command(e));
        out.push('\n');
    }
    // With `--gate new`, only the findings the change introduces are
    // annotated: existing ones are not the pull request's doing. GitHub
    // shows the first 10 annotations of each kind in a step: the most
    // severe come first (failures before unknowns; otherwise report order).
    let mut annotated: Vec<&Finding> = report
        .findings()
        .filter(|f| {
            f.suppression.is_none() && (report.gate == Gate::All || f.change == Change::New)
        })
        .collect();
    annotated.sort_by_key(|f| (f.status != Status::Fail, std::cmp::Reverse(f.severity)));
    for f in annotated {
        out.push_str(&finding_command(f));
        out.push('\n');
    }
    // Warnings about the run (expired exceptions and inline ignores), once.
    for w in &report.warnings {
        out.push_str(&format!("::warning title=akslint::{}\n", escape_data(w)));
    }
    let s = report.summary();
    let findings: usize = s.findings.values().sum();
    out.push_str(&format!(
        "akslint: {} file(s) linted, {} resource(s) checked: {} finding(s), {} unknown, {} error(s); {} new, {} existing, {} fixed{}\n",
        s.files,
        s.resources,
        findings,
        s.unknown,
        s.errors,
        s.new,
        s.existing,
        s.fixed,
        if s.failed { ": failed" } else { "" }
    ));
}
