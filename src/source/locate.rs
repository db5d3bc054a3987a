//! Where a finding belongs: its attribute in the `.tf` source when the
//! source is there, else the resource's line in the plan file.
use std::collections::HashSet;
use std::sync::Arc;

use super::plan_index::address_index;
use super::{find_repo_root, SourceFiles, SourceMap};
use crate::finding;
use crate::plan::Model;

/// Where each address of a file's model first appears in the plan file
/// (line, column, end column): found while the file's text is in memory
/// (one forward pass, which stops once every address is found), so that
/// the text can be dropped before the rules run.
pub(crate) type PlanPositions = std::collections::HashMap<String, (usize, usize, usize)>;

/// The positions of the `wanted` addresses in the plan `text` (every address
/// a finding can have: those of a model's resources and of its before side,
/// or more, [`crate::plan::Prepared::addresses`]).
pub(crate) fn plan_positions(text: &str, wanted: &HashSet<String>) -> PlanPositions {
    address_index(text, wanted)
}

/// Finds where a finding belongs: the `.tf` source when it is known, else
/// the resource's line in the plan file.
pub(crate) struct Locator<'a> {
    /// The plan file (None: standard input, which has no line to point to).
    path: Option<&'a std::path::Path>,
    pub(crate) map: SourceMap,
    pub(crate) repo_root: Option<std::path::PathBuf>,
    /// Where each address first appears in the plan file.
    plan_index: PlanPositions,
    /// The plan file as reported.
    plan_display: std::sync::OnceLock<String>,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(
        path: Option<&'a std::path::Path>,
        plan_index: PlanPositions,
        model: &Model,
        files: &Arc<SourceFiles>,
        source_dir: Option<&std::path::Path>,
        repo_root: Option<&std::path::Path>,
    ) -> Self {
        let plan_dir = path
            .and_then(std::path::Path::parent)
            .map(|p| {
                if p.as_os_str().is_empty() {
                    std::path::PathBuf::from(".")
                } else {
                    p.to_path_buf()
                }
            })
            .unwrap_or_else(|| std::path::PathBuf::from("."));
        let source_dir = source_dir.map_or(plan_dir, std::path::Path::to_path_buf);
        let repo_root = repo_root
            .map(std::path::Path::to_path_buf)
            .or_else(|| find_repo_root(&source_dir));
        let root_for_map = repo_root.clone().unwrap_or_else(|| source_dir.clone());
        let map = SourceMap::new(
            files.clone(),
            model.configuration.as_ref(),
            &source_dir,
            &root_for_map,
        );
        // The resources are in address order: a module's are mostly
        // together.
        let mut modules: Vec<&str> = model.resources.iter().map(|r| r.module.as_str()).collect();
        modules.dedup();
        map.prepare(modules);
        Self {
            path,
            map,
            repo_root,
            plan_index,
            plan_display: std::sync::OnceLock::new(),
        }
    }

    pub(crate) fn locate(
        &self,
        model: &Model,
        address: &str,
        attribute: &[finding::Step],
    ) -> Option<finding::Location> {
        let r = model
            .resources
            .binary_search_by(|r| r.address.as_str().cmp(address))
            .ok()
            .and_then(|i| model.resources.get(i))?;
        self.map
            .locate(&r.module, &r.type_, &r.name, attribute)
            .or_else(|| self.in_plan(address))
    }

    /// The resource's `"address": "..."` in the plan file itself.
    fn in_plan(&self, address: &str) -> Option<finding::Location> {
        let path = self.path?;
        let (line, column, end_column) = *self.plan_index.get(address)?;
        Some(finding::Location {
            file: self
                .plan_display
                .get_or_init(|| self.display_path(path))
                .clone(),
            line,
            column,
            end_line: line,
            end_column,
            source_path: None,
        })
    }

    fn display_path(&self, path: &std::path::Path) -> String {
        let rel = self.repo_root.as_deref().and_then(|root| {
            let abs = std::fs::canonicalize(path).ok()?;
            let root = std::fs::canonicalize(root).ok()?;
            abs.strip_prefix(root)
                .ok()
                .map(std::path::Path::to_path_buf)
        });
        rel.unwrap_or_else(|| path.to_path_buf())
            .to_string_lossy()
            .replace('\\', "/")
    }
}
