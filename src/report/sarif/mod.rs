//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning (and any other
//! SARIF consumer).
//!
//! One run, whose `tool.driver.rules` are the rules that ran (sorted by id).
//! Every finding is a result with a physical location (the Terraform source
//! when the finding was mapped to it, else line 1 of the input plan), a logical
//! location (the resource address) and a `partialFingerprints["akslint/v2"]`
//! that does not depend on line numbers, so alerts survive code moving around;
//! the same value is its `primaryLocationLineHash`, the one key GitHub reads.
//! `baselineState` is `new` or `unchanged` (the change status, `--gate`).
//! Findings the change fixes are not results: GitHub code scanning reads
//! no `kind` nor `baselineState`, so a `kind: "pass"` result would open
//! (or keep open) the alert it fixes; left out, the alert is closed as
//! fixed. The JSON, text and Markdown reports list them.
//!
//! The fingerprint includes the plan's identity (its path relative to the
//! repository root), so the same module planned for two environments gives
//! two alerts, and every result names its plan (`properties.plan`), so one
//! category can hold several plans.
//! Input errors become `toolExecutionNotifications` of the single invocation.
//!
//! Results whose value is known only after apply are reported under a
//! sub-rule `ID/unknown` at level `note` without a `security-severity`, so
//! GitHub does not raise them as High alerts (the CLI's `--unknown warn`).
//!
//! In a git repository the run carries `versionControlProvenance` (remote URL
//! without credentials, commit, branch) and `%SRCROOT%` is the repository
//! root: paths are made relative to it.
//!
//! GitHub accepts at most [`MAX_RESULTS`] results per run: beyond that the
//! ones GitHub would show first are kept (see [`most_severe`]), in report
//! order, and a notification says how many were dropped.
mod descriptor;
mod help;
mod repository;
mod stream;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location as SarifLocation, LogicalLocation, Message,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingDescriptor,
    ReportingDescriptorReference, Result as SarifResult, Run, RunAutomationDetails, Sarif,
    Suppression, Tool, ToolComponent, VersionControlDetails,
};

use super::output::{encode_path, Out, PARALLEL_RENDER};
use super::Report;
use crate::error::InputError;
use crate::finding::{Change, Finding, Status};
use crate::rules::RuleMeta;

/// The most results GitHub code scanning accepts in one run.
pub const MAX_RESULTS: usize = 25_000;

/// Key of the fingerprint in `partialFingerprints`.
/// (v2: the plan's identity is part of it.)
pub const FINGERPRINT_KEY: &str = "akslint/v2";
/// The fingerprint GitHub code scanning identifies alerts by; akslint's
/// own (the same value) is its only content.
pub const GITHUB_FINGERPRINT_KEY: &str = "primaryLocationLineHash";

/// Suffix of the sub-rule that holds a rule's unknown results.
pub const UNKNOWN_SUFFIX: &str = "/unknown";

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/akslint/akslint";
const SRCROOT: &str = "%SRCROOT%";

/// FNV-1a, 64 bits (the `fnv` crate): small, stable across platforms and
/// Rust versions (unlike `std`'s `DefaultHasher`).
pub fn fnv1a64(data: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    h.write(data);
    h.finish()
}

/// The line-independent fingerprint of a finding: rule id, resource address,
/// attribute and the plan's path as given (normalised), hashed (16 hex
/// digits). [`render`] uses [`fingerprint_in`] with the path relative to the
/// repository root.
pub fn fingerprint(f: &Finding) -> String {
    fingerprint_in(f, &normalize_path(&f.file))
}

/// The fingerprint of a finding of the plan identified by `plan` (its path
/// relative to the repository root, `/`-separated).
pub fn fingerprint_in(f: &Finding, plan: &str) -> String {
    let key = format!("{}|{plan}", f.fingerprint_key());
    format!("{:016x}", fnv1a64(key.as_bytes()))
}

use descriptor::{descriptor, result_level, unknown_descriptor};
use repository::{normalize_path, Paths};
pub use repository::{sanitize_repository_url, Repository};
use stream::write_streamed;

/// At most `max` of `all`, in their order: beyond `max`, those kept are
/// unsuppressed before suppressed, failures before unknown verdicts
/// (unless `unknown_fails`: `--unknown fail`), the most severe first, new
/// before existing, then in report order. GitHub
/// shows the most severe of an upload's results; cut in report order,
/// a critical failure of the last file would be lost behind low ones.
fn most_severe(all: Vec<&Finding>, max: usize, unknown_fails: bool) -> Vec<&Finding> {
    if all.len() <= max {
        return all;
    }
    let mut ranked: Vec<(usize, &Finding)> = all.into_iter().enumerate().collect();
    ranked.sort_by_key(|&(i, f)| {
        (
            f.suppression.is_some(),
            f.status != Status::Fail && !unknown_fails,
            std::cmp::Reverse(f.severity),
            f.change != Change::New,
            i,
        )
    });
    ranked.truncate(max);
    ranked.sort_by_key(|&(i, _)| i);
    ranked.into_iter().map(|(_, f)| f).collect()
}

fn result_rule_id(f: &Finding) -> String {
    match f.status {
        Status::Fail => f.rule_id.clone(),
        Status::Unknown => format!("{}{UNKNOWN_SUFFIX}", f.rule_id),
    }
}

/// Metadata for a rule that reported findings but is missing from
/// `report.rules` (should not happen; keeps `ruleIndex` valid regardless).
fn fallback_meta(f: &Finding) -> RuleMeta {
    RuleMeta {
        id: f.rule_id.clone(),
        name: f.rule_name.clone(),
        title: f.rule_name.clone(),
        description: String::new(),
        severity: f.severity,
        resource_types: Vec::new(),
        related: Vec::new(),
        why: String::new(),
        remediation: String::new(),
        params: serde_json::Map::new(),
        examples: Default::default(),
        help_uri: None,
    }
}

/// An artifact location for a path: relative paths are relative to
/// `%SRCROOT%` (the repository root), absolute ones become `file://` URIs.
pub fn artifact_uri(path: &str) -> (String, Option<&'static str>) {
    let mut p = path.replace('\\', "/");
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.to_string();
    }
    let bytes = p.as_bytes();
    let drive = bytes.len() >= 3
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.get(1) == Some(&b':')
        && bytes.get(2) == Some(&b'/');
    if p.starts_with('/') {
        (format!("file://{}", encode_path(&p)), None)
    } else if drive {
        let (letter, rest) = p.split_at(2);
        (format!("file:///{letter}{}", encode_path(rest)), None)
    } else {
        (encode_path(&p), Some(SRCROOT))
    }
}

fn artifact(path: &str) -> ArtifactLocation {
    let (uri, base) = artifact_uri(path);
    let mut a = ArtifactLocation::builder().uri(uri).build();
    a.uri_base_id = base.map(str::to_string);
    a
}

fn int(n: usize) -> i64 {
    i64::try_from(n.max(1)).unwrap_or(i64::MAX)
}

fn region(f: &Finding) -> Region {
    let mut r = Region::builder().build();
    match &f.location {
        Some(loc) => {
            let line = loc.line.max(1);
            let column = loc.column.max(1);
            r.start_line = Some(int(line));
            r.start_column = Some(int(column));
            if loc.end_line >= line {
                r.end_line = Some(int(loc.end_line));
                let same_line = loc.end_line == line;
                if loc.end_column >= 1 && !(same_line && loc.end_column < column) {
                    r.end_column = Some(int(loc.end_column));
                }
            }
        }
        None => r.start_line = Some(1),
    }
    r
}

fn at(f: &Finding) -> String {
    let attribute = f.attribute_display();
    if attribute.is_empty() {
        f.address.clone()
    } else if attribute.starts_with('[') {
        format!("{}{}", f.address, attribute)
    } else {
        format!("{}.{}", f.address, attribute)
    }
}

fn result(f: &Finding, index: Option<usize>, paths: &Paths<'_>) -> SarifResult {
    let suffix = f.unknown_suffix();
    let file = f.location.as_ref().map_or(f.file.as_str(), |l| &l.file);
    let physical = PhysicalLocation::builder()
        .artifact_location(artifact(&paths.cached(file)))
        .region(region(f))
        .build();
    let logical = LogicalLocation::builder()
        .fully_qualified_name(f.address.clone())
        .kind("resource")
        .build();
    let location = SarifLocation::builder()
        .physical_location(physical)
        .logical_locations(vec![logical])
        .build();
    let plan = paths.cached(&f.file);
    let mut fingerprints = BTreeMap::new();
    let fingerprint = fingerprint_in(f, &plan);
    // GitHub code scanning reads no other key: without it, upload-sarif
    // hashes the source line, so the instances of a `for_each` resource
    // (one line), or one module planned for two environments, were one
    // alert, and an alert moved with its line.
    fingerprints.insert(GITHUB_FINGERPRINT_KEY.to_string(), fingerprint.clone());
    fingerprints.insert(FINGERPRINT_KEY.to_string(), fingerprint);
    let mut props = BTreeMap::new();
    props.insert("severity".to_string(), json!(f.severity.as_str()));
    props.insert("status".to_string(), json!(f.status.as_str()));
    props.insert("resourceType".to_string(), json!(f.resource_type));
    props.insert("attribute".to_string(), json!(f.attribute_display()));
    props.insert("input".to_string(), json!(f.file));
    props.insert("plan".to_string(), json!(plan));
    let mut r = SarifResult::builder()
        .rule_id(result_rule_id(f))
        .level(result_level(f))
        .message(
            Message::builder()
                .text(format!("{}: {}{suffix}", at(f), f.message))
                .build(),
        )
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build();
    r.rule_index = index.and_then(|i| i64::try_from(i).ok());
    r.baseline_state = Some(json!(match f.change {
        Change::New => "new",
        Change::Existing => "unchanged",
    }));
    if let Some(sup) = &f.suppression {
        let kind = match sup.kind {
            crate::finding::SuppressionKind::InSource => "inSource",
            crate::finding::SuppressionKind::Exception
            | crate::finding::SuppressionKind::Baseline => "external",
        };
        r.suppressions = Some(vec![Suppression::builder()
            .kind(json!(kind))
            .justification(sup.justification.clone())
            .status(json!("accepted"))
            .build()]);
    }
    r
}

fn error_notification(e: &InputError, paths: &Paths<'_>) -> Notification {
    let physical = match e.position() {
        Some((line, column)) => PhysicalLocation::builder()
            .artifact_location(artifact(&paths.cached(e.file())))
            .region(
                Region::builder()
                    .start_line(int(line))
                    .start_column(int(column))
                    .build(),
            )
            .build(),
        None => PhysicalLocation::builder()
            .artifact_location(artifact(&paths.cached(e.file())))
            .build(),
    };
    let mut n = Notification::builder()
        .level(json!("error"))
        .message(Message::builder().text(e.to_string()).build())
        .locations(vec![SarifLocation::builder()
            .physical_location(physical)
            .build()])
        .descriptor(
            ReportingDescriptorReference::builder()
                .id(format!("akslint/{}", e.code()))
                .build(),
        )
        .build();
    if let InputError::Rule { rule, .. } = e {
        n.associated_rule = Some(
            ReportingDescriptorReference::builder()
                .id(rule.clone())
                .build(),
        );
    }
    n
}

/// Renders the report as a SARIF 2.1.0 log. `category` becomes
/// `automationDetails.id` (a trailing `/` is added when missing, since GitHub
/// reads what follows the last `/` as a run id rather than a category).
/// The repository is that of the working directory ([`Repository::detect`]).
pub fn render(report: &Report, category: Option<&str>) -> String {
    render_in(report, category, Repository::detect().as_ref())
}

/// [`render`], written as it is serialized; paths relative to `repo_root`
/// (`--repo-root`) when given, else to the repository holding the source
/// directory (`source_dir`, else the first plan's directory), else to the
/// working directory's.
pub fn render_to(
    report: &Report,
    category: Option<&str>,
    repo_root: Option<&std::path::Path>,
    source_dir: Option<&std::path::Path>,
    out: &mut Out<'_>,
) {
    let first_plan = report
        .files
        .first()
        .map(|f| std::path::Path::new(f.file.as_str()))
        .filter(|p| p.as_os_str() != "-")
        .and_then(std::path::Path::parent);
    let repo = match repo_root {
        Some(dir) => Repository::at(dir),
        None => Repository::detect_from(source_dir.or(first_plan)),
    };
    render_in_to(report, category, repo.as_ref(), out);
}

/// [`render`] for a given repository (`None`: not in one; paths as given,
/// no `versionControlProvenance`).
pub fn render_in(report: &Report, category: Option<&str>, repo: Option<&Repository>) -> String {
    crate::report::output::render_string(|out| render_in_to(report, category, repo, out))
}

/// [`render_in`], written as it is serialized.
pub fn render_in_to(
    report: &Report,
    category: Option<&str>,
    repo: Option<&Repository>,
    out: &mut Out<'_>,
) {
    render_from(report, category, repo, out, PARALLEL_RENDER);
}

/// [`render_in_to`], with the results rendered in parallel from
/// `parallel_from` of them on.
fn render_from(
    report: &Report,
    category: Option<&str>,
    repo: Option<&Repository>,
    out: &mut Out<'_>,
    parallel_from: usize,
) {
    let mut paths = Paths {
        repo,
        cache: BTreeMap::new(),
    };
    // Rules: those that ran, plus any a finding names that is not among them.
    let mut metas: BTreeMap<String, RuleMeta> = BTreeMap::new();
    for m in &report.rules {
        metas.entry(m.id.clone()).or_insert_with(|| m.clone());
    }
    for f in report.findings_with_suppressed().chain(report.fixed()) {
        metas
            .entry(f.rule_id.clone())
            .or_insert_with(|| fallback_meta(f));
    }
    // Descriptors by id: each rule, and `ID/unknown` for rules with unknown
    // results (sorted: `ID/unknown` right after `ID`).
    let mut descriptors: BTreeMap<String, ReportingDescriptor> = metas
        .values()
        .map(|m| (m.id.clone(), descriptor(m)))
        .collect();
    for f in report
        .findings_with_suppressed()
        .filter(|f| f.status == Status::Unknown)
    {
        if let Some(m) = metas.get(&f.rule_id) {
            descriptors
                .entry(format!("{}{UNKNOWN_SUFFIX}", m.id))
                .or_insert_with(|| unknown_descriptor(m));
        }
    }
    let index: BTreeMap<String, usize> = descriptors
        .keys()
        .enumerate()
        .map(|(i, id)| (id.clone(), i))
        .collect();
    let rules: Vec<ReportingDescriptor> = descriptors.into_values().collect();

    let all: Vec<&Finding> = report.findings_with_suppressed().collect();
    let total = all.len();
    let unknown_fails = report.unknown == crate::cli::UnknownMode::Fail;
    let listed = most_severe(all, MAX_RESULTS, unknown_fails);
    // Each path is looked up once (in the file system), before the results
    // are rendered.
    for f in &listed {
        paths.get(&f.file);
        if let Some(l) = &f.location {
            paths.get(&l.file);
        }
    }
    for e in report.errors() {
        paths.get(e.file());
    }
    let paths = paths;
    let one = |f: &&Finding| result(f, index.get(&result_rule_id(f)).copied(), &paths);
    // A large run's results are rendered in parallel, each on its own, and
    // written into the log where serde puts them (not held all at once).
    let streamed = listed.len() >= parallel_from;
    let results: Vec<SarifResult> = if streamed {
        Vec::new()
    } else {
        listed.iter().map(&one).collect()
    };

    let mut notifications: Vec<Notification> = report
        .errors()
        .map(|e| error_notification(e, &paths))
        .collect();
    let errors = notifications.len();
    for w in &report.warnings {
        notifications.push(
            Notification::builder()
                .level(json!("warning"))
                .message(Message::builder().text(w.clone()).build())
                .descriptor(
                    ReportingDescriptorReference::builder()
                        .id("akslint/expired-suppression")
                        .build(),
                )
                .build(),
        );
    }
    if total > MAX_RESULTS {
        let dropped = total - MAX_RESULTS;
        notifications.push(
            Notification::builder()
                .level(json!("warning"))
                .message(
                    Message::builder()
                        .text(format!(
                            "{dropped} of {total} results were dropped: a SARIF run holds at most \
                             {MAX_RESULTS} results (kept: those that fail the run before the \
                             others and suppressed ones, the most severe first). Use \
                             --format json for the complete list."
                        ))
                        .build(),
                )
                .descriptor(
                    ReportingDescriptorReference::builder()
                        .id("akslint/truncated")
                        .build(),
                )
                .build(),
        );
    }
    let mut invocation = Invocation::builder()
        .execution_successful(errors == 0)
        .build();
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }

    let driver = ToolComponent::builder()
        .name("akslint")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(rules)
        .build();
    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation])
        .build();
    if let Some(c) = category.map(str::trim).filter(|c| !c.is_empty()) {
        let id = if c.ends_with('/') {
            c.to_string()
        } else {
            format!("{c}/")
        };
        run.automation_details = Some(RunAutomationDetails::builder().id(id).build());
    }
    if let Some(repo) = repo {
        let root = repo.root.to_string_lossy().replace('\\', "/");
        let root = root.trim_end_matches('/');
        let root_uri = if root.starts_with('/') {
            format!("file://{}/", encode_path(root))
        } else {
            format!("file:///{}/", encode_path(root))
        };
        let mut bases = BTreeMap::new();
        bases.insert(
            SRCROOT.to_string(),
            ArtifactLocation::builder().uri(root_uri).build(),
        );
        run.original_uri_base_ids = Some(bases);
        if let Some(uri) = &repo.uri {
            let mut mapped = ArtifactLocation::builder().uri("").build();
            mapped.uri_base_id = Some(SRCROOT.to_string());
            let mut vcs = VersionControlDetails::builder()
                .repository_uri(uri.clone())
                .mapped_to(mapped)
                .build();
            vcs.revision_id = repo.revision.clone();
            vcs.branch = repo.branch.clone();
            run.version_control_provenance = Some(vec![vcs]);
        }
    }
    let log = Sarif::builder()
        .schema(SCHEMA_URI)
        .version(Value::from("2.1.0"))
        .runs(vec![run])
        .build();
    if streamed {
        write_streamed(&log, &listed, one, out);
    } else if crate::report::inert_json::to_writer_pretty(&mut *out, &log).is_err() {
        // Out's writes do not fail (it keeps a write error for `finish`).
        out.push_str("{}");
    }
    out.push('\n');
}
