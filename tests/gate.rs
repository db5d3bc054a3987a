//! The change status (issue 13): new, existing and fixed findings against
//! the plan's own before side or `--base`, and `--gate new` on every format.
mod common;

use common::*;
use serde_json::Value;

/// The fixtures' expectations were written for the 32 rules of BASELINE.md:
/// the fifteen 2026-12 rules are left out of these runs (their own fixtures
/// test them).
const RULES_2026_12: [&str; 15] = [
    "AKS007", "AKS008", "AKS009", "AKS019", "AKS027", "AKS028", "AKS029", "AKS035", "AKS036",
    "AKS037", "AKS038", "AKS039", "AKS045", "AKS046", "AKS047",
];

fn with_skips(args: &[&str]) -> Vec<String> {
    let mut v = Vec::new();
    for r in RULES_2026_12 {
        v.push("--skip-rule".to_string());
        v.push(r.to_string());
    }
    v.extend(args.iter().map(|s| s.to_string()));
    v
}

fn run_json(args: &[&str]) -> (i32, Value) {
    let v = with_skips(args);
    common::run_json(&v.iter().map(String::as_str).collect::<Vec<_>>())
}

fn run(args: &[&str]) -> std::process::Output {
    let v = with_skips(args);
    common::run(&v.iter().map(String::as_str).collect::<Vec<_>>())
}

fn fixture(name: &str) -> String {
    path_str(&root().join("fixtures/gate").join(name))
}

/// (change, rule, address, attribute) of every finding, and (rule, address,
/// attribute) of every fixed one.
type Changes = (
    Vec<(String, String, String, String)>,
    Vec<(String, String, String)>,
);

fn changes(doc: &Value) -> Changes {
    let s = |v: &Value, k: &str| v[k].as_str().unwrap().to_string();
    let findings = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                s(f, "change"),
                s(f, "rule_id"),
                s(f, "address"),
                s(f, "attribute"),
            )
        })
        .collect();
    let fixed = doc["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (s(f, "rule_id"), s(f, "address"), s(f, "attribute")))
        .collect();
    (findings, fixed)
}

fn t(a: &str, b: &str, c: &str, d: &str) -> (String, String, String, String) {
    (a.into(), b.into(), c.into(), d.into())
}

fn x(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.into(), b.into(), c.into())
}

const CLUSTER: &str = "azurerm_kubernetes_cluster.main";

#[test]
fn create_only_plan_every_finding_is_new() {
    let (code, doc) = run_json(&[&path_str(&root().join("fixtures/bad-3x/plan.json"))]);
    assert_eq!(code, 1);
    let (findings, fixed) = changes(&doc);
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f.0 == "new"), "{findings:?}");
    assert!(fixed.is_empty());
    assert_eq!(doc["summary"]["new"], findings.len());
    assert_eq!(doc["summary"]["existing"], 0);
}

#[test]
fn update_that_weakens_a_control_is_new() {
    let (_, doc) = run_json(&[&fixture("weaken.json")]);
    let (findings, fixed) = changes(&doc);
    assert!(findings.contains(&t("new", "AKS001", CLUSTER, "private_cluster_enabled")));
    assert!(findings.iter().all(|f| f.0 == "new"), "{findings:?}");
    assert!(fixed.is_empty());
}

#[test]
fn update_leaving_a_failure_is_existing() {
    let (_, doc) = run_json(&[&fixture("existing.json")]);
    let (findings, fixed) = changes(&doc);
    assert!(findings.contains(&t("existing", "AKS001", CLUSTER, "private_cluster_enabled")));
    assert!(findings.iter().all(|f| f.0 == "existing"), "{findings:?}");
    assert!(fixed.is_empty());
    assert_eq!(doc["summary"]["new"], 0);
    assert_eq!(doc["summary"]["existing"], findings.len());
}

#[test]
fn update_that_fixes_a_failure_reports_it_fixed() {
    let (code, doc) = run_json(&[&fixture("fixed.json")]);
    assert_eq!(code, 0);
    let (findings, fixed) = changes(&doc);
    assert!(findings.is_empty(), "{findings:?}");
    assert!(fixed.contains(&x("AKS001", CLUSTER, "private_cluster_enabled")));
    assert_eq!(doc["summary"]["fixed"], fixed.len());
    assert_eq!(doc["fixed"][0]["status"], "fail");
}

#[test]
fn replacement_compares_the_old_object() {
    let (_, doc) = run_json(&[&fixture("replace.json")]);
    let (findings, fixed) = changes(&doc);
    let pool = "azurerm_kubernetes_cluster_node_pool.apps";
    assert_eq!(
        findings,
        [t("new", "AKS017", pool, "enable_host_encryption")]
    );
    assert_eq!(fixed, [x("AKS012", pool, "zones")]);
}

#[test]
fn delete_fixes_the_deleted_resources_failures() {
    let (code, doc) = run_json(&[&fixture("delete.json")]);
    assert_eq!(code, 0);
    let (findings, fixed) = changes(&doc);
    assert!(findings.is_empty());
    assert_eq!(
        fixed,
        [x(
            "AKS015",
            "azurerm_kubernetes_cluster_node_pool.spot",
            "node_taints"
        )]
    );
    assert_eq!(
        doc["fixed"][0]["resource_type"],
        "azurerm_kubernetes_cluster_node_pool"
    );
}

#[test]
fn module_with_for_each_matches_by_instance() {
    let (_, doc) = run_json(&[&fixture("modules.json")]);
    let (findings, _) = changes(&doc);
    let dev_pool = "module.aks[\"dev\"].azurerm_kubernetes_cluster_node_pool.user";
    let prod_pool = "module.aks[\"prod\"].azurerm_kubernetes_cluster_node_pool.user";
    assert!(findings.contains(&t("existing", "AKS012", dev_pool, "zones")));
    assert!(findings.contains(&t("new", "AKS012", prod_pool, "zones")));
    assert_eq!(doc["summary"]["new"], 1, "{findings:?}");
}

#[test]
fn unknown_findings_get_a_change_status() {
    let (_, doc) = run_json(&[&fixture("unknown.json")]);
    let f = &doc["findings"][0];
    assert_eq!(f["status"], "unknown");
    assert_eq!(f["change"], "existing");
    assert_eq!(f["rule_id"], "AKS003");
}

#[test]
fn a_state_alone_is_all_existing() {
    let (_, doc) = run_json(&[&fixture("base-state.json")]);
    let (findings, fixed) = changes(&doc);
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f.0 == "existing"));
    assert!(fixed.is_empty());
}

#[test]
fn base_state_is_the_before_side() {
    // weaken.json alone: AKS001 new; against a state where the cluster is
    // already public: existing.
    for base in ["base-state.json", "base-plan.json"] {
        let (code, doc) = run_json(&[
            "--gate",
            "new",
            "--base",
            &fixture(base),
            &fixture("weaken.json"),
        ]);
        let (findings, fixed) = changes(&doc);
        assert!(
            findings.contains(&t("existing", "AKS001", CLUSTER, "private_cluster_enabled")),
            "{base}: {findings:?}"
        );
        assert!(fixed.is_empty());
        assert_eq!(code, 0, "{base}");
    }
    // fixed.json against the public base: AKS001 fixed.
    let (_, doc) = run_json(&["--base", &fixture("base-plan.json"), &fixture("fixed.json")]);
    assert!(changes(&doc)
        .1
        .contains(&x("AKS001", CLUSTER, "private_cluster_enabled")));
    // create-only plan against the base: what the base has is existing.
    let (_, doc) = run_json(&[
        "--base",
        &fixture("base-state.json"),
        &fixture("base-state.json"),
    ]);
    let (findings, fixed) = changes(&doc);
    assert!(findings.iter().all(|f| f.0 == "existing") && fixed.is_empty());
}

#[test]
fn base_that_cannot_be_read_is_an_error() {
    let out = run(&["--base", "does-not-exist.json", &fixture("weaken.json")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("does-not-exist.json"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn gate_new_on_every_format() {
    for format in ["text", "json", "sarif", "markdown", "github", "junit"] {
        let code = |plan: &str, gate: &str| {
            run(&["--format", format, "--gate", gate, &fixture(plan)])
                .status
                .code()
        };
        assert_eq!(code("existing.json", "new"), Some(0), "{format}");
        assert_eq!(code("existing.json", "all"), Some(1), "{format}");
        assert_eq!(code("weaken.json", "new"), Some(1), "{format}");
        assert_eq!(code("modules.json", "new"), Some(1), "{format}");
        assert_eq!(code("fixed.json", "new"), Some(0), "{format}");
    }
}

#[test]
fn sarif_baseline_state_and_no_fixed_results() {
    let out = run(&["--format", "sarif", &fixture("replace.json")]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let states: Vec<(&str, &str, Option<&str>)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap(),
                r["baselineState"].as_str().unwrap(),
                r["kind"].as_str(),
            )
        })
        .collect();
    // The fixed AKS012 is no result: GitHub reads no `kind`, and would
    // raise a `kind: "pass"` result as an alert. Left out, its alert closes.
    assert_eq!(states, [("AKS017", "new", None)]);
    let json = run(&["--format", "json", &fixture("replace.json")]);
    let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["fixed"][0]["rule_id"], "AKS012");
    let out = run(&["--format", "sarif", &fixture("existing.json")]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["runs"][0]["results"][0]["baselineState"], "unchanged");
}

#[test]
fn text_and_markdown_group_with_counts_first() {
    let out = run(&["--format", "markdown", &fixture("replace.json")]);
    let md = stdout(&out);
    let after_heading = md.split("## akslint\n\n").nth(1).unwrap();
    assert!(
        after_heading.starts_with("**1 new, 0 existing, 1 fixed**"),
        "{md}"
    );
    let (new, fixed) = (
        md.find("### New (1)").unwrap(),
        md.find("### Fixed (1)").unwrap(),
    );
    assert!(new < fixed);
    let out = run(&["--color", "never", &fixture("modules.json")]);
    let text = stdout(&out);
    let counts = text.find("1 new, 3 existing, 0 fixed").unwrap();
    let (new, existing) = (
        text.find("\nnew (1)").unwrap(),
        text.find("\nexisting (3)").unwrap(),
    );
    assert!(counts < new && new < existing, "{text}");
    let out = run(&["--color", "never", &fixture("delete.json")]);
    assert!(
        stdout(&out).contains("fixed (1)\n  \u{2713} AKS015/"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn github_annotates_only_new_findings_with_gate_new() {
    let annotations = |gate: &str| {
        let out = run(&[
            "--format",
            "github",
            "--gate",
            gate,
            &fixture("modules.json"),
        ]);
        stdout(&out).lines().filter(|l| l.starts_with("::")).count()
    };
    assert_eq!(annotations("all"), 4);
    assert_eq!(annotations("new"), 1);
}

#[test]
fn suppressed_findings_are_never_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("akslint.toml");
    std::fs::write(
        &config,
        "[[exceptions]]\nrules = [\"AKS001\"]\nreason = \"accepted\"\n",
    )
    .unwrap();
    let cfg = path_str(&config);
    let (_, doc) = run_json(&["--config", &cfg, &fixture("fixed.json")]);
    let (_, fixed) = changes(&doc);
    assert!(!fixed.iter().any(|f| f.0 == "AKS001"), "{fixed:?}");
    assert!(fixed.iter().any(|f| f.0 == "AKS004"), "{fixed:?}");
    // The exception suppresses an existing finding as it does a new one.
    let (code, doc) = run_json(&["--config", &cfg, "--gate", "all", &fixture("existing.json")]);
    assert_eq!(doc["summary"]["suppressed"], 1);
    assert_eq!(code, 1, "AKS004 still fails");
    // A baseline written from the before side suppresses its fixed findings too.
    let baseline = dir.path().join("baseline.json");
    let b = path_str(&baseline);
    run(&["--write-baseline", &b, &fixture("existing.json")]);
    let (_, doc) = run_json(&["--baseline", &b, &fixture("fixed.json")]);
    assert!(changes(&doc).1.is_empty(), "{doc}");
}

#[test]
fn action_gate_input_reaches_akslint() {
    let dir = tempfile::tempdir().unwrap();
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_akslint"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run_action = |gate: &str| {
        let out_file = dir.path().join(format!("output-{gate}"));
        let out = std::process::Command::new("bash")
            .arg(root().join("scripts/action-run.sh"))
            .current_dir(root())
            .env("PATH", &path)
            .env("PLAN", "fixtures/gate/existing.json")
            .env("GATE", gate)
            .env("SARIF_FILE", dir.path().join("akslint.sarif"))
            .env("GITHUB_OUTPUT", &out_file)
            .env("GITHUB_STEP_SUMMARY", dir.path().join("summary.md"))
            .env("RUNNER_TEMP", dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        // `name<<DELIMITER`, the value, the delimiter (or `name=value`).
        let text = std::fs::read_to_string(&out_file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        lines
            .iter()
            .position(|l| l.starts_with("exit-code<<"))
            .and_then(|i| lines.get(i + 1).map(|v| v.to_string()))
            .or_else(|| {
                lines
                    .iter()
                    .find_map(|l| l.strip_prefix("exit-code=").map(str::to_string))
            })
            .unwrap_or_default()
    };
    assert_eq!(run_action("new"), "0");
    assert_eq!(run_action("all"), "1");
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    assert!(action.contains("  gate:\n") && action.contains("GATE: ${{ inputs.gate }}"));
}

#[test]
fn custom_policies_are_evaluated_on_both_sides() {
    // ORG001 (a cost-center tag): the cluster has none before; existing.json
    // adds one (fixed), weaken.json leaves it without (existing).
    let policy = path_str(&root().join("fixtures/policies/org"));
    let (_, doc) = run_json(&["--policy", &policy, &fixture("existing.json")]);
    let cluster_tags = x("ORG001", CLUSTER, "tags");
    assert!(changes(&doc).1.contains(&cluster_tags), "{doc}");
    let (_, doc) = run_json(&["--policy", &policy, &fixture("weaken.json")]);
    assert!(changes(&doc)
        .0
        .contains(&t("existing", "ORG001", CLUSTER, "tags")));
}

/// A `moved` block renames the apps pool (`previous_address`): its
/// findings stay `existing` against `--base`, and a baseline written before
/// the move still accepts them. Without `previous_address` they would be
/// new, and the old address's fixed.
#[test]
fn a_moved_resource_keeps_its_findings() {
    // All rules: the 2026-12 ones find what the pool has (AKS019).
    const WORKERS: &str = "azurerm_kubernetes_cluster_node_pool.workers";
    const APPS: &str = "azurerm_kubernetes_cluster_node_pool.apps";
    let moved = fixture("moved.json");
    let (_, doc) = common::run_json(&["--base", &fixture("base-plan.json"), &moved]);
    let (findings, fixed) = changes(&doc);
    assert!(
        findings.contains(&t("existing", "AKS019", WORKERS, "min_count")),
        "{findings:?}"
    );
    assert!(findings.iter().all(|f| f.0 == "existing"), "{findings:?}");
    assert!(fixed.is_empty(), "{fixed:?}");

    let dir = tempfile::tempdir().unwrap();
    let baseline = path_str(&dir.path().join("baseline.json"));
    common::run(&["--write-baseline", &baseline, &fixture("existing.json")]);
    assert!(std::fs::read_to_string(&baseline).unwrap().contains(APPS));
    let (code, doc) = common::run_json(&["--baseline", &baseline, &moved]);
    assert_eq!(code, 0, "{doc}");
    assert!(doc["findings"].as_array().unwrap().is_empty(), "{doc}");
    assert_eq!(doc["warnings"], serde_json::json!([]), "{doc}");

    // The same plan without `previous_address`.
    let mut plan: Value = serde_json::from_str(&std::fs::read_to_string(&moved).unwrap()).unwrap();
    for rc in plan["resource_changes"].as_array_mut().unwrap() {
        rc.as_object_mut().unwrap().remove("previous_address");
    }
    let unmoved = path_str(&dir.path().join("unmoved.json"));
    std::fs::write(&unmoved, plan.to_string()).unwrap();
    let (_, doc) = common::run_json(&["--base", &fixture("base-plan.json"), &unmoved]);
    let (findings, fixed) = changes(&doc);
    assert!(findings.contains(&t("new", "AKS019", WORKERS, "min_count")));
    assert!(fixed.contains(&x("AKS019", APPS, "min_count")), "{fixed:?}");
    let (code, _) = common::run_json(&["--baseline", &baseline, &unmoved]);
    assert_eq!(code, 1);
}

/// `--base -` reads standard input; it cannot share it with an input, and
/// one base is the before side of one plan only.
#[test]
fn base_from_standard_input_and_one_plan_per_base() {
    let base = std::fs::read(fixture("base-plan.json")).unwrap();
    let with_stdin = |args: &[&str]| {
        let v = with_skips(args);
        let mut child = akslint()
            .args(&v)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        // The run may end before it reads everything (a usage error).
        let _ = stdin.write_all(&base);
        drop(stdin);
        child.wait_with_output().unwrap()
    };
    let out = with_stdin(&[
        "--format",
        "json",
        "--gate",
        "new",
        "--base",
        "-",
        &fixture("weaken.json"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(changes(&doc)
        .0
        .contains(&t("existing", "AKS001", CLUSTER, "private_cluster_enabled")));
    let out = with_stdin(&["--base", "-", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("standard input"), "{}", stderr(&out));

    let out = run(&[
        "--base",
        &fixture("base-plan.json"),
        &fixture("weaken.json"),
        &fixture("fixed.json"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("2 plans were linted"),
        "{}",
        stderr(&out)
    );
}
