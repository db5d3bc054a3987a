//! `.akslint.toml`: found by walking up from the working directory to the
//! repository root, or given with `--config`. Validated, with the position
//! of every problem, before any check runs.
//!
//! ```toml
//! fail_on = "high"
//! unknown = "warn"
//! policies = ["policies"]
//!
//! [rules]
//! disable = ["AKS034", "http-app-routing"]
//! [rules.severity]
//! AKS014 = "medium"
//! [rules.params.AKS011]
//! min_nodes = 5
//!
//! [[exceptions]]
//! rules = ["AKS001"]
//! addresses = ["module.dev.*"]
//! reason = "dev cluster reachable only through the office VPN"
//! expires = "2027-03-31"
//! ```
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use miette::NamedSource;
use serde::Deserialize;
use toml::Spanned;

use super::date::Date;
use crate::cli::{FailOn, UnknownMode};
use crate::error::ConfigError;
use crate::finding::Severity;
use crate::rules::{self, Rule};

pub(crate) const FILE_NAME: &str = ".akslint.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    fail_on: Option<Spanned<String>>,
    unknown: Option<Spanned<String>>,
    #[serde(default)]
    policies: Vec<Spanned<String>>,
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    exceptions: Vec<Spanned<RawException>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    params: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawException {
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    addresses: Vec<Spanned<String>>,
    reason: Option<Spanned<String>>,
    expires: Option<Spanned<toml::Value>>,
}

/// An exception: findings of these rules on these addresses are accepted.
#[derive(Debug, Clone)]
pub(crate) struct Exception {
    /// Position in the file, for messages (`.akslint.toml:12`).
    pub origin: String,
    pub rule_ids: Vec<String>,
    pub addresses: Vec<String>,
    matcher: globset::GlobSet,
    pub reason: String,
    pub expires: Option<Date>,
}

impl Exception {
    pub fn matches(&self, rule_id: &str, address: &str) -> bool {
        self.rule_ids.iter().any(|r| r == rule_id)
            && (self.addresses.is_empty() || self.matcher.is_match(address))
    }

    pub fn expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|d| d < today)
    }
}

/// A validated `.akslint.toml` (not to be confused with the plan's
/// `configuration`, [`crate::plan::configuration`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct ConfigFile {
    pub fail_on: Option<FailOn>,
    pub unknown: Option<UnknownMode>,
    /// Rule ids to leave out.
    pub disable: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    pub params: serde_json::Map<String, serde_json::Value>,
    pub exceptions: Vec<Exception>,
}

/// The path as shown in messages and reports: relative to the working
/// directory when the file is under it (a found file's path is absolute),
/// never the machine's absolute path otherwise needed.
fn shown_path(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            let cwd = std::fs::canonicalize(cwd).ok()?;
            let abs = std::fs::canonicalize(path).ok()?;
            abs.strip_prefix(&cwd).ok().map(Path::to_path_buf)
        })
        .unwrap_or_else(|| path.to_path_buf())
}

/// The first `.akslint.toml` from `start` upwards, stopping at the
/// repository root (a directory holding `.git`).
pub(crate) fn discover(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// Reads the file's first stage: what does not need the rules.
pub(crate) struct Loaded {
    path: PathBuf,
    text: String,
    raw: RawConfig,
}

impl Loaded {
    /// Policy directories the file names (needed before the rules load).
    /// Each must be a directory: one that is not is an error pointing at
    /// its entry in the file.
    pub fn policies(&self) -> Result<Vec<PathBuf>, Box<ConfigError>> {
        let base = self.path.parent().unwrap_or(Path::new("."));
        self.raw
            .policies
            .iter()
            .map(|p| {
                let dir = base.join(p.get_ref());
                if dir.is_dir() {
                    Ok(dir)
                } else {
                    Err(Box::new(self.error(
                        p.span(),
                        format!(
                            "policy directory {} does not exist (relative to the config file's directory)",
                            crate::escape::visible(&dir.display().to_string())
                        ),
                        "not a directory",
                    )))
                }
            })
            .collect()
    }

    fn error(
        &self,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> ConfigError {
        ConfigError {
            src: NamedSource::new(self.path.display().to_string(), self.text.clone()),
            span: span.into(),
            message: message.into(),
            label: label.into(),
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.text
            .get(..offset)
            .map_or(1, |t| t.matches('\n').count() + 1)
    }
}

/// Parses the file (syntax, keys and types).
pub fn load(path: &Path) -> Result<Loaded, Box<ConfigError>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Box::new(ConfigError {
            src: NamedSource::new(path.display().to_string(), String::new()),
            span: (0, 0).into(),
            message: format!(
                "cannot read {}: {}",
                path.display(),
                crate::plan::read::describe_io(&e)
            ),
            label: String::new(),
        })
    })?;
    match toml::from_str::<RawConfig>(&text) {
        Ok(raw) => Ok(Loaded {
            path: path.to_path_buf(),
            text,
            raw,
        }),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = format!("{}: {}", path.display(), toml_reason(&e, &text));
            Err(Box::new(ConfigError {
                src: NamedSource::new(path.display().to_string(), text),
                span: span.into(),
                message,
                label: "here".into(),
            }))
        }
    }
}

/// Why the TOML does not parse: the parser's reason, or (it gives none for
/// a character TOML does not allow, such as a control character in a
/// comment) the character at the error.
fn toml_reason(e: &toml::de::Error, text: &str) -> String {
    let reason = e.message().trim();
    if !reason.is_empty() {
        return reason.to_string();
    }
    let at = e
        .span()
        .and_then(|s| text.get(s.start..))
        .and_then(|rest| rest.chars().next());
    match at {
        Some(c) if c.is_control() => format!(
            "a control character (U+{:04X}) is not allowed here",
            u32::from(c)
        ),
        Some(c) => format!("`{c}` is not allowed here"),
        None => "invalid TOML".to_string(),
    }
}

fn rule_id(all: &[Rule], key: &str) -> Option<String> {
    rules::find(all, key).map(|r| r.meta.id.clone())
}

/// Second stage: checks every rule, severity, parameter and exception
/// against the loaded rules.
pub(crate) fn validate(loaded: &Loaded, all: &[Rule]) -> Result<ConfigFile, Box<ConfigError>> {
    let raw = &loaded.raw;
    let err =
        |span: Range<usize>, msg: String, label: &str| Box::new(loaded.error(span, msg, label));
    let unknown_rule = |s: &Spanned<String>| {
        err(
            s.span(),
            format!("unknown rule {:?} (see `akslint rules`)", s.get_ref()),
            "no rule has this id or name",
        )
    };
    let fail_on = match &raw.fail_on {
        None => None,
        Some(s) => Some(
            <FailOn as clap::ValueEnum>::from_str(s.get_ref(), true).map_err(|_| {
                err(
                    s.span(),
                    format!("invalid fail_on {:?}", s.get_ref()),
                    "expected critical, high, medium, low or never",
                )
            })?,
        ),
    };
    let unknown = match &raw.unknown {
        None => None,
        Some(s) => Some(
            <UnknownMode as clap::ValueEnum>::from_str(s.get_ref(), true).map_err(|_| {
                err(
                    s.span(),
                    format!("invalid unknown {:?}", s.get_ref()),
                    "expected ignore, warn or fail",
                )
            })?,
        ),
    };
    let mut disable = Vec::new();
    for s in &raw.rules.disable {
        disable.push(rule_id(all, s.get_ref()).ok_or_else(|| unknown_rule(s))?);
    }
    let mut severity = BTreeMap::new();
    for (k, v) in &raw.rules.severity {
        let id = rule_id(all, k.get_ref()).ok_or_else(|| unknown_rule(k))?;
        let sev = Severity::parse(v.get_ref()).ok_or_else(|| {
            err(
                v.span(),
                format!("invalid severity {:?}", v.get_ref()),
                "expected critical, high, medium or low",
            )
        })?;
        severity.insert(id, sev);
    }
    let mut params = serde_json::Map::new();
    for (k, table) in &raw.rules.params {
        let rule = rules::find(all, k.get_ref()).ok_or_else(|| unknown_rule(k))?;
        let mut values = serde_json::Map::new();
        for (name, value) in table {
            let Some(default) = rule.meta.params.get(name.get_ref()) else {
                let known: Vec<&String> = rule.meta.params.keys().collect();
                return Err(err(
                    name.span(),
                    format!(
                        "rule {} has no parameter {:?} (parameters: {known:?})",
                        rule.meta.id,
                        name.get_ref()
                    ),
                    "unknown parameter",
                ));
            };
            let json = serde_json::to_value(value.get_ref()).unwrap_or(serde_json::Value::Null);
            let same_type = std::mem::discriminant(default) == std::mem::discriminant(&json)
                || (default.is_array() && json.is_array());
            if !same_type {
                return Err(err(
                    value.span(),
                    format!(
                        "parameter {}.{} takes a value like {default}",
                        rule.meta.id,
                        name.get_ref()
                    ),
                    "wrong type",
                ));
            }
            values.insert(name.get_ref().clone(), json);
        }
        params.insert(rule.meta.id.clone(), serde_json::Value::Object(values));
    }
    let mut exceptions = Vec::new();
    for ex in &raw.exceptions {
        let span = ex.span();
        let e = ex.get_ref();
        let reason = match &e.reason {
            Some(r) if !r.get_ref().trim().is_empty() => r.get_ref().trim().to_string(),
            Some(r) => {
                return Err(err(
                    r.span(),
                    "an exception's reason is empty".into(),
                    "say why",
                ))
            }
            None => {
                return Err(err(
                    span.start..span.start,
                    "an exception needs a `reason`".into(),
                    "this exception has no reason",
                ))
            }
        };
        if e.rules.is_empty() {
            return Err(err(
                span.start..span.start,
                "an exception needs `rules`".into(),
                "no rules",
            ));
        }
        let mut rule_ids = Vec::new();
        for r in &e.rules {
            rule_ids.push(rule_id(all, r.get_ref()).ok_or_else(|| unknown_rule(r))?);
        }
        let mut builder = globset::GlobSetBuilder::new();
        for a in &e.addresses {
            let glob = globset::GlobBuilder::new(&address_glob(a.get_ref()))
                .literal_separator(false)
                .build()
                .map_err(|g| {
                    err(
                        a.span(),
                        format!("invalid address pattern: {}", g.kind()),
                        "here",
                    )
                })?;
            builder.add(glob);
        }
        let matcher = builder.build().map_err(|g| {
            err(
                span.clone(),
                format!("invalid address patterns: {g}"),
                "here",
            )
        })?;
        let expires = match &e.expires {
            None => None,
            Some(v) => {
                let text = match v.get_ref() {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Datetime(d) => d.to_string(),
                    _ => String::new(),
                };
                Some(Date::parse(&text).ok_or_else(|| {
                    err(
                        v.span(),
                        format!("invalid expiry date {text:?}"),
                        "expected YYYY-MM-DD",
                    )
                })?)
            }
        };
        exceptions.push(Exception {
            origin: format!(
                "{}:{}",
                shown_path(&loaded.path).display(),
                loaded.line_of(span.start)
            ),
            rule_ids,
            addresses: e.addresses.iter().map(|a| a.get_ref().clone()).collect(),
            matcher,
            reason,
            expires,
        });
    }
    Ok(ConfigFile {
        fail_on,
        unknown,
        disable,
        severity,
        params,
        exceptions,
    })
}

/// Addresses hold `[`, `]` and `"` literally (`module.a["x"]`): only `*` and
/// `?` are wildcards; everything else is escaped.
pub(crate) fn address_glob(pattern: &str) -> String {
    let mut out = String::new();
    let mut literal = String::new();
    for ch in pattern.chars() {
        if ch == '*' || ch == '?' {
            out.push_str(&globset::escape(&literal));
            literal.clear();
            out.push(ch);
        } else {
            literal.push(ch);
        }
    }
    out.push_str(&globset::escape(&literal));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_globs_keep_brackets_literal() {
        let mut b = globset::GlobSetBuilder::new();
        let p = address_glob(r#"module.aks["prod"].*"#);
        b.add(globset::GlobBuilder::new(&p).build().unwrap());
        let set = b.build().unwrap();
        assert!(set.is_match(r#"module.aks["prod"].azurerm_kubernetes_cluster.this"#));
        assert!(!set.is_match(r#"module.aks["dev"].azurerm_kubernetes_cluster.this"#));
    }
}
