//! The GitHub Action's run step, executed locally against a fixture with the
//! akslint binary first on PATH: SARIF, summary and outputs are written, and
//! the exit code is recorded for the fail step.
mod common;

use common::*;

#[test]
fn action_run_script_writes_sarif_summary_and_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_akslint"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out_file = dir.path().join("output");
    let summary = dir.path().join("summary.md");
    let sarif = dir.path().join("akslint.sarif");
    let out = std::process::Command::new("bash")
        .arg(root().join("scripts/action-run.sh"))
        .current_dir(root())
        .env("PATH", path)
        .env("PLAN", "fixtures/modules/plan.json")
        .env("FAIL_ON", "high")
        .env("SARIF_FILE", &sarif)
        .env("CATEGORY", "akslint/modules/")
        .env("GITHUB_OUTPUT", &out_file)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let annotations = stdout(&out);
    assert!(
        annotations.contains("::error file=fixtures/modules/modules/aks/main.tf,line=7"),
        "{annotations}"
    );
    let outputs = std::fs::read_to_string(&out_file).unwrap();
    assert!(outputs.contains("exit-code=1"), "{outputs}");
    // AKS001, AKS004, AKS012 and the cross-resource AKS007 (5 pools without
    // a route table), AKS027 (2) and AKS045 (2).
    assert!(outputs.contains("findings=12"), "{outputs}");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(
        doc["runs"][0]["automationDetails"]["id"],
        "akslint/modules/"
    );
    assert!(std::fs::read_to_string(&summary)
        .unwrap()
        .contains("AKS001"));
}
