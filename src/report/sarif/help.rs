//! The `help` of a rule descriptor: plain text, and Markdown that code
//! scanning renders.
//!
//! A custom policy's metadata is hostile: in the Markdown its prose is
//! literal text ([`escape_prose`], line by line), its related ids and id are
//! code spans ([`code`]), its `help_uri` a link destination that nothing
//! ends early ([`link_target`]); in both, control characters, line
//! separators and bidirectional overrides are visible. A built-in rule's
//! prose is akslint's own Markdown (the source of `docs/rules/*.md`) and is
//! kept as written.
use std::sync::OnceLock;

use serde_sarif::sarif::MultiformatMessageString;

use crate::escape::{visible, visible_except, visible_lines};
use crate::report::markdown::{code, escape_prose, link_target, longest_backtick_run};
use crate::rules::RuleMeta;

/// A code fence long enough for `body` (which may itself hold backticks).
fn fence(body: &str) -> String {
    "`".repeat((longest_backtick_run(body) + 1).max(3))
}

/// Is this a built-in rule's prose, as akslint ships it? (A custom policy
/// may take a built-in id, never its text: that is the built-in's.)
fn builtin_prose(meta: &RuleMeta) -> bool {
    static BUILTIN: OnceLock<Vec<RuleMeta>> = OnceLock::new();
    BUILTIN
        .get_or_init(|| {
            crate::rules::builtin_rules()
                .map(|rules| rules.into_iter().map(|r| r.meta).collect())
                .unwrap_or_default()
        })
        .iter()
        .any(|b| {
            b.id == meta.id
                && b.description == meta.description
                && b.why == meta.why
                && b.remediation == meta.remediation
        })
}

/// Hostile prose as Markdown that shows it as it is: each line
/// [`escape_prose`] (its code spans stay code spans), without its
/// indentation, and a leading `-` or `=` (which `escape_prose` keeps in
/// mid-line) escaped, so that no line starts a block (heading, list, rule,
/// quote, table, code block or HTML).
fn prose(s: &str) -> String {
    s.lines()
        .map(|line| {
            let escaped = escape_prose(line.trim_start());
            if escaped.starts_with(['-', '=']) {
                format!("\\{escaped}")
            } else {
                escaped
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn help(meta: &RuleMeta) -> MultiformatMessageString {
    let trusted = builtin_prose(meta);
    let md_prose = |s: &str| {
        if trusted {
            s.to_string()
        } else {
            prose(s)
        }
    };
    let id = visible(&meta.id);
    let explain = code(&format!("akslint explain {}", meta.id));
    let mut text = Vec::new();
    let mut md = Vec::new();
    if !meta.description.is_empty() {
        text.push(visible_lines(&meta.description).into_owned());
        md.push(md_prose(&meta.description));
    }
    if !meta.why.is_empty() {
        text.push(format!("Why: {}", visible_lines(&meta.why)));
        md.push(format!("**Why.** {}", md_prose(&meta.why)));
    }
    if !meta.remediation.is_empty() {
        text.push(format!("Remediation: {}", visible_lines(&meta.remediation)));
        md.push(format!("**Remediation.** {}", md_prose(&meta.remediation)));
    }
    for (label, example) in [
        ("Noncompliant", &meta.examples.bad),
        ("Compliant", &meta.examples.good),
    ] {
        let body = visible_except(example.trim_end(), &['\n', '\t']);
        if body.is_empty() {
            continue;
        }
        text.push(format!("{label}:\n{body}"));
        let f = fence(&body);
        md.push(format!("**{label}:**\n\n{f}hcl\n{body}\n{f}"));
    }
    if !meta.related.is_empty() {
        let related: Vec<String> = meta
            .related
            .iter()
            .map(|r| visible(r).into_owned())
            .collect();
        text.push(format!("Related checks: {}", related.join(", ")));
        let related: Vec<String> = meta.related.iter().map(|r| code(r)).collect();
        md.push(format!("**Related checks:** {}", related.join(", ")));
    }
    match &meta.help_uri {
        Some(uri) => {
            text.push(format!(
                "Documentation: {} (or `akslint explain {id}`)",
                visible(uri)
            ));
            md.push(format!(
                "[Documentation]({}) (or {explain})",
                link_target(uri)
            ));
        }
        None => {
            text.push(format!("Documentation: `akslint explain {id}`"));
            md.push(format!("Documentation: {explain}"));
        }
    }
    MultiformatMessageString::builder()
        .text(text.join("\n\n"))
        .markdown(md.join("\n\n"))
        .build()
}
