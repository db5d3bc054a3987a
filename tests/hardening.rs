//! Hardening, through the binary: akslint reads untrusted plans and runs
//! other people's policies, so it must never crash, hang, leak or give
//! different answers on different runs. Every exit status here is 0, 1 or 2,
//! never a panic (101) or a signal.
//!
//! Tests named `known_bug_*` are `#[ignore]`d: they state the behaviour the
//! code should have and fail today (run them with `-- --ignored`).
mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

fn example() -> PathBuf {
    root().join("fixtures/example/plan.json")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, bytes).unwrap();
    p
}

/// No panic, no internal error, no signal: an exit status of 0, 1 or 2.
fn assert_orderly(out: &Output, what: &str) {
    let err = stderr(out);
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "{what}: status {:?}\nstderr: {err}",
        out.status
    );
    for bad in [
        "panicked",
        "internal error",
        "RUST_BACKTRACE",
        "Broken pipe",
    ] {
        assert!(!err.contains(bad), "{what}: stderr has {bad:?}: {err}");
    }
}

/// Runs the command, killing it when it outlives `limit`.
fn run_bounded(cmd: &mut Command, limit: Duration) -> (Output, Duration) {
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    // Drain the pipes on threads so that a chatty child cannot block.
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
        if start.elapsed() > limit {
            let _ = child.kill();
            let s = child.wait().unwrap();
            panic!(
                "still running after {limit:?} (killed: {s:?}); stderr so far: {}",
                String::from_utf8_lossy(&t_err.join().unwrap())
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    let out = Output {
        status,
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    };
    (out, elapsed)
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            stdout(out),
            stderr(out)
        )
    })
}

/// `akslint --format json ARGS FILE`: its output, checked orderly (`what`
/// names the case), and its JSON report.
fn lint_json(args: &[&str], file: &Path, what: &str) -> (Output, Value) {
    let out = akslint()
        .args(["--format", "json"])
        .args(args)
        .arg(file)
        .output()
        .unwrap();
    assert_orderly(&out, what);
    let doc = json_of(&out);
    (out, doc)
}

/// A custom policy with the METADATA contract, in its own directory.
fn policy(id: &str, name: &str, condition: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = format!(
        "# METADATA\n\
         # title: {name}\n\
         # description: hardening test policy\n\
         # custom:\n\
         #   id: {id}\n\
         #   name: {name}\n\
         #   severity: LOW\n\
         #   resource_types: [azurerm_kubernetes_cluster]\n\
         #   related: []\n\
         #   why: test\n\
         #   remediation: test\n\
         package akslint.rules.{id}\n\
         \n\
         import rego.v1\n\
         \n\
         deny contains f if {{\n\
         \tsome c in input.by_type.azurerm_kubernetes_cluster\n\
         \t{condition}\n\
         \tf := {{\"msg\": sprintf(\"%v\", [n]), \"resource\": c.address, \"attribute\": []}}\n\
         }}\n"
    );
    write(dir.path(), &format!("{id}.rego"), src.as_bytes());
    dir
}

// ---------------------------------------------------------------- deep nesting

/// The line and column (1-based, columns in characters) of byte `at`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

/// Where the first bracket past `limit` levels opens (outside strings).
fn too_deep_at(text: &str, limit: usize) -> usize {
    let (mut depth, mut in_str, mut esc) = (0usize, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_str {
            match b {
                _ if esc => esc = false,
                b'\\' => esc = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return i;
                }
            }
            b']' | b'}' => depth -= 1,
            _ => {}
        }
    }
    panic!("not deeper than {limit}");
}

#[test]
fn deep_nesting_is_exit_2_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let plan = std::fs::read_to_string(example()).unwrap();
    // Nesting inside a real plan, on a later line, with non-ASCII text
    // before it on the same line (columns count characters).
    let inside = plan.replacen(
        "\"format_version\"",
        &format!(
            "\"déjà\": \"ü\", \"deep\": {}0{},\n  \"format_version\"",
            "[".repeat(4000),
            "]".repeat(4000)
        ),
        1,
    );
    let cases: Vec<(&str, String)> = vec![
        (
            "arrays.json",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        (
            "objects.json",
            format!(
                "{{\"format_version\": \"1.0\", \"values\": {}1{}}}",
                "{\"a\":".repeat(5000),
                "}".repeat(5000)
            ),
        ),
        (
            "mixed.json",
            format!(
                "{{\n\"format_version\": \"1.0\",\n\"x\": {}null{}}}",
                "[{\"k\":\n".repeat(1500),
                "}]".repeat(1500)
            ),
        ),
        ("inside-plan.json", inside),
        // Unclosed: the depth check still reports before any parse error.
        ("unclosed.json", "[".repeat(300)),
    ];
    for (name, text) in &cases {
        let file = write(dir.path(), name, text.as_bytes());
        let shown = path_str(&file);
        let (out, took) = run_bounded(
            akslint().args(["--format", "json"]).arg(&file),
            Duration::from_secs(30),
        );
        assert_orderly(&out, name);
        assert!(took < Duration::from_secs(10), "{name} took {took:?}");
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        let doc = json_of(&out);
        let errors = doc["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{name}: {doc}");
        assert_eq!(errors[0]["code"], "json", "{name}");
        let (line, col) = line_col(text, too_deep_at(text, akslint::plan::MAX_DEPTH));
        let want = format!(
            "{shown}:{line}:{col}: invalid JSON: nesting deeper than {} levels",
            akslint::plan::MAX_DEPTH
        );
        assert_eq!(errors[0]["message"], want.as_str(), "{name}");
        // The text report says the same.
        let out = akslint()
            .args(["--color", "never"])
            .arg(&file)
            .output()
            .unwrap();
        assert_orderly(&out, name);
        assert_eq!(out.status.code(), Some(2));
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            all.contains(&format!("{shown}:{line}:{col}")),
            "{name}: {all}"
        );
    }
}

fn state_with_nested_tags(depth: usize) -> String {
    format!(
        "{{\"format_version\": \"1.0\",\n\"values\": {{\"root_module\": {{\"resources\": [{{\"address\": \"azurerm_kubernetes_cluster.a\", \"type\": \"azurerm_kubernetes_cluster\", \"name\": \"a\",\n\"values\": {{\"tags\": {}1{}}}}}]}}}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

fn plan_with_nested_tags(depth: usize) -> String {
    format!(
        "{{\"format_version\": \"1.2\",\n\"resource_changes\": [{{\"address\": \"azurerm_kubernetes_cluster.a\", \"type\": \"azurerm_kubernetes_cluster\", \"name\": \"a\",\n\"change\": {{\"actions\": [\"create\"], \"after\": {{\"tags\": {}1{}}}}}}}]}}",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

#[test]
fn nesting_up_to_our_limit_is_read() {
    // serde_json stops at 128 levels unless told otherwise: values are
    // read at any depth up to MAX_DEPTH (the tags sit 6 levels down in
    // the state, 5 in the plan), one level more is the depth error.
    let dir = tempfile::tempdir().unwrap();
    let max = akslint::plan::MAX_DEPTH;
    for (kind, down, text_of) in [
        ("state", 6, state_with_nested_tags as fn(usize) -> String),
        ("plan", 5, plan_with_nested_tags),
    ] {
        let shallow = json_of(
            &akslint()
                .args(["--format", "json"])
                .arg(write(dir.path(), "shallow.json", text_of(1).as_bytes()))
                .output()
                .unwrap(),
        );
        let findings = shallow["findings"].as_array().unwrap().len();
        assert!(findings > 0, "{kind}: {shallow}");
        for depth in [100, 127, 128, 129, 200, max - down, max - down + 1] {
            let text = text_of(depth);
            let file = write(dir.path(), &format!("{kind}{depth}.json"), text.as_bytes());
            let what = format!("{kind} depth {depth}");
            let (out, doc) = lint_json(&[], &file, &what);
            let errors = doc["errors"].as_array().unwrap();
            if depth + down <= max {
                assert!(errors.is_empty(), "{what}: {doc}");
                assert_eq!(doc["summary"]["files"], 1, "{what}");
                assert_eq!(
                    doc["findings"].as_array().unwrap().len(),
                    findings,
                    "{what}"
                );
            } else {
                assert_eq!(out.status.code(), Some(2), "{what}");
                let msg = errors[0]["message"].as_str().unwrap();
                assert!(msg.contains("nesting deeper than"), "{what}: {msg}");
            }
        }
    }
}

/// A state whose modules nest `levels` deep, each with one public cluster:
/// `{"values": {"root_module": {"child_modules": [{"resources": [...],
/// "child_modules": [...]}]}}}`, two levels of JSON per module.
fn state_with_nested_modules(levels: usize) -> String {
    let mut module = String::new();
    for level in (1..=levels).rev() {
        let address: Vec<String> = (1..=level).map(|l| format!("module.m{l}")).collect();
        let address = address.join(".");
        let children = if module.is_empty() {
            String::new()
        } else {
            format!(", \"child_modules\": [{module}]")
        };
        module = format!(
            "{{\"address\": \"{address}\", \"resources\": [{{\"address\": \"{address}.azurerm_kubernetes_cluster.c\", \"mode\": \"managed\", \"type\": \"azurerm_kubernetes_cluster\", \"name\": \"c\", \"values\": {{\"private_cluster_enabled\": false}}}}]{children}}}"
        );
    }
    format!("{{\"format_version\": \"1.0\", \"values\": {{\"root_module\": {{\"child_modules\": [{module}]}}}}}}")
}

#[test]
fn state_modules_nest_up_to_our_limit() {
    // serde_json's own limit (128 levels) stopped a state whose modules
    // nest 62 deep (two levels each) with "recursion limit exceeded";
    // the limit is MAX_DEPTH, as for values.
    let dir = tempfile::tempdir().unwrap();
    let max = akslint::plan::MAX_DEPTH;
    // 3 levels above the first module, 2 per module, 3 below the last.
    let deepest = (max - 6) / 2;
    for levels in [10, 70, deepest, deepest + 2] {
        let file = write(
            dir.path(),
            &format!("modules{levels}.json"),
            state_with_nested_modules(levels).as_bytes(),
        );
        let what = format!("{levels} nested modules");
        let (out, doc) = lint_json(&["--rule", "AKS001"], &file, &what);
        let errors = doc["errors"].as_array().unwrap();
        if levels <= deepest {
            assert!(errors.is_empty(), "{what}: {doc}");
            let findings = doc["findings"].as_array().unwrap();
            assert_eq!(findings.len(), levels, "{what}");
            let deepest_cluster = (1..=levels)
                .map(|l| format!("module.m{l}"))
                .collect::<Vec<_>>()
                .join(".")
                + ".azurerm_kubernetes_cluster.c";
            assert!(
                findings
                    .iter()
                    .any(|f| f["address"] == deepest_cluster.as_str()),
                "{what}"
            );
        } else {
            assert_eq!(out.status.code(), Some(2), "{what}");
            let msg = errors[0]["message"].as_str().unwrap();
            assert!(msg.contains("nesting deeper than"), "{what}: {msg}");
        }
    }
}

/// Adds an expression `depth` levels deep to every resource's
/// `expressions`, every output's `expression` and every module call's
/// `expressions` of a configuration module and the modules it calls (each
/// is parsed on its own: a resource's to tell unknown values from defaults
/// and to join it, an output's and a call's to follow a reference through
/// a module).
fn deepen_expressions(module: &mut Value, depth: usize) {
    let mut deep = Value::from(1);
    for _ in 0..depth {
        deep = Value::Array(vec![deep]);
    }
    let deep = serde_json::json!({ "constant_value": deep });
    if let Some(resources) = module["resources"].as_array_mut() {
        for r in resources {
            if let Some(e) = r["expressions"].as_object_mut() {
                e.insert("zz_deep".into(), deep.clone());
            }
        }
    }
    if let Some(outputs) = module["outputs"].as_object_mut() {
        for o in outputs.values_mut() {
            if let Some(e) = o["expression"].as_object_mut() {
                e.insert("zz_deep".into(), deep.clone());
            }
        }
    }
    if let Some(calls) = module["module_calls"].as_object_mut() {
        for call in calls.values_mut() {
            if let Some(e) = call["expressions"].as_object_mut() {
                e.insert("zz_deep".into(), deep.clone());
            }
            deepen_expressions(&mut call["module"], depth);
        }
    }
}

#[test]
fn deep_configuration_expressions_are_read() {
    // A resource's configuration `expressions` deeper than serde_json's own
    // limit (128 levels) were dropped whole: their references were lost
    // (pools no longer joined to their cluster, unknown values taken for
    // provider defaults). The file is bounded by MAX_DEPTH; so are they.
    for fixture in ["joins-3x", "modules", "unknown-3x"] {
        let dir = tempfile::tempdir().unwrap();
        let src = root().join("fixtures").join(fixture);
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(&src).unwrap();
            if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "tf") {
                write(
                    dir.path(),
                    rel.to_str().unwrap(),
                    &std::fs::read(entry.path()).unwrap(),
                );
            }
        }
        let plan: Value =
            serde_json::from_slice(&std::fs::read(src.join("plan.json")).unwrap()).unwrap();
        let findings = |plan: &Value| {
            let file = write(dir.path(), "plan.json", plan.to_string().as_bytes());
            let (_, doc) = lint_json(&[], &file, fixture);
            assert_eq!(doc["errors"], serde_json::json!([]), "{fixture}: {doc}");
            doc["findings"].clone()
        };
        let expected = findings(&plan);
        assert!(
            expected.as_array().is_some_and(|f| !f.is_empty()),
            "{fixture}"
        );
        // The fixture's verdicts depend on its configuration: were it no
        // longer read at all, deep and shallow would still agree.
        let verdicts = |findings: &Value| -> Vec<String> {
            let keys = ["rule_id", "address", "attribute", "status", "message"];
            let all = findings.as_array().unwrap().iter();
            all.map(|f| keys.map(|k| f[k].to_string()).join(" "))
                .collect()
        };
        let mut without = plan.clone();
        without.as_object_mut().unwrap().remove("configuration");
        assert_ne!(
            verdicts(&findings(&without)),
            verdicts(&expected),
            "{fixture}"
        );
        for depth in [10, 140, 230] {
            let mut deep = plan.clone();
            deepen_expressions(&mut deep["configuration"]["root_module"], depth);
            assert_eq!(
                findings(&deep),
                expected,
                "{fixture}, expressions {depth} deep"
            );
        }
    }
}

/// Errors found when a resource's `change` (plan) or `values` (state) is
/// parsed a second time carry positions relative to that value, not to the
/// file: `normalize::json_err` is given serde_json's line and column of
/// `serde_json::from_str(raw.get())`.
#[test]
fn nested_parse_errors_point_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\n\"format_version\": \"1.2\",\n\"resource_changes\": [\n  {\"address\": \"azurerm_kubernetes_cluster.c\", \"type\": \"azurerm_kubernetes_cluster\", \"name\": \"c\",\n   \"change\": {\"actions\": \"oops\"}}]}\n";
    let file = write(dir.path(), "pos.json", text.as_bytes());
    let out = akslint()
        .args(["--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let doc = json_of(&out);
    let msg = doc["errors"][0]["message"].as_str().unwrap();
    // `"oops"` is on line 5 (today: "pos.json:1:18").
    assert!(msg.starts_with(&format!("{}:5:", path_str(&file))), "{msg}");
    // The same for a bad value in a state's values (before: line 1).
    let text = state_with_nested_tags(3).replace("1]]]", "1e999]]]");
    let file = write(dir.path(), "deep.json", text.as_bytes());
    let out = akslint()
        .args(["--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let doc = json_of(&out);
    let msg = doc["errors"][0]["message"].as_str().unwrap();
    assert!(msg.starts_with(&format!("{}:3:", path_str(&file))), "{msg}");
}

#[test]
fn brackets_inside_strings_are_not_nesting() {
    let plan = std::fs::read_to_string(example()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Thousands of brackets in string values, after an escaped quote and
    // an escaped backslash: no depth error, the same findings.
    let text = plan.replacen(
        "\"format_version\"",
        &format!(
            "\"s1\": \"{}\", \"s2\": \"\\\"{}\", \"s3\": \"\\\\\", \"s4\": \"{}\",\n  \"format_version\"",
            "[{".repeat(3000),
            "[".repeat(3000),
            "}]".repeat(3000),
        ),
        1,
    );
    let file = write(dir.path(), "strings.json", text.as_bytes());
    let (code, doc) = run_json(&[&path_str(&file)]);
    let (ref_code, reference) = run_json(&[&path_str(&example())]);
    assert_eq!(code, ref_code, "{}", doc["errors"]);
    assert_eq!(
        doc["findings"].as_array().unwrap().len(),
        reference["findings"].as_array().unwrap().len()
    );
}

// ---------------------------------------------------------------- file system

#[cfg(unix)]
#[test]
fn symlink_loops_terminate() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(example(), d.join("plan.json")).unwrap();
    std::fs::create_dir_all(d.join("a/b")).unwrap();
    symlink(d, d.join("a/b/up")).unwrap(); // directory loop
    symlink(d.join("a"), d.join("a/b/sibling")).unwrap(); // loop through a sibling
    symlink(d.join("self.json"), d.join("self.json")).unwrap(); // a link to itself
    symlink(d.join("ping.json"), d.join("pong.json")).unwrap(); // two links to each other
    symlink(d.join("pong.json"), d.join("ping.json")).unwrap();
    symlink(d.join("missing.json"), d.join("dangling.json")).unwrap();
    let (out, took) = run_bounded(
        akslint().args(["--format", "json"]).arg(d),
        Duration::from_secs(30),
    );
    assert_orderly(&out, "symlink loops");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let doc = json_of(&out);
    assert!(matches!(out.status.code(), Some(1 | 2)), "{}", stderr(&out));
    assert_eq!(doc["summary"]["files"], 1, "the one plan is linted: {doc}");
    assert!(stderr(&out).contains("loop"), "{}", stderr(&out));

    // A looping link given as an argument: a read error naming it.
    for name in ["self.json", "ping.json"] {
        let p = d.join(name);
        let (out, _) = run_bounded(
            akslint().args(["--format", "json"]).arg(&p),
            Duration::from_secs(30),
        );
        assert_orderly(&out, name);
        assert_eq!(out.status.code(), Some(2));
        let doc = json_of(&out);
        assert_eq!(doc["errors"][0]["code"], "io", "{doc}");
        assert!(doc["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains(&path_str(&p)));
    }
}

/// A FIFO in a walked directory is not read (no writer would ever come):
/// the walk does not block on it.
#[cfg(unix)]
#[test]
fn fifo_in_a_walked_directory_does_not_hang() {
    if !which("mkfifo") {
        eprintln!("skipping: no mkfifo");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(example(), dir.path().join("plan.json")).unwrap();
    let fifo = dir.path().join("pipe.json");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let (out, took) = run_bounded(
        akslint().args(["--format", "json"]).arg(dir.path()),
        Duration::from_secs(30),
    );
    assert_orderly(&out, "fifo");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(json_of(&out)["summary"]["files"], 1);
}

/// A FIFO named on the command line with no writer, and a character
/// device, are errors naming them; the plan beside them is still linted, and
/// nothing blocks or reads without end.
#[cfg(unix)]
#[test]
fn special_files_on_the_command_line_are_errors_not_hangs() {
    if !which("mkfifo") {
        eprintln!("skipping: no mkfifo");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.json");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let (out, took) = run_bounded(
        akslint()
            .args(["--format", "json"])
            .arg(&fifo)
            .arg(example())
            .arg("/dev/zero"),
        Duration::from_secs(30),
    );
    assert_orderly(&out, "special files");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let doc = json_of(&out);
    assert_eq!(doc["summary"]["files"], 1, "{doc}");
    assert!(doc["summary"]["resources"].as_u64().unwrap() > 0);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{doc}");
    assert_eq!(errors[0]["file"], path_str(&fifo));
    assert!(errors[0]["message"].as_str().unwrap().contains("FIFO"));
    assert_eq!(errors[1]["file"], "/dev/zero");
    assert!(errors[1]["message"]
        .as_str()
        .unwrap()
        .contains("character device"));
}

/// `--max-input-size` stops reading a file, and standard input, there.
#[test]
fn inputs_over_the_size_limit_are_errors() {
    let out = run(&[
        "--format",
        "json",
        "--max-input-size",
        "1K",
        &path_str(&example()),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let doc = json_of(&out);
    assert!(doc["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("input size limit of 1024 bytes"));
    let mut child = akslint()
        .args(["--format", "json", "--max-input-size", "4K", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // More than the limit; the writer may see a closed pipe once akslint stops.
    let _ = std::io::Write::write_all(&mut stdin, &vec![b' '; 64 * 1024]);
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("input size limit of 4096 bytes"));
    let bad = run(&["--max-input-size", "lots", &path_str(&example())]);
    assert_eq!(bad.status.code(), Some(2));
}

/// `akslint <(terraform show -json plan.tfplan)`: a pipe given as a path.
#[cfg(unix)]
#[test]
fn process_substitution_pipe_is_read() {
    if !which("bash") {
        eprintln!("skipping: no bash");
        return;
    }
    let script = "exec \"$0\" --format json <(cat \"$1\")";
    let (out, _) = run_bounded(
        Command::new("bash")
            .arg("-c")
            .arg(script)
            .arg(env!("CARGO_BIN_EXE_akslint"))
            .arg(example())
            .stdin(Stdio::null()),
        Duration::from_secs(30),
    );
    assert_orderly(&out, "process substitution");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json_of(&out);
    assert_eq!(doc["summary"]["files"], 1, "{doc}");
    assert!(doc["findings"][0]["file"]
        .as_str()
        .unwrap()
        .starts_with("/dev/fd/"));
}

/// True when this process can read a file whose mode is 000 (root can).
#[cfg(unix)]
fn permissions_are_bypassed(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = write(dir, "probe", b"x");
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read(&probe).is_ok();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o600)).unwrap();
    readable
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_exit_2_naming_it() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    if permissions_are_bypassed(dir.path()) {
        eprintln!("skipping: running with privileges that read mode-000 files (root?)");
        return;
    }
    let p = dir.path().join("locked.json");
    std::fs::copy(example(), &p).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    let sub = dir.path().join("lockeddir");
    std::fs::create_dir(&sub).unwrap();
    std::fs::copy(example(), sub.join("plan.json")).unwrap();
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o000)).unwrap();

    let out = akslint()
        .args(["--format", "json"])
        .arg(&p)
        .output()
        .unwrap();
    assert_orderly(&out, "locked file");
    assert_eq!(out.status.code(), Some(2));
    let doc = json_of(&out);
    assert_eq!(doc["errors"][0]["code"], "io");
    let msg = doc["errors"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains(&path_str(&p)) && msg.contains("permission denied"),
        "{msg}"
    );

    // In a directory walk: the locked file is an error, the locked
    // directory is skipped with a note, the walk goes on.
    let out = akslint()
        .args(["--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_orderly(&out, "walk");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("lockeddir"), "{}", stderr(&out));
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o700)).unwrap();
}

#[cfg(unix)]
#[test]
fn non_utf8_file_names_work() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let good = dir
        .path()
        .join(OsStr::from_bytes(b"plan-\xff\xfe-\xc3(.json"));
    std::fs::copy(example(), &good).unwrap();
    let sub = dir.path().join(OsStr::from_bytes(b"sub-\x80"));
    std::fs::create_dir(&sub).unwrap();
    let bad = sub.join(OsStr::from_bytes(b"broken-\xe9.json"));
    std::fs::write(&bad, b"{\"format_version\": \"1.0\",").unwrap();

    // As arguments and through a walk, in every format: no panic, the plan
    // is linted, the broken file is an error.
    for format in ["text", "json", "sarif", "markdown", "github", "junit"] {
        for args in [
            vec![good.as_os_str(), bad.as_os_str()],
            vec![dir.path().as_os_str()],
        ] {
            let out = akslint()
                .args(["--format", format, "--color", "never"])
                .args(&args)
                .output()
                .unwrap();
            assert_orderly(&out, format);
            assert_eq!(out.status.code(), Some(2), "{format}: {}", stderr(&out));
            if format == "json" {
                let doc = json_of(&out);
                assert_eq!(doc["summary"]["files"], 1, "{doc}");
                assert_eq!(doc["errors"][0]["code"], "json", "{doc}");
                // The names are shown lossily (U+FFFD), never dropped.
                assert!(doc["errors"][0]["file"]
                    .as_str()
                    .unwrap()
                    .contains("broken-\u{fffd}.json"));
            }
            if format == "sarif" {
                let doc = json_of(&out);
                validate_sarif(&doc, "non-UTF-8 names");
            }
        }
    }
}

#[test]
fn unwritable_output_is_exit_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let plan = path_str(&example());
    let missing = path_str(&dir.path().join("no/such/dir/report.txt"));
    let a_dir = path_str(dir.path());
    let mut targets = vec![missing.clone(), a_dir.clone()];
    if Path::new("/dev/full").exists() {
        targets.push("/dev/full".into());
    }
    for target in &targets {
        for flag in [
            vec!["-o", target.as_str()],
            vec!["--output", target.as_str()],
        ] {
            let out = akslint().args(&flag).arg(&plan).output().unwrap();
            assert_orderly(&out, target);
            assert_eq!(out.status.code(), Some(2), "{target}");
            let err = stderr(&out);
            assert!(
                err.contains("cannot write") && err.contains(target.as_str()),
                "{err}"
            );
        }
        let report = format!("sarif={target}");
        let out = akslint()
            .args(["--report", &report, &plan])
            .output()
            .unwrap();
        assert_orderly(&out, &report);
        assert_eq!(out.status.code(), Some(2), "{report}");
        assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
    }
    // stdout itself failing (a full device) is exit 2 too.
    if Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = akslint()
            .arg(&plan)
            .stdout(Stdio::from(full))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
    }
}

#[test]
fn closed_stdout_pipe_exits_quietly() {
    let plan = path_str(&example());
    for (format, copies) in [
        ("text", 50),
        ("json", 50),
        ("sarif", 50),
        ("markdown", 10),
        ("github", 10),
        ("junit", 10),
    ] {
        let many: Vec<&str> = std::iter::repeat_n(plan.as_str(), copies).collect();
        let mut child = akslint()
            .args(["--format", format, "--color", "always"])
            .args(&many)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the read end before akslint writes anything.
        drop(child.stdout.take());
        let start = Instant::now();
        let out = child.wait_with_output().unwrap();
        assert!(start.elapsed() < Duration::from_secs(60));
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{format}: {:?}: {}",
            out.status,
            stderr(&out)
        );
        let err = stderr(&out);
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe") && !err.contains("error"),
            "{format}: {err}"
        );
    }
}

// ---------------------------------------------------------------- policies

#[test]
fn slow_policy_is_stopped_by_the_timeout() {
    // ~10^10 iterations and little memory: only the time bound stops it.
    let dir = policy(
        "HRD001",
        "endless-loop",
        "n := count([1 | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); i == j])",
    );
    let (out, took) = run_bounded(
        akslint()
            .args(["--format", "json", "--policy-timeout", "1", "--policy"])
            .arg(dir.path())
            .arg(example()),
        Duration::from_secs(60),
    );
    assert_orderly(&out, "slow policy");
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let doc = json_of(&out);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{doc}");
    assert_eq!(errors[0]["code"], "rule_error");
    let msg = errors[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("HRD001") && msg.contains("time limit"),
        "{msg}"
    );
    // The built-in rules still ran.
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule_id"] == "AKS001"));
}

/// The command under an address-space limit of `bytes`: prlimit, else
/// `ulimit -v` through bash.
fn memory_limited(bytes: &str, args: &[&str]) -> Command {
    let bin = env!("CARGO_BIN_EXE_akslint");
    if which("prlimit") {
        let mut c = Command::new("prlimit");
        c.arg(format!("--as={bytes}")).arg(bin).args(args);
        c.stdin(Stdio::null());
        c
    } else {
        let kib = bytes.parse::<u64>().unwrap() / 1024;
        let mut script = format!("ulimit -v {kib} && exec \"$0\"");
        for i in 1..=args.len() {
            script.push_str(&format!(" \"${i}\""));
        }
        let mut c = Command::new("bash");
        c.arg("-c").arg(script).arg(bin).args(args);
        c.stdin(Stdio::null());
        c
    }
}

fn which(cmd: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|p| p.join(cmd).is_file()))
        .unwrap_or(false)
}

fn allocation_policy(id: &str, condition: &str, limit: &str, timeout: &str) -> (Output, Duration) {
    let dir = policy(id, "allocation", condition);
    let pdir = path_str(dir.path());
    let plan = path_str(&example());
    run_bounded(
        memory_limited(
            limit,
            &[
                "--format",
                "json",
                "--policy-timeout",
                timeout,
                "--policy",
                &pdir,
                "--rule",
                id,
                &plan,
            ],
        )
        .env("RUST_BACKTRACE", "0")
        // Below the address-space limit, so that regorus's budget trips
        // first and the rule fails cleanly.
        .env("AKSLINT_MEMORY_LIMIT_MB", "512"),
        Duration::from_secs(120),
    )
}

/// `numbers.range(1, 2000000000)` would ask regorus for one 48 GB vector
/// (before akslint bounded it, the allocation failed and the process
/// aborted with SIGABRT and no report): now the rule fails cleanly. Run
/// under an address-space limit so that a regression cannot exhaust the
/// machine.
#[test]
fn absurd_allocation_in_a_policy_is_a_clean_error() {
    for (id, call) in [
        ("HRD002", "n := count(numbers.range(1, 2000000000))"),
        ("HRD003", "n := count(numbers.range(2000000000, 1))"),
        ("HRD004", "n := count(numbers.range_step(1, 4000000000, 2))"),
    ] {
        let (out, took) = allocation_policy(id, call, "4000000000", "1");
        assert!(took < Duration::from_secs(60), "{id} took {took:?}");
        assert_orderly(&out, call);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{call}: {:?}: {}",
            out.status,
            stderr(&out)
        );
        let doc = json_of(&out);
        let msg = doc["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(msg.contains(id), "{call}: {doc}");
    }
}

/// Ranges below the per-call bound, kept in a comprehension: each call is
/// allowed, together they exhaust memory long before the time bound.
/// Today, under a 2 GB address-space limit, the process aborts
/// ("memory allocation of 240000000 bytes failed", SIGABRT, no report);
/// without a limit it grows by about 240 MB per iteration for up to
/// `--policy-timeout` seconds (10 by default). This test only guards that
/// it ends promptly and never passes for success.
#[test]
fn cumulative_allocation_in_a_policy_terminates() {
    let (out, took) = allocation_policy(
        "HRD005",
        "n := count([numbers.range(1, 10000000) | some i in numbers.range(1, 1000)])",
        "2000000000",
        "5",
    );
    assert!(took < Duration::from_secs(60), "took {took:?}");
    assert!(
        !matches!(out.status.code(), Some(0 | 1)),
        "{:?}: {}",
        out.status,
        stderr(&out)
    );
    eprintln!(
        "cumulative allocation: status {:?}, stderr: {}",
        out.status,
        stderr(&out).lines().take(2).collect::<Vec<_>>().join(" | ")
    );
}

#[test]
fn cumulative_allocation_is_a_clean_error() {
    let (out, _) = allocation_policy(
        "HRD006",
        "n := count([numbers.range(1, 10000000) | some i in numbers.range(1, 1000)])",
        "2000000000",
        "5",
    );
    assert_orderly(&out, "cumulative allocation");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{:?}: {}",
        out.status,
        stderr(&out)
    );
    let doc = json_of(&out);
    assert!(doc["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("HRD006"));
}

/// Builtins that would reach the network or the host are not there: the
/// rule fails to evaluate (exit 2, an error naming it) and yields nothing.
#[test]
fn policies_get_no_network_or_host_access() {
    for (i, call) in [
        "n := http.send({\"method\": \"get\", \"url\": \"http://127.0.0.1:9/\"})",
        "n := opa.runtime()",
        "n := opa.runtime().env",
        "n := net.lookup_ip_addr(\"localhost\")",
    ]
    .iter()
    .enumerate()
    {
        let id = format!("NET00{i}");
        let dir = policy(&id, &format!("net-{i}"), call);
        let out = akslint()
            .args(["--format", "json", "--rule", &id, "--policy"])
            .arg(dir.path())
            .arg(example())
            .output()
            .unwrap();
        assert_orderly(&out, call);
        let doc = json_of(&out);
        assert_eq!(out.status.code(), Some(2), "{call}: {doc}");
        assert!(
            doc["findings"].as_array().unwrap().is_empty(),
            "{call}: {doc}"
        );
        let errors = doc["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{call}: {doc}");
        assert_eq!(errors[0]["code"], "rule_error");
        assert!(errors[0]["message"].as_str().unwrap().contains(&id));
    }
    // time.now_ns is allowed: the rule runs and reports.
    let dir = policy("NET100", "clock", "n := time.now_ns()");
    let out = akslint()
        .args(["--format", "json", "--rule", "NET100", "--policy"])
        .arg(dir.path())
        .arg(example())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(json_of(&out)["findings"][0]["rule_id"], "NET100");
}

/// The error says which builtin is missing (regorus messages begin with a
/// newline: `engine::first_line` once kept only that empty first line, so
/// every rule failure read "rule X failed: " with nothing after it).
#[test]
fn unknown_builtin_error_names_the_builtin() {
    let dir = policy("NET200", "net-send", "n := http.send({\"url\": \"x\"})");
    let out = akslint()
        .args(["--format", "json", "--rule", "NET200", "--policy"])
        .arg(dir.path())
        .arg(example())
        .output()
        .unwrap();
    let doc = json_of(&out);
    let msg = doc["errors"][0]["message"].as_str().unwrap();
    assert!(msg.contains("http.send"), "{msg}");
}

/// A policy that parses but does not compile (an unsafe variable, which
/// regorus finds only when it first evaluates): exit 2, and the error
/// names the policy file and line.
#[test]
fn policy_that_does_not_compile_is_exit_2_naming_it() {
    let dir = policy("BAD001", "unsafe-var", "n := v");
    let out = akslint()
        .args(["--format", "json", "--policy"])
        .arg(dir.path())
        .arg(example())
        .output()
        .unwrap();
    assert_orderly(&out, "unsafe variable");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(all.contains("BAD001.rego"), "{all}");
}

/// A policy whose body regorus cannot schedule (`walk(input, [_, v])`
/// with nothing bound before it: "use of undefined variable `v` is
/// unsafe"). Today the error is reported once per rule per file, each
/// built-in rule blamed for it ("rule AKS001 failed: --> .../BAD002.rego:
/// ..."), and no built-in finding survives: regorus schedules every module
/// on the first `eval_rule`, so every query fails. It should be found when
/// the policies load (like a syntax error), or blame that policy alone.
#[test]
fn unschedulable_policy_blames_only_itself() {
    let dir = tempfile::tempdir().unwrap();
    let src = "# METADATA\n# title: unsafe\n# description: test\n# custom:\n#   id: BAD002\n\
               #   name: unschedulable\n#   severity: LOW\n#   related: []\n#   why: test\n\
               #   remediation: test\npackage akslint.rules.BAD002\n\nimport rego.v1\n\n\
               deny contains f if {\n\twalk(input, [_, v])\n\tis_string(v)\n\tcontains(v, \"x\")\n\
               \tf := {\"msg\": \"found\", \"resource\": \"x\", \"attribute\": []}\n}\n";
    write(dir.path(), "BAD002.rego", src.as_bytes());
    let out = akslint()
        .args(["--format", "json", "--policy"])
        .arg(dir.path())
        .arg(example())
        .output()
        .unwrap();
    assert_orderly(&out, "unschedulable policy");
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(all.contains("BAD002"), "{all}");
    assert!(
        !all.contains("rule AKS0"),
        "built-in rules are blamed: {all}"
    );
}

/// Rego `print` and `trace` in a policy write nothing that breaks stdout.
#[test]
fn print_in_a_policy_does_not_corrupt_the_report() {
    let dir = policy(
        "PRN001",
        "printer",
        "print(\"PRINTED\", c.address)\n\ttrace(\"TRACED\")\n\tn := 1",
    );
    let out = akslint()
        .args(["--format", "json", "--rule", "PRN001", "--policy"])
        .arg(dir.path())
        .arg(example())
        .output()
        .unwrap();
    assert_orderly(&out, "print");
    let doc = json_of(&out);
    assert!(!stdout(&out).contains("PRINTED"));
    assert_eq!(doc["findings"][0]["rule_id"], "PRN001", "{doc}");
}

// ---------------------------------------------------------------- known bugs

/// A state resource whose address has a multi-byte character right before
/// its `type.name` (and no module address): `normalize_state` slices
/// `r.address[..i - 1]` at a byte that is not a character boundary and
/// panics (exit 101, "akslint: internal error at src/normalize.rs").
#[test]
fn state_address_with_multibyte_char_before_the_type() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"{"format_version":"1.0","values":{"root_module":{"resources":[
        {"address":"éazurerm_kubernetes_cluster.c","mode":"managed",
         "type":"azurerm_kubernetes_cluster","name":"c","values":{}}]}}}"#;
    let file = write(dir.path(), "state.json", text.as_bytes());
    let other = example();
    let out = akslint()
        .args(["--format", "json"])
        .arg(&file)
        .arg(&other)
        .output()
        .unwrap();
    assert_orderly(&out, "multi-byte address");
    let doc = json_of(&out);
    assert_eq!(doc["summary"]["files"], 2, "{doc}");
}

/// The same input with an ASCII character there is fine: the guard for the
/// panic above is the character boundary, not the address shape.
#[test]
fn state_address_with_a_prefix_before_the_type() {
    let dir = tempfile::tempdir().unwrap();
    for prefix in ["x", "é.", "module.ü[\"ß\"].", ""] {
        let text = serde_json::json!({
            "format_version": "1.0",
            "values": {"root_module": {"resources": [{
                "address": format!("{prefix}azurerm_kubernetes_cluster.c"),
                "mode": "managed",
                "type": "azurerm_kubernetes_cluster",
                "name": "c",
                "values": {},
            }]}},
        })
        .to_string();
        let file = write(dir.path(), "state.json", text.as_bytes());
        let out = akslint()
            .args(["--format", "json"])
            .arg(&file)
            .output()
            .unwrap();
        assert_orderly(&out, prefix);
        assert_eq!(json_of(&out)["summary"]["files"], 1);
    }
}

/// `after_sensitive: true` (the whole object sensitive) replaces a
/// resource's values by the string "(sensitive)": the rules then fail
/// on a non-object (20 rule errors with empty reasons) instead of treating
/// every attribute as sensitive.
#[test]
fn whole_resource_marked_sensitive() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"{"format_version":"1.2","resource_changes":[{"address":"azurerm_kubernetes_cluster.c",
      "mode":"managed","type":"azurerm_kubernetes_cluster","name":"c",
      "change":{"actions":["create"],"after":{"name":"c"},"after_unknown":{},"after_sensitive":true}}]}"#;
    let file = write(dir.path(), "plan.json", text.as_bytes());
    let out = akslint()
        .args(["--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_orderly(&out, "after_sensitive: true");
    let doc = json_of(&out);
    assert!(doc["errors"].as_array().unwrap().is_empty(), "{doc}");
}

// ---------------------------------------------------------------- determinism

fn all_fixture_inputs() -> Vec<String> {
    let mut inputs: Vec<String> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .filter_map(|e| e.ok())
        .flat_map(|e| ["plan.json", "state.json"].map(|f| e.path().join(f)))
        .filter(|p| p.exists())
        .map(|p| path_str(&p))
        .collect();
    inputs.sort();
    inputs
}

#[test]
fn byte_identical_output_across_runs_and_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    // Errors and skipped files beside the fixtures, in a walked directory.
    write(
        dir.path(),
        "w/a-broken.json",
        b"{\"format_version\": \"1.0\",",
    );
    write(dir.path(), "w/b-notplan.json", b"{\"name\": \"x\"}");
    write(
        dir.path(),
        "w/c-version.json",
        b"{\"format_version\": \"9.0\"}",
    );
    std::fs::copy(example(), dir.path().join("w/d-plan.json")).unwrap();
    let mut inputs = all_fixture_inputs();
    // The inputs in reverse too: the order given is the order reported.
    inputs.push(path_str(&dir.path().join("w")));
    let policies = path_str(&root().join("fixtures/policies"));
    for format in ["text", "json", "sarif"] {
        let mut reference: Option<(Vec<u8>, Option<i32>)> = None;
        for threads in ["1", "2", "8", "8"] {
            let out = akslint()
                .env("RAYON_NUM_THREADS", threads)
                .args([
                    "--format", format, "--color", "never", "--policy", &policies,
                ])
                .args(&inputs)
                .output()
                .unwrap();
            assert_orderly(&out, format);
            assert!(!out.stdout.is_empty());
            let got = (out.stdout, out.status.code());
            match &reference {
                None => reference = Some(got),
                Some(r) => assert!(
                    *r == got,
                    "{format} with {threads} threads differs from 1 thread:\n{}",
                    first_difference(&r.0, &got.0)
                ),
            }
        }
    }
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    let a = String::from_utf8_lossy(a);
    let b = String::from_utf8_lossy(b);
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}:\n- {x}\n+ {y}", i + 1);
        }
    }
    format!("lengths {} and {}", a.len(), b.len())
}

fn stderr_notes(threads: &str, dir: &Path) -> Vec<String> {
    let out = akslint()
        .env("RAYON_NUM_THREADS", threads)
        .args(["--format", "json"])
        .arg(dir)
        .output()
        .unwrap();
    assert_orderly(&out, "notes");
    stderr(&out).lines().map(str::to_string).collect()
}

fn dir_of_non_plans() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..12 {
        write(dir.path(), &format!("n{i:02}.json"), b"{\"name\": \"x\"}");
    }
    std::fs::copy(example(), dir.path().join("plan.json")).unwrap();
    dir
}

/// The notes on stderr (skipped files) are the same whatever the thread
/// count (as a set: see the known gap below for their order).
#[test]
fn stderr_notes_are_the_same_set() {
    let dir = dir_of_non_plans();
    let mut reference = stderr_notes("1", dir.path());
    assert_eq!(reference.len(), 12, "{reference:?}");
    reference.sort();
    for threads in ["2", "8"] {
        let mut got = stderr_notes(threads, dir.path());
        got.sort();
        assert_eq!(got, reference);
    }
}

/// `lint_one` prints "skipping FILE: not a Terraform plan or state" from the
/// rayon workers, so with several threads the notes come out in any order.
#[test]
fn stderr_notes_in_a_stable_order() {
    let dir = dir_of_non_plans();
    let reference = stderr_notes("1", dir.path());
    for _ in 0..8 {
        assert_eq!(stderr_notes("8", dir.path()), reference);
    }
}

// ---------------------------------------------------------------- SARIF

fn schema() -> Option<Value> {
    let path = root().join("../shared/schemas/sarif-schema-2.1.0.json");
    if !path.exists() {
        eprintln!(
            "skipping SARIF schema validation: {} does not exist",
            path.display()
        );
        return None;
    }
    Some(serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
}

fn validate_sarif(doc: &Value, what: &str) {
    let Some(schema) = schema() else {
        return;
    };
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: SARIF schema violations: {errors:#?}"
    );
}

#[test]
fn sarif_is_schema_valid_for_every_fixture() {
    let Some(schema) = schema() else {
        return;
    };
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let policies = path_str(&root().join("fixtures/policies"));
    let inputs = all_fixture_inputs();
    assert!(inputs.len() >= 10, "{inputs:?}");
    let check = |what: &str, args: &[&str]| {
        let out = akslint()
            .args(["--format", "sarif"])
            .args(args)
            .output()
            .unwrap();
        assert_orderly(&out, what);
        let doc = json_of(&out);
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{what}: SARIF schema violations: {errors:#?}"
        );
        assert_eq!(doc["version"], "2.1.0");
        doc
    };
    // Each fixture alone, with the custom policy and a category.
    for input in &inputs {
        check(
            input,
            &["--policy", &policies, "--category", "akslint/x/", input],
        );
    }
    // All together, with input errors (notifications) in the same run.
    let dir = tempfile::tempdir().unwrap();
    let broken = path_str(&write(dir.path(), "broken.json", b"{\"format_version\":"));
    let empty = path_str(&write(dir.path(), "empty.json", b""));
    // All together in each --unknown mode, with input errors
    // (notifications) in the same run.
    for unknown in ["ignore", "warn", "fail"] {
        let mut all: Vec<&str> = vec!["--unknown", unknown];
        all.extend(inputs.iter().map(String::as_str));
        all.push(&broken);
        all.push(&empty);
        all.push("/nonexistent/plan.json");
        let doc = check(unknown, &all);
        assert!(!doc["runs"][0]["results"].as_array().unwrap().is_empty());
    }
}

/// Inputs whose handling the docs promise: `values: null`, a file of
/// whitespace, a lone surrogate, a JSON error at a line start (column 1,
/// not 0, on stdin too), a doubled byte order mark.
#[test]
fn documented_input_errors_hold() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[u8], &str, &str)] = &[
        (
            "null-values.json",
            br#"{"format_version":"1.0","values":null}"#,
            "not_terraform",
            "`values` is null",
        ),
        ("blank.json", b"   \n\n  \t ", "empty", "only whitespace"),
        (
            "surrogate.json",
            br#"{"format_version": "\ud800"}"#,
            "json",
            "surrogate",
        ),
        ("eof.json", b"{\n", "json", ":2:1:"),
        (
            "bom2.json",
            b"\xef\xbb\xbf\xef\xbb\xbf{\"format_version\":\"1.0\"}",
            "encoding",
            "second byte order mark",
        ),
        // A resource's values of another type: every attribute would read
        // as unset (false failures); the value is not shown.
        (
            "state-values-string.json",
            br#"{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"azurerm_kubernetes_cluster.c","mode":"managed","type":"azurerm_kubernetes_cluster","name":"c","values":"SECRETSTV"}]}}}"#,
            "not_terraform",
            "azurerm_kubernetes_cluster.c: values is not an object",
        ),
        (
            "plan-after-string.json",
            br#"{"format_version":"1.2","resource_changes":[{"address":"azurerm_kubernetes_cluster.c","mode":"managed","type":"azurerm_kubernetes_cluster","name":"c","change":{"actions":["create"],"after":"SECRETSTV"}}]}"#,
            "not_terraform",
            "azurerm_kubernetes_cluster.c: change.after is not an object",
        ),
        (
            "plan-before-string.json",
            br#"{"format_version":"1.2","resource_changes":[{"address":"azurerm_kubernetes_cluster.c","mode":"managed","type":"azurerm_kubernetes_cluster","name":"c","change":{"actions":["update"],"before":"SECRETSTV","after":{}}}]}"#,
            "not_terraform",
            "azurerm_kubernetes_cluster.c: change.before is not an object",
        ),
    ];
    for (name, bytes, code, text) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let out = run(&["--format", "json", &path_str(&p)]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stdout(&out));
        let doc = json_of(&out);
        assert_eq!(doc["errors"][0]["code"], *code, "{name}: {doc}");
        assert!(
            doc["errors"][0]["message"].as_str().unwrap().contains(text),
            "{name}: {doc}"
        );
        assert!(!stdout(&out).contains("SECRETSTV"), "{name}: {doc}");
    }
    let mut child = akslint()
        .args(["--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"{\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        stdout(&out).contains("-:2:1: invalid JSON"),
        "{}",
        stdout(&out)
    );
}

/// Terraform's other JSON documents carry a `format_version` too: they are
/// not plans or states (exit 2, saying what they are), while an empty state
/// (`terraform show -json` of no state: the version alone) is one.
#[test]
fn other_terraform_documents_are_not_plans() {
    let dir = tempfile::tempdir().unwrap();
    for (name, doc, what) in [
        (
            "schema.json",
            r#"{"format_version":"1.0","provider_schemas":{}}"#,
            "provider schema",
        ),
        (
            "validate.json",
            r#"{"format_version":"1.0","valid":true,"error_count":0,"warning_count":0,"diagnostics":[]}"#,
            "terraform validate",
        ),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, doc).unwrap();
        let out = akslint()
            .args(["--color", "never"])
            .arg(&p)
            .output()
            .unwrap();
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(2), "{name}: {text}");
        assert!(text.contains(what), "{name}: {text}");
        assert!(text.contains("not a Terraform plan or state"), "{text}");
    }
    let empty = dir.path().join("empty-state.json");
    std::fs::write(&empty, r#"{"format_version":"1.0"}"#).unwrap();
    let out = akslint().arg(&empty).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
