//! The binary as a user runs it: exit statuses, bad input, encodings,
//! stdin, directories, the rules and explain commands.
mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::*;

fn tmp_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    path_str(&p)
}

fn example() -> String {
    path_str(&root().join("fixtures/example/plan.json"))
}

#[test]
fn example_plan_fails_with_findings() {
    let out = run(&["--color", "never", &example()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("AKS001/private-cluster"), "{text}");
    assert!(text.contains("azurerm_kubernetes_cluster."), "{text}");
    assert!(text.contains("1 file linted"), "{text}");
    assert!(!text.contains("\u{1b}["), "no colour when not asked");
}

#[test]
fn color_always_colours() {
    let out = run(&["--color", "always", &example()]);
    assert!(stdout(&out).contains("\u{1b}["));
}

#[test]
fn fail_on_threshold_and_never() {
    assert_eq!(
        run(&["--fail-on", "never", &example()]).status.code(),
        Some(0)
    );
    assert_eq!(
        run(&["--fail-on", "high", &example()]).status.code(),
        Some(1)
    );
    // The example's worst finding is high, so critical does not fail.
    assert_eq!(
        run(&["--fail-on", "critical", &example()]).status.code(),
        Some(0)
    );
}

#[test]
fn json_report_shape() {
    let (code, doc) = run_json(&[&example()]);
    assert_eq!(code, 1);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "akslint");
    let f = &doc["findings"][0];
    for key in [
        "rule_id",
        "rule_name",
        "severity",
        "status",
        "address",
        "resource_type",
        "attribute",
        "message",
        "file",
    ] {
        assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
    }
    assert_eq!(doc["summary"]["files"], 1);
    assert!(doc["summary"]["resources"].as_u64().unwrap() > 3);
    assert!(doc["errors"].as_array().unwrap().is_empty());
}

#[test]
fn output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("report.json");
    let out = run(&["--format", "json", "-o", &path_str(&out_path), &example()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(out_path).unwrap()).unwrap();
    assert!(!doc["findings"].as_array().unwrap().is_empty());
}

#[test]
fn unwritable_output_is_exit_2() {
    let out = run(&["-o", "/nonexistent-dir/x/report.txt", &example()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
}

#[test]
fn bad_inputs_are_clean_errors() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let deep_obj = format!(
        "{{\"format_version\":\"1.0\",\"x\":{}{}}}",
        "{\"a\":".repeat(3000) + "1",
        "}".repeat(3000)
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.json", b"".to_vec(), "empty"),
        ("blank.json", b"  \n ".to_vec(), "empty"),
        (
            "truncated.json",
            b"{\"format_version\": \"1.2\", \"resource_changes\": [".to_vec(),
            "json",
        ),
        ("garbage.json", b"\x00\x01hello".to_vec(), "json"),
        ("notjson.json", b"resource \"x\" {}".to_vec(), "json"),
        ("object.json", b"{}".to_vec(), "not_terraform"),
        ("array.json", b"[1,2]".to_vec(), "not_terraform"),
        (
            "version.json",
            b"{\"format_version\": \"7.0\"}".to_vec(),
            "format_version",
        ),
        (
            "types.json",
            b"{\"format_version\": \"1.0\", \"resource_changes\": \"oops\"}".to_vec(),
            "json",
        ),
        ("deep.json", deep.into_bytes(), "json"),
        ("deepobj.json", deep_obj.into_bytes(), "json"),
        (
            "nul.json",
            b"{\"format_version\": \"1.0\"\x00}".to_vec(),
            "json",
        ),
        (
            "badutf8.json",
            b"{\"format_version\": \"1.0\", \"x\": \"\xff\xfe\xfd\"}".to_vec(),
            "encoding",
        ),
    ];
    for (name, bytes, code) in cases {
        let file = tmp_file(&dir, name, &bytes);
        let start = Instant::now();
        let (status, doc) = run_json(&[&file]);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{name} took too long"
        );
        assert_eq!(status, 2, "{name}: {doc}");
        let errors = doc["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{name}: {doc}");
        assert_eq!(errors[0]["code"], code, "{name}: {doc}");
        assert!(
            errors[0]["message"].as_str().unwrap().contains(name),
            "{name}: {doc}"
        );
        // Text output names the file too, and nothing panics.
        let out = run(&["--color", "never", &file]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(stdout(&out).contains(name), "{name}: {}", stdout(&out));
        assert!(
            !stderr(&out).contains("panicked"),
            "{name}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn malformed_json_has_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = tmp_file(
        &dir,
        "broken.json",
        b"{\n  \"format_version\": \"1.0\",\n  \"values\": {,}\n}",
    );
    let (_, doc) = run_json(&[&file]);
    let msg = doc["errors"][0]["message"].as_str().unwrap();
    assert!(msg.contains("broken.json:3:"), "{msg}");
}

#[test]
fn one_bad_file_does_not_hide_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let bad = tmp_file(&dir, "bad.json", b"{");
    let (code, doc) = run_json(&[&example(), &bad]);
    assert_eq!(code, 2);
    assert!(!doc["findings"].as_array().unwrap().is_empty());
    assert_eq!(doc["errors"].as_array().unwrap().len(), 1);
    assert_eq!(doc["summary"]["files"], 1);
}

#[test]
fn missing_file_is_exit_2() {
    let (code, doc) = run_json(&["/nonexistent/plan.json"]);
    assert_eq!(code, 2);
    assert_eq!(doc["errors"][0]["code"], "io");
}

#[test]
fn empty_state_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let file = tmp_file(&dir, "state.json", b"{\"format_version\": \"1.0\"}");
    let (code, doc) = run_json(&[&file]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["summary"]["files"], 1);
}

#[test]
fn encodings_give_the_same_findings() {
    let text = std::fs::read_to_string(example()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut bom8 = vec![0xEF, 0xBB, 0xBF];
    bom8.extend_from_slice(text.as_bytes());
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    let mut le_nobom = Vec::new();
    for u in text.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
        be.extend_from_slice(&u.to_be_bytes());
        le_nobom.extend_from_slice(&u.to_le_bytes());
    }
    let (_, reference) = run_json(&[&example()]);
    let count = reference["findings"].as_array().unwrap().len();
    for (name, bytes) in [
        ("bom8.json", bom8),
        ("le.json", le),
        ("be.json", be),
        ("le_nobom.json", le_nobom),
    ] {
        let f = tmp_file(&dir, name, &bytes);
        let (code, doc) = run_json(&[&f]);
        assert_eq!(code, 1, "{name}: {}", doc["errors"]);
        assert_eq!(doc["findings"].as_array().unwrap().len(), count, "{name}");
    }
    // An odd byte count is not UTF-16.
    let f = tmp_file(&dir, "odd.json", &[0xFF, 0xFE, b'{']);
    let (code, doc) = run_json(&[&f]);
    assert_eq!(code, 2);
    assert_eq!(doc["errors"][0]["code"], "encoding");
}

/// Text that does not decode is placed like malformed JSON: at its line and
/// column, in the annotations and in SARIF.
#[test]
fn encoding_errors_are_placed_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let f = tmp_file(&dir, "bad.json", b"{\n  \"format_version\": \"\xff\"\n}\n");
    let out = akslint().args(["--format", "github", &f]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(",line=2,col=22::"), "{text}");
    let out = akslint().args(["--format", "sarif", &f]).output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let notification = &doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    let region = &notification["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 2, "{notification}");
    assert_eq!(region["startColumn"], 22, "{notification}");
}

#[test]
fn stdin_input() {
    let mut child = akslint()
        .args(["--format", "json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(example()).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["findings"][0]["file"], "-");
}

#[test]
fn directories_are_walked_and_non_plans_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::copy(example(), dir.path().join("sub/plan.json")).unwrap();
    tmp_file(&dir, "package.json", b"{\"name\": \"x\"}");
    tmp_file(&dir, "notes.txt", b"not json");
    let out = run(&["--format", "json", &path_str(dir.path())]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("package.json"), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["files"], 1);

    let empty = tempfile::tempdir().unwrap();
    let (code, doc) = run_json(&[&path_str(empty.path())]);
    assert_eq!(code, 2);
    assert_eq!(doc["errors"][0]["code"], "empty_dir");
}

#[cfg(unix)]
#[test]
fn symlink_loop_terminates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(example(), dir.path().join("plan.json")).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    let start = Instant::now();
    let out = run(&["--format", "json", &path_str(dir.path())]);
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("loop"), "{}", stderr(&out));
}

#[test]
fn usage_errors_are_exit_2() {
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(
        run(&["--format", "yaml", &example()]).status.code(),
        Some(2)
    );
    assert_eq!(run(&["explain", "AKS999"]).status.code(), Some(2));
    assert_eq!(run(&["--help"]).status.code(), Some(0));
}

#[test]
fn rules_command_lists_the_baseline() {
    let out = run(&["rules", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = rules.as_array().unwrap();
    // 32 rules of BASELINE.md and the 8 single-resource rules of
    // BASELINE-2026-12.md on this branch (47 once rules-x's 7 are merged).
    assert_eq!(rules.len(), 47);
    for r in rules {
        for key in [
            "id",
            "name",
            "severity",
            "title",
            "resource_types",
            "related",
        ] {
            assert!(r.get(key).is_some(), "{r}");
        }
    }
    assert_eq!(rules[0]["id"], "AKS001");
    assert_eq!(rules[0]["name"], "private-cluster");
    assert_eq!(rules[0]["severity"], "high");
    let text = stdout(&run(&["rules"]));
    assert!(text.contains("AKS044") && text.contains("http-app-routing"));
}

#[test]
fn explain_by_id_and_name() {
    for key in ["AKS011", "system-min-nodes", "aks011"] {
        let out = run(&["explain", key]);
        assert_eq!(out.status.code(), Some(0));
        let text = stdout(&out);
        assert!(text.contains("AKS011 system-min-nodes"), "{text}");
        assert!(text.contains("How to fix"), "{text}");
        assert!(text.contains("min_nodes"), "parameters are listed: {text}");
        assert!(text.contains("Bad") && text.contains("Good"), "{text}");
    }
}

#[test]
fn unknown_modes() {
    let plan = path_str(&root().join("fixtures/pools/plan.json"));
    let (_, warn) = run_json(&[&plan]);
    let unknowns = warn["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "unknown")
        .count();
    assert!(unknowns > 0, "the pools fixture has unknown findings");
    assert_eq!(warn["summary"]["unknown"], unknowns);
    let (_, ignore) = run_json(&["--unknown", "ignore", &plan]);
    assert!(ignore["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["status"] == "fail"));
    // With only unknown findings counted at medium, warn passes and fail fails.
    let (code_warn, _) = run_json(&["--unknown", "warn", "--fail-on", "critical", &plan]);
    assert_eq!(code_warn, 0);
}

#[test]
fn deterministic_across_thread_counts() {
    let mut inputs: Vec<String> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .filter_map(|e| e.ok())
        .flat_map(|e| ["plan.json", "state.json"].map(|f| e.path().join(f)))
        .filter(|p| p.exists())
        .map(|p| path_str(&p))
        .collect();
    inputs.sort();
    let mut outputs = Vec::new();
    for threads in ["1", "2", "7"] {
        let out = akslint()
            .env("RAYON_NUM_THREADS", threads)
            .args(["--format", "json"])
            .args(&inputs)
            .output()
            .unwrap();
        outputs.push(out.stdout);
    }
    assert!(!outputs[0].is_empty());
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
}

#[test]
fn text_shows_the_tf_snippet_with_the_attribute_labelled() {
    let out = run(&[
        "--color",
        "never",
        &path_str(&root().join("fixtures/modules/plan.json")),
    ]);
    let text = stdout(&out);
    assert!(
        text.contains("fixtures/modules/modules/aks/main.tf:7:3"),
        "{text}"
    );
    assert!(
        text.contains("private_cluster_enabled   = var.private_cluster_enabled"),
        "{text}"
    );
    assert!(text.contains("set here"), "{text}");
    // AKS004 (not set) stands in one line under AKS001, its root cause:
    // alone, it shows its snippet.
    let out = run(&[
        "--color",
        "never",
        "--skip-rule",
        "AKS001",
        &path_str(&root().join("fixtures/modules/plan.json")),
    ]);
    let text = stdout(&out);
    assert!(text.contains("is not set in this block"), "{text}");
}

/// A file large enough to have its rules evaluated in parallel gives the
/// same bytes whatever the thread count, and the same findings per
/// resource as the small file it was built from.
#[test]
fn large_file_parallel_rules_are_deterministic() {
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example()).unwrap()).unwrap();
    let changes = plan["resource_changes"].as_array().unwrap();
    let mut big = plan.clone();
    let mut all = Vec::new();
    for i in 0..80 {
        for rc in changes {
            let mut rc = rc.clone();
            let addr = format!("module.copy[{i}].{}", rc["address"].as_str().unwrap());
            rc["address"] = serde_json::Value::from(addr);
            rc["module_address"] = serde_json::Value::from(format!("module.copy[{i}]"));
            all.push(rc);
        }
    }
    big["resource_changes"] = serde_json::Value::from(all);
    let dir = tempfile::tempdir().unwrap();
    let file = tmp_file(
        &dir,
        "big.json",
        serde_json::to_string(&big).unwrap().as_bytes(),
    );
    let mut outs = Vec::new();
    for threads in ["1", "2", "3"] {
        let out = akslint()
            .env("RAYON_NUM_THREADS", threads)
            .args(["--format", "json", &file])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        outs.push(out.stdout);
    }
    assert_eq!(outs[0], outs[1]);
    assert_eq!(outs[0], outs[2]);
    let doc: serde_json::Value = serde_json::from_slice(&outs[0]).unwrap();
    // One copy made the same way (its resources, like the big plan's, are
    // not in the configuration, so their unknown values are truly unknown).
    let mut one = plan.clone();
    one["resource_changes"] = serde_json::Value::from(
        changes
            .iter()
            .map(|rc| {
                let mut rc = rc.clone();
                let addr = format!("module.copy[0].{}", rc["address"].as_str().unwrap());
                rc["address"] = serde_json::Value::from(addr);
                rc["module_address"] = serde_json::Value::from("module.copy[0]");
                rc
            })
            .collect::<Vec<_>>(),
    );
    let one_file = tmp_file(
        &dir,
        "one.json",
        serde_json::to_string(&one).unwrap().as_bytes(),
    );
    let (_, small) = run_json(&[&one_file]);
    let per_copy = small["findings"].as_array().unwrap().len();
    assert!(per_copy > 0);
    assert_eq!(doc["findings"].as_array().unwrap().len(), 80 * per_copy);
}

#[test]
fn timings_go_to_stderr_only_when_asked() {
    let plan = path_str(&root().join("fixtures/example/plan.json"));
    let plain = akslint()
        .args(["--format", "json", &plan])
        .output()
        .unwrap();
    assert!(!stderr(&plain).contains("timing"), "{}", stderr(&plain));
    let timed = akslint()
        .env("AKSLINT_TIMINGS", "1")
        .args(["--format", "json", &plan])
        .output()
        .unwrap();
    let err = stderr(&timed);
    assert!(
        err.contains(&format!("akslint: timing: {plan}: read ")) && err.contains(" µs, evaluate "),
        "{err}"
    );
    for id in ["AKS001", "AKS044"] {
        assert!(
            err.contains(&format!("akslint: timing: rule {id} ")),
            "{err}"
        );
    }
    // The report itself is unchanged.
    assert_eq!(plain.stdout, timed.stdout);
    assert_eq!(plain.status.code(), timed.status.code());
}

/// Without `.tf` source a finding points at its resource's address in the
/// plan file, also when Terraform escaped the address (Go's encoder writes
/// `&`, `<`, `>` as `\u0026`...; quotes of `for_each` keys as `\"`).
#[test]
fn escaped_addresses_are_found_in_the_plan_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = concat!(
        "{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.0\",\n",
        "\"resource_changes\":[\n",
        " {\"address\":\"azurerm_kubernetes_cluster.c[\\\"a\\u0026b\\\"]\",\"mode\":\"managed\",",
        "\"type\":\"azurerm_kubernetes_cluster\",\"name\":\"c\",\"index\":\"a&b\",\n",
        "  \"change\":{\"actions\":[\"create\"],\"after\":{\"name\":\"x\"},",
        "\"after_unknown\":{},\"after_sensitive\":{}}}]}\n"
    );
    let plan = dir.path().join("plan.json");
    std::fs::write(&plan, text).unwrap();
    let (code, doc) = run_json(&["--rule", "AKS001", &path_str(&plan)]);
    assert_eq!(code, 1, "{doc}");
    let f = &doc["findings"][0];
    assert_eq!(f["address"], "azurerm_kubernetes_cluster.c[\"a&b\"]");
    let loc = &f["location"];
    assert_eq!(loc["line"], 3, "{f}");
    // The opening quote of the value, and the end of the raw JSON string.
    let raw = "\"azurerm_kubernetes_cluster.c[\\\"a\\u0026b\\\"]\"";
    assert_eq!(loc["column"], 13, "{f}");
    assert_eq!(loc["end_column"], 13 + raw.chars().count(), "{f}");
}
