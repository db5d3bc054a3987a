//! `--format markdown`: a GitHub-flavoured Markdown summary for
//! `$GITHUB_STEP_SUMMARY` and pull-request comments.
//!
//! A heading and verdict, counts by severity, a table of findings, the
//! message and remediation of each finding in collapsible `<details>`, and the
//! input errors. The document starts with an HTML comment marker
//! ([`MARKER`]) so a workflow can find and update its previous PR comment.
//!
//! PR comments are limited to 65,536 characters: the table shows at most
//! [`MAX_ROWS`] findings and the details at most [`MAX_DETAILS`]; the rest is
//! counted, not listed.

use super::output::encode_path;
use super::Report;
use crate::cli::UnknownMode;
use crate::escape::visible;
use crate::finding::{Change, Finding, Severity, Status};

/// First line of the document, to find a previous comment.
pub const MARKER: &str = "<!-- akslint-report -->";
/// Most findings listed in the table.
pub(crate) const MAX_ROWS: usize = 100;
/// Most findings given a `<details>` block.
pub(crate) const MAX_DETAILS: usize = 30;

/// Escapes HTML-special characters, with control characters made visible
/// (one line: a blank line cannot end an HTML block).
pub fn escape_html(s: &str) -> String {
    let s = visible(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Text that Markdown shows as it is, placed in mid-line: HTML-special
/// characters as entities, every ASCII punctuation character that could
/// start an inline construct backslash-escaped (no emphasis, link, image,
/// code span or autolink: `.`, `:` and `@` included), control characters
/// visible (one line, so no block can start).
pub fn escape_text(s: &str) -> String {
    let s = visible(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Punctuation that starts no inline construct in mid-line
            // stays as it is, for readable sources.
            '-' | '/' | ',' | ';' | '=' | '%' | '?' | '$' | '^' | '{' | '}' => out.push(c),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Prose that may contain `code spans` (rule messages, remediation): the
/// spans become code spans of their own ([`code`]: literal whatever they
/// hold), the text between them [`escape_text`]. With an odd number of
/// backticks, all of it is text.
pub fn escape_prose(s: &str) -> String {
    let ticks = s.matches('`').count();
    if ticks == 0 || ticks % 2 == 1 {
        return escape_text(s);
    }
    let mut out = String::with_capacity(s.len());
    for (i, part) in s.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str(&code(part));
        } else {
            out.push_str(&escape_text(part));
        }
    }
    out
}

/// Makes text safe in a table cell: `|` escaped, line breaks as `<br>`.
pub fn cell(s: &str) -> String {
    s.replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace(['\n', '\r'], "<br>")
}

/// The longest run of backticks in `s` (a code span or fence must be longer).
pub(crate) fn longest_backtick_run(s: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

/// A code span holding `s` verbatim (longer delimiters when `s` has
/// backticks).
pub fn code(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let one_line = visible(s);
    if !one_line.contains('`') {
        return format!("`{one_line}`");
    }
    let fence = "`".repeat(longest_backtick_run(&one_line) + 1);
    format!("{fence} {one_line} {fence}")
}

fn severity_badge(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "🟥 critical",
        Severity::High => "🟧 high",
        Severity::Medium => "🟨 medium",
        Severity::Low => "🟦 low",
    }
}

fn badge(f: &Finding) -> String {
    match f.status {
        Status::Fail => severity_badge(f.severity).to_string(),
        Status::Unknown => format!("❔ unknown ({})", f.severity),
    }
}

/// `path/to/file.tf:12` (or the input plan file without a line), linked to the
/// source when `link_base` is given.
fn location_cell(f: &Finding, link_base: Option<&str>) -> String {
    let Some(loc) = &f.location else {
        return code(&f.file);
    };
    let text = format!("{}:{}", loc.file, loc.line.max(1));
    match link_base {
        Some(base) => {
            let path = loc.file.replace('\\', "/");
            let path = path.trim_start_matches("./");
            let lines = if loc.end_line > loc.line {
                format!("L{}-L{}", loc.line.max(1), loc.end_line)
            } else {
                format!("L{}", loc.line.max(1))
            };
            format!(
                "[{}]({}/{}#{lines})",
                escape_text(&text),
                base.trim_end_matches('/'),
                encode_path(path)
            )
        }
        None => code(&text),
    }
}

/// Percent-encodes a path for a link (keeps unreserved characters and `/`).
fn rule_link(report: &Report, f: &Finding) -> String {
    let text = format!("{} {}", escape_text(&f.rule_id), escape_text(&f.rule_name));
    match report.rule(&f.rule_id).and_then(|m| m.help_uri.as_deref()) {
        Some(uri) => format!("[{text}]({})", link_target(uri)),
        None => text,
    }
}

/// A URL as a Markdown link destination: as it is when plain, else in
/// `<...>` with the characters that could end it, and those
/// [`crate::escape::hidden`] shows escaped, percent-encoded.
pub(crate) fn link_target(uri: &str) -> String {
    let plain = |c: char| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '(' | ')' | '\\' | '`');
    if uri.chars().all(plain) {
        return uri.to_string();
    }
    let mut out = String::from("<");
    for c in uri.chars() {
        match c {
            '<' | '>' | ' ' | '\\' | '`' => out.push_str(&format!("%{:02X}", u32::from(c))),
            c if crate::escape::hidden(c) => {
                for byte in c.encode_utf8(&mut [0; 4]).bytes() {
                    out.push_str(&format!("%{byte:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('>');
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Renders the report as Markdown. `link_base` (e.g. from
/// `Settings::link_base`, from `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY` and `GITHUB_SHA`) turns source locations into links:
/// `<link_base>/<file>#L<line>`.
/// One group of findings (new, existing, fixed) as a table, at most
/// [`MAX_ROWS`] rows.
fn table(
    out: &mut String,
    report: &Report,
    title: &str,
    findings: &[&Finding],
    link_base: Option<&str>,
) {
    out.push_str(&format!("### {title}\n\n"));
    out.push_str("| Severity | Rule | Resource | Attribute | Location |\n");
    out.push_str("|:---|:---|:---|:---|:---|\n");
    for f in findings.iter().take(MAX_ROWS) {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            badge(f),
            cell(&rule_link(report, f)),
            cell(&code(&f.address)),
            cell(&code(&f.attribute_display())),
            cell(&location_cell(f, link_base)),
        ));
    }
    if findings.len() > MAX_ROWS {
        out.push_str(&format!(
            "\n_{} more not shown: see the SARIF or JSON report._\n",
            plural(findings.len() - MAX_ROWS, "finding")
        ));
    }
    out.push('\n');
}

pub fn render(report: &Report, link_base: Option<&str>) -> String {
    let s = report.summary();
    let findings: Vec<&Finding> = report
        .findings()
        .filter(|f| f.suppression.is_none())
        .collect();
    let errors: Vec<_> = report.errors().collect();
    let failing = findings.iter().filter(|f| f.status == Status::Fail).count();
    let mut out = String::new();
    out.push_str(MARKER);
    out.push_str("\n## akslint\n\n");
    out.push_str(&format!(
        "**{} new, {} existing, {} fixed**\n\n",
        s.new, s.existing, s.fixed
    ));

    let verdict = if !errors.is_empty() {
        "⚠️ **Errors**: some inputs could not be linted"
    } else if s.failed {
        "❌ **Failed**"
    } else if findings.is_empty() {
        "✅ **Passed**: no findings"
    } else {
        "✅ **Passed**: no finding reaches the failure threshold"
    };
    out.push_str(&format!(
        "{verdict}\n\n{} linted, {} checked: {}, {} unknown, {}.\n\n",
        plural(s.files, "file"),
        plural(s.resources, "resource"),
        plural(failing, "finding"),
        s.unknown,
        plural(s.errors, "error"),
    ));

    out.push_str("| Severity | Findings |\n|:---|---:|\n");
    for sev in Severity::ALL {
        out.push_str(&format!(
            "| {} | {} |\n",
            severity_badge(sev),
            s.findings.get(sev.as_str()).copied().unwrap_or(0)
        ));
    }
    if report.unknown != UnknownMode::Ignore {
        out.push_str(&format!(
            "| ❔ unknown (known only after apply) | {} |\n",
            s.unknown
        ));
    }
    if s.errors > 0 {
        out.push_str(&format!("| ⚠️ input errors | {} |\n", s.errors));
    }
    out.push('\n');

    if !findings.is_empty() {
        for change in [Change::New, Change::Existing] {
            let group: Vec<&Finding> = findings
                .iter()
                .copied()
                .filter(|f| f.change == change)
                .collect();
            if !group.is_empty() {
                let title = match change {
                    Change::New => "New",
                    Change::Existing => "Existing",
                };
                table(
                    &mut out,
                    report,
                    &format!("{title} ({})", group.len()),
                    &group,
                    link_base,
                );
            }
        }
        out.push_str("### Details\n\n");
        for f in findings.iter().take(MAX_DETAILS) {
            out.push_str(&details(report, f));
        }
        if findings.len() > MAX_DETAILS {
            out.push_str(&format!(
                "_{} more not detailed: run `akslint explain <RULE>` for a rule's remediation._\n\n",
                plural(findings.len() - MAX_DETAILS, "finding")
            ));
        }
    }

    if !report.warnings.is_empty() {
        out.push_str("### Warnings\n\n");
        for w in &report.warnings {
            out.push_str(&format!("- {}\n", escape_text(w)));
        }
        out.push('\n');
    }

    let fixed: Vec<&Finding> = report.fixed().collect();
    if !fixed.is_empty() {
        table(
            &mut out,
            report,
            &format!("Fixed ({})", fixed.len()),
            &fixed,
            link_base,
        );
    }

    if !errors.is_empty() {
        out.push_str("### Errors\n\n");
        for e in &errors {
            let text = e.to_string();
            let msg = text
                .strip_prefix(&format!("{}: ", e.file()))
                .unwrap_or(&text);
            out.push_str(&format!(
                "- {} ({}): {}\n",
                code(e.file()),
                code(e.code()),
                escape_prose(msg).replace(['\n', '\r'], " ")
            ));
        }
        out.push('\n');
    }
    out
}

fn details(report: &Report, f: &Finding) -> String {
    let attribute = f.attribute_display();
    let target = if attribute.is_empty() {
        f.address.clone()
    } else {
        format!("{} {}", f.address, attribute)
    };
    let mut out = format!(
        "<details>\n<summary>{} <b>{} {}</b> on <code>{}</code></summary>\n\n",
        badge(f),
        escape_html(&f.rule_id),
        escape_html(&f.rule_name),
        escape_html(&target)
    );
    out.push_str(&escape_prose(&f.message));
    if !f.unknown_suffix().is_empty() {
        out.push_str(" _(known only after apply)_");
    }
    out.push_str("\n\n");
    if let Some(meta) = report.rule(&f.rule_id) {
        if !meta.remediation.is_empty() {
            out.push_str(&format!(
                "**Remediation:** {}\n\n",
                escape_prose(&meta.remediation)
            ));
        }
    }
    let doc = report
        .rule(&f.rule_id)
        .and_then(|m| m.help_uri.as_deref())
        .map(|uri| format!("[Rule documentation]({}) · ", link_target(uri)))
        .unwrap_or_default();
    out.push_str(&format!(
        "{doc}{}\n\n</details>\n\n",
        code(&format!("akslint explain {}", f.rule_id))
    ));
    out
}
