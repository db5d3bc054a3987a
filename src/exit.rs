//! The exit status, as ruff and ripgrep have it: 0 clean, 1 findings, 2
//! errors.

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// No failing finding (or `--help`, `--version`).
    Clean,
    /// At least one finding fails the run (`--fail-on`).
    Findings,
    /// A usage error, or an input, policy or output that failed.
    Error,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Self::Clean => 0,
            Self::Findings => 1,
            Self::Error => 2,
        }
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(s: ExitStatus) -> Self {
        Self::from(s.code())
    }
}
