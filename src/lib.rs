//! akslint: a policy and compliance linter for Azure Kubernetes Service
//! infrastructure written in Terraform.
//!
//! The pipeline: [`cli`] flags -> [`settings`] -> [`load`] and [`normalize`]
//! (the documented Rego input) -> [`engine`] over the [`rules`] -> [`report`]
//! -> exit status.
pub mod address;
pub mod cli;
pub mod config;
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

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use clap::Parser;
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
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let result = match cli.command {
        Some(Command::Rules { format }) => explain::list_rules(format),
        Some(Command::Explain { rule }) => explain::explain(&rule),
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
        fail_on: args.fail_on.threshold(),
        unknown: args.unknown,
        color,
        policy_timeout: Duration::from_secs_f64(args.policy_timeout.min(86_400.0)),
    })
}

/// The resource types the loaded rules read (None: some rule reads all).
fn type_filter(engine: &RuleEngine) -> TypeFilter {
    let mut set = HashSet::new();
    for r in engine.rules() {
        if r.meta.resource_types.is_empty() {
            return None;
        }
        set.extend(r.meta.resource_types.iter().cloned());
    }
    Some(set)
}

/// Lints one input with one engine.
fn lint_one(item: &Expanded, engine: &mut RuleEngine, filter: &TypeFilter) -> Option<FileReport> {
    let failed = |file: String, e: InputError| FileReport {
        file,
        resources: 0,
        findings: Vec::new(),
        errors: vec![e],
        linted: false,
    };
    let (path, walked) = match item {
        Expanded::Error(e) => return Some(failed(e.file().to_string(), e.clone())),
        Expanded::Stdin => (None, false),
        Expanded::File(p) => (Some(p.as_path()), false),
        Expanded::Walked(p) => (Some(p.as_path()), true),
    };
    let name = path.map_or_else(|| "-".to_string(), |p| p.display().to_string());
    let src = match load::read(path) {
        Ok(s) => s,
        Err(e) => return Some(failed(name, e)),
    };
    let model = match normalize::normalize(&src, filter) {
        Ok(m) => m,
        Err(InputError::NotTerraform { .. }) if walked => {
            eprintln!("akslint: skipping {name}: not a Terraform plan or state");
            return None;
        }
        Err(e) => return Some(failed(name, e)),
    };
    let (raw, failures) = engine.evaluate(model.to_input());
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
                address: r.resource,
                attribute: r.attribute,
                message: r.message,
                file: name.clone(),
                location: None,
            })
        })
        .collect();
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
    Some(FileReport {
        file: name,
        resources: model.resource_count,
        findings,
        errors,
        linted: true,
    })
}

/// Lints every input and writes the report; returns the exit status.
pub fn lint(settings: &Settings) -> Result<u8, RunError> {
    let rules = rules::builtin_rules()?;
    let engine = RuleEngine::new(
        rules,
        &rules::builtin_libs(),
        &serde_json::Map::new(),
        settings.policy_timeout,
    )?;
    let filter = type_filter(&engine);
    let items = load::expand(&settings.paths);
    let files: Vec<FileReport> = items
        .par_iter()
        .map_init(|| engine.clone(), |eng, item| lint_one(item, eng, &filter))
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    let mut metas: Vec<_> = engine.rules().iter().map(|r| r.meta.clone()).collect();
    metas.sort_by(|a, b| a.id.cmp(&b.id));
    let report = Report {
        files,
        rules: metas,
        unknown: settings.unknown,
        fail_on: settings.fail_on,
    };
    let rendered = match settings.format {
        Format::Text => report::text::render(&report, settings.color),
        Format::Json => report::json::render(&report),
    };
    write_output(settings.output.as_deref(), &rendered)?;
    Ok(report.exit_code())
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
