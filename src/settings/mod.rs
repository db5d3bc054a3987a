//! The settings stage: flags, `.akslint.toml` and every environment
//! variable, resolved into one [`Settings`] before any input is loaded.
//!
//! - [`env`]: the environment variables akslint reads (all of them);
//! - [`config_file`]: `.akslint.toml`, its format and its validation with
//!   spans;
//! - [`date`]: the dates of expiries;
//! - [`select`]: the rules a run uses.
pub(crate) mod config_file;
pub(crate) mod date;
pub(crate) mod env;
pub(crate) mod select;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{Backend, CheckArgs, ColorChoice, FailOn, Format, Gate, UnknownMode};
use crate::error::RunError;
use crate::finding::Severity;
use crate::rules::{Library, Rule};
pub(crate) use config_file::ConfigFile;
pub(crate) use date::Date;
pub(crate) use env::Env;

/// Bytes the policy engine may have allocated in all before an evaluation
/// fails with a memory-limit error (instead of the process aborting when the
/// machine runs out). regorus checks it while it evaluates, and the bounded
/// builtins before they allocate (`engine::memory`); akslint's own parsing
/// is not limited by it. The default is this, or half of the process's
/// memory limit (`ulimit -v`, the cgroup's) when that is lower;
/// `AKSLINT_MEMORY_LIMIT_MB` overrides it. Set when custom policies are
/// loaded (and for `akslint test`): the built-in rules are trusted, and the
/// check costs about 5% of their evaluation.
pub(crate) const DEFAULT_MEMORY_LIMIT_MB: u64 = 8 * 1024;

/// Everything a lint run needs, validated.
pub(crate) struct Settings {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub output: Option<PathBuf>,
    /// `--fail-on`, else the config file's, else low: the lowest severity
    /// that fails the run (None: never).
    pub fail_on: Option<Severity>,
    /// `--unknown`, else the config file's, else warn.
    pub unknown: UnknownMode,
    pub color: bool,
    pub policy_timeout: Duration,
    /// `--engine`.
    pub backend: Backend,
    /// Root module directory (default: the directory holding each plan).
    pub source_dir: Option<PathBuf>,
    /// Paths in reports are relative to this (default: the git top level).
    pub repo_root: Option<PathBuf>,
    /// SARIF `automationDetails.id`.
    pub category: Option<String>,
    /// `--report FORMAT=PATH`: more reports written by the same run.
    pub reports: Vec<(Format, PathBuf)>,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    pub show_suppressed: bool,
    /// `--max-input-size` in bytes.
    pub max_input_size: u64,
    /// `--compact`: one line per finding in the text format.
    pub compact: bool,
    /// `--quiet`: only errors, warnings and the summary in the text format.
    pub quiet: bool,
    /// `--gate`.
    pub gate: Gate,
    /// `--base`: the before side of every input.
    pub base: Option<PathBuf>,
    /// The rules to run (built-in and custom, narrowed by `--rule`,
    /// `--skip-rule` and the config file) and the Rego libraries.
    pub rules: Vec<Rule>,
    pub libs: Vec<Library>,
    /// Lowercase ids and names of every rule the run could load, selected
    /// or not (what an inline `akslint:ignore` may name).
    pub known_rules: std::collections::BTreeSet<String>,
    /// The validated `.akslint.toml` (empty without one).
    pub config_file: ConfigFile,
    /// The date exceptions and inline ignores expire against.
    pub today: Date,
    /// Print stage and rule timings to stderr.
    pub timings: bool,
    /// The policy engine's memory budget in MiB.
    pub memory_limit_mb: u64,
    /// Base of links to source lines in the Markdown summary.
    pub link_base: Option<String>,
}

/// Resolves the flags of a lint run, the config file and the environment.
pub(crate) fn resolve(args: &CheckArgs, env: &Env) -> Result<Settings, RunError> {
    if !(args.policy_timeout.is_finite() && args.policy_timeout > 0.0) {
        return Err(RunError::Usage(
            "--policy-timeout must be a positive number of seconds".into(),
        ));
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none() && std::io::stdout().is_terminal() && !env.no_color
        }
    };
    let reports = args
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
            Ok((format, PathBuf::from(p)))
        })
        .collect::<Result<Vec<_>, RunError>>()?;
    one_report_per_file(
        args.output.as_deref(),
        &reports,
        args.write_baseline.as_deref(),
    )?;
    // A mistyped directory would silently place findings in the plan file
    // (or make every path in a report absolute).
    for (flag, dir) in [
        ("--source-dir", &args.source_dir),
        ("--repo-root", &args.repo_root),
    ] {
        if let Some(dir) = dir.as_deref().filter(|d| !d.is_dir()) {
            let what = if dir.exists() {
                "not a directory"
            } else {
                "no such directory"
            };
            return Err(RunError::Usage(format!(
                "{flag} {:?}: {what}",
                dir.display().to_string()
            )));
        }
    }
    let selected = select::select_rules(args)?;
    let config = selected.config_file;
    Ok(Settings {
        paths: args.paths.clone(),
        format: args.format,
        output: args.output.clone(),
        fail_on: args
            .fail_on
            .or(config.fail_on)
            .unwrap_or(FailOn::Low)
            .threshold(),
        unknown: args.unknown.or(config.unknown).unwrap_or(UnknownMode::Warn),
        color,
        policy_timeout: Duration::from_secs_f64(args.policy_timeout.min(86_400.0)),
        backend: args.engine,
        source_dir: args.source_dir.clone(),
        repo_root: args.repo_root.clone(),
        category: args.category.clone(),
        reports,
        baseline: args.baseline.clone(),
        write_baseline: args.write_baseline.clone(),
        show_suppressed: args.show_suppressed,
        max_input_size: args.max_input_size,
        compact: args.compact,
        quiet: args.quiet,
        gate: args.gate,
        base: args.base.clone(),
        rules: selected.rules,
        libs: selected.libs,
        known_rules: selected.known,
        config_file: config,
        today: today(env),
        timings: env.timings,
        memory_limit_mb: memory_limit_mb(env),
        link_base: env.github_link_base.clone(),
    })
}

/// `AKSLINT_TODAY` when it is a valid date, else today (UTC).
pub(crate) fn today(env: &Env) -> Date {
    env.today
        .as_deref()
        .and_then(Date::parse)
        .unwrap_or_else(Date::today_utc)
}

/// `AKSLINT_MEMORY_LIMIT_MB`, else the default: [`DEFAULT_MEMORY_LIMIT_MB`]
/// or half of the process's memory limit, whichever is lower.
pub(crate) fn memory_limit_mb(env: &Env) -> u64 {
    env.memory_limit_mb
        .unwrap_or_else(|| crate::engine::memory::default_budget_mb(DEFAULT_MEMORY_LIMIT_MB))
}

/// A file's identity: the same file by another spelling (`./a.json`, an
/// absolute path, `dir/../a.json`, a link to it or to its directory) has
/// the same key, whether it exists yet or not.
fn file_key(path: &std::path::Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    match (std::fs::canonicalize(parent), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// Two outputs of one run (`-o`, `--report`, `--write-baseline`) written to
/// the same file would leave only the last one: a usage error instead.
fn one_report_per_file(
    output: Option<&std::path::Path>,
    reports: &[(Format, PathBuf)],
    baseline: Option<&std::path::Path>,
) -> Result<(), RunError> {
    let mut seen: Vec<(PathBuf, String)> = Vec::new();
    let named = output
        .map(|p| (p, "-o".to_string()))
        .into_iter()
        .chain(reports.iter().map(|(f, p)| {
            let name = clap::ValueEnum::to_possible_value(f)
                .map(|v| v.get_name().to_string())
                .unwrap_or_default();
            (p.as_path(), format!("--report {name}"))
        }))
        .chain(baseline.map(|p| (p, "--write-baseline".to_string())));
    for (path, flag) in named {
        // A device or a pipe (`/dev/null`, `/dev/stdout`) may take several.
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            continue;
        }
        let key = file_key(path);
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            return Err(RunError::Usage(format!(
                "{flag} and {first} write to the same file {:?}: give each report its own path",
                path.display().to_string()
            )));
        }
        seen.push((key, flag));
    }
    Ok(())
}
