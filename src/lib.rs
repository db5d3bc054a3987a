//! akslint: a policy and compliance linter for Azure Kubernetes Service
//! infrastructure written in Terraform.
//!
//! The pipeline, one folder a stage, data flowing one way:
//!
//! [`cli`] flags -> [`settings`] (flags + `.akslint.toml` + environment,
//! resolved before any input is read) -> [`plan`] (read, parse, normalize
//! into the documented Rego input) -> [`source`] (where in the `.tf` files)
//! -> [`engine`] (the [`rules`] over regorus) -> [`triage`] (inline
//! ignores, exceptions, baseline) -> [`report`] -> [`exit`] status.
//!
//! [`commands`] runs the pipeline ([`commands::check`]) and the other
//! subcommands. [`finding`] and [`error`] are the types every stage shares.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub(crate) mod cli;
pub mod commands;
pub mod engine;
pub mod error;
pub mod escape;
pub mod exit;
pub mod finding;
pub mod plan;
mod rego_package;
pub mod report;
pub mod rules;
pub(crate) mod settings;
pub mod source;
pub(crate) mod triage;

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches};

pub use crate::cli::{Backend, Gate, UnknownMode};
use crate::cli::{Cli, Command};
pub use crate::exit::ExitStatus;

/// Runs akslint with these arguments and returns the exit status.
pub fn run<I, T>(args: I) -> ExitStatus
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    install_panic_hook();
    // Parsed through ArgMatches: `--soft-fail` needs to know where each
    // value came from (command line or environment).
    let parsed = Cli::command()
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (mut cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitStatus::Error
            } else {
                ExitStatus::Clean
            };
        }
    };
    if cli.command.is_none() {
        match cli::fail_on(&cli.check, &matches) {
            Ok(f) => cli.check.fail_on = f,
            Err(e) => {
                eprintln!("akslint: error: {}", escape::stderr_safe(&e));
                return ExitStatus::Error;
            }
        }
    }
    engine::memory::keep_freed_memory();
    let env = settings::Env::from_process();
    let result = match cli.command {
        Some(Command::Rules { format, catalog }) => settings::select::catalog(
            &catalog.policies,
            catalog.config.as_deref(),
            catalog.no_config,
        )
        .and_then(|c| commands::explain::list_rules(format, &c.rules)),
        Some(Command::Explain { rule, catalog }) => settings::select::catalog(
            &catalog.policies,
            catalog.config.as_deref(),
            catalog.no_config,
        )
        .and_then(|c| commands::explain::explain(&rule, &c.rules, &c.config_file.params)),
        Some(Command::Test { dirs, builtin }) => {
            engine::memory::set_budget_mb(settings::memory_limit_mb(&env));
            commands::test::run_tests(&dirs, builtin)
        }
        None => settings::resolve(&cli.check, &env).and_then(commands::check::lint),
    };
    match result {
        Ok(status) => status,
        Err(e) => {
            // Rendered without colour so that every character of it can be
            // checked: an error may quote a config file or a policy.
            let mut text = String::new();
            let handler = miette::GraphicalReportHandler::new_themed(
                miette::GraphicalTheme::unicode_nocolor(),
            );
            if handler.render_report(&mut text, &e).is_err() {
                text = e.to_string();
            }
            eprint!("{}", escape::stderr_safe(&text));
            ExitStatus::Error
        }
    }
}

/// Panics are caught where policies run; never echo a panic's payload (it
/// may quote an input value, and input values may be secrets).
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if engine::guard::IN_POLICY.with(std::cell::Cell::get) {
            return;
        }
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("akslint: internal error{at}");
    }));
}
