//! `--format text`: miette diagnostics grouped per input file, then a summary.
use miette::{GraphicalReportHandler, GraphicalTheme, MietteDiagnostic, Severity as MSeverity};

use super::Report;
use crate::finding::{Finding, Severity, Status};

fn diagnostic(report: &Report, f: &Finding) -> MietteDiagnostic {
    let severity = match (f.status, f.severity) {
        (Status::Unknown, _) => MSeverity::Advice,
        (_, Severity::Critical | Severity::High) => MSeverity::Error,
        _ => MSeverity::Warning,
    };
    let status = match f.status {
        Status::Fail => String::new(),
        Status::Unknown => " (known only after apply)".to_string(),
    };
    let attribute = f.attribute_display();
    let at = if attribute.is_empty() {
        f.address.clone()
    } else {
        format!("{}.{}", f.address, attribute)
    };
    let suppressed = f
        .suppression
        .as_ref()
        .map(|s| format!(" [suppressed: {}]", s.justification))
        .unwrap_or_default();
    let mut msg = format!(
        "[{}] {}{status}{suppressed}\nat {at}",
        f.severity, f.message
    );
    if let Some(loc) = &f.location {
        msg.push_str(&format!("\n   {}:{}:{}", loc.file, loc.line, loc.column));
    }
    let mut d = MietteDiagnostic::new(msg)
        .with_code(format!("{}/{}", f.rule_id, f.rule_name))
        .with_severity(severity);
    if let Some(meta) = report.rule(&f.rule_id) {
        if !meta.remediation.is_empty() {
            d = d.with_help(format!(
                "{}  (akslint explain {})",
                meta.remediation, f.rule_id
            ));
        }
    }
    d
}

pub fn render(report: &Report, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100);
    let mut out = String::new();
    for file in &report.files {
        let findings: Vec<&Finding> = file
            .findings
            .iter()
            .filter(|f| {
                f.status == Status::Fail || report.unknown != crate::settings::UnknownMode::Ignore
            })
            .collect();
        if findings.is_empty() && file.errors.is_empty() {
            continue;
        }
        out.push_str(&format!("{}\n", file.file));
        for e in &file.errors {
            let _ = handler.render_report(&mut out, e);
        }
        for f in findings {
            let _ = handler.render_report(&mut out, &diagnostic(report, f));
        }
        out.push('\n');
    }
    for w in &report.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    if !report.warnings.is_empty() {
        out.push('\n');
    }
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
    out.push_str(&format!(
        "{} file{} linted, {} resource{} checked: {} finding{} ({}), {} unknown, {} suppressed, {} error{}\n",
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
        plural(s.errors)
    ));
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
