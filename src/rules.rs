//! The rule registry: policies embedded in the binary (and, later, loaded
//! from disk), with the METADATA each carries.
use serde::{Deserialize, Serialize};

use crate::error::RunError;
use crate::finding::Severity;
pub use crate::rego_package::package_of;

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// A policy library: (path, source).
pub(crate) type Library = (String, String);

/// Good and bad Terraform examples of a rule.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Examples {
    #[serde(default)]
    pub bad: String,
    #[serde(default)]
    pub good: String,
}

/// What a rule's `# METADATA` block says.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub resource_types: Vec<String>,
    pub related: Vec<String>,
    pub why: String,
    pub remediation: String,
    pub params: serde_json::Map<String, serde_json::Value>,
    pub examples: Examples,
    /// The rule's documentation page: akslint's own for the built-in rules,
    /// METADATA's `custom.help_uri` for a custom policy (none when it has
    /// none: reports then link nowhere).
    pub help_uri: Option<String>,
}

/// Where the built-in rules' documentation pages are.
pub const DOCS_BASE: &str = "https://github.com/akslint/akslint/blob/main/docs/rules";

/// A name derived from a title: lowercase words joined by `-`.
fn slug(title: &str) -> String {
    let mut out = String::new();
    for word in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if out.len() + word.len() >= 48 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

#[derive(Deserialize)]
struct RawMeta {
    title: Option<String>,
    #[serde(default)]
    description: String,
    custom: Option<RawCustom>,
}

#[derive(Deserialize)]
struct RawCustom {
    id: Option<String>,
    name: Option<String>,
    severity: Option<String>,
    #[serde(default)]
    resource_types: Option<Vec<String>>,
    #[serde(default)]
    related: Vec<String>,
    #[serde(default)]
    why: String,
    #[serde(default)]
    remediation: String,
    #[serde(default)]
    params: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    examples: Examples,
    #[serde(default)]
    help_uri: Option<String>,
}

/// A loaded policy.
#[derive(Debug, Clone)]
pub struct Rule {
    pub meta: RuleMeta,
    /// Path of the policy file (relative to the repository for built-ins).
    pub path: String,
    pub source: String,
    /// `data.akslint.rules.AKS001`
    pub package: String,
    pub builtin: bool,
}

/// The `# METADATA` comment block of a policy, as YAML text, with the line
/// it starts on.
pub(crate) fn metadata_block(src: &str) -> Option<String> {
    let mut out = String::new();
    let mut inside = false;
    for line in src.lines() {
        let t = line.trim_start();
        if !inside {
            if t == "# METADATA" {
                inside = true;
            }
            continue;
        }
        match t.strip_prefix('#') {
            Some(rest) => {
                out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
                out.push('\n');
            }
            None => break,
        }
    }
    inside.then_some(out)
}

/// Parses a rule's metadata.
pub(crate) fn parse_meta(path: &str, src: &str) -> Result<RuleMeta, RunError> {
    let invalid = |reason: String| RunError::InvalidRule {
        path: path.to_string(),
        reason,
    };
    let block = metadata_block(src).ok_or_else(|| invalid("no `# METADATA` block".into()))?;
    let yaml = regorus::Value::from_yaml_str(&block)
        .map_err(|e| invalid(format!("METADATA is not valid YAML: {e}")))?;
    let json = serde_json::to_value(&yaml).map_err(|e| invalid(e.to_string()))?;
    let raw: RawMeta =
        serde_json::from_value(json).map_err(|e| invalid(format!("METADATA: {e}")))?;
    let custom = raw
        .custom
        .ok_or_else(|| invalid("METADATA has no `custom` section".into()))?;
    let id = custom
        .id
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| invalid("METADATA has no custom.id".into()))?;
    // Without custom.name, the name is derived from the title (as
    // `akslint explain` and `--rule` need one).
    let name = match custom.name.filter(|s| !s.trim().is_empty()) {
        Some(n) => n,
        None => Some(slug(raw.title.as_deref().unwrap_or_default()))
            .filter(|s| !s.is_empty())
            .ok_or_else(|| invalid("METADATA has neither custom.name nor a title".into()))?,
    };
    let help_uri = match custom.help_uri.filter(|s| !s.trim().is_empty()) {
        Some(u) if u.starts_with("https://") || u.starts_with("http://") => Some(u),
        Some(_) => return Err(invalid("custom.help_uri is not an http(s) URL".into())),
        None => None,
    };
    let sev_text = custom
        .severity
        .ok_or_else(|| invalid("METADATA has no custom.severity".into()))?;
    let severity = Severity::parse(&sev_text)
        .ok_or_else(|| invalid(format!("unknown severity {sev_text:?}")))?;
    Ok(RuleMeta {
        id,
        name,
        title: raw.title.unwrap_or_default(),
        description: raw.description.trim().to_string(),
        severity,
        resource_types: custom.resource_types.unwrap_or_default(),
        related: custom.related,
        why: custom.why.trim().to_string(),
        remediation: custom.remediation.trim().to_string(),
        params: custom.params.unwrap_or_default(),
        examples: custom.examples,
        help_uri,
    })
}

/// A top-level `deny` rule (`deny contains ...`, `deny[...]`, `deny if`).
fn defines_deny(src: &str) -> bool {
    src.lines().any(|l| {
        l.strip_prefix("deny")
            .is_some_and(|rest| rest.starts_with([' ', '[', '\t', '{']) || rest.is_empty())
    })
}

fn is_test(path: &str) -> bool {
    path.ends_with("_test.rego")
}

fn is_lib(path: &str) -> bool {
    path.starts_with("rules/lib/")
}

/// The built-in library policies (`rules/lib`), without tests.
pub fn builtin_libs() -> Vec<(String, String)> {
    EMBEDDED
        .iter()
        .filter(|(p, _)| is_lib(p) && !is_test(p))
        .map(|(p, s)| ((*p).to_string(), (*s).to_string()))
        .collect()
}

/// The built-in test files (rules and library).
pub fn builtin_tests() -> Vec<(String, String)> {
    EMBEDDED
        .iter()
        .filter(|(p, _)| is_test(p))
        .map(|(p, s)| ((*p).to_string(), (*s).to_string()))
        .collect()
}

/// Loads one rule from its source.
pub(crate) fn load_rule(path: &str, src: &str, builtin: bool) -> Result<Rule, RunError> {
    let mut meta = parse_meta(path, src)?;
    if builtin {
        meta.help_uri = Some(format!("{DOCS_BASE}/{}.md", meta.id));
    }
    let package = package_of(src).ok_or_else(|| RunError::InvalidRule {
        path: path.to_string(),
        reason: "no package declaration".into(),
    })?;
    Ok(Rule {
        meta,
        path: path.to_string(),
        source: src.to_string(),
        package,
        builtin,
    })
}

/// Every built-in rule, sorted by id.
pub fn builtin_rules() -> Result<Vec<Rule>, RunError> {
    let mut rules = EMBEDDED
        .iter()
        .filter(|(p, _)| !is_lib(p) && !is_test(p))
        .map(|(p, s)| load_rule(p, s, true))
        .collect::<Result<Vec<_>, _>>()?;
    rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    Ok(rules)
}

/// Finds a rule by id or name (case-insensitive).
pub fn find<'r>(rules: &'r [Rule], key: &str) -> Option<&'r Rule> {
    rules
        .iter()
        .find(|r| r.meta.id.eq_ignore_ascii_case(key) || r.meta.name.eq_ignore_ascii_case(key))
}

/// Policies found under custom policy directories: rules (files with a
/// METADATA block naming an id) and libraries (the other `.rego` files), and
/// test files.
#[derive(Debug, Default)]
pub struct Custom {
    pub rules: Vec<Rule>,
    pub libs: Vec<(String, String)>,
    pub tests: Vec<(String, String)>,
}

/// Loads every `*.rego` under the directories (sorted, deterministic).
pub(crate) fn load_custom(dirs: &[std::path::PathBuf]) -> Result<Custom, RunError> {
    let mut custom = Custom::default();
    for dir in dirs {
        if !dir.is_dir() {
            return Err(RunError::InvalidRule {
                path: dir.display().to_string(),
                reason: "not a directory".into(),
            });
        }
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| RunError::InvalidRule {
                path: dir.display().to_string(),
                reason: e.to_string(),
            })?;
            let path = entry.path();
            if !entry.file_type().is_file() || path.extension().is_none_or(|x| x != "rego") {
                continue;
            }
            let shown = path.display().to_string();
            let src = std::fs::read_to_string(path).map_err(|e| RunError::InvalidRule {
                path: shown.clone(),
                reason: e.to_string(),
            })?;
            inert(&shown, &src)?;
            if !is_test(&shown) {
                own_package(&shown, &src)?;
            }
            if is_test(&shown) {
                custom.tests.push((shown, src));
            } else if metadata_block(&src).is_some_and(|b| b.contains("id:")) {
                custom.rules.push(load_rule(&shown, &src, false)?);
            } else if defines_deny(&src) {
                return Err(RunError::InvalidRule {
                    path: shown,
                    reason: "defines a `deny` rule but has no `# METADATA` block with \
                             custom.id: add one (docs/custom-policies.md), or rename the \
                             rule if the file is a library"
                        .into(),
                });
            } else {
                custom.libs.push((shown, src));
            }
        }
    }
    Ok(custom)
}

/// A custom policy or library declares none of akslint's own packages (a
/// built-in rule's or library's, `akslint.params`, `akslint.builtin`), nor
/// one inside or around them: its rules would join the built-in ones (with
/// `--engine interpreter`, in one engine), change their verdicts and read
/// what only they read (the values a plan marks sensitive). The package is
/// the one regorus parses; a file it cannot parse is reported later, as
/// before.
fn own_package(path: &str, src: &str) -> Result<(), RunError> {
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(false);
    if engine
        .add_policy(path.to_string(), src.to_string())
        .is_err()
    {
        return Ok(());
    }
    // The package as it is evaluated: escapes decoded, `a["b"]` as `a.b`
    // (the name `add_policy` returns is the text as written).
    let refuse = |reason: String| RunError::InvalidRule {
        path: path.to_string(),
        reason,
    };
    let package: Vec<String> = match engine.get_policy_package_components() {
        Ok(rows) => rows
            .into_iter()
            .next()
            .map(|r| r.components)
            .unwrap_or_default(),
        Err(e) => return Err(refuse(format!("its package cannot be read: {e}"))),
    };
    let within =
        |a: &[String], b: &[String]| a.len() >= b.len() && a.iter().zip(b).all(|(x, y)| x == y);
    let reserved = EMBEDDED
        .iter()
        .filter(|(p, _)| !is_test(p))
        .filter_map(|(_, s)| package_of(s))
        .chain(["data.akslint.params".into(), "data.akslint.builtin".into()]);
    for own in reserved {
        let own: Vec<String> = own
            .trim_start_matches("data.")
            .split('.')
            .map(str::to_string)
            .collect();
        if within(&package, &own) || within(&own, &package) {
            let (p, o) = (package.join("."), own.join("."));
            let p = crate::escape::visible(&p);
            let whose = if p == o {
                "is akslint's own".to_string()
            } else {
                format!("overlaps akslint's own package {o}")
            };
            return Err(refuse(format!(
                "package {p} {whose}: give the policy a package of its own, such as \
                 akslint.rules.<its id>"
            )));
        }
    }
    Ok(())
}

/// A policy's name and text hold no control or bidirectional-override
/// character (tabs and line breaks aside). regorus writes some warnings to
/// standard error itself, with the file name and a line of the source, where
/// akslint cannot escape them; such characters also make code read otherwise
/// than it runs (Trojan Source). A string can still hold them as escapes.
fn inert(path: &str, src: &str) -> Result<(), RunError> {
    let hidden = |c: char| c != '\t' && c != '\r' && c != '\n' && crate::escape::hidden(c);
    if path.chars().any(crate::escape::hidden) {
        return Err(RunError::InvalidRule {
            path: path.to_string(),
            reason: "the file name holds a control character: rename the file".into(),
        });
    }
    for (i, line) in src.split('\n').enumerate() {
        if let Some((col, c)) = line.chars().enumerate().find(|&(_, c)| hidden(c)) {
            return Err(RunError::InvalidRule {
                path: path.to_string(),
                reason: format!(
                    "line {}, column {}: U+{:04X} is a control or bidirectional-override \
                     character: write it as an escape in a string (\"\\u{:04x}\")",
                    i + 1,
                    col + 1,
                    u32::from(c),
                    u32::from(c)
                ),
            });
        }
    }
    Ok(())
}

/// Built-in and custom rules together; an id or name used twice is an error.
pub(crate) fn check_unique(rules: &[Rule]) -> Result<(), RunError> {
    for (i, r) in rules.iter().enumerate() {
        for other in rules.iter().take(i) {
            let clash = if other.meta.id.eq_ignore_ascii_case(&r.meta.id) {
                Some(format!("id {}", r.meta.id))
            } else if other.meta.name.eq_ignore_ascii_case(&r.meta.name) {
                Some(format!("name {}", r.meta.name))
            } else {
                None
            };
            if let Some(what) = clash {
                return Err(RunError::InvalidRule {
                    path: r.path.clone(),
                    reason: format!("{what} is already used by {}", other.path),
                });
            }
        }
    }
    Ok(())
}
