//! Command-line flags: each defined once, with its help text.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::settings::{ColorChoice, FailOn, Format, UnknownMode};

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
pub struct Cli {
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
    },
    /// Explain a rule: what it checks, why it matters, how to fix it, with examples.
    Explain {
        /// Rule id (AKS001) or name (private-cluster).
        rule: String,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
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

    /// Time limit for one policy's evaluation on one file, in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 10.0,
        env = "AKSLINT_POLICY_TIMEOUT"
    )]
    pub policy_timeout: f64,

    /// How the built-in rules are evaluated: `vm`, the program compiled from
    /// their Rego at build time, or `interpreter`, regorus' reference
    /// interpreter (slower; the same findings). Custom policies always run
    /// on the interpreter.
    #[arg(
        long,
        value_enum,
        value_name = "ENGINE",
        default_value = "vm",
        env = "AKSLINT_ENGINE"
    )]
    pub engine: crate::engine::Backend,
}

/// `--fail-on`, with `--soft-fail` (= `never`) applied: a value given on the
/// command line wins over one from the environment.
pub fn fail_on(args: &CheckArgs, matches: &clap::ArgMatches) -> Result<Option<FailOn>, String> {
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
