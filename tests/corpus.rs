//! The real plans in ../shared/corpus/real-plans (when present): every one
//! lints without error, and what we know of each holds.
mod common;

use common::*;

fn plans() -> Vec<String> {
    let dir = corpus();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipping: {} not found", dir.display());
        return Vec::new();
    };
    let mut v: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| path_str(&e.path()))
        .filter(|p| p.ends_with(".json"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_real_plan_lints_with_findings_and_no_error() {
    let plans = plans();
    if plans.is_empty() {
        return;
    }
    assert_eq!(plans.len(), 12);
    for plan in &plans {
        let (code, doc) = run_json(&[plan]);
        assert_eq!(code, 1, "{plan}: {}", doc["errors"]);
        assert!(
            doc["errors"].as_array().unwrap().is_empty(),
            "{plan}: {}",
            doc["errors"]
        );
        let findings = doc["findings"].as_array().unwrap();
        assert!(!findings.is_empty(), "{plan}");
        // Every cluster in the corpus is public: each fails AKS001.
        let public: Vec<_> = findings
            .iter()
            .filter(|f| f["rule_id"] == "AKS001" && f["status"] == "fail")
            .collect();
        assert_eq!(public.len(), 1, "{plan}: one cluster, public");
        assert_eq!(public[0]["resource_type"], "azurerm_kubernetes_cluster");
    }
}

#[test]
fn corpus_totals() {
    let plans = plans();
    if plans.is_empty() {
        return;
    }
    let args: Vec<&str> = plans.iter().map(String::as_str).collect();
    let (_, doc) = run_json(&args);
    assert_eq!(doc["summary"]["files"], 12);
    let findings = doc["findings"].as_array().unwrap();
    let per_file: std::collections::BTreeSet<(&str, &str)> = findings
        .iter()
        .filter(|f| f["resource_type"] == "azurerm_kubernetes_cluster")
        .map(|f| (f["file"].as_str().unwrap(), f["address"].as_str().unwrap()))
        .collect();
    assert_eq!(
        per_file.len(),
        12,
        "the corpus holds 12 clusters: {per_file:?}"
    );
    let clusters: std::collections::BTreeSet<&str> = per_file.iter().map(|(_, a)| *a).collect();
    // The one separate node pool (repro-502) is joined to its cluster and
    // checked by pool rules.
    assert!(findings
        .iter()
        .any(|f| f["address"] == "azurerm_kubernetes_cluster_node_pool.user"));
    // Module addresses and count indexes come through as Terraform writes them.
    assert!(clusters.contains("module.AKS.azurerm_kubernetes_cluster.k8s"));
    assert!(clusters.contains("azurerm_kubernetes_cluster.k8s[0]"));
    // No secret from the plans reaches the report.
    let text = serde_json::to_string(&doc).unwrap();
    assert!(!text.contains("-----BEGIN"), "no certificate material");
}
