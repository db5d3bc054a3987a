//! The built-in rules run as an RVM program compiled at build time (all of
//! them in one VM run, or rule by rule), the costliest also in Rust
//! (`--engine native`, the default); regorus' interpreter is the
//! reference semantics (`--engine interpreter`). All must give the same
//! report, byte for byte, on every input we have: the
//! fixtures, the real plans, and generated plans of every shape genplan
//! makes (clusters, pools, credentials, modules, count/for_each).
mod common;

use std::path::{Path, PathBuf};

use common::*;

#[allow(dead_code)]
#[path = "../examples/genplan.rs"]
mod genplan;

/// The JSON report of one run over `paths`, with the given engine.
fn report(engine: &str, paths: &[PathBuf]) -> (i32, String) {
    report_with(engine, paths, false)
}

/// `per_rule`: with `AKSLINT_TIMINGS` set, which makes the VM run each rule
/// on its own instead of all of them in one run.
fn report_with(engine: &str, paths: &[PathBuf], per_rule: bool) -> (i32, String) {
    let mut args: Vec<String> = vec![
        "--format".into(),
        "json".into(),
        "--no-config".into(),
        "--unknown".into(),
        "warn".into(),
        "--engine".into(),
        engine.into(),
    ];
    args.extend(paths.iter().map(|p| path_str(p)));
    let mut cmd = akslint();
    if per_rule {
        cmd.env("AKSLINT_TIMINGS", "1");
    }
    let out = cmd.args(&args).output().expect("akslint runs");
    let text = stdout(&out);
    assert!(
        text.starts_with('{'),
        "no JSON report with --engine {engine}: {}",
        stderr(&out)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn assert_same(what: &str, paths: &[PathBuf]) {
    let (vm_code, vm) = report("vm", paths);
    let (it_code, it) = report("interpreter", paths);
    assert_eq!(vm_code, it_code, "{what}: exit status differs");
    let (_, one_by_one) = report_with("vm", paths, true);
    assert!(
        vm == one_by_one,
        "{what}: the VM's run of all rules at once and rule by rule disagree"
    );
    for per_rule in [false, true] {
        let (native_code, native) = report_with("native", paths, per_rule);
        assert_eq!(native_code, vm_code, "{what}: exit status differs in Rust");
        assert!(
            native == vm,
            "{what}: the rules in Rust and in Rego disagree (rule by rule: {per_rule})"
        );
    }
    if vm != it {
        let a: Vec<&str> = vm.lines().collect();
        let b: Vec<&str> = it.lines().collect();
        let first = a
            .iter()
            .zip(&b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        panic!(
            "{what}: the VM and the interpreter disagree from line {}:\nvm:          {}\ninterpreter: {}",
            first + 1,
            a.get(first).unwrap_or(&"<end>"),
            b.get(first).unwrap_or(&"<end>")
        );
    }
    // Something was checked: findings, or a clean run over real resources.
    let doc: serde_json::Value = serde_json::from_str(&vm).expect("JSON report");
    assert!(
        doc["summary"]["resources"].as_u64().unwrap_or(0) > 0,
        "{what}: no resource was linted"
    );
}

fn fixture_inputs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root().join("fixtures")).expect("fixtures") {
        let dir = entry.expect("entry").path();
        for name in ["plan.json", "state.json"] {
            let p = dir.join(name);
            if p.is_file() {
                out.push(p);
            }
        }
    }
    out.sort();
    assert!(out.len() >= 14, "fixtures missing: {out:?}");
    out
}

#[test]
fn fixtures_give_the_same_report_on_both_engines() {
    for p in fixture_inputs() {
        assert_same(&path_str(&p), std::slice::from_ref(&p));
    }
}

#[test]
fn real_plans_give_the_same_report_on_both_engines() {
    let dir = corpus();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipping: {} not found", dir.display());
        return;
    };
    let mut plans: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    plans.sort();
    assert!(!plans.is_empty());
    assert_same("the real plans", &plans);
}

fn generated(dir: &Path) -> Vec<PathBuf> {
    let mut plans: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("generated plans")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    plans.sort();
    plans
}

#[test]
fn generated_plans_give_the_same_report_on_both_engines() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    // Small plans with different seeds vary every AKS body genplan knows.
    for seed in [1_u64, 7, 42] {
        let dir = tmp.path().join(format!("small-{seed}"));
        genplan::generate_dir(&dir, 6, seed).expect("generate plans");
        assert_same(&format!("generated plans, seed {seed}"), &generated(&dir));
    }
    // One plan large enough that its rules are evaluated in parallel.
    let big = tmp.path().join("big.json");
    genplan::generate_big(&big, 1.5, 3).expect("generate plan");
    assert_same("a 1.5 MB generated plan", &[big]);
}

/// Rules that fail to evaluate (here: a time limit no rule of any size can
/// meet): the all-at-once VM run fails as a whole, the rules are then run
/// one by one, and each failure names its rule while the rules that finish
/// within the limit still report.
#[test]
fn a_failing_rule_is_named_and_the_others_still_report() {
    use akslint::engine::{Backend, RuleEngine};
    let src = akslint::plan::read(Some(&root().join("fixtures/bad-4x/plan.json"))).expect("read");
    let model = akslint::plan::normalize(&src, &None).expect("normalize");
    let rules = akslint::rules::builtin_rules().expect("built-in rules load");
    let total = rules.len();
    let mut engine = RuleEngine::new(
        rules,
        &akslint::rules::builtin_libs(),
        &serde_json::Map::new(),
        std::time::Duration::from_nanos(1),
        Backend::Vm,
        false,
    )
    .expect("built-in rules load");
    let (findings, failures) = engine.evaluate(model.to_input());
    assert!(!failures.is_empty(), "no rule exceeded a 1 ns limit");
    assert!(failures.len() < total, "every rule failed: {failures:?}");
    for f in &failures {
        assert!(f.rule_id.starts_with("AKS"), "{f:?}");
        assert!(f.reason.contains("time limit"), "{f:?}");
    }
    // The rules that finished found what they find without a limit.
    let mut unlimited = RuleEngine::new(
        akslint::rules::builtin_rules().expect("built-in rules load"),
        &akslint::rules::builtin_libs(),
        &serde_json::Map::new(),
        std::time::Duration::from_secs(10),
        Backend::Vm,
        false,
    )
    .expect("built-in rules load");
    let (all, none) = unlimited.evaluate(model.to_input());
    assert!(none.is_empty(), "{none:?}");
    let failed: Vec<&str> = failures.iter().map(|f| f.rule_id.as_str()).collect();
    let rules = unlimited.rules();
    let expected: Vec<_> = all
        .into_iter()
        .filter(|f| !failed.contains(&rules[f.rule].meta.id.as_str()))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(findings, expected);
}

/// A large file's input is evaluated in slices (each cluster with what is
/// joined to it, the rest in the first slice; see `Model::slices`).
/// Whatever the number of slices, the findings are those of the whole
/// input, on every fixture, every real plan and both kinds of generated
/// plan. The whole input is evaluated without the facts about the file
/// that akslint computes for the slices (`joins.any_cluster`,
/// `joins.csi_cluster`), so that the rules compute them from the
/// resources: this also checks that akslint computes them as the rules do.
#[test]
fn slices_find_what_the_whole_input_finds() {
    use akslint::engine::{Backend, RuleEngine};
    let tmp = tempfile::tempdir().expect("temporary directory");
    let generated = tmp.path().join("generated.json");
    genplan::generate_big(&generated, 1.5, 5).expect("generate plan");
    let like_real = tmp.path().join("like-real.json");
    genplan::generate_like_real(&corpus(), &like_real, 1.0).expect("generate plan");
    let mut inputs = vec![generated, like_real];
    for dir in std::fs::read_dir(root().join("fixtures")).expect("fixtures") {
        let dir = dir.expect("fixture").path();
        for name in ["plan.json", "state.json"] {
            if dir.join(name).is_file() {
                inputs.push(dir.join(name));
            }
        }
    }
    let mut real: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("real plans")
        .map(|e| e.expect("real plan").path())
        .collect();
    real.sort();
    inputs.extend(real);
    let mut engine = RuleEngine::new(
        akslint::rules::builtin_rules().expect("built-in rules load"),
        &akslint::rules::builtin_libs(),
        &serde_json::Map::new(),
        std::time::Duration::from_secs(60),
        Backend::Vm,
        false,
    )
    .expect("built-in rules load");
    let sorted = |f: Vec<akslint::engine::RawFinding>| {
        let mut v: Vec<String> = f.iter().map(|f| format!("{f:?}")).collect();
        v.sort();
        v.dedup();
        v
    };
    let mut compared = 0;
    for path in &inputs {
        let Ok(src) = akslint::plan::read(Some(path)) else {
            continue;
        };
        let Ok(model) = akslint::plan::normalize(&src, &engine.type_filter()) else {
            continue;
        };
        let mut input = model.to_input();
        let joins = input
            .as_object_mut()
            .expect("input object")
            .get_mut(&regorus::Value::from("joins"))
            .expect("input.joins");
        for fact in ["any_cluster", "csi_cluster"] {
            joins
                .as_object_mut()
                .expect("joins object")
                .insert(regorus::Value::from(fact), regorus::Value::Null);
        }
        let (whole, none) = engine.evaluate(input);
        assert!(none.is_empty(), "{}: {none:?}", path.display());
        let whole = sorted(whole);
        for n in [1, 3, 16, 1000] {
            let slices = model.slices(n);
            assert!(!slices.is_empty() && slices.len() <= n);
            let (r, p): (usize, usize) = slices.iter().fold((0, 0), |(r, p), s| {
                (r + s.resources.len(), p + s.pools.len())
            });
            assert_eq!((r, p), (model.resources.len(), model.pools.len()));
            let (parts, none) = engine.evaluate_sliced(slices.len(), |i| {
                model.slice_input(&slices[i], akslint::plan::View::Redacted)
            });
            assert!(none.is_empty(), "{none:?}");
            assert_eq!(sorted(parts), whole, "{}: {n} slices", path.display());
        }
        compared += 1;
    }
    assert!(compared >= 20, "only {compared} inputs compared");
}

/// With a custom policy loaded, a large file's built-in rules still run on
/// slices and the custom policy on whole inputs (at most two at once): the
/// report holds what the built-in rules find without the policy plus what
/// the policy finds alone, whatever the number of threads.
#[test]
fn custom_policies_beside_sliced_built_in_rules() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let plan = tmp.path().join("like-real.json");
    // 3 MB: several hundred resources of the types the rules read, over the
    // threshold from which a file's rules are spread over the workers.
    genplan::generate_like_real(&corpus(), &plan, 3.0).expect("generate plan");
    let policy = root().join("fixtures/policies/org");
    let findings = |threads: &str, extra: &[&str]| -> Vec<String> {
        let mut args = vec!["--format", "json", "--no-config"];
        args.extend_from_slice(extra);
        let plan = path_str(&plan);
        args.push(&plan);
        let out = akslint()
            .env("RAYON_NUM_THREADS", threads)
            .args(&args)
            .output()
            .expect("akslint runs");
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON report");
        assert!(
            v["errors"].as_array().is_some_and(Vec::is_empty),
            "{}",
            stderr(&out)
        );
        let mut f: Vec<String> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f.to_string())
            .collect();
        f.sort();
        f
    };
    let policy = path_str(&policy);
    let builtin = findings("1", &[]);
    let custom = findings("1", &["--policy", &policy, "--rule", "ORG001"]);
    assert!(builtin.len() > 50 && !custom.is_empty());
    let mut expected: Vec<String> = builtin.into_iter().chain(custom).collect();
    expected.sort();
    for threads in ["1", "3"] {
        assert_eq!(
            findings(threads, &["--policy", &policy]),
            expected,
            "{threads} threads"
        );
    }
}
