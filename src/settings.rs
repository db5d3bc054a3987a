//! Validated settings: what the flags (and, later, the config file) mean.
use std::path::PathBuf;
use std::time::Duration;

use crate::finding::Severity;

/// How findings whose value is known only after apply are shown and counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum UnknownMode {
    /// Hide them.
    Ignore,
    /// Show them without failing the run.
    Warn,
    /// Count them as failures.
    Fail,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and other dashboards.
    Sarif,
    /// A summary for `$GITHUB_STEP_SUMMARY` and pull-request comments.
    Markdown,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// JUnit XML (Azure DevOps `PublishTestResults`).
    Junit,
}

impl Format {
    pub fn parse(s: &str) -> Option<Self> {
        <Self as clap::ValueEnum>::from_str(s, true).ok()
    }
}

/// `--fail-on`: the lowest severity that fails the run, or never.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Never,
}

impl FailOn {
    pub fn threshold(self) -> Option<Severity> {
        match self {
            Self::Critical => Some(Severity::Critical),
            Self::High => Some(Severity::High),
            Self::Medium => Some(Severity::Medium),
            Self::Low => Some(Severity::Low),
            Self::Never => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Everything a lint run needs, validated.
#[derive(Clone, Debug)]
pub struct Settings {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub output: Option<PathBuf>,
    /// `--fail-on` when given (else the config file's, else low).
    pub fail_on: Option<FailOn>,
    /// `--unknown` when given (else the config file's, else warn).
    pub unknown: Option<UnknownMode>,
    pub color: bool,
    pub policy_timeout: Duration,
    /// `--engine`.
    pub backend: crate::engine::Backend,
    /// Root module directory (default: the directory holding each plan).
    pub source_dir: Option<PathBuf>,
    /// Paths in reports are relative to this (default: the git top level).
    pub repo_root: Option<PathBuf>,
    /// `--rule`: only these (ids or names); empty means all.
    pub only_rules: Vec<String>,
    /// `--skip-rule`.
    pub skip_rules: Vec<String>,
    /// `--policy` directories.
    pub policies: Vec<PathBuf>,
    /// SARIF `automationDetails.id`.
    pub category: Option<String>,
    /// `--report FORMAT=PATH`: more reports written by the same run.
    pub reports: Vec<(Format, PathBuf)>,
    /// `--config`, or None to discover `.akslint.toml`.
    pub config: Option<PathBuf>,
    pub no_config: bool,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    pub show_suppressed: bool,
    /// `--compact`: one line per finding in the text format.
    pub compact: bool,
    /// `--quiet`: only errors, warnings and the summary in the text format.
    pub quiet: bool,
}
