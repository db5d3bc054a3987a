//! Memory bombs in custom policies (issue 15, item 2): a policy whose result
//! doubles at each step must end in a clean error naming it (exit 2), never
//! in an aborted process, and every other rule's findings must still be
//! reported, in every format.
//!
//! Each run is a child process under an address-space limit (`ulimit -v`),
//! so that a regression aborts the child (a signal, which the assertions
//! report), not the machine. Before the bounded builtins, the policy of
//! `tests/policies/membomb` aborted with "memory allocation of 536870928
//! bytes failed" (SIGABRT) under a 10 GB limit, after about 2 s.
mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

fn example() -> String {
    path_str(&root().join("fixtures/example/plan.json"))
}

fn bomb_dir() -> String {
    path_str(&root().join("tests/policies/membomb"))
}

/// akslint with `args` under an address-space limit of `kib` KiB, with
/// `AKSLINT_MEMORY_LIMIT_MB` set to `budget_mb` (None: unset, the default
/// budget), killed if it outlives two minutes.
fn limited(kib: u64, budget_mb: Option<&str>, args: &[&str]) -> Output {
    let mut script = format!("ulimit -v {kib} && exec \"$0\"");
    for i in 1..=args.len() {
        script.push_str(&format!(" \"${{{i}}}\""));
    }
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_akslint"))
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .env("NO_COLOR", "1")
        .env_remove("AKSLINT_MEMORY_LIMIT_MB")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(mb) = budget_mb {
        cmd.env("AKSLINT_MEMORY_LIMIT_MB", mb);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawns sh");
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = so.read_to_end(&mut b);
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = se.read_to_end(&mut b);
        b
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after 120 s: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    }
}

/// 10 GB, the limit of the report in issue 15.
const TEN_GB_KIB: u64 = 10_000_000_000 / 1024;

/// Exit status 2, not a signal (an abort is status None: killed by SIGABRT).
fn assert_clean_failure(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(2),
        "{what}: {:?}\nstderr: {}",
        out.status,
        stderr(out).chars().take(2000).collect::<String>()
    );
    let err = stderr(out);
    for bad in ["memory allocation of", "panicked", "stack backtrace"] {
        assert!(!err.contains(bad), "{what}: stderr has {bad:?}: {err}");
    }
}

/// The one JSON error, about rule `id`, naming the plan and the policy file.
fn assert_names_the_policy(doc: &Value, id: &str, policy_file: &str) -> String {
    let errors = doc["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{doc}");
    assert_eq!(errors[0]["code"], "rule_error", "{doc}");
    let msg = errors[0]["message"].as_str().unwrap().to_string();
    assert!(msg.contains(&format!("rule {id}")), "{msg}");
    assert!(msg.contains(policy_file), "{msg}");
    assert!(msg.contains("fixtures/example/plan.json"), "{msg}");
    msg
}

/// The built-in rules' findings on the example plan, as a sorted list of
/// rule ids (the same run without the bomb gives the same list).
fn builtin_rule_ids(doc: &Value) -> Vec<String> {
    let mut ids: Vec<String> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stderr(out)))
}

/// The reproduction of issue 15: forty doublings of an input string with
/// `concat`, the default budget, a 10 GB address-space limit.
#[test]
fn doubling_concat_is_exit_2_naming_the_policy_and_the_plan() {
    let start = Instant::now();
    let out = limited(
        TEN_GB_KIB,
        None,
        &["--format", "json", "--policy", &bomb_dir(), &example()],
    );
    assert_clean_failure(&out, "concat bomb");
    let doc = json_of(&out);
    let msg = assert_names_the_policy(&doc, "MEM001", "tests/policies/membomb/MEM001.rego");
    assert!(msg.contains("concat:"), "{msg}");
    let without = run_json(&[&example()]).1;
    let expected = builtin_rule_ids(&without);
    assert!(!expected.is_empty());
    assert_eq!(builtin_rule_ids(&doc), expected);
    eprintln!("concat bomb: exit 2 after {:?}: {msg}", start.elapsed());
}

/// Every format reports the built-in findings and the policy's error.
#[test]
fn every_format_still_reports_the_other_rules() {
    for (format, finding, error) in [
        ("sarif", "\"ruleId\": \"AKS001\"", "MEM001"),
        ("text", "AKS001", "MEM001"),
        ("markdown", "AKS001", "MEM001"),
        ("github", "AKS001", "MEM001"),
        ("junit", "AKS001", "MEM001"),
        ("json", "\"rule_id\": \"AKS001\"", "MEM001"),
    ] {
        let out = limited(
            4_000_000,
            None,
            &["--format", format, "--policy", &bomb_dir(), &example()],
        );
        assert_clean_failure(&out, format);
        let text = stdout(&out);
        let all = format!("{text}\n{}", stderr(&out));
        assert!(text.contains(finding), "{format}: no {finding}: {text}");
        assert!(all.contains(error), "{format}: no {error}: {all}");
    }
}

/// A policy in its own directory whose deny rule runs `steps` after
/// `s0 := <start>`: each step line uses `S` for the previous value.
fn doubling_policy(dir: &Path, id: &str, start: &str, step: &str, steps: usize) -> PathBuf {
    let mut body = format!("s0 := {start}\n");
    for i in 1..=steps {
        body.push_str(&format!(
            "\ts{i} := {}\n",
            step.replace('S', &format!("s{}", i - 1))
        ));
    }
    let src = format!(
        "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: {id}\n#   name: bomb-{id}\n\
         #   severity: LOW\n#   resource_types: [azurerm_kubernetes_cluster]\n#   related: []\n\
         #   why: w\n#   remediation: r\npackage akslint.rules.{id}\n\nimport rego.v1\n\n\
         deny contains f if {{\n\tsome c in input.by_type.azurerm_kubernetes_cluster\n\t{body}\
         \tcount(s{steps}) > 0\n\tf := {{\"msg\": \"x\", \"resource\": c.address, \"attribute\": []}}\n}}\n"
    );
    let path = dir.join(format!("{id}.rego"));
    std::fs::write(&path, src).unwrap();
    path
}

/// Other routes to a doubling result: each is a clean error naming its
/// builtin, under the budget (256 MiB here, so that the runs stay small)
/// and under the address-space limit alone (the default budget).
#[test]
fn other_doubling_routes_are_clean_errors() {
    for (id, start, step, builtin) in [
        (
            "MEM002",
            "[c.address]",
            "array.concat(S, S)",
            "array.concat",
        ),
        (
            "MEM003",
            "c.address",
            "sprintf(\"%s%s\", [S, S])",
            "sprintf",
        ),
        (
            "MEM004",
            "c.address",
            "json.marshal([S, S])",
            "json.marshal",
        ),
        ("MEM005", "c.address", "replace(S, \"a\", S)", "replace"),
        (
            "MEM006",
            "c.address",
            "strings.replace_n({\"a\": S}, S)",
            "strings.replace_n",
        ),
        (
            "MEM007",
            "c.address",
            "base64.encode(concat(\"\", [S, S]))",
            "concat",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let policy = doubling_policy(dir.path(), id, start, step, 40);
        for (kib, budget) in [(4_000_000, Some("256")), (4_000_000, None)] {
            let what = format!("{step} (budget {budget:?})");
            let out = limited(
                kib,
                budget,
                &[
                    "--format",
                    "json",
                    "--policy",
                    &path_str(dir.path()),
                    &example(),
                ],
            );
            assert_clean_failure(&out, &what);
            let doc = json_of(&out);
            let msg = assert_names_the_policy(&doc, id, &path_str(&policy));
            assert!(msg.contains(&format!("{builtin}:")), "{what}: {msg}");
        }
    }
}

/// Shared values make results that their memory does not show: an array
/// holding the same array twice, forty deep, is 41 small arrays, and its
/// JSON text is terabytes. The size is known before the text is built.
#[test]
fn marshalling_a_shared_structure_is_a_clean_error() {
    let dir = tempfile::tempdir().unwrap();
    let policy = doubling_policy(dir.path(), "MEM008", "[c.address]", "[S, S]", 40);
    std::fs::write(
        &policy,
        std::fs::read_to_string(&policy)
            .unwrap()
            .replace("count(s40) > 0", "count(json.marshal(s40)) > 0"),
    )
    .unwrap();
    let start = Instant::now();
    let out = limited(
        4_000_000,
        None,
        &[
            "--format",
            "json",
            "--policy",
            &path_str(dir.path()),
            &example(),
        ],
    );
    assert_clean_failure(&out, "json.marshal of a shared structure");
    let msg = assert_names_the_policy(&json_of(&out), "MEM008", &path_str(&policy));
    assert!(msg.contains("json.marshal:"), "{msg}");
    assert!(start.elapsed() < Duration::from_secs(60));
}

/// The default budget follows the address-space limit: allocation that
/// grows step by step (ranges kept in a comprehension) trips it before
/// the limit is reached, with no `AKSLINT_MEMORY_LIMIT_MB`. With the old
/// default (8 GiB whatever the limit) the process aborted.
#[test]
fn default_budget_follows_the_address_space_limit() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("MEM009.rego");
    std::fs::write(
        &policy,
        "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: MEM009\n#   name: growth\n\
         #   severity: LOW\n#   resource_types: [azurerm_kubernetes_cluster]\n#   related: []\n\
         #   why: w\n#   remediation: r\npackage akslint.rules.MEM009\n\nimport rego.v1\n\n\
         deny contains f if {\n\tsome c in input.by_type.azurerm_kubernetes_cluster\n\
         \tn := count([numbers.range(1, 1000000) | some i in numbers.range(1, 100000)])\n\
         \tf := {\"msg\": sprintf(\"%d\", [n]), \"resource\": c.address, \"attribute\": []}\n}\n",
    )
    .unwrap();
    let out = limited(
        3_000_000,
        None,
        &[
            "--format",
            "json",
            "--policy-timeout",
            "60",
            "--policy",
            &path_str(dir.path()),
            &example(),
        ],
    );
    assert_clean_failure(&out, "growing comprehension");
    let msg = assert_names_the_policy(&json_of(&out), "MEM009", &path_str(&policy));
    assert!(msg.contains("memory limit"), "{msg}");
}

/// An abort inside regorus, where no error can be returned: an error
/// message that prints a shared structure of 2^40 elements (regorus'
/// "unsafe var" error prints every variable in scope with `{:?}`; a
/// builtin's type error prints its argument as JSON). Before policy
/// processes, each aborted the whole run ("memory allocation of 520093696
/// bytes failed", SIGABRT, under a 4 GB limit); now the policy process
/// evaluating them ends, each policy is evaluated again alone, and each
/// fails alone: two errors naming the policy and the plan, the built-in
/// findings intact.
#[test]
fn an_abort_inside_regorus_fails_only_that_policy() {
    let dir = tempfile::tempdir().unwrap();
    let unsafe_var = doubling_policy(dir.path(), "MEM010", "[c.address]", "[S, S]", 40);
    std::fs::write(
        &unsafe_var,
        std::fs::read_to_string(&unsafe_var).unwrap().replace(
            "count(s40) > 0",
            "ps := [p | walk(s40, [p, _])]\n\tcount(ps) > 0",
        ),
    )
    .unwrap();
    let type_error = doubling_policy(dir.path(), "MEM011", "[c.address]", "[S, S]", 40);
    std::fs::write(
        &type_error,
        std::fs::read_to_string(&type_error)
            .unwrap()
            .replace("count(s40) > 0", "abs(s40) > 0"),
    )
    .unwrap();
    let out = limited(
        4_000_000,
        None,
        &[
            "--format",
            "json",
            "--policy",
            &path_str(dir.path()),
            &example(),
        ],
    );
    assert_clean_failure(&out, "error text of a shared structure");
    let doc = json_of(&out);
    let errors = doc["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 2, "{doc}");
    for (error, (id, file)) in errors
        .iter()
        .zip([("MEM010", &unsafe_var), ("MEM011", &type_error)])
    {
        let msg = error["message"].as_str().unwrap();
        assert_eq!(error["code"], "rule_error", "{doc}");
        assert!(msg.contains(&format!("rule {id}")), "{msg}");
        assert!(msg.contains(&path_str(file)), "{msg}");
        assert!(msg.contains("fixtures/example/plan.json"), "{msg}");
        assert!(msg.contains("ran out of memory"), "{msg}");
    }
    let without = run_json(&[&example()]).1;
    assert_eq!(builtin_rule_ids(&doc), builtin_rule_ids(&without));
}

/// The same abort at load, where each custom policy is tried on an empty
/// input: the bomb does not depend on the input, so its policy is set
/// aside (an error on every file), and the other policies and the built-in
/// rules still run on every file.
#[test]
fn an_abort_at_load_sets_only_that_policy_aside() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = doubling_policy(dir.path(), "MEM012", "[\"x\"]", "[S, S]", 40);
    std::fs::write(
        &bomb,
        std::fs::read_to_string(&bomb)
            .unwrap()
            .replace("\tsome c in input.by_type.azurerm_kubernetes_cluster\n", "")
            .replace("count(s40) > 0", "abs(s40) > 0")
            .replace("c.address", "\"x\""),
    )
    .unwrap();
    let calm = doubling_policy(dir.path(), "MEM013", "[c.address]", "[S, S]", 3);
    let state = path_str(&root().join("fixtures/good-state-4x/state.json"));
    let out = limited(
        4_000_000,
        None,
        &[
            "--format",
            "json",
            "--policy",
            &path_str(dir.path()),
            &example(),
            &state,
        ],
    );
    assert_clean_failure(&out, "abort at load");
    let doc = json_of(&out);
    let errors = doc["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 2, "one per file: {doc}");
    for (error, plan) in errors.iter().zip([
        "fixtures/example/plan.json",
        "fixtures/good-state-4x/state.json",
    ]) {
        let msg = error["message"].as_str().unwrap();
        assert!(msg.contains("rule MEM012"), "{msg}");
        assert!(msg.contains(&path_str(&bomb)), "{msg}");
        assert!(msg.contains(plan), "{msg}");
        assert!(msg.contains("ran out of memory"), "{msg}");
    }
    // The calm policy still runs: one finding per cluster of the example.
    let calm_findings = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "MEM013")
        .count();
    assert!(calm_findings > 0, "{doc}");
    let _ = calm;
}
