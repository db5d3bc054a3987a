//! Source locations against the committed `fixtures/modules` sources: a root
//! module and the local child module `modules/aks` called with for_each.
use std::path::{Path, PathBuf};

use akslint::finding::Step;
use akslint::source::{find_repo_root, SourceMap};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture() -> PathBuf {
    manifest_dir().join("fixtures/modules")
}

fn configuration() -> serde_json::Value {
    let text = std::fs::read_to_string(fixture().join("plan.json")).unwrap();
    let plan: serde_json::Value = serde_json::from_str(&text).unwrap();
    plan["configuration"].clone()
}

fn map() -> SourceMap {
    let cfg = configuration();
    let repo = find_repo_root(&fixture()).unwrap_or_else(manifest_dir);
    SourceMap::new(
        std::sync::Arc::new(akslint::source::SourceFiles::new()),
        Some(&cfg),
        &fixture(),
        &repo,
    )
}

fn k(s: &str) -> Step {
    Step::Key(s.into())
}

const ROOT_TF: &str = "fixtures/modules/main.tf";
const AKS_TF: &str = "fixtures/modules/modules/aks/main.tf";

#[test]
fn repo_root_is_the_crate() {
    let root = find_repo_root(&fixture()).unwrap();
    assert_eq!(root, std::fs::canonicalize(manifest_dir()).unwrap());
}

#[test]
fn root_resource_attribute() {
    let loc = map()
        .locate(
            "",
            "azurerm_kubernetes_cluster_node_pool",
            "prod_system",
            &[k("zones")],
        )
        .unwrap();
    assert_eq!(loc.file, ROOT_TF);
    assert_eq!((loc.line, loc.column), (85, 3));
    assert_eq!((loc.end_line, loc.end_column), (85, 44));
}

#[test]
fn root_resource_without_attribute_is_its_header() {
    let loc = map().locate("", "azurerm_subnet", "nodes", &[]).unwrap();
    assert_eq!(loc.file, ROOT_TF);
    assert_eq!((loc.line, loc.column), (50, 1));
    assert_eq!(loc.end_line, 50);
}

#[test]
fn child_module_through_for_each_call() {
    let m = map();
    for key in ["dev", "prod"] {
        let loc = m
            .locate(
                &format!(r#"module.aks["{key}"]"#),
                "azurerm_kubernetes_cluster_node_pool",
                "user",
                &[k("zones")],
            )
            .unwrap();
        assert_eq!(loc.file, AKS_TF);
        assert_eq!((loc.line, loc.column), (81, 3));
    }
    let loc = m
        .locate(
            r#"module.aks["dev"]"#,
            "azurerm_kubernetes_cluster",
            "this",
            &[k("private_cluster_enabled")],
        )
        .unwrap();
    assert_eq!((loc.file.as_str(), loc.line), (AKS_TF, 7));
}

#[test]
fn nested_block_attribute() {
    let m = map();
    let loc = m
        .locate(
            r#"module.aks["dev"]"#,
            "azurerm_kubernetes_cluster",
            "this",
            &[k("default_node_pool"), Step::Index(0), k("zones")],
        )
        .unwrap();
    assert_eq!(loc.file, AKS_TF);
    assert_eq!((loc.line, loc.column), (20, 5));
    let loc = m
        .locate(
            r#"module.aks["prod"]"#,
            "azurerm_kubernetes_cluster",
            "this",
            &[k("network_profile"), Step::Index(0), k("network_policy")],
        )
        .unwrap();
    assert_eq!(loc.line, 37);
}

#[test]
fn missing_attribute_points_at_deepest_existing_block() {
    let m = map();
    // No api_server_access_profile block at all: the resource header.
    let loc = m
        .locate(
            r#"module.aks["dev"]"#,
            "azurerm_kubernetes_cluster",
            "this",
            &[
                k("api_server_access_profile"),
                Step::Index(0),
                k("authorized_ip_ranges"),
            ],
        )
        .unwrap();
    assert_eq!(loc.file, AKS_TF);
    assert_eq!((loc.line, loc.column), (1, 1));
    assert_eq!((loc.end_line, loc.end_column), (1, 47));
    // An attribute missing from an existing block: that block's header.
    let loc = m
        .locate(
            r#"module.aks["dev"]"#,
            "azurerm_kubernetes_cluster",
            "this",
            &[k("network_profile"), Step::Index(0), k("pod_cidr")],
        )
        .unwrap();
    assert_eq!((loc.line, loc.column), (33, 3));
    // A missing top-level attribute: the resource header.
    let loc = m
        .locate(
            "",
            "azurerm_kubernetes_cluster_node_pool",
            "prod_system",
            &[k("max_pods")],
        )
        .unwrap();
    assert_eq!((loc.file.as_str(), loc.line), (ROOT_TF, 79));
}

#[test]
fn unknown_addresses_are_none() {
    let m = map();
    assert!(m
        .locate("", "azurerm_kubernetes_cluster", "missing", &[])
        .is_none());
    assert!(m
        .locate(
            "module.nope",
            "azurerm_kubernetes_cluster",
            "this",
            &[k("zones")]
        )
        .is_none());
    assert!(m
        .locate(r#"module.aks["dev"].module.inner"#, "x", "y", &[])
        .is_none());
    assert!(m
        .locate("module.aks[", "azurerm_kubernetes_cluster", "this", &[])
        .is_none());
}

#[test]
fn without_configuration_modules_resolve_from_sources() {
    let repo = find_repo_root(&fixture()).unwrap_or_else(manifest_dir);
    let m = SourceMap::new(
        std::sync::Arc::new(akslint::source::SourceFiles::new()),
        None,
        &fixture(),
        &repo,
    );
    let loc = m
        .locate(
            r#"module.aks["dev"]"#,
            "azurerm_kubernetes_cluster_node_pool",
            "user",
            &[k("zones")],
        )
        .unwrap();
    assert_eq!((loc.file.as_str(), loc.line), (AKS_TF, 81));
}

#[test]
fn relative_source_dir_is_relative_to_repo_root() {
    // Tests run in the crate directory.
    let cfg = configuration();
    let m = SourceMap::new(
        std::sync::Arc::new(akslint::source::SourceFiles::new()),
        Some(&cfg),
        Path::new("fixtures/modules"),
        &manifest_dir(),
    );
    let loc = m
        .locate(
            r#"module.aks["dev"]"#,
            "azurerm_kubernetes_cluster",
            "this",
            &[],
        )
        .unwrap();
    assert_eq!((loc.file.as_str(), loc.line), (AKS_TF, 1));
    let m = SourceMap::new(
        std::sync::Arc::new(akslint::source::SourceFiles::new()),
        Some(&cfg),
        Path::new("./fixtures/modules/"),
        Path::new("."),
    );
    let loc = m
        .locate("", "azurerm_subnet", "nodes", &[k("name")])
        .unwrap();
    assert_eq!((loc.file.as_str(), loc.line), (ROOT_TF, 51));
}

#[test]
fn source_dir_outside_repo_root_is_kept_as_given() {
    let other = tempfile::tempdir().unwrap();
    let cfg = configuration();
    let m = SourceMap::new(
        std::sync::Arc::new(akslint::source::SourceFiles::new()),
        Some(&cfg),
        &fixture(),
        other.path(),
    );
    let loc = m
        .locate(
            r#"module.aks["dev"]"#,
            "azurerm_kubernetes_cluster",
            "this",
            &[],
        )
        .unwrap();
    let expected = fixture().join("modules/aks/main.tf");
    assert_eq!(Path::new(&loc.file), expected);
    assert_eq!(loc.line, 1);
}
