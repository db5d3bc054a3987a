//! The source stage: where each finding is in the Terraform source.
//!
//! - [`SourceFiles`]: the `.tf` files of a run, each read and parsed once,
//!   shared by the source map, inline ignores and the text reporter;
//! - [`tf_map`]: resource instance and attribute path to a `.tf` span,
//!   through module calls;
//! - [`plan_index`]: an address's line in the plan file (the fallback);
//! - [`locate`]: the two combined for a finding.
pub(crate) mod locate;
mod mask;
mod plan_index;
pub mod tf_map;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

pub use tf_map::{find_repo_root, SourceMap};

/// A file's text (None: unreadable or not UTF-8).
type FileText = Option<Arc<str>>;

/// Parsed module directories, by directory and repository root (which the
/// displayed file names depend on).
type ParsedDirs = HashMap<(PathBuf, Option<PathBuf>), Arc<tf_map::ModuleSource>>;

/// The `.tf` files one run reads: owned by the run, shared by every plan of
/// it (plans of one root module share its directory), and by every stage
/// that shows or reads the source. The files are not expected to change
/// during a run.
#[derive(Default)]
pub struct SourceFiles {
    dirs: Mutex<ParsedDirs>,
    /// The text of each file read (None: unreadable or not UTF-8).
    texts: Mutex<HashMap<PathBuf, Option<Arc<str>>>>,
    /// The same as shown for a finding on a resource type, secrets masked
    /// ([`mask`]).
    shown: Mutex<HashMap<(PathBuf, String), FileText>>,
}

impl SourceFiles {
    pub fn new() -> Self {
        Self::default()
    }

    /// The text of a file, read on first use.
    pub fn text(&self, path: &Path) -> Option<Arc<str>> {
        cached(&self.texts, path.to_path_buf(), || {
            std::fs::read_to_string(path).ok().map(Arc::from)
        })
    }

    /// The text of a file as a report shows it for a finding on a
    /// `resource_type`: the values of its secret attributes and of
    /// `sensitive(...)` expressions masked, each byte kept in place (spans
    /// of [`Self::text`] hold in it).
    pub fn shown(&self, path: &Path, resource_type: &str) -> Option<Arc<str>> {
        let key = (path.to_path_buf(), resource_type.to_string());
        cached(&self.shown, key, || {
            self.text(path)
                .map(|t| match mask::mask_secrets(&t, resource_type) {
                    std::borrow::Cow::Borrowed(_) => t.clone(),
                    std::borrow::Cow::Owned(m) => Arc::from(m),
                })
        })
    }

    /// The parsed module in a directory, parsed by `parse` on first use.
    fn module(
        &self,
        dir: &Path,
        repo_root: Option<&Path>,
        parse: impl FnOnce() -> tf_map::ModuleSource,
    ) -> Arc<tf_map::ModuleSource> {
        let key = (dir.to_path_buf(), repo_root.map(Path::to_path_buf));
        cached(&self.dirs, key, || Arc::new(parse()))
    }
}

/// The value of `key` in a shared cache, made by `make` on first use (made
/// outside the lock, so that a slow make holds no other reader; the first
/// value stored wins).
fn cached<K: std::hash::Hash + Eq, V: Clone>(
    map: &Mutex<HashMap<K, V>>,
    key: K,
    make: impl FnOnce() -> V,
) -> V {
    if let Some(v) = map.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
        return v.clone();
    }
    let made = make();
    map.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(key)
        .or_insert(made)
        .clone()
}
