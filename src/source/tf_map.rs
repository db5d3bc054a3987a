//! Source locations: maps a resource instance and an attribute path of a
//! finding to the `resource "TYPE" "NAME"` block that declares it in the
//! Terraform sources, through module calls (local paths, and registry or git
//! modules through `.terraform/modules/modules.json`).
//!
//! Every `*.tf` file of a module directory is parsed once (with `hcl-edit`,
//! which keeps byte spans) and cached. A file that fails to read or parse is
//! skipped; anything that cannot be resolved yields `None`, and the caller
//! falls back to the plan file.
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;
use serde_json::Value;

use super::SourceFiles;
use crate::finding::{Location, Step};
use crate::plan::address;

/// Nesting limit for module calls (configuration and lookups).
const MAX_DEPTH: usize = 32;

/// One module call of the plan's configuration: its `source` and the calls
/// of the module it calls.
#[derive(Default, Debug)]
struct CallNode {
    source: Option<String>,
    calls: HashMap<String, CallNode>,
}

impl CallNode {
    fn from_module(module: &Value, depth: usize) -> Self {
        let mut node = CallNode::default();
        if depth > MAX_DEPTH {
            return node;
        }
        if let Some(calls) = module.get("module_calls").and_then(Value::as_object) {
            for (name, call) in calls {
                let mut child = call
                    .get("module")
                    .map(|m| CallNode::from_module(m, depth + 1))
                    .unwrap_or_default();
                child.source = call
                    .get("source")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                node.calls.insert(name.clone(), child);
            }
        }
        node
    }
}

/// One parsed `.tf` file.
struct SourceFile {
    /// The path as reported in [`Location::file`].
    display: String,
    path: PathBuf,
    text: Arc<str>,
    body: Body,
    /// Byte offsets of the start of every line.
    line_starts: Vec<usize>,
}

impl SourceFile {
    fn new(display: String, path: PathBuf, text: Arc<str>, body: Body) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            display,
            path,
            text,
            body,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line, column + 1)
    }

    fn location(&self, span: Range<usize>) -> Location {
        let (line, column) = self.line_col(span.start);
        let (end_line, end_column) = self.line_col(span.end.max(span.start));
        Location {
            file: self.display.clone(),
            line,
            column,
            end_line,
            end_column,
            source_path: Some(self.path.clone()),
        }
    }

    /// The span of an attribute or block without trailing whitespace.
    fn trimmed(&self, span: Range<usize>) -> Range<usize> {
        let trimmed_len = self
            .text
            .get(span.clone())
            .map_or(span.len(), |s| s.trim_end().len());
        span.start..span.start + trimmed_len
    }

    /// The span of a block's header: from its identifier to its opening `{`
    /// (inclusive), or to the end of the first line.
    fn header(&self, block: &Block) -> Option<Range<usize>> {
        let span = block.span()?;
        let from = block.ident.span().map_or(span.start, |s| s.end);
        let rest = self.text.get(from..span.end)?;
        let mut in_str = false;
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_str => escaped = true,
                '"' => in_str = !in_str,
                '{' if !in_str => return Some(span.start..from + i + 1),
                '\n' => break,
                _ => {}
            }
        }
        let line_end = self
            .text
            .get(span.start..span.end)
            .and_then(|s| s.find('\n'))
            .map_or(span.end, |i| span.start + i);
        Some(self.trimmed(span.start..line_end))
    }
}

/// The parsed `.tf` files of one module directory.
#[derive(Default)]
pub(super) struct ModuleSource {
    files: Vec<SourceFile>,
}

impl ModuleSource {
    /// The first top-level block `ident "labels..."` of the module.
    fn find_block(&self, ident: &str, labels: &[&str]) -> Option<(&SourceFile, &Block)> {
        self.files.iter().find_map(|f| {
            f.body
                .blocks()
                .find(|b| b.has_ident(ident) && b.has_exact_labels(labels))
                .map(|b| (f, b))
        })
    }

    /// The string-literal `source` of a `module "NAME"` block.
    fn module_source(&self, name: &str) -> Option<String> {
        let (_, block) = self.find_block("module", &[name])?;
        let source = block.body.get_attribute("source")?;
        source.value.as_str().map(str::to_string)
    }
}

/// Maps resource instances and attribute paths to source locations.
pub struct SourceMap {
    /// The root module directory (lexically normalized, as given).
    root_dir: PathBuf,
    /// Canonical repository root, when it exists.
    repo_root: Option<PathBuf>,
    /// Module calls of the configuration (None without a configuration).
    calls: Option<CallNode>,
    /// `modules.json`: dotted call path (`aks.inner`) -> module directory.
    manifest: HashMap<String, PathBuf>,
    /// Parsed modules by directory.
    cache: Mutex<HashMap<PathBuf, Arc<ModuleSource>>>,
    /// The module of each module address given to [`Self::prepare`], found
    /// before the findings are placed in parallel: each placement then
    /// reads it without parsing the address, taking the cache's lock or
    /// sharing a reference count with the other workers.
    prepared: std::sync::OnceLock<HashMap<String, Option<Arc<ModuleSource>>>>,
    /// The run's `.tf` files, shared with the other plans of the run.
    files: Arc<SourceFiles>,
}

impl SourceMap {
    /// configuration: the plan's `configuration` JSON (may be None for state
    /// files); source_dir: the root module directory; repo_root: paths in
    /// Locations are relative to it.
    pub fn new(
        files: Arc<SourceFiles>,
        configuration: Option<&serde_json::Value>,
        source_dir: &Path,
        repo_root: &Path,
    ) -> Self {
        let root_dir = normalize(source_dir);
        let calls = configuration
            .and_then(|c| c.get("root_module"))
            .map(|m| CallNode::from_module(m, 0));
        let manifest = read_manifest(&root_dir);
        SourceMap {
            repo_root: absolute(repo_root),
            root_dir,
            calls,
            manifest,
            cache: Mutex::new(HashMap::new()),
            prepared: std::sync::OnceLock::new(),
            files,
        }
    }

    /// Finds the modules at these module addresses once, for [`Self::locate`]
    /// (the first call counts).
    pub fn prepare<'m>(&self, module_addresses: impl IntoIterator<Item = &'m str>) {
        let mut found: HashMap<String, Option<Arc<ModuleSource>>> = HashMap::new();
        for m in module_addresses {
            if !found.contains_key(m) {
                found.insert(m.to_string(), self.module_at(m));
            }
        }
        let _ = self.prepared.set(found);
    }

    /// The module at a module address (`module.aks["prod"]`, "" for the root).
    fn module_at(&self, module_address: &str) -> Option<Arc<ModuleSource>> {
        let path = address::module_path(module_address);
        if path.is_empty() && !module_address.is_empty() {
            return None;
        }
        let names: Vec<String> = path.into_iter().map(|(n, _)| n).collect();
        let dir = self.module_dir(&names)?;
        Some(self.module(&dir))
    }

    /// Location of the attribute (or the resource block header when the
    /// attribute is absent in the source) for a resource instance:
    /// module_address like `module.aks["prod"]` ("" for root), type, name,
    /// attribute path. Instance keys (count / for_each) are ignored.
    pub fn locate(
        &self,
        module_address: &str,
        type_: &str,
        name: &str,
        attribute: &[Step],
    ) -> Option<Location> {
        let found;
        let module = match self.prepared.get().and_then(|p| p.get(module_address)) {
            Some(m) => m.as_deref()?,
            None => {
                found = self.module_at(module_address)?;
                &*found
            }
        };
        let (file, block) = module.find_block("resource", &[type_, name])?;
        let span = match descend(block, attribute) {
            Target::Attribute(span) => file.trimmed(span),
            Target::Block(b) => file.header(b)?,
        };
        Some(file.location(span))
    }

    /// The directory of the module at a call path (`["aks", "inner"]`).
    fn module_dir(&self, names: &[String]) -> Option<PathBuf> {
        if names.len() > MAX_DEPTH {
            return None;
        }
        let mut dir = self.root_dir.clone();
        let mut node = self.calls.as_ref();
        for (i, name) in names.iter().enumerate() {
            let child = node.and_then(|n| n.calls.get(name));
            let source = match child.and_then(|c| c.source.clone()) {
                Some(s) => Some(s),
                None => self.module(&dir).module_source(name),
            };
            let local = source
                .filter(|s| is_local(s))
                .map(|s| normalize(&dir.join(s)))
                .filter(|d| d.is_dir());
            let key = names.get(..=i).unwrap_or(names).join(".");
            dir = local.or_else(|| self.manifest.get(&key).cloned())?;
            node = child;
        }
        Some(dir)
    }

    /// The parsed module in a directory (parsed on first use).
    fn module(&self, dir: &Path) -> Arc<ModuleSource> {
        let cached = self
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(dir)
            .cloned();
        if let Some(m) = cached {
            return m;
        }
        // Plans linted in one run often share a directory (a directory of
        // plans, or plan and state of one root module): each directory is
        // listed and parsed once per run, not once per plan.
        let parsed = self
            .files
            .module(dir, self.repo_root.as_deref(), || self.parse_dir(dir));
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(dir.to_path_buf())
            .or_insert(parsed)
            .clone()
    }

    fn parse_dir(&self, dir: &Path) -> ModuleSource {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return ModuleSource::default();
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "tf") && p.is_file())
            .collect();
        paths.sort();
        let files = paths
            .into_iter()
            .filter_map(|p| {
                let text = self.files.text(&p)?;
                let body = hcl_edit::parser::parse_body(&text).ok()?;
                Some(SourceFile::new(self.display(&p), p.clone(), text, body))
            })
            .collect();
        ModuleSource { files }
    }

    /// A file's path relative to the repository root with `/` separators, or
    /// the path as given when it is outside the repository.
    fn display(&self, path: &Path) -> String {
        let relative = self.repo_root.as_ref().and_then(|root| {
            let canonical = std::fs::canonicalize(path).ok()?;
            canonical.strip_prefix(root).ok().map(Path::to_path_buf)
        });
        slashes(relative.as_deref().unwrap_or(path))
    }
}

/// What an attribute path leads to inside a resource block.
enum Target<'b> {
    Attribute(Range<usize>),
    Block(&'b Block),
}

/// Walks an attribute path through nested blocks: the attribute it names,
/// or the deepest existing block on the path.
fn descend<'b>(resource: &'b Block, path: &[Step]) -> Target<'b> {
    let mut current = resource;
    let mut body = &resource.body;
    let mut steps = path.iter().peekable();
    while let Some(step) = steps.next() {
        let Step::Key(key) = step else { continue };
        if let Some(attr) = body.get_attribute(key) {
            return match attr.span() {
                Some(span) => Target::Attribute(span),
                None => Target::Block(current),
            };
        }
        let index = match steps.peek() {
            Some(Step::Index(i)) => {
                let i = usize::try_from(*i).unwrap_or(usize::MAX);
                steps.next();
                i
            }
            _ => 0,
        };
        let statics: Vec<&Block> = body
            .blocks()
            .filter(|b| b.has_ident(key) && !b.is_labeled())
            .collect();
        if let Some(b) = statics.get(index) {
            current = b;
            body = &b.body;
            continue;
        }
        // Best effort: `dynamic "KEY" { content { ... } }`.
        let dynamics: Vec<&Block> = body
            .blocks()
            .filter(|b| b.has_ident("dynamic") && b.has_exact_labels(&[key.as_str()]))
            .collect();
        let dynamic = dynamics
            .get(index.saturating_sub(statics.len()))
            .or_else(|| dynamics.first());
        let Some(d) = dynamic else { break };
        current = d;
        match d.body.blocks().find(|b| b.has_ident("content")) {
            Some(content) => body = &content.body,
            None => break,
        }
    }
    Target::Block(current)
}

/// Terraform's local module sources.
fn is_local(source: &str) -> bool {
    source.starts_with("./")
        || source.starts_with("../")
        || source.starts_with(".\\")
        || source.starts_with("..\\")
}

/// `<root>/.terraform/modules/modules.json`: Key -> Dir (joined onto root).
fn read_manifest(root: &Path) -> HashMap<String, PathBuf> {
    let mut out = HashMap::new();
    let Ok(text) = std::fs::read_to_string(root.join(".terraform/modules/modules.json")) else {
        return out;
    };
    let Ok(json) = serde_json::from_str::<Value>(&text) else {
        return out;
    };
    let modules = json
        .get("Modules")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for m in modules {
        let (Some(key), Some(dir)) = (
            m.get("Key").and_then(Value::as_str),
            m.get("Dir").and_then(Value::as_str),
        ) else {
            continue;
        };
        if key.is_empty() {
            continue;
        }
        out.insert(key.to_string(), normalize(&root.join(dir)));
    }
    out
}

/// Removes `.` and resolves `..` lexically (keeps a leading `..`).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !matches!(
                    out.components().next_back(),
                    Some(Component::RootDir | Component::Prefix(_))
                ) {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// An absolute, canonical form of a path (None when it does not exist).
fn absolute(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}

/// A path with `/` separators.
fn slashes(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            Component::RootDir => Some(String::new()),
            Component::CurDir => None,
            other => Some(other.as_os_str().to_string_lossy().into_owned()),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Repository root: `git rev-parse --show-toplevel` equivalent by walking up
/// for a `.git` entry from `start`; None if not in a repo.
pub fn find_repo_root(start: &Path) -> Option<PathBuf> {
    let start = match std::fs::canonicalize(start) {
        Ok(p) => p,
        Err(_) => std::env::current_dir().ok()?.join(start),
    };
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn k(s: &str) -> Step {
        Step::Key(s.into())
    }

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    const CLUSTER: &str = r#"resource "azurerm_kubernetes_cluster" "c" {
  name = "x"

  default_node_pool {
    name  = "a"
    zones = ["1"]
  }

  dynamic "network_profile" {
    for_each = [1]
    content {
      network_plugin = "azure"
    }
  }
}
"#;

    #[test]
    fn skips_files_that_fail_to_parse() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "broken.tf", "resource \"x\" \"y\" {\n  = = =\n");
        write(dir.path(), "main.tf", CLUSTER);
        let map = SourceMap::new(Arc::default(), None, dir.path(), dir.path());
        let loc = map
            .locate("", "azurerm_kubernetes_cluster", "c", &[k("name")])
            .unwrap();
        assert_eq!((loc.file.as_str(), loc.line, loc.column), ("main.tf", 2, 3));
        assert_eq!((loc.end_line, loc.end_column), (2, 13));
        assert!(map.locate("", "x", "y", &[]).is_none());
    }

    #[test]
    fn only_broken_files_yield_none() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "main.tf", "resource \"x\" \"y\" {\n");
        let map = SourceMap::new(Arc::default(), None, dir.path(), dir.path());
        assert!(map.locate("", "x", "y", &[]).is_none());
    }

    #[test]
    fn module_with_missing_directory() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "main.tf",
            "module \"gone\" {\n  source = \"./modules/gone\"\n}\n",
        );
        let cfg = json!({"root_module": {"module_calls": {"gone": {"source": "./modules/gone", "module": {}}}}});
        for c in [Some(&cfg), None] {
            let map = SourceMap::new(Arc::default(), c, dir.path(), dir.path());
            assert!(map
                .locate("module.gone", "azurerm_kubernetes_cluster", "c", &[])
                .is_none());
        }
    }

    #[test]
    fn registry_module_through_manifest() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), ".terraform/modules/aks/main.tf", CLUSTER);
        write(
            dir.path(),
            ".terraform/modules/modules.json",
            r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"aks","Source":"registry.terraform.io/x/aks/azurerm","Dir":".terraform/modules/aks"}]}"#,
        );
        let cfg = json!({"root_module": {"module_calls": {"aks": {"source": "x/aks/azurerm"}}}});
        let map = SourceMap::new(Arc::default(), Some(&cfg), dir.path(), dir.path());
        let loc = map
            .locate(
                r#"module.aks[0]"#,
                "azurerm_kubernetes_cluster",
                "c",
                &[k("default_node_pool"), Step::Index(0), k("zones")],
            )
            .unwrap();
        assert_eq!(loc.file, ".terraform/modules/aks/main.tf");
        assert_eq!(loc.line, 6);
        // The same with the modules found beforehand (one of them not
        // there), and for an address not given then.
        let prepared = SourceMap::new(Arc::default(), Some(&cfg), dir.path(), dir.path());
        prepared.prepare(["module.aks[0]", "module.gone", "", "module.aks[0]"]);
        let zones = [k("default_node_pool"), Step::Index(0), k("zones")];
        for at in ["module.aks[0]", "module.aks[1]"] {
            let l = prepared.locate(at, "azurerm_kubernetes_cluster", "c", &zones);
            assert_eq!(l.map(|l| (l.file, l.line)), Some((loc.file.clone(), 6)));
        }
        assert!(prepared
            .locate("module.gone", "azurerm_kubernetes_cluster", "c", &[])
            .is_none());
        assert_eq!(prepared.prepared.get().map(HashMap::len), Some(3));
        // Without the manifest entry a registry module does not resolve.
        let other = tempfile::tempdir().unwrap();
        let map = SourceMap::new(Arc::default(), Some(&cfg), other.path(), other.path());
        assert!(map
            .locate("module.aks", "azurerm_kubernetes_cluster", "c", &[])
            .is_none());
    }

    #[test]
    fn dynamic_blocks_and_headers() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "main.tf", CLUSTER);
        let map = SourceMap::new(Arc::default(), None, dir.path(), dir.path());
        let at = |path: &[Step]| {
            let l = map
                .locate("", "azurerm_kubernetes_cluster", "c", path)
                .unwrap();
            (l.line, l.column, l.end_line, l.end_column)
        };
        // Attribute inside the dynamic block's content.
        assert_eq!(
            at(&[k("network_profile"), Step::Index(0), k("network_plugin")]).0,
            12
        );
        // Missing attribute inside the dynamic block: the dynamic block header.
        assert_eq!(
            at(&[k("network_profile"), Step::Index(0), k("network_policy")]),
            (9, 3, 9, 30)
        );
        // Missing nested block: the resource header, up to its `{`.
        assert_eq!(
            at(&[k("identity"), Step::Index(0), k("type")]),
            (1, 1, 1, 44)
        );
        // Second default_node_pool does not exist: the resource header.
        assert_eq!(at(&[k("default_node_pool"), Step::Index(1)]).0, 1);
        // Existing block, missing attribute: that block's header.
        assert_eq!(
            at(&[k("default_node_pool"), Step::Index(0), k("vm_size")]),
            (4, 3, 4, 22)
        );
        assert_eq!(at(&[]).0, 1);
    }

    #[test]
    fn columns_count_characters() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "main.tf",
            "resource \"t\" \"n\" {\n  tags = { \"é\" = \"ü\" }\n  name = \"x\"\n}\n",
        );
        let map = SourceMap::new(Arc::default(), None, dir.path(), dir.path());
        let l = map.locate("", "t", "n", &[k("tags"), k("é")]).unwrap();
        assert_eq!((l.line, l.column, l.end_line, l.end_column), (2, 3, 2, 23));
    }

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("../x/./y")), PathBuf::from("../x/y"));
        assert_eq!(normalize(Path::new(".")), PathBuf::from("."));
        assert_eq!(slashes(Path::new("a/b/c.tf")), "a/b/c.tf");
    }

    #[test]
    fn repo_root_of_a_temp_dir() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "sub/deeper/main.tf", "");
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        let root = find_repo_root(&dir.path().join("sub/deeper")).unwrap();
        assert_eq!(root, std::fs::canonicalize(dir.path()).unwrap());
    }

    #[test]
    fn source_map_is_shareable() {
        fn assert_sync<T: Send + Sync>() {}
        assert_sync::<SourceMap>();
    }
}
