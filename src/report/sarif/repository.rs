//! The git repository of a run: the root that paths are relative to, and
//! `versionControlProvenance`.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The git repository the run is in, for `versionControlProvenance` and
/// repository-relative paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repository {
    /// Canonical path of the work tree's root.
    pub root: PathBuf,
    /// `remote.origin.url` without credentials (or GitHub's repository URL
    /// on GitHub Actions); provenance is written only when known.
    pub uri: Option<String>,
    pub revision: Option<String>,
    pub branch: Option<String>,
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !s.is_empty()).then_some(s)
}

/// A repository URL fit for SARIF: credentials (`user:token@`) removed,
/// scp-like `git@host:org/repo` turned into `https://host/org/repo`; `None`
/// for anything else that is not an absolute URL.
pub fn sanitize_repository_url(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    if let Some((scheme, rest)) = url.split_once("://") {
        if scheme.is_empty()
            || !scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            return None;
        }
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if host.is_empty() {
            return (scheme == "file").then(|| format!("file://{path}"));
        }
        return Some(format!("{scheme}://{host}{path}"));
    }
    // scp-like syntax: [user@]host:path
    let (authority, path) = url.split_once(':')?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.is_empty() || host.contains('/') || path.is_empty() {
        return None;
    }
    Some(format!("https://{host}/{}", path.trim_start_matches('/')))
}

impl Repository {
    /// The repository holding the working directory, if any (asks `git`;
    /// `None` without git or outside a repository).
    pub fn detect() -> Option<Repository> {
        Self::detect_from(None)
    }

    /// The repository holding `start` (the source directory, or the plan's:
    /// a run from outside the infrastructure's repository, or from another
    /// repository around it, must not take the working directory's), else
    /// the working directory's.
    pub fn detect_from(start: Option<&Path>) -> Option<Repository> {
        let top = |dir: &Path| {
            let root = git(dir, &["rev-parse", "--show-toplevel"])?;
            Self::rooted(std::fs::canonicalize(root).ok()?)
        };
        if let Some(found) = start
            .filter(|d| !d.as_os_str().is_empty())
            .and_then(|d| std::fs::canonicalize(d).ok())
            .filter(|d| d.is_dir())
            .and_then(|d| top(&d))
        {
            return Some(found);
        }
        top(&std::env::current_dir().ok()?)
    }

    /// The repository whose root is `dir` (`--repo-root`): paths are relative
    /// to it wherever the run starts, so that a result's fingerprint does not
    /// depend on the working directory. Provenance comes from git when `dir`
    /// is in a work tree. `None` when `dir` does not exist.
    pub fn at(dir: &Path) -> Option<Repository> {
        Self::rooted(std::fs::canonicalize(dir).ok()?)
    }

    fn rooted(root: PathBuf) -> Option<Repository> {
        let github = match (
            std::env::var("GITHUB_SERVER_URL"),
            std::env::var("GITHUB_REPOSITORY"),
        ) {
            (Ok(server), Ok(repo)) if !server.is_empty() && !repo.is_empty() => {
                sanitize_repository_url(&format!("{}/{repo}", server.trim_end_matches('/')))
            }
            _ => None,
        };
        let uri = github.or_else(|| {
            git(&root, &["config", "--get", "remote.origin.url"])
                .and_then(|u| sanitize_repository_url(&u))
        });
        Some(Repository {
            uri,
            revision: git(&root, &["rev-parse", "--verify", "-q", "HEAD"]),
            branch: git(&root, &["symbolic-ref", "-q", "--short", "HEAD"]),
            root,
        })
    }

    /// `path` (relative to the working directory, or absolute) relative to
    /// the repository root, when it lies inside; `None` otherwise.
    pub fn relative(&self, path: &str) -> Option<String> {
        if path == "-" || path.is_empty() {
            return None;
        }
        let abs = std::fs::canonicalize(path).ok()?;
        let rel = abs.strip_prefix(&self.root).ok()?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        (!parts.is_empty()).then(|| parts.join("/"))
    }
}

/// `\` to `/`, no leading `./`.
pub(super) fn normalize_path(path: &str) -> String {
    let mut p = path.replace('\\', "/");
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.to_string();
    }
    p
}

/// Paths as written in the log: relative to the repository root when they
/// lie inside it, else as given (cached: one lookup per distinct path).
pub(super) struct Paths<'a> {
    pub(super) repo: Option<&'a Repository>,
    pub(super) cache: BTreeMap<String, String>,
}

impl Paths<'_> {
    pub(super) fn get(&mut self, path: &str) -> String {
        if let Some(p) = self.cache.get(path) {
            return p.clone();
        }
        let p = self.resolve(path);
        self.cache.insert(path.to_string(), p.clone());
        p
    }

    /// The path as written, from the cache when [`Paths::get`] has seen it.
    pub(super) fn cached(&self, path: &str) -> String {
        self.cache
            .get(path)
            .cloned()
            .unwrap_or_else(|| self.resolve(path))
    }

    fn resolve(&self, path: &str) -> String {
        self.repo
            .and_then(|r| r.relative(path))
            .unwrap_or_else(|| normalize_path(path))
    }
}
