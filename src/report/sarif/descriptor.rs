//! The rules of a SARIF log (`reportingDescriptor`): each rule, and the
//! sub-rule of its unknown results, as GitHub code scanning reads them.
use std::collections::BTreeMap;

use serde_json::json;
use serde_sarif::sarif::{
    MultiformatMessageString, PropertyBag, ReportingConfiguration, ReportingDescriptor, ResultLevel,
};

use super::{help, UNKNOWN_SUFFIX};
use crate::escape::{visible, visible_lines};
use crate::finding::{Finding, Severity, Status};
use crate::rules::RuleMeta;

/// SARIF level of a rule's severity.
fn severity_level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub's `security-severity` score (a number, written as a string).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

pub(super) fn result_level(f: &Finding) -> ResultLevel {
    match (f.status, f.severity) {
        (Status::Unknown, _) => ResultLevel::Note,
        (Status::Fail, Severity::Critical | Severity::High) => ResultLevel::Error,
        (Status::Fail, Severity::Medium) => ResultLevel::Warning,
        (Status::Fail, Severity::Low) => ResultLevel::Note,
    }
}

pub(super) fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s.into()).build()
}

/// The longest rule name GitHub code scanning takes, and the longest
/// description (in UTF-16 code units, as JavaScript counts).
const MAX_NAME: usize = 255;
const MAX_DESCRIPTION: usize = 1024;

/// `s`, cut to `max` UTF-16 code units (the last one an ellipsis) where it
/// is longer: a custom policy's title or description may be any length.
fn bounded(s: String, max: usize) -> String {
    if s.encode_utf16().count() <= max {
        return s;
    }
    let mut out = String::new();
    let mut units = 0;
    for c in s.chars() {
        units += c.len_utf16();
        if units > max - 1 {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

pub(super) fn descriptor(meta: &RuleMeta) -> ReportingDescriptor {
    let mut tags: Vec<String> = ["security", "terraform", "aks", "azure"]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
    for t in &meta.resource_types {
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    tags.truncate(20);
    // Rules decide on exact plan values; those with parameters decide on a
    // policy choice whose default may not fit every team.
    let precision = if meta.params.is_empty() {
        "very-high"
    } else {
        "high"
    };
    let mut extra = BTreeMap::new();
    extra.insert("precision".to_string(), json!(precision));
    extra.insert(
        "security-severity".to_string(),
        json!(security_severity(meta.severity)),
    );
    // GitHub reads `error`, `warning` or `recommendation` here (it shows
    // `security-severity` first, but a consumer without it shows this).
    extra.insert(
        "problem.severity".to_string(),
        json!(match meta.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low => "recommendation",
        }),
    );
    // A custom policy's strings: no control character, line separator or
    // bidirectional override (`help` escapes the rest, for Markdown).
    let short = if meta.title.is_empty() {
        visible(&meta.name).into_owned()
    } else {
        visible(&meta.title).into_owned()
    };
    let full = if meta.description.is_empty() {
        short.clone()
    } else {
        visible_lines(&meta.description).into_owned()
    };
    let mut d = ReportingDescriptor::builder()
        .id(meta.id.clone())
        .name(bounded(meta.name.clone(), MAX_NAME))
        .short_description(text(bounded(short, MAX_DESCRIPTION)))
        .full_description(text(bounded(full, MAX_DESCRIPTION)))
        .help(help::help(meta))
        .help_uri(meta.help_uri.clone().unwrap_or_default())
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(severity_level(meta.severity)))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(extra)
                .build(),
        )
        .build();
    // No page for a custom policy without `help_uri`: no link to nowhere.
    if meta.help_uri.is_none() {
        d.help_uri = None;
    }
    d
}

/// The sub-rule `ID/unknown` of a rule: its results are values known only
/// after apply, so it is a note with no `security-severity` (GitHub would
/// otherwise show the rule's High/Critical score).
pub(super) fn unknown_descriptor(meta: &RuleMeta) -> ReportingDescriptor {
    let mut d = descriptor(meta);
    d.id = format!("{}{UNKNOWN_SUFFIX}", meta.id);
    d.name = Some(bounded(format!("{}-unknown", meta.name), MAX_NAME));
    let short = d
        .short_description
        .as_ref()
        .map_or_else(|| meta.id.clone(), |m| m.text.clone());
    // The title cut, not the suffix that tells the sub-rule apart.
    const SUFFIX: &str = " (value known only after apply)";
    let short = bounded(short, MAX_DESCRIPTION - SUFFIX.len());
    d.short_description = Some(text(format!("{short}{SUFFIX}")));
    d.default_configuration = Some(
        ReportingConfiguration::builder()
            .level(json!("note"))
            .build(),
    );
    if let Some(props) = d.properties.as_mut() {
        props.additional_properties.remove("security-severity");
        props
            .additional_properties
            .insert("problem.severity".to_string(), json!("recommendation"));
        if let Some(tags) = props.tags.as_mut() {
            tags.retain(|t| t != "security");
            tags.push("unknown-after-apply".to_string());
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_and_descriptions_are_cut_to_what_github_takes() {
        assert_eq!(bounded("short".into(), MAX_NAME), "short");
        let exact = "n".repeat(MAX_NAME);
        assert_eq!(bounded(exact.clone(), MAX_NAME), exact);
        let cut = bounded("n".repeat(MAX_NAME + 1), MAX_NAME);
        assert_eq!(cut.encode_utf16().count(), MAX_NAME);
        assert!(cut.ends_with('…'));
        // Characters of two UTF-16 units are never split.
        let cut = bounded("𝄞".repeat(MAX_DESCRIPTION), MAX_DESCRIPTION);
        assert!(cut.encode_utf16().count() <= MAX_DESCRIPTION);
        assert_eq!(cut.chars().filter(|c| *c == '𝄞').count(), 511);

        let report = crate::report::testing::report(1, 0, false);
        let mut meta = super::super::fallback_meta(&report.files[0].findings[0]);
        meta.name = "x".repeat(400);
        meta.title = "t".repeat(2000);
        let d = unknown_descriptor(&meta);
        assert_eq!(d.name.unwrap().encode_utf16().count(), MAX_NAME);
        let short = d.short_description.unwrap().text;
        assert_eq!(short.encode_utf16().count(), MAX_DESCRIPTION);
        assert!(
            short.ends_with("… (value known only after apply)"),
            "{short}"
        );
        let full = d.full_description.unwrap().text;
        assert_eq!(full.encode_utf16().count(), MAX_DESCRIPTION);
    }
}
