//! Every environment variable akslint reads, read once, here: the rest of
//! the program gets the values through [`super::Settings`].
use std::ffi::OsString;

/// The environment as akslint sees it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Env {
    /// `NO_COLOR` is set (to anything): no colour with `--color auto`.
    pub no_color: bool,
    /// `AKSLINT_TODAY=YYYY-MM-DD`: the date exceptions and inline ignores
    /// expire against (for reproducible runs).
    pub today: Option<String>,
    /// `AKSLINT_TIMINGS` non-empty: print the time of each stage of each
    /// file and of each rule to stderr.
    pub timings: bool,
    /// `AKSLINT_MEMORY_LIMIT_MB`: the policy engine's memory budget.
    pub memory_limit_mb: Option<u64>,
    /// `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`, `GITHUB_SHA`: the base of
    /// links to source lines in the Markdown summary.
    pub github_link_base: Option<String>,
}

impl Env {
    /// Reads the process environment.
    pub(crate) fn from_process() -> Self {
        Self::from_lookup(|k| std::env::var_os(k))
    }

    /// Reads the environment through `get` (tests pass a map).
    pub(crate) fn from_lookup(get: impl Fn(&str) -> Option<OsString>) -> Self {
        let text = |k: &str| {
            get(k)
                .and_then(|v| v.into_string().ok())
                .filter(|v| !v.trim().is_empty())
        };
        let github_link_base = match (
            text("GITHUB_SERVER_URL"),
            text("GITHUB_REPOSITORY"),
            text("GITHUB_SHA"),
        ) {
            (Some(server), Some(repo), Some(sha)) => Some(format!(
                "{}/{}/blob/{}",
                server.trim_end_matches('/'),
                repo,
                sha
            )),
            _ => None,
        };
        Self {
            no_color: get("NO_COLOR").is_some(),
            today: get("AKSLINT_TODAY").and_then(|v| v.into_string().ok()),
            timings: get("AKSLINT_TIMINGS").is_some_and(|v| !v.is_empty()),
            memory_limit_mb: get("AKSLINT_MEMORY_LIMIT_MB")
                .and_then(|v| v.into_string().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|v| *v > 0),
            github_link_base,
        }
    }
}
