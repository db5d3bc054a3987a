//! akslint: a policy and compliance linter for Azure Kubernetes Service
//! infrastructure written in Terraform.
//!
//! The pipeline: [`cli`] flags -> [`settings`] -> [`load`] and [`normalize`]
//! (the documented Rego input) -> [`engine`] over the [`rules`] -> [`report`]
//! -> exit status.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod address;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod config_file;
pub mod engine;
pub mod error;
pub mod explain;
pub mod finding;
pub mod load;
pub mod normalize;
pub mod regotest;
pub mod report;
pub mod rules;
pub mod settings;
pub mod source;
pub mod suppress;

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches};
use rayon::prelude::*;

use crate::cli::{Cli, Command};
use crate::engine::RuleEngine;
use crate::error::{InputError, RunError};
use crate::finding::Finding;
use crate::load::Expanded;
use crate::normalize::TypeFilter;
use crate::report::{FileReport, Report};
use crate::settings::{ColorChoice, Format, Settings};

/// Runs akslint with these arguments and returns the exit status.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    install_panic_hook();
    let parsed = Cli::command()
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (mut cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    if cli.command.is_none() {
        match cli::fail_on(&cli.check, &matches) {
            Ok(f) => cli.check.fail_on = f,
            Err(e) => {
                eprintln!("{:?}", miette::Report::new(RunError::Usage(e)));
                return 2;
            }
        }
    }
    let result = match cli.command {
        Some(Command::Rules { format }) => explain::list_rules(format),
        Some(Command::Explain { rule }) => explain::explain(&rule),
        Some(Command::Test { dirs, builtin }) => {
            limit_policy_memory();
            run_tests(&dirs, builtin)
        }
        None => settings_from(&cli.check).and_then(|s| lint(&s)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            2
        }
    }
}

/// Bytes the policy engine may have allocated in all before an evaluation
/// fails with a memory-limit error (instead of the process aborting when the
/// machine runs out). regorus checks it while it evaluates; akslint's own
/// parsing is not limited by it. `AKSLINT_MEMORY_LIMIT_MB` overrides it.
/// Set when custom policies are loaded (and for `akslint test`): the
/// built-in rules are trusted, and the check costs about 5% of their
/// evaluation.
pub const DEFAULT_MEMORY_LIMIT_MB: u64 = 8 * 1024;

fn limit_policy_memory() {
    let mb = std::env::var("AKSLINT_MEMORY_LIMIT_MB")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|v| *v > 0)
        .unwrap_or(DEFAULT_MEMORY_LIMIT_MB);
    regorus::set_global_memory_limit(Some(mb.saturating_mul(1024 * 1024)));
}

/// Panics are caught where policies run; never echo a panic's payload (it
/// may quote an input value, and input values may be secrets).
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if engine::IN_POLICY.with(std::cell::Cell::get) {
            return;
        }
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("akslint: internal error{at}");
    }));
}

fn settings_from(args: &cli::CheckArgs) -> Result<Settings, RunError> {
    if !(args.policy_timeout.is_finite() && args.policy_timeout > 0.0) {
        return Err(RunError::Usage(
            "--policy-timeout must be a positive number of seconds".into(),
        ));
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    Ok(Settings {
        paths: args.paths.clone(),
        format: args.format,
        output: args.output.clone(),
        fail_on: args.fail_on,
        unknown: args.unknown,
        color,
        policy_timeout: Duration::from_secs_f64(args.policy_timeout.min(86_400.0)),
        backend: args.engine,
        source_dir: args.source_dir.clone(),
        repo_root: args.repo_root.clone(),
        only_rules: args.rules.clone(),
        skip_rules: args.skip_rules.clone(),
        policies: args.policies.clone(),
        category: args.category.clone(),
        reports: args
            .reports
            .iter()
            .map(|r| {
                let (f, p) = r.split_once('=').ok_or_else(|| {
                    RunError::Usage(format!("--report {r:?}: expected FORMAT=PATH"))
                })?;
                let format = Format::parse(f).ok_or_else(|| {
                    RunError::Usage(format!(
                        "--report {r:?}: unknown format {f:?} (text, json, sarif, markdown, github, junit)"
                    ))
                })?;
                Ok((format, std::path::PathBuf::from(p)))
            })
            .collect::<Result<Vec<_>, RunError>>()?,
        config: args.config.clone(),
        no_config: args.no_config,
        baseline: args.baseline.clone(),
        write_baseline: args.write_baseline.clone(),
        show_suppressed: args.show_suppressed,
        compact: args.compact,
        quiet: args.quiet,
    })
}

/// Resources (of the types the rules read) from which one file's rules are
/// evaluated in parallel.
const PARALLEL_RULES_THRESHOLD: usize = 200;

/// Marks a walked JSON file that is not Terraform output.
const SKIPPED: &str = "\u{0}skipped";

/// Lints one input with one engine.
fn lint_one(
    item: &Expanded,
    engine: &mut RuleEngine,
    filter: &TypeFilter,
    settings: &Settings,
) -> Option<(FileReport, Vec<String>)> {
    let failed = |file: String, e: InputError| FileReport {
        file,
        resources: 0,
        findings: Vec::new(),
        errors: vec![e],
        linted: false,
    };
    let (path, walked) = match item {
        Expanded::Error(e) => return Some((failed(e.file().to_string(), e.clone()), Vec::new())),
        Expanded::Stdin => (None, false),
        Expanded::File(p) => (Some(p.as_path()), false),
        Expanded::Walked(p) => (Some(p.as_path()), true),
    };
    let name = path.map_or_else(|| "-".to_string(), |p| p.display().to_string());
    let t0 = std::time::Instant::now();
    let src = match load::read(path) {
        Ok(s) => s,
        Err(e) => return Some((failed(name, e), Vec::new())),
    };
    let t1 = std::time::Instant::now();
    let model = match normalize::normalize(&src, filter) {
        Ok(m) => m,
        Err(InputError::NotTerraform { .. }) if walked => {
            // Reported by the caller, in input order.
            return Some((
                FileReport {
                    file: name,
                    resources: 0,
                    findings: Vec::new(),
                    errors: Vec::new(),
                    linted: false,
                },
                vec![SKIPPED.to_string()],
            ));
        }
        Err(e) => return Some((failed(name, e), Vec::new())),
    };
    // A large file gets the rules spread over the cores; small ones are
    // already linted in parallel with each other.
    let t2 = std::time::Instant::now();
    let (raw, failures) = if model.resources.len() >= PARALLEL_RULES_THRESHOLD {
        engine.evaluate_parallel(|| model.to_input())
    } else {
        engine.evaluate(model.to_input())
    };
    let t4 = std::time::Instant::now();
    let wanted = raw.iter().map(|r| r.resource.clone()).collect();
    let locator = Locator::new(&src, &model, settings, wanted);
    let rules = engine.rules();
    let mut findings: Vec<Finding> = raw
        .into_iter()
        .filter_map(|r| {
            let meta = &rules.get(r.rule)?.meta;
            Some(Finding {
                rule_id: meta.id.clone(),
                rule_name: meta.name.clone(),
                severity: meta.severity,
                status: r.status,
                resource_type: model
                    .resource_type(&r.resource)
                    .unwrap_or_default()
                    .to_string(),
                location: locator.locate(&model, &r.resource, &r.attribute),
                address: r.resource,
                attribute: r.attribute,
                message: r.message,
                file: name.clone(),
                suppression: None,
            })
        })
        .collect();
    let t5 = std::time::Instant::now();
    let warnings = locator.apply_inline(&model, &mut findings);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    let errors = failures
        .into_iter()
        .map(|f| InputError::Rule {
            file: name.clone(),
            rule: f.rule_id,
            reason: f.reason,
        })
        .collect();
    if engine::timings() {
        let us = |d: std::time::Duration| d.as_micros();
        eprintln!(
            "akslint: timing: {name}: read {} µs, normalize {} µs, evaluate {} µs, locate {} µs, suppress {} µs",
            us(t1 - t0),
            us(t2 - t1),
            us(t4 - t2),
            us(t5 - t4),
            us(t5.elapsed())
        );
    }
    Some((
        FileReport {
            file: name,
            resources: model.resource_count,
            findings,
            errors,
            linted: true,
        },
        warnings,
    ))
}

/// Finds where a finding belongs: the `.tf` source when it is known, else
/// the resource's line in the plan file.
struct Locator<'a> {
    src: &'a load::Source,
    map: source::SourceMap,
    repo_root: Option<std::path::PathBuf>,
    /// Where each address first appears in the plan file (built on first
    /// use, in one pass).
    plan_index: std::sync::OnceLock<std::collections::HashMap<String, (usize, usize, usize)>>,
    /// The addresses the findings name: the only ones looked up in the plan.
    wanted: HashSet<String>,
    /// The plan file as reported.
    plan_display: std::sync::OnceLock<String>,
}

impl<'a> Locator<'a> {
    fn new(
        src: &'a load::Source,
        model: &normalize::Model,
        settings: &Settings,
        wanted: HashSet<String>,
    ) -> Self {
        let plan_dir = src
            .path
            .as_deref()
            .and_then(std::path::Path::parent)
            .map(|p| {
                if p.as_os_str().is_empty() {
                    std::path::PathBuf::from(".")
                } else {
                    p.to_path_buf()
                }
            })
            .unwrap_or_else(|| std::path::PathBuf::from("."));
        let source_dir = settings.source_dir.clone().unwrap_or(plan_dir);
        let repo_root = settings
            .repo_root
            .clone()
            .or_else(|| source::find_repo_root(&source_dir));
        let root_for_map = repo_root.clone().unwrap_or_else(|| source_dir.clone());
        Self {
            src,
            map: source::SourceMap::new(model.configuration.as_ref(), &source_dir, &root_for_map),
            repo_root,
            plan_index: std::sync::OnceLock::new(),
            wanted,
            plan_display: std::sync::OnceLock::new(),
        }
    }

    fn locate(
        &self,
        model: &normalize::Model,
        address: &str,
        attribute: &[finding::Step],
    ) -> Option<finding::Location> {
        let r = model
            .resources
            .binary_search_by(|r| r.address.as_str().cmp(address))
            .ok()
            .and_then(|i| model.resources.get(i))?;
        self.map
            .locate(&r.module, &r.type_, &r.name, attribute)
            .or_else(|| self.in_plan(address))
    }

    /// The resource's `"address": "..."` in the plan file itself.
    fn in_plan(&self, address: &str) -> Option<finding::Location> {
        let path = self.src.path.as_deref()?;
        let index = self
            .plan_index
            .get_or_init(|| address_index(&self.src.text, &self.wanted));
        let (line, column, end_column) = *index.get(address)?;
        Some(finding::Location {
            file: self
                .plan_display
                .get_or_init(|| self.display_path(path))
                .clone(),
            line,
            column,
            end_line: line,
            end_column,
            source_path: None,
        })
    }

    /// Applies `# akslint:ignore` comments of the `.tf` source; returns
    /// warnings for expired ones.
    fn apply_inline(&self, model: &normalize::Model, findings: &mut [Finding]) -> Vec<String> {
        let mut warnings = std::collections::BTreeSet::new();
        let mut files: std::collections::HashMap<String, Option<String>> =
            std::collections::HashMap::new();
        let today = config_file::Date::today();
        for f in findings.iter_mut() {
            let Some(loc) = f.location.clone() else {
                continue;
            };
            if !loc.file.ends_with(".tf") {
                continue;
            }
            let Some(r) = model
                .resources
                .binary_search_by(|r| r.address.as_str().cmp(&f.address))
                .ok()
                .and_then(|i| model.resources.get(i))
            else {
                continue;
            };
            let Some(header) = self.map.locate(&r.module, &r.type_, &r.name, &[]) else {
                continue;
            };
            let text = files.entry(loc.file.clone()).or_insert_with(|| {
                let path = match &self.repo_root {
                    Some(root) => root.join(&loc.file),
                    None => std::path::PathBuf::from(&loc.file),
                };
                std::fs::read_to_string(path).ok()
            });
            let Some(text) = text.as_deref() else {
                continue;
            };
            let lines: Vec<&str> = text.lines().collect();
            let attr_line =
                (!f.attribute.is_empty() && loc.line != header.line).then_some(loc.line);
            for (n, inline) in suppress::applicable(&lines, attr_line, header.line) {
                if !inline.covers(&f.rule_id, &f.rule_name) {
                    continue;
                }
                let reason = inline.reason.clone().unwrap_or_default();
                match inline.expires {
                    Some(d) if d < today => {
                        warnings.insert(format!(
                            "{}:{n}: akslint:ignore {} expired on {d} ({}); it suppresses nothing",
                            loc.file,
                            inline.rules.join(","),
                            if reason.is_empty() {
                                "no reason given"
                            } else {
                                &reason
                            }
                        ));
                    }
                    _ => {
                        f.suppression = Some(finding::Suppression {
                            kind: finding::SuppressionKind::InSource,
                            justification: if reason.is_empty() {
                                format!("akslint:ignore at {}:{n}", loc.file)
                            } else {
                                reason
                            },
                        });
                        break;
                    }
                }
            }
        }
        warnings.into_iter().collect()
    }

    fn display_path(&self, path: &std::path::Path) -> String {
        let rel = self.repo_root.as_deref().and_then(|root| {
            let abs = std::fs::canonicalize(path).ok()?;
            let root = std::fs::canonicalize(root).ok()?;
            abs.strip_prefix(root)
                .ok()
                .map(std::path::Path::to_path_buf)
        });
        rel.unwrap_or_else(|| path.to_path_buf())
            .to_string_lossy()
            .replace('\\', "/")
    }
}

/// Built-in and custom rules (with the configuration file's changes),
/// narrowed by `--rule`, `--skip-rule` and the file's `disable`.
fn select_rules(
    settings: &Settings,
) -> Result<(Vec<rules::Rule>, Vec<rules::Library>, config_file::Config), RunError> {
    let path = match (&settings.config, settings.no_config) {
        (_, true) => None,
        (Some(p), false) => Some(p.clone()),
        (None, false) => std::env::current_dir()
            .ok()
            .and_then(|d| config_file::discover(&d)),
    };
    let loaded = match &path {
        Some(p) => Some(config_file::load(p).map_err(RunError::Config)?),
        None => None,
    };
    let mut policy_dirs = settings.policies.clone();
    if let Some(l) = &loaded {
        policy_dirs.extend(l.policies());
    }
    let mut all = rules::builtin_rules()?;
    let mut libs = rules::builtin_libs();
    let custom = rules::load_custom(&policy_dirs)?;
    all.extend(custom.rules);
    libs.extend(custom.libs);
    rules::check_unique(&all)?;
    let config = match &loaded {
        Some(l) => config_file::validate(l, &all).map_err(RunError::Config)?,
        None => config_file::Config::default(),
    };
    for key in settings.only_rules.iter().chain(&settings.skip_rules) {
        if rules::find(&all, key).is_none() {
            return Err(RunError::UnknownRule(key.clone()));
        }
    }
    let matches = |r: &rules::Rule, keys: &[String]| {
        keys.iter()
            .any(|k| r.meta.id.eq_ignore_ascii_case(k) || r.meta.name.eq_ignore_ascii_case(k))
    };
    all.retain(|r| {
        (settings.only_rules.is_empty() || matches(r, &settings.only_rules))
            && !matches(r, &settings.skip_rules)
            && !config.disable.contains(&r.meta.id)
    });
    for r in &mut all {
        if let Some(sev) = config.severity.get(&r.meta.id) {
            r.meta.severity = *sev;
        }
    }
    Ok((all, libs, config))
}

/// `akslint test`: runs policy unit tests; 0 all pass, 1 a test fails, 2 a
/// policy does not load.
fn run_tests(dirs: &[std::path::PathBuf], builtin: bool) -> Result<u8, RunError> {
    let custom = rules::load_custom(dirs)?;
    let mut all_rules = Vec::new();
    let mut libs = rules::builtin_libs();
    let mut tests = custom.tests;
    if builtin {
        all_rules = rules::builtin_rules()?;
        tests.extend(rules::builtin_tests());
    }
    all_rules.extend(custom.rules);
    libs.extend(custom.libs);
    rules::check_unique(&all_rules)?;
    if tests.is_empty() {
        return Err(RunError::Usage(
            "no *_test.rego files found (give policy directories, or --builtin)".into(),
        ));
    }
    let results =
        regotest::run(&all_rules, &libs, &tests).map_err(|reason| RunError::InvalidRule {
            path: reason.split(':').next().unwrap_or_default().to_string(),
            reason,
        })?;
    let mut out = String::new();
    let failed = results.iter().filter(|r| !r.passed).count();
    for r in &results {
        if r.passed {
            out.push_str(&format!("PASS {}\n", r.name));
        } else {
            out.push_str(&format!("FAIL {} ({}): {}\n", r.name, r.file, r.detail));
        }
    }
    out.push_str(&format!(
        "{} passed, {} failed\n",
        results.len() - failed,
        failed
    ));
    write_output(None, &out)?;
    Ok(if failed > 0 { 1 } else { 0 })
}

/// Line, column and end column of the first `"address": "..."` of each of
/// the `wanted` addresses in a JSON text: one forward pass (memchr), which
/// stops once every wanted address is found.
fn address_index(
    text: &str,
    wanted: &HashSet<String>,
) -> std::collections::HashMap<String, (usize, usize, usize)> {
    const KEY: &[u8] = b"\"address\"";
    let mut out = std::collections::HashMap::new();
    let mut remaining: HashSet<&str> = wanted.iter().map(String::as_str).collect();
    let bytes = text.as_bytes();
    // Line and column (in characters) of `scanned`, advanced incrementally:
    // a plan is often one line of many megabytes.
    let (mut line, mut col, mut scanned) = (1usize, 0usize, 0usize);
    let finder = memchr::memmem::Finder::new(KEY);
    let mut from = 0;
    while !remaining.is_empty() {
        let Some(i) = bytes.get(from..).and_then(|t| finder.find(t)) else {
            break;
        };
        from += i + KEY.len();
        let rest = text.get(from..).unwrap_or_default();
        let after_colon = rest.trim_start().strip_prefix(':').map(str::trim_start);
        let Some(value) = after_colon.filter(|v| v.starts_with('"')) else {
            continue;
        };
        // The JSON string, quotes included.
        let Some(raw) = load::string_end(value.as_bytes(), 0).and_then(|e| value.get(..=e)) else {
            continue;
        };
        let end = raw.len();
        // Most addresses have no escape and are compared as they are; one
        // with escapes (quotes in `for_each` keys, and `<`, `>`, `&` that
        // Terraform writes as `\u003c`...) is decoded first.
        let decoded;
        let candidate = match raw.get(1..raw.len().saturating_sub(1)) {
            Some(inner) if !inner.contains('\\') => inner,
            _ => {
                decoded = serde_json::from_str::<String>(raw).unwrap_or_default();
                decoded.as_str()
            }
        };
        let Some(address) = remaining.take(candidate) else {
            continue;
        };
        let value_at = text.len() - value.len();
        let between = bytes.get(scanned..value_at).unwrap_or_default();
        match memchr::memrchr(b'\n', between) {
            Some(nl) => {
                line += memchr::memchr_iter(b'\n', between).count();
                col = chars(between.get(nl + 1..).unwrap_or_default());
            }
            None => col += chars(between),
        }
        scanned = value_at;
        let column = col + 1;
        let width = value.get(..end).map_or(0, |v| v.chars().count());
        out.insert(address.to_string(), (line, column, column + width));
    }
    out
}

/// Characters in UTF-8 bytes (those that do not continue a character).
fn chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
}

/// Lints every input and writes the report; returns the exit status.
pub fn lint(settings: &Settings) -> Result<u8, RunError> {
    let (rules, libs, config) = select_rules(settings)?;
    if rules.iter().any(|r| !r.builtin) {
        limit_policy_memory();
    }
    let engine = RuleEngine::new(
        rules,
        &libs,
        &config.params,
        settings.policy_timeout,
        settings.backend,
    )?;
    let filter = engine.type_filter();
    let items = load::expand(&settings.paths);
    let results: Vec<(FileReport, Vec<String>)> = items
        .par_iter()
        .map_init(
            || engine.clone(),
            |eng, item| lint_one(item, eng, &filter, settings),
        )
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    let mut warnings: Vec<String> = Vec::new();
    let mut files = Vec::with_capacity(results.len());
    for (file, w) in results {
        if w.first().map(String::as_str) == Some(SKIPPED) {
            eprintln!(
                "akslint: skipping {}: not a Terraform plan or state",
                file.file
            );
            continue;
        }
        warnings.extend(w);
        files.push(file);
    }
    warnings.extend(apply_exceptions(&config, &mut files));
    if let Some(path) = &settings.baseline {
        apply_baseline(path, &mut files)?;
    }
    let mut metas: Vec<_> = engine.rules().iter().map(|r| r.meta.clone()).collect();
    metas.sort_by(|a, b| a.id.cmp(&b.id));
    let fail_on = settings
        .fail_on
        .or(config.fail_on)
        .unwrap_or(settings::FailOn::Low);
    let report = Report {
        files,
        rules: metas,
        unknown: settings
            .unknown
            .or(config.unknown)
            .unwrap_or(settings::UnknownMode::Warn),
        fail_on: fail_on.threshold(),
        warnings,
        show_suppressed: settings.show_suppressed,
    };
    for w in &report.warnings {
        eprintln!("akslint: warning: {w}");
    }
    let render = |format: Format, color: bool| match format {
        Format::Text if settings.quiet => report::compact::render_quiet(&report),
        Format::Text if settings.compact => report::compact::render(&report),
        Format::Text => report::text::render(&report, color),
        Format::Json => report::json::render(&report),
        Format::Sarif => report::sarif::render(&report, settings.category.as_deref()),
        Format::Markdown => {
            report::markdown::render(&report, report::markdown::github_link_base().as_deref())
        }
        Format::Github => report::github::render(&report),
        Format::Junit => report::junit::render(&report),
    };
    for (format, path) in &settings.reports {
        write_output(Some(path), &render(*format, false))?;
    }
    write_output(
        settings.output.as_deref(),
        &render(settings.format, settings.color),
    )?;
    if let Some(path) = &settings.write_baseline {
        baseline::write(path, &report)?;
        // Recording today's findings is the point: only errors fail the run.
        return Ok(if report.errors().next().is_some() {
            2
        } else {
            0
        });
    }
    Ok(report.exit_code())
}

/// Suppresses findings matched by a live exception; warns about every
/// expired one.
fn apply_exceptions(config: &config_file::Config, files: &mut [FileReport]) -> Vec<String> {
    let today = config_file::Date::today();
    let mut warnings = Vec::new();
    for ex in &config.exceptions {
        if ex.expired(today) {
            warnings.push(format!(
                "exception at {} ({} on {}) expired on {}: {}; it suppresses nothing",
                ex.origin,
                ex.rule_ids.join(","),
                if ex.addresses.is_empty() {
                    "every resource".to_string()
                } else {
                    ex.addresses.join(", ")
                },
                ex.expires.map(|d| d.to_string()).unwrap_or_default(),
                ex.reason
            ));
        }
    }
    for f in files.iter_mut().flat_map(|f| f.findings.iter_mut()) {
        if f.suppression.is_some() {
            continue;
        }
        if let Some(ex) = config
            .exceptions
            .iter()
            .find(|ex| !ex.expired(today) && ex.matches(&f.rule_id, &f.address))
        {
            f.suppression = Some(finding::Suppression {
                kind: finding::SuppressionKind::Exception,
                justification: ex.reason.clone(),
            });
        }
    }
    warnings
}

fn apply_baseline(path: &std::path::Path, files: &mut [FileReport]) -> Result<(), RunError> {
    let known = baseline::read(path)?;
    for f in files.iter_mut().flat_map(|f| f.findings.iter_mut()) {
        if f.suppression.is_none() && known.contains(&baseline::key(f)) {
            f.suppression = Some(finding::Suppression {
                kind: finding::SuppressionKind::Baseline,
                justification: format!("in the baseline {}", path.display()),
            });
        }
    }
    Ok(())
}

/// Writes to the output file, or stdout (a closed pipe is not an error).
pub fn write_output(path: Option<&std::path::Path>, text: &str) -> Result<(), RunError> {
    match path {
        Some(p) => std::fs::write(p, text).map_err(|e| RunError::Output {
            path: p.to_path_buf(),
            reason: e.kind().to_string(),
        }),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(RunError::Output {
                    path: "<stdout>".into(),
                    reason: e.kind().to_string(),
                }),
            }
        }
    }
}
