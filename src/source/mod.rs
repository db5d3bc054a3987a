//! The source stage: where each finding is in the Terraform source.
//!
//! - [`SourceFiles`]: the `.tf` files of a run, each read and parsed once,
//!   shared by the source map, inline ignores and the text reporter;
//! - [`tf_map`]: resource instance and attribute path to a `.tf` span,
//!   through module calls;
//! - [`plan_index`]: an address's line in the plan file (the fallback);
//! - [`locate`]: the two combined for a finding.
pub(crate) mod locate;
mod plan_index;
pub mod tf_map;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

pub use tf_map::{find_repo_root, SourceMap};

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
}

impl SourceFiles {
    pub fn new() -> Self {
        Self::default()
    }

    /// The text of a file, read on first use.
    pub fn text(&self, path: &Path) -> Option<Arc<str>> {
        if let Some(t) = self
            .texts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(path)
        {
            return t.clone();
        }
        let text: Option<Arc<str>> = std::fs::read_to_string(path).ok().map(Arc::from);
        self.texts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(path.to_path_buf())
            .or_insert(text)
            .clone()
    }

    /// The parsed module in a directory, parsed by `parse` on first use.
    fn module(
        &self,
        dir: &Path,
        repo_root: Option<&Path>,
        parse: impl FnOnce() -> tf_map::ModuleSource,
    ) -> Arc<tf_map::ModuleSource> {
        let key = (dir.to_path_buf(), repo_root.map(Path::to_path_buf));
        if let Some(m) = self
            .dirs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return m.clone();
        }
        let parsed = Arc::new(parse());
        self.dirs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key)
            .or_insert(parsed)
            .clone()
    }
}
