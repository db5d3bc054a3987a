//! Command-line flags: each defined once, with its help text.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::finding::Severity;

/// Policy and compliance linter for Azure Kubernetes Service infrastructure
/// written in Terraform. Reads `terraform show -json` output (plans and state).
#[derive(Debug, Parser)]
#[command(
    name = "akslint",
    version,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Exit status: 0 no failing finding, 1 failing findings, 2 usage error or invalid input.\n\
                  Environment: every option can also be set with the AKSLINT_<OPTION> variable shown\n\
                  beside it (AKSLINT_FAIL_ON=high, AKSLINT_COMPACT=true; lists comma-separated);\n\
                  an option given on the command line wins.\n\
                  Examples:\n  terraform show -json plan.tfplan > plan.json && akslint plan.json\n  akslint --format json -o report.json plans/\n  akslint explain AKS001"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every rule with id, name, severity, title, resource types and related peer checks.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        #[command(flatten)]
        catalog: CatalogArgs,
    },
    /// Explain a rule: what it checks, why it matters, how to fix it, with examples.
    Explain {
        /// Rule id (AKS001) or name (private-cluster), built-in or custom.
        rule: String,
        #[command(flatten)]
        catalog: CatalogArgs,
    },
    /// Run the `test_*` rules of the policies in these directories (OPA-style
    /// unit tests, no OPA needed).
    Test {
        /// Directories holding policies and their `*_test.rego` files.
        #[arg(value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Also run the built-in rules' tests.
        #[arg(long)]
        builtin: bool,
    },
}

/// Where `rules` and `explain` find custom policies, as a lint run does.
#[derive(Debug, Args)]
pub(crate) struct CatalogArgs {
    /// Custom policies to include (repeatable), besides the config file's.
    #[arg(long = "policy", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Configuration file [default: the first .akslint.toml from the working
    /// directory up to the repository root].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any .akslint.toml.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Plan or state JSON files (`terraform show -json`), directories (walked
    /// for *.json), or `-` for stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text, env = "AKSLINT_FORMAT")]
    pub format: Format,

    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE", env = "AKSLINT_OUTPUT")]
    pub output: Option<PathBuf>,

    /// Exit 1 when a failing finding at or above this severity exists
    /// [default: low] (`never`: see --soft-fail).
    #[arg(long, value_enum, env = "AKSLINT_FAIL_ON")]
    pub fail_on: Option<FailOn>,

    /// How findings whose value is known only after apply are shown and
    /// counted [default: warn].
    #[arg(long, value_enum, env = "AKSLINT_UNKNOWN")]
    pub unknown: Option<UnknownMode>,

    /// Configuration file [default: the first .akslint.toml from the working
    /// directory up to the repository root].
    #[arg(long, value_name = "FILE", env = "AKSLINT_CONFIG")]
    pub config: Option<PathBuf>,

    /// Ignore any .akslint.toml.
    /// (Wins over --config.)
    #[arg(long, env = "AKSLINT_NO_CONFIG", value_parser = clap::builder::BoolishValueParser::new())]
    pub no_config: bool,

    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE", env = "AKSLINT_BASELINE")]
    pub baseline: Option<PathBuf>,

    /// Which findings fail the run: all, or only those the change introduces.
    #[arg(long, value_enum, default_value_t = Gate::All, env = "AKSLINT_GATE")]
    pub gate: Gate,

    /// The before side of the change status: another plan or state (e.g. the
    /// target branch's; `-`: standard input) instead of the plan's own
    /// `before` values. One plan per run.
    #[arg(long, value_name = "FILE", env = "AKSLINT_BASE")]
    pub base: Option<PathBuf>,

    /// Record the current findings in FILE (then adopt with --baseline).
    #[arg(long, value_name = "FILE", env = "AKSLINT_WRITE_BASELINE")]
    pub write_baseline: Option<PathBuf>,

    /// Never exit 1 on findings: the same as `--fail-on never` (a --fail-on
    /// given on the command line wins over AKSLINT_SOFT_FAIL).
    #[arg(long, env = "AKSLINT_SOFT_FAIL", value_parser = clap::builder::BoolishValueParser::new())]
    pub soft_fail: bool,

    /// Text output: one line per finding, `file:line:col: SEVERITY RULE
    /// address: message`, then the summary.
    #[arg(long, env = "AKSLINT_COMPACT", value_parser = clap::builder::BoolishValueParser::new())]
    pub compact: bool,

    /// Text output: only errors, warnings and the summary line.
    #[arg(short, long, env = "AKSLINT_QUIET", value_parser = clap::builder::BoolishValueParser::new())]
    pub quiet: bool,

    /// List suppressed findings too (marked as such).
    #[arg(long, env = "AKSLINT_SHOW_SUPPRESSED", value_parser = clap::builder::BoolishValueParser::new())]
    pub show_suppressed: bool,

    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, env = "AKSLINT_COLOR")]
    pub color: ColorChoice,

    /// The root module's directory, to locate findings in the .tf source
    /// [default: the directory holding the plan file].
    #[arg(long, value_name = "DIR", env = "AKSLINT_SOURCE_DIR")]
    pub source_dir: Option<PathBuf>,

    /// Paths in reports are relative to this directory [default: the git
    /// top level of the source directory].
    #[arg(long, value_name = "DIR", env = "AKSLINT_REPO_ROOT")]
    pub repo_root: Option<PathBuf>,

    /// Also write a report in FORMAT to PATH (repeatable), e.g.
    /// `--report sarif=akslint.sarif --report markdown=summary.md`.
    #[arg(
        long = "report",
        value_name = "FORMAT=PATH",
        env = "AKSLINT_REPORT",
        value_delimiter = ','
    )]
    pub reports: Vec<String>,

    /// SARIF run category (`automationDetails.id`), one per plan when
    /// several plans are uploaded.
    #[arg(long, value_name = "CATEGORY", env = "AKSLINT_CATEGORY")]
    pub category: Option<String>,

    /// Run only these rules (id or name; repeatable).
    #[arg(
        long = "rule",
        value_name = "ID|NAME",
        env = "AKSLINT_RULE",
        value_delimiter = ','
    )]
    pub rules: Vec<String>,

    /// Do not run these rules (id or name; repeatable).
    #[arg(
        long = "skip-rule",
        value_name = "ID|NAME",
        env = "AKSLINT_SKIP_RULE",
        value_delimiter = ','
    )]
    pub skip_rules: Vec<String>,

    /// Load custom policies (every *.rego under DIR but *_test.rego) with the
    /// same METADATA and `deny` contract as the built-in rules (repeatable).
    #[arg(
        long = "policy",
        value_name = "DIR",
        env = "AKSLINT_POLICY",
        value_delimiter = ','
    )]
    pub policies: Vec<PathBuf>,

    /// Largest input read, in bytes, or with a unit: `500M`, `2G` (KiB, MiB,
    /// GiB). Reading stops there and the input is an error; the other
    /// inputs are still linted.
    #[arg(
        long,
        value_name = "SIZE",
        default_value = "2G",
        value_parser = parse_size,
        env = "AKSLINT_MAX_INPUT_SIZE"
    )]
    pub max_input_size: u64,

    /// Time limit for one policy's evaluation on one file, in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 10.0,
        env = "AKSLINT_POLICY_TIMEOUT"
    )]
    pub policy_timeout: f64,

    /// How the built-in rules are evaluated: `native`, the costliest in
    /// Rust and the others by the program compiled from their Rego at build
    /// time; `vm`, every one by that program; or `interpreter`, regorus'
    /// reference interpreter (slower). The same findings each way. Custom
    /// policies always run on the interpreter.
    #[arg(
        long,
        value_enum,
        value_name = "ENGINE",
        default_value = "native",
        env = "AKSLINT_ENGINE"
    )]
    pub engine: Backend,
}

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

/// Which findings count toward `--fail-on` and the exit status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Gate {
    /// Every finding.
    #[default]
    All,
    /// Only findings the change introduces (`new`); `existing` ones are
    /// still reported.
    New,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
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
pub(crate) enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Never,
}

impl FailOn {
    pub(crate) fn threshold(self) -> Option<Severity> {
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
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How the built-in rules are evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Backend {
    /// The rules that have a Rust version (`engine::native`, checked
    /// against their Rego by the tests) in Rust, the others as `Vm`.
    #[default]
    Native,
    /// The RVM program compiled from the rules at build time (regorus'
    /// register VM): several times faster than the interpreter.
    Vm,
    /// regorus' tree-walking interpreter, the reference semantics. Custom
    /// policies always run on it.
    Interpreter,
}

/// `--max-input-size`: bytes, or a number with K, M or G (binary units,
/// optionally followed by `iB` or `B`).
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a size (e.g. 2G, 500M, 1048576)"))?;
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        _ => return Err(format!("{s:?}: unknown unit (use K, M or G)")),
    };
    n.checked_mul(1u64 << shift)
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("{s:?} is not a usable size"))
}

/// `--fail-on`, with `--soft-fail` (= `never`) applied: a value given on the
/// command line wins over one from the environment.
pub(crate) fn fail_on(
    args: &CheckArgs,
    matches: &clap::ArgMatches,
) -> Result<Option<FailOn>, String> {
    use clap::parser::ValueSource::CommandLine;
    if !args.soft_fail {
        return Ok(args.fail_on);
    }
    let soft_given = matches.value_source("soft_fail") == Some(CommandLine);
    let fail_on_given = matches.value_source("fail_on") == Some(CommandLine);
    match (soft_given, fail_on_given) {
        (true, true) if args.fail_on != Some(FailOn::Never) => {
            Err("--soft-fail is `--fail-on never`: give one of --soft-fail and --fail-on".into())
        }
        (false, true) => Ok(args.fail_on),
        _ => Ok(Some(FailOn::Never)),
    }
}
