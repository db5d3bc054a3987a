//! Findings: what a rule reports about one resource.
use std::fmt;

use serde::{Deserialize, Serialize};

/// Rule severity, ordered from lowest to highest.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "low" | "l" => Some(Self::Low),
            "medium" | "m" => Some(Self::Medium),
            "high" | "h" => Some(Self::High),
            "critical" | "c" => Some(Self::Critical),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    pub(crate) const ALL: [Severity; 4] = [Self::Critical, Self::High, Self::Medium, Self::Low];
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `fail`: the resource violates the rule. `unknown`: the verdict depends on a
/// value Terraform only knows after apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Fail,
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fail => "fail",
            Self::Unknown => "unknown",
        }
    }
}

/// What a pull request does to a finding (`--gate`): `new` when the
/// before side passes (or the resource is being created), `existing` when
/// the same rule fails on the same resource and attribute before too.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    #[default]
    New,
    Existing,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Existing => "existing",
        }
    }
}

/// One step of an attribute path: `default_node_pool[0].zones` is
/// `[Key("default_node_pool"), Index(0), Key("zones")]`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Step {
    Index(u64),
    Key(String),
}

/// Renders an attribute path as Terraform shows it: `default_node_pool[0].zones`.
pub(crate) fn display_path(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// A location in a file (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// The file on disk (for showing the snippet); not reported.
    #[serde(skip)]
    pub source_path: Option<std::path::PathBuf>,
}

/// How a finding was suppressed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionKind {
    /// An `# akslint:ignore` comment in the `.tf` source.
    InSource,
    /// An exception in the configuration file.
    Exception,
    /// A `--baseline` file.
    Baseline,
}

/// Why a finding is not reported (unless `--show-suppressed`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub justification: String,
}

/// A finding, ready for every reporter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub rule_name: String,
    pub severity: Severity,
    pub status: Status,
    pub address: String,
    pub resource_type: String,
    pub attribute: Vec<Step>,
    pub message: String,
    /// The input file (as given on the command line).
    pub file: String,
    /// Where in the source the finding points, when known.
    pub location: Option<Location>,
    /// Set when an exception, an inline comment or the baseline suppresses it.
    pub suppression: Option<Suppression>,
    /// New in this change, or failing before it too.
    pub change: Change,
}

/// What reports add to an `unknown` finding's message.
pub(crate) const UNKNOWN_SUFFIX: &str = " (known only after apply)";

impl Finding {
    /// [`UNKNOWN_SUFFIX`] for an `unknown` finding whose message does not
    /// already say why the plan cannot tell: that something is known only
    /// after apply (the built-in messages name the attribute that is), or
    /// that it cannot be told from this plan (AKS007: a subnet or route
    /// table in another stack); "" otherwise.
    pub(crate) fn unknown_suffix(&self) -> &'static str {
        match self.status {
            Status::Unknown
                if !self.message.contains("known only after apply")
                    && !self.message.contains("cannot be told from this plan") =>
            {
                UNKNOWN_SUFFIX
            }
            _ => "",
        }
    }

    pub(crate) fn attribute_display(&self) -> String {
        display_path(&self.attribute)
    }

    /// Stable identity of a finding, independent of line numbers.
    pub(crate) fn fingerprint_key(&self) -> String {
        format!(
            "{}|{}|{}",
            self.rule_id,
            self.address,
            self.attribute_display()
        )
    }

    /// Deterministic order: file, location, rule, address, attribute.
    pub(crate) fn sort_key(&self) -> impl Ord + '_ {
        (
            &self.file,
            self.location.as_ref().map(|l| (&l.file, l.line, l.column)),
            &self.rule_id,
            &self.address,
            &self.attribute,
            self.status,
            &self.message,
        )
    }
}
