//! Errors that concern one input file or the whole run. None of them ever
//! carries a value from the input (values may be secrets), only positions,
//! names and the parser's description.
use std::path::PathBuf;

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

/// A problem with one input: reported, remembered for the exit status, and
/// the other inputs are still linted.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
pub enum InputError {
    #[error("{file}: cannot read: {reason}")]
    #[diagnostic(code(akslint::io))]
    Read { file: String, reason: String },

    #[error("{file}: the file is empty")]
    #[diagnostic(
        code(akslint::empty),
        help("write the plan with `terraform show -json plan.tfplan > plan.json`")
    )]
    Empty { file: String },

    #[error("{file}: the file holds only whitespace")]
    #[diagnostic(
        code(akslint::empty),
        help("write the plan with `terraform show -json plan.tfplan > plan.json`")
    )]
    Blank { file: String },

    /// `line` and `column` (1-based, in characters, as for malformed
    /// JSON) of the first byte that does not decode; `offset` is that byte's.
    #[error("{file}:{line}:{column}: not valid {encoding} text (byte {offset})")]
    #[diagnostic(code(akslint::encoding))]
    Encoding {
        file: String,
        encoding: &'static str,
        offset: usize,
        line: usize,
        column: usize,
    },

    #[error("{file}:{line}:{column}: invalid JSON: {reason}")]
    #[diagnostic(code(akslint::json))]
    Json {
        file: String,
        line: usize,
        column: usize,
        reason: String,
    },

    #[error("{file}: not a Terraform plan or state: {reason}")]
    #[diagnostic(
        code(akslint::not_terraform),
        help("akslint reads the output of `terraform show -json` (a plan or a state)")
    )]
    NotTerraform { file: String, reason: String },

    #[error("{file}: unsupported format_version {version:?}: akslint reads format 0.x and 1.x")]
    #[diagnostic(code(akslint::format_version))]
    FormatVersion { file: String, version: String },

    #[error("{file}: a directory with no Terraform plan or state in it")]
    #[diagnostic(code(akslint::empty_dir))]
    EmptyDirectory { file: String },

    #[error("{file}: rule {rule} failed: {reason}")]
    #[diagnostic(code(akslint::rule_error))]
    Rule {
        file: String,
        rule: String,
        reason: String,
    },
}

impl InputError {
    pub fn file(&self) -> &str {
        match self {
            Self::Read { file, .. }
            | Self::Empty { file }
            | Self::Blank { file }
            | Self::Encoding { file, .. }
            | Self::Json { file, .. }
            | Self::NotTerraform { file, .. }
            | Self::FormatVersion { file, .. }
            | Self::EmptyDirectory { file }
            | Self::Rule { file, .. } => file,
        }
    }

    /// The line and column (1-based) in the file where the problem is, for
    /// malformed JSON and text that does not decode.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            Self::Json { line, column, .. } | Self::Encoding { line, column, .. } => {
                Some((*line, *column))
            }
            _ => None,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Read { .. } => "io",
            Self::Empty { .. } | Self::Blank { .. } => "empty",
            Self::Encoding { .. } => "encoding",
            Self::Json { .. } => "json",
            Self::NotTerraform { .. } => "not_terraform",
            Self::FormatVersion { .. } => "format_version",
            Self::EmptyDirectory { .. } => "empty_dir",
            Self::Rule { .. } => "rule_error",
        }
    }
}

/// A problem that stops the run before any input is linted.
#[derive(Debug, Error, Diagnostic)]
pub enum RunError {
    #[error("invalid rule {path}: {reason}")]
    #[diagnostic(code(akslint::invalid_rule))]
    InvalidRule { path: String, reason: String },

    #[error("unknown rule {0:?}: see `akslint rules`")]
    #[diagnostic(code(akslint::unknown_rule))]
    UnknownRule(String),

    #[error("cannot write {path}: {reason}", path = path.display())]
    #[diagnostic(code(akslint::output))]
    Output { path: PathBuf, reason: String },

    #[error("{0}")]
    #[diagnostic(code(akslint::usage))]
    Usage(String),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(Box<ConfigError>),

    #[error("baseline {path}: {reason}", path = path.display())]
    #[diagnostic(code(akslint::baseline))]
    Baseline { path: PathBuf, reason: String },
}

/// A problem in the configuration file (`.akslint.toml`), pointing into it.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(akslint::config))]
pub struct ConfigError {
    #[source_code]
    pub(crate) src: NamedSource<String>,
    #[label("{label}")]
    pub(crate) span: SourceSpan,
    pub(crate) message: String,
    pub(crate) label: String,
}
