//! Custom policies run in policy processes (src/engine/process/): what
//! crosses the pipe must be the whole input, whatever it holds.
mod common;

use common::*;

/// Tags nested 121 levels deep (the most a plan may nest is serde_json's
/// limit, 128, checked when it is read): inside the request to a policy
/// process, wrapped in the input and the request, they are deeper than
/// serde_json's default limit, which the policy process lifts. Before, the
/// policy process could not read the request and the custom policy failed.
#[test]
fn a_deep_input_reaches_the_policy_process() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 121;
    let text = format!(
        "{{\"format_version\": \"1.0\",\n\"values\": {{\"root_module\": {{\"resources\": [{{\"address\": \"azurerm_kubernetes_cluster.a\", \"type\": \"azurerm_kubernetes_cluster\", \"name\": \"a\",\n\"values\": {{\"tags\": {}1{}}}}}]}}}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let file = dir.path().join("deep.json");
    std::fs::write(&file, text).unwrap();
    let org = path_str(&root().join("fixtures/policies/org"));
    let (code, doc) = run_json(&["--policy", &org, &path_str(&file)]);
    assert_eq!(code, 1, "{doc}");
    assert_eq!(doc["errors"], serde_json::json!([]), "{doc}");
    let org001 = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "ORG001")
        .count();
    assert_eq!(org001, 1, "{doc}");
}

/// A custom policy in its own directory: `body` is the `deny` body after
/// `some c in input.by_type.azurerm_kubernetes_cluster`.
fn policy(dir: &std::path::Path, id: &str, body: &str) -> String {
    let src = format!(
        "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: {id}\n#   name: n-{id}\n\
         #   severity: LOW\n#   resource_types: [azurerm_kubernetes_cluster]\n#   related: []\n\
         #   why: w\n#   remediation: r\npackage akslint.rules.{id}\n\nimport rego.v1\n\n\
         deny contains f if {{\n\tsome c in input.by_type.azurerm_kubernetes_cluster\n{body}\n}}\n"
    );
    let d = dir.join(id);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join(format!("{id}.rego")), src).unwrap();
    path_str(&d)
}

fn state_with_tags(dir: &std::path::Path, tags: &str) -> String {
    let file = dir.join("tags.json");
    std::fs::write(
        &file,
        format!(
            "{{\"format_version\": \"1.0\", \"values\": {{\"root_module\": {{\"resources\": [\
             {{\"address\": \"azurerm_kubernetes_cluster.a\", \"mode\": \"managed\", \
             \"type\": \"azurerm_kubernetes_cluster\", \"name\": \"a\", \"values\": {{\"tags\": {tags}}}}}]}}}}}}"
        ),
    )
    .unwrap();
    path_str(&file)
}

/// Numbers keep their kind on the way to a policy process: a float with an
/// integral value past 2^53 stays a float (regorus' own serialization
/// wrote `1e16` as the integer 10000000000000000, so `format_int` gave
/// `2386f26fc10000` where it gives nothing in process), and the largest
/// float is sent at all (regorus' serialization failed on it, and every
/// custom policy failed).
#[test]
fn numbers_keep_their_kind_in_the_policy_process() {
    let dir = tempfile::tempdir().unwrap();
    let p = policy(
        dir.path(),
        "NUM001",
        "\tsome k in [\"e16\", \"max\", \"one\", \"half\"]\n\tv := c.values.tags[k]\n\
         \ttype_name(v) == \"number\"\n\tb := format_int(v, 16)\n\
         \tf := {\"msg\": sprintf(\"%s=%s\", [k, b]), \"resource\": c.address, \"attribute\": []}",
    );
    let file = state_with_tags(
        dir.path(),
        "{\"e16\": 1e16, \"max\": 1.7976931348623157e308, \"one\": 1, \"half\": 2.5}",
    );
    let (code, doc) = run_json(&["--policy", &p, &file]);
    assert_eq!(doc["errors"], serde_json::json!([]), "{doc}");
    assert_eq!(code, 1, "{doc}");
    let mut msgs: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "NUM001")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    msgs.sort();
    // regorus' format_int truncates floats it can read as integers (2.5 ->
    // 2) and gives nothing for the others.
    assert_eq!(msgs, ["e16=", "half=2", "max=", "one=1"], "{doc}");
}

/// A policy process that stops answering (here: stopped with SIGSTOP) is
/// killed once `--policy-timeout` per policy plus the slack has passed,
/// and the policy is tried again in a new one: the run ends, with the
/// policy's own result. Before, akslint waited forever.
#[cfg(unix)]
#[test]
fn a_policy_process_that_stops_answering_is_replaced() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let p = policy(
        dir.path(),
        "SLOW001",
        "\tn := count([x | some i in numbers.range(1, 900000); some j in numbers.range(1, 3); x := i * j; x % 7 == 0])\n\
         \tf := {\"msg\": sprintf(\"n=%d\", [n]), \"resource\": c.address, \"attribute\": []}",
    );
    let example = path_str(&root().join("fixtures/example/plan.json"));
    let start = Instant::now();
    let mut child = akslint()
        .args([
            "--format",
            "json",
            "--policy-timeout",
            "1",
            "--policy",
            &p,
            &example,
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Stop every policy process it starts during the first seconds.
    let pid = child.id().to_string();
    let mut stopped = 0;
    while start.elapsed() < Duration::from_secs(3) && child.try_wait().unwrap().is_none() {
        let out = std::process::Command::new("pgrep")
            .args(["-P", &pid])
            .output()
            .unwrap();
        for c in String::from_utf8_lossy(&out.stdout).split_whitespace() {
            if std::process::Command::new("kill")
                .args(["-STOP", c])
                .status()
                .is_ok_and(|s| s.success())
            {
                stopped += 1;
            }
        }
        if stopped > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(stopped > 0, "no policy process seen");
    // Read the report beside the wait (it could fill the pipe).
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut b);
        b
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            // Its policy processes, stopped, would outlive it.
            let _ = std::process::Command::new("pkill")
                .args(["-KILL", "-P", &pid])
                .status();
            panic!("akslint still waits for its stopped policy process after 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let doc: serde_json::Value = serde_json::from_slice(&reader.join().unwrap()).unwrap();
    let out_status = status;
    assert_eq!(out_status.code(), Some(2), "{doc}");
    // The built-in rules' findings, and one error for the slow policy
    // (which runs past its second in the new process too).
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule_id"] == "AKS001"));
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{doc}");
    assert!(
        errors[0]["message"].as_str().unwrap().contains("SLOW001"),
        "{doc}"
    );
}

/// A small memory budget never turns into false findings. Before, this
/// process built the input for the policy processes under the budget: past
/// it, regorus left values undefined, which were sent as the string
/// `"<undefined>"`, and a policy comparing a value found 3,000 clusters
/// "not in westeurope" (exit 1). Now the budget binds the policy processes
/// only: either the policy runs, or it fails with a memory error (exit 2).
#[test]
fn a_small_memory_budget_is_an_error_not_false_findings() {
    let dir = tempfile::tempdir().unwrap();
    let p = policy(
        dir.path(),
        "LOC001",
        "\tnot c.values.location == \"westeurope\"\n\
         \tf := {\"msg\": \"elsewhere\", \"resource\": c.address, \"attribute\": []}",
    );
    let mut changes = Vec::new();
    for i in 0..3000 {
        let tags: serde_json::Map<String, serde_json::Value> = (0..100)
            .map(|j| {
                (
                    format!("t{j}"),
                    serde_json::json!(format!("v{j}").repeat(5)),
                )
            })
            .collect();
        changes.push(serde_json::json!({
            "address": format!("azurerm_kubernetes_cluster.c{i}"), "mode": "managed",
            "type": "azurerm_kubernetes_cluster", "name": format!("c{i}"),
            "change": {"actions": ["create"], "before": null,
                "after": {"name": format!("c{i}"), "location": "westeurope", "tags": tags},
                "after_unknown": {}, "after_sensitive": {}}
        }));
    }
    let file = dir.path().join("big.json");
    std::fs::write(
        &file,
        serde_json::json!({"format_version": "1.2", "resource_changes": changes}).to_string(),
    )
    .unwrap();
    for mb in ["48", "64", "100"] {
        let out = akslint()
            .args(["--format", "json", "--rule", "LOC001", "--policy", &p])
            .arg(&file)
            .env("AKSLINT_MEMORY_LIMIT_MB", mb)
            .env("RAYON_NUM_THREADS", "1")
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["findings"], serde_json::json!([]), "{mb} MiB: {doc}");
        for e in doc["errors"].as_array().unwrap() {
            let msg = e["message"].as_str().unwrap();
            assert!(msg.contains("memory limit"), "{mb} MiB: {msg}");
        }
        let expected = if doc["errors"].as_array().unwrap().is_empty() {
            0
        } else {
            2
        };
        assert_eq!(out.status.code(), Some(expected), "{mb} MiB: {doc}");
    }
}
