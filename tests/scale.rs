//! Large inputs: a file's changes normalized in parallel give the same
//! report, and the same first error, at any thread count; a report far
//! larger than the output buffer is written whole, to stdout and to files.
mod common;

use std::path::{Path, PathBuf};

use common::{akslint, stderr};
use serde_json::{json, Value};

/// A plan of `n` clusters (over the parallel threshold), each in a module
/// instance of its own, with `change.after` not an object at `bad`.
fn plan(n: usize, bad: &[usize]) -> Value {
    let changes: Vec<Value> = (0..n)
        .map(|i| {
            let after = if bad.contains(&i) {
                json!(5)
            } else {
                json!({
                    "name": format!("aks-{i}"),
                    "private_cluster_enabled": i % 3 == 0,
                    "default_node_pool": [{"name": "system", "node_count": i % 4}],
                })
            };
            json!({
                "address": format!("module.m[{i}].azurerm_kubernetes_cluster.aks"),
                "module_address": format!("module.m[{i}]"),
                "mode": "managed",
                "type": "azurerm_kubernetes_cluster",
                "name": "aks",
                "index": null,
                "change": {
                    "actions": ["create"],
                    "before": null,
                    "after": after,
                    "after_unknown": {"id": true},
                    "after_sensitive": {},
                },
            })
        })
        .collect();
    json!({
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "resource_changes": changes,
    })
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    p
}

fn lint(threads: &str, args: &[&str]) -> std::process::Output {
    akslint()
        .env("RAYON_NUM_THREADS", threads)
        .args(args)
        .output()
        .expect("akslint runs")
}

/// The JSON report of `p` on 2 and 8 threads is `one`'s, byte for byte.
fn same_report_on_more_threads(p: &str, one: &std::process::Output) {
    for threads in ["2", "8"] {
        let other = lint(threads, &["--format", "json", p]);
        assert_eq!(other.status.code(), one.status.code());
        assert!(
            other.stdout == one.stdout,
            "{threads} threads give another report"
        );
    }
}

#[test]
fn changes_normalized_in_parallel_give_the_same_report_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "plan.json", &plan(1500, &[]));
    let p = p.to_str().unwrap();
    let one = lint("1", &["--format", "json", p]);
    let doc: Value = serde_json::from_slice(&one.stdout).unwrap();
    // Every cluster is read: 1,000 AKS001 findings (two in three of the 1,500 are public).
    let aks001 = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "AKS001")
        .count();
    assert_eq!(aks001, 1000);
    assert_eq!(doc["summary"]["resources"], 1500);
    same_report_on_more_threads(p, &one);
}

/// Findings of a large file are placed in the `.tf` source in parallel:
/// the same places, in the same report, at any thread count.
#[test]
fn findings_placed_in_the_source_in_parallel_give_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "module \"m\" {\n  source = \"./m\"\n  count  = 1500\n}\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("m")).unwrap();
    std::fs::write(
        dir.path().join("m").join("main.tf"),
        "resource \"azurerm_kubernetes_cluster\" \"aks\" {\n  name = \"aks\"\n\n  private_cluster_enabled = false\n}\n",
    )
    .unwrap();
    let p = write(dir.path(), "plan.json", &plan(1500, &[]));
    let p = p.to_str().unwrap();
    let one = lint("1", &["--format", "json", p]);
    let doc: Value = serde_json::from_slice(&one.stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    // Over the parallel threshold (4,096 findings).
    assert!(findings.len() > 4096, "{}", findings.len());
    let at = |f: &Value| {
        (
            f["location"]["file"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            f["location"]["line"].as_u64(),
        )
    };
    for f in findings.iter().filter(|f| f["rule_id"] == "AKS001") {
        assert_eq!(at(f), ("m/main.tf".to_string(), Some(4)), "{f}");
    }
    assert!(findings.iter().all(|f| at(f).0 == "m/main.tf"), "{doc}");
    same_report_on_more_threads(p, &one);
}

#[test]
fn the_first_bad_change_in_file_order_is_the_error_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "plan.json", &plan(1500, &[700, 1400]));
    let good = write(dir.path(), "good.json", &plan(3, &[]));
    let (p, good) = (p.to_str().unwrap(), good.to_str().unwrap());
    for threads in ["1", "2", "8"] {
        let out = lint(threads, &["--format", "json", p, good]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors = doc["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{errors:?}");
        let msg = errors[0]["message"].as_str().unwrap();
        assert!(
            msg.contains("module.m[700].azurerm_kubernetes_cluster.aks") && !msg.contains("[1400]"),
            "{threads} threads: {msg}"
        );
        // The other file is still linted.
        assert_eq!(doc["summary"]["files"], 1);
        assert_eq!(doc["summary"]["resources"], 3);
        assert!(doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["file"] == good));
    }
}

#[test]
fn a_large_report_is_written_whole_to_stdout_and_to_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "plan.json", &plan(600, &[]));
    let p = p.to_str().unwrap();
    for format in ["json", "sarif", "text", "github", "junit"] {
        let file = dir.path().join(format!("out.{format}"));
        let extra = dir.path().join(format!("extra.{format}"));
        let stdout = lint("2", &["--color", "never", "--format", format, p]).stdout;
        assert!(stdout.len() > 4 * 64 * 1024, "{format}: {}", stdout.len());
        let out = lint(
            "2",
            &[
                "--color",
                "never",
                "--format",
                format,
                "--output",
                file.to_str().unwrap(),
                "--report",
                &format!("{format}={}", extra.display()),
                p,
            ],
        );
        assert!(
            out.stdout.is_empty(),
            "{format}: --output leaves stdout empty"
        );
        assert!(std::fs::read(&file).unwrap() == stdout, "{format} --output");
        assert!(
            std::fs::read(&extra).unwrap() == stdout,
            "{format} --report"
        );
    }
    let json: Value = serde_json::from_slice(&std::fs::read(dir.path().join("out.json")).unwrap())
        .expect("the JSON report parses");
    assert_eq!(json["summary"]["resources"], 600);
}
