//! `akslint rules` and `akslint explain`.
use serde::Serialize;

use crate::cli::ListFormat;
use crate::error::RunError;
use crate::escape::{safe_lines, visible};
use crate::exit::ExitStatus;
use crate::report::output::write_output;
use crate::rules::{self, Rule, RuleMeta};

#[derive(Serialize)]
struct ListedRule<'a> {
    id: &'a str,
    name: &'a str,
    severity: crate::finding::Severity,
    title: &'a str,
    resource_types: &'a [String],
    related: &'a [String],
}

pub(crate) fn list_rules(format: ListFormat, rules: &[Rule]) -> Result<ExitStatus, RunError> {
    let text = match format {
        ListFormat::Json => {
            let list: Vec<ListedRule<'_>> = rules
                .iter()
                .map(|r| ListedRule {
                    id: &r.meta.id,
                    name: &r.meta.name,
                    severity: r.meta.severity,
                    title: &r.meta.title,
                    resource_types: &r.meta.resource_types,
                    related: &r.meta.related,
                })
                .collect();
            let mut s = crate::report::inert_json::to_string_pretty(&list).unwrap_or_default();
            s.push('\n');
            s
        }
        ListFormat::Text => {
            let mut s = String::new();
            for r in rules {
                let m = &r.meta;
                s.push_str(&format!(
                    "{:<7} {:<22} {:<9} {}\n",
                    visible(&m.id),
                    visible(&m.name),
                    m.severity.as_str(),
                    visible(&m.title)
                ));
                if !m.related.is_empty() {
                    s.push_str(&format!(
                        "{:<40}related: {}\n",
                        "",
                        visible(&peers(&m.related))
                    ));
                }
            }
            safe_lines(&s)
        }
    };
    write_output(None, &text)?;
    Ok(ExitStatus::Clean)
}

/// The peer tools of the rules' `related` ids (`ck:CKV_AZURE_115`).
const PEERS: &[(&str, &str)] = &[
    ("ck", "Checkov"),
    ("tv", "Trivy"),
    ("kics", "KICS"),
    ("psrule", "PSRule"),
    ("conftest", "conftest"),
];

/// `ck:CKV_AZURE_115, tv:AZU-0065` spelled out: `Checkov CKV_AZURE_115,
/// Trivy AZU-0065` (an unknown prefix is kept as it is).
pub fn peers(related: &[String]) -> String {
    related
        .iter()
        .map(|r| match r.split_once(':') {
            Some((tool, id)) => match PEERS.iter().find(|(p, _)| p.eq_ignore_ascii_case(tool)) {
                Some((_, name)) => format!("{name} {id}"),
                None => r.clone(),
            },
            None => r.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The text of `akslint explain`, as it is printed: a custom policy's
/// strings are hostile, so the one-line ones (id, name, title, related ids,
/// parameter names) are [`visible`], and the prose keeps its lines but no
/// control character and no line that starts with `::` ([`safe_lines`]).
/// The explanation with the values `.akslint.toml` gives the rule's
/// parameters (`configured`: its `[rules.params.<ID>]` table).
fn explain_layout(m: &RuleMeta, configured: Option<&serde_json::Value>) -> String {
    let mut s = format!(
        "{} {} ({})\n{}\n\n",
        visible(&m.id),
        visible(&m.name),
        m.severity,
        visible(&m.title)
    );
    s.push_str(&format!("What it checks\n  {}\n\n", indent(&m.description)));
    if !m.why.is_empty() {
        s.push_str(&format!("Why it matters\n  {}\n\n", indent(&m.why)));
    }
    s.push_str(&format!("How to fix\n  {}\n\n", indent(&m.remediation)));
    s.push_str(&format!(
        "Resource types\n  {}\n\n",
        visible(&m.resource_types.join(", "))
    ));
    if !m.related.is_empty() {
        s.push_str(&format!(
            "Related peer checks\n  {}\n\n",
            visible(&peers(&m.related))
        ));
    }
    if !m.params.is_empty() {
        s.push_str("Parameters (data.akslint.params.");
        s.push_str(&visible(&m.id));
        s.push_str(")\n");
        for (k, v) in &m.params {
            match configured.and_then(|c| c.get(k)) {
                Some(set) => s.push_str(&format!(
                    "  {} = {}  (.akslint.toml; default {v})\n",
                    visible(k),
                    visible(&set.to_string())
                )),
                None => s.push_str(&format!("  {} = {v}  (default)\n", visible(k))),
            }
        }
        s.push('\n');
    }
    if !m.examples.bad.is_empty() {
        s.push_str(&format!("Bad\n{}\n", block(&m.examples.bad)));
    }
    if !m.examples.good.is_empty() {
        s.push_str(&format!("Good\n{}\n", block(&m.examples.good)));
    }
    s
}

fn indent(s: &str) -> String {
    s.trim().replace('\n', "\n  ")
}

fn block(s: &str) -> String {
    s.trim_end().lines().map(|l| format!("    {l}\n")).collect()
}

pub(crate) fn explain(
    key: &str,
    rules: &[Rule],
    params: &serde_json::Map<String, serde_json::Value>,
) -> Result<ExitStatus, RunError> {
    let rule = rules::find(rules, key).ok_or_else(|| RunError::UnknownRule(key.to_string()))?;
    let text = explain_layout(&rule.meta, params.get(&rule.meta.id));
    write_output(None, &safe_lines(&text))?;
    Ok(ExitStatus::Clean)
}

/// The documentation page of a rule (`docs/rules/<ID>.md`), generated from
/// its metadata so that it never drifts; SARIF `helpUri` points at it.
pub fn rule_markdown(m: &RuleMeta) -> String {
    let mut s = format!("# {} {}\n\n", m.id, m.name);
    s.push_str(&format!("**{}**\n\n", m.title));
    s.push_str(&format!(
        "| | |\n|---|---|\n| id | `{}` |\n| name | `{}` |\n| severity | {} |\n| resource types | {} |\n| related | {} |\n\n",
        m.id,
        m.name,
        m.severity,
        m.resource_types
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", "),
        if m.related.is_empty() {
            "none".to_string()
        } else {
            m.related.join(", ")
        }
    ));
    s.push_str(&format!(
        "## What it checks\n\n{}\n\n",
        m.description.trim()
    ));
    if !m.why.is_empty() {
        s.push_str(&format!("## Why it matters\n\n{}\n\n", m.why.trim()));
    }
    s.push_str(&format!("## How to fix\n\n{}\n\n", m.remediation.trim()));
    if !m.examples.bad.is_empty() {
        s.push_str(&format!(
            "### Bad\n\n```hcl\n{}\n```\n\n",
            m.examples.bad.trim_end()
        ));
    }
    if !m.examples.good.is_empty() {
        s.push_str(&format!(
            "### Good\n\n```hcl\n{}\n```\n\n",
            m.examples.good.trim_end()
        ));
    }
    if !m.params.is_empty() {
        s.push_str(&format!(
            "## Parameters\n\nRead by the rule as `data.akslint.params.{}`.\n\n| parameter | default |\n|---|---|\n",
            m.id
        ));
        for (k, v) in &m.params {
            s.push_str(&format!("| `{k}` | `{v}` |\n"));
        }
        s.push('\n');
    }
    s.push_str(&format!(
        "---\nGenerated from the metadata of [`rules/`](../../rules/) by `AKSLINT_UPDATE_DOCS=1 cargo test --test registry`; run `akslint explain {}` for the same text in a terminal.\n",
        m.id
    ));
    s
}
