//! Issue 17: `--compact`, `--quiet`, `--soft-fail`, AKSLINT_* environment
//! variables, text order and root causes, peer names, JUnit `<skipped>` for
//! suppressed findings.
mod common;

use std::process::Output;

use common::*;

/// Every variable a developer's shell could set for akslint.
const ENV: &[&str] = &[
    "AKSLINT_FORMAT",
    "AKSLINT_OUTPUT",
    "AKSLINT_FAIL_ON",
    "AKSLINT_UNKNOWN",
    "AKSLINT_CONFIG",
    "AKSLINT_NO_CONFIG",
    "AKSLINT_BASELINE",
    "AKSLINT_WRITE_BASELINE",
    "AKSLINT_SOFT_FAIL",
    "AKSLINT_COMPACT",
    "AKSLINT_QUIET",
    "AKSLINT_SHOW_SUPPRESSED",
    "AKSLINT_COLOR",
    "AKSLINT_SOURCE_DIR",
    "AKSLINT_REPO_ROOT",
    "AKSLINT_REPORT",
    "AKSLINT_CATEGORY",
    "AKSLINT_RULE",
    "AKSLINT_SKIP_RULE",
    "AKSLINT_POLICY",
    "AKSLINT_POLICY_TIMEOUT",
    "AKSLINT_ENGINE",
];

/// Runs akslint from the repository root (paths in reports relative to it)
/// with these variables set and no other AKSLINT_* option variable.
fn run_env(env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = akslint();
    c.current_dir(root()).env("AKSLINT_TODAY", "2026-12-04");
    for v in ENV {
        c.env_remove(v);
    }
    c.envs(env.iter().copied()).args(args);
    c.output().expect("akslint runs")
}

const EXAMPLE: &str = "fixtures/example/plan.json";

#[test]
fn compact_is_one_line_per_finding_in_order() {
    let out = run_env(&[], &["--compact", "--color", "never", EXAMPLE]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    insta::assert_snapshot!("compact_example", stdout(&out));
}

#[test]
fn compact_on_a_real_plan() {
    let plan = corpus().join("AKS_TF-main.json");
    let out = run_env(&[], &["--compact", &path_str(&plan)]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    // One line per finding (as many as the JSON report has), then the summary.
    let (_, doc) = run_json(&[&path_str(&plan)]);
    let n = doc["findings"].as_array().unwrap().len();
    assert!(n >= 21, "{doc}");
    assert_eq!(lines.len(), n + 1, "{text}");
    assert!(lines.iter().take(n).all(|l| l.contains(": ")));
    assert!(text.contains(": HIGH AKS001 module.AKS.azurerm_kubernetes_cluster.k8s: "));
    assert!(text.contains(
        ": HIGH AKS004 module.AKS.azurerm_kubernetes_cluster.k8s: same root cause as AKS001"
    ));
}

#[test]
fn quiet_prints_only_the_summary_and_errors() {
    let out = run_env(&[], &["--quiet", EXAMPLE, "fixtures/does-not-exist.json"]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("quiet_example", stdout(&out));
}

#[test]
fn text_is_ordered_by_file_line_rule_and_names_the_root_cause_once() {
    let out = run_env(&[], &["--color", "never", EXAMPLE]);
    let text = stdout(&out);
    insta::assert_snapshot!("text_example", text);
    // AKS004 does not repeat the `private_cluster_enabled` advice AKS001 gives.
    let aks004 = text
        .lines()
        .filter(|l| l.contains("AKS004"))
        .collect::<Vec<_>>();
    assert_eq!(aks004.len(), 1, "{text}");
    assert!(aks004[0].contains("same root cause as AKS001"), "{text}");
    // Without AKS001, AKS004 gives its own advice.
    let alone = stdout(&run_env(
        &[],
        &["--color", "never", "--skip-rule", "AKS001", EXAMPLE],
    ));
    assert!(alone.contains("AKS004/authorized-ips"), "{alone}");
    assert!(!alone.contains("same root cause"), "{alone}");
}

/// A finding located on a `dynamic` block (whose content the plan does not
/// show) that is `unknown` says so under the snippet, not that the block
/// does not set the attribute; a failing one in an ordinary block still
/// says that it is not set.
#[test]
fn a_dynamic_block_label_says_known_only_after_apply() {
    let out = run_env(
        &[],
        &["--color", "never", "fixtures/unknown-block/plan.json"],
    );
    let text = stdout(&out);
    assert!(
        text.contains("`default_node_pool[0].zones` is known only after apply"),
        "{text}"
    );
    assert!(
        !text.contains("`default_node_pool[0].zones` is not set in this block"),
        "{text}"
    );
    assert!(
        text.contains("`private_cluster_enabled` is not set in this block"),
        "{text}"
    );
}

#[test]
fn soft_fail_is_fail_on_never() {
    let code = |env: &[(&str, &str)], args: &[&str]| {
        let mut all = vec!["--quiet"];
        all.extend_from_slice(args);
        all.push(EXAMPLE);
        run_env(env, &all).status.code()
    };
    assert_eq!(code(&[], &[]), Some(1));
    assert_eq!(code(&[], &["--soft-fail"]), Some(0));
    assert_eq!(code(&[("AKSLINT_SOFT_FAIL", "true")], &[]), Some(0));
    assert_eq!(code(&[("AKSLINT_SOFT_FAIL", "0")], &[]), Some(1));
    // The command line wins over the environment, both ways.
    assert_eq!(
        code(&[("AKSLINT_SOFT_FAIL", "1")], &["--fail-on", "high"]),
        Some(1)
    );
    assert_eq!(
        code(&[("AKSLINT_FAIL_ON", "high")], &["--soft-fail"]),
        Some(0)
    );
    // Both on the command line contradict each other.
    assert_eq!(code(&[], &["--soft-fail", "--fail-on", "high"]), Some(2));
    assert_eq!(code(&[], &["--soft-fail", "--fail-on", "never"]), Some(0));
}

#[test]
fn options_come_from_the_environment_and_the_command_line_wins() {
    let out = run_env(&[("AKSLINT_FORMAT", "json")], &[EXAMPLE]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["tool"]["name"], "akslint");
    let out = run_env(
        &[("AKSLINT_FORMAT", "json")],
        &["--format", "text", "--quiet", EXAMPLE],
    );
    assert!(
        stdout(&out).starts_with("1 file linted"),
        "{}",
        stdout(&out)
    );
    // Lists are comma-separated.
    let out = run_env(
        &[
            ("AKSLINT_RULE", "AKS001,zones"),
            ("AKSLINT_COMPACT", "true"),
        ],
        &[EXAMPLE],
    );
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        text.contains(" AKS001 ") && text.contains(" AKS012 "),
        "{text}"
    );
    let out = run_env(
        &[("AKSLINT_RULE", "AKS001,zones")],
        &["--rule", "AKS030", "--compact", EXAMPLE],
    );
    assert_eq!(stdout(&out).lines().count(), 2, "{}", stdout(&out));
    // A bad value names the variable's option.
    let out = run_env(&[("AKSLINT_FAIL_ON", "sometimes")], &[EXAMPLE]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--fail-on"), "{}", stderr(&out));
    // --help documents every variable.
    let help = stdout(&run_env(&[], &["--help"]));
    for v in ENV {
        assert!(
            help.contains(&format!("[env: {v}")),
            "{v} not in --help:\n{help}"
        );
    }
}

#[test]
fn no_config_wins_over_a_config_from_the_environment() {
    let out = run_env(
        &[("AKSLINT_CONFIG", "does-not-exist.toml")],
        &["--quiet", EXAMPLE],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = run_env(
        &[("AKSLINT_CONFIG", "does-not-exist.toml")],
        &["--no-config", "--quiet", EXAMPLE],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn rules_spell_out_the_peer_tools() {
    let text = stdout(&run_env(&[], &["rules"]));
    assert!(text.contains("related: Checkov CKV_AZURE_115"), "{text}");
    assert!(text.contains("Trivy AZU-"), "{text}");
    assert!(!text.contains("ck:") && !text.contains("tv:"), "{text}");
    let explain = stdout(&run_env(&[], &["explain", "AKS001"]));
    assert!(explain.contains("Checkov CKV_AZURE_115"), "{explain}");
}

#[test]
fn junit_lists_suppressed_findings_as_skipped_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("akslint.toml");
    std::fs::write(
        &config,
        r#"
[[exceptions]]
rules = ["AKS030", "AKS012"]
reason = "Defender <rolled out> by policy & zones later"
"#,
    )
    .unwrap();
    let config = path_str(&config);
    let junit = |extra: &[&str]| {
        let mut args = vec!["--format", "junit", "--config", &config];
        args.extend_from_slice(extra);
        args.push(EXAMPLE);
        stdout(&run_env(&[], &args))
    };
    let hidden = junit(&[]);
    assert!(hidden.contains("skipped=\"0\""), "{hidden}");
    assert!(!hidden.contains("<skipped"), "{hidden}");
    let shown = junit(&["--show-suppressed"]);
    insta::assert_snapshot!("junit_show_suppressed", shown);
    let skipped = shown
        .matches("<skipped message=\"Defender &lt;rolled out&gt; by policy &amp; zones later\"/>")
        .count();
    assert_eq!(skipped, 2, "{shown}");
    // Counted as skipped in the file's suite and in the total.
    let doc = roxmltree::Document::parse(&shown).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.attribute("name"), Some("akslint"), "{shown}");
    assert_eq!(root.attribute("skipped"), Some("2"), "{shown}");
    let suite = root.first_element_child().expect("a test suite");
    assert_eq!(suite.attribute("skipped"), Some("2"), "{shown}");
    // Same number of test cases either way: a suppressed rule's case is a
    // pass without --show-suppressed and a skip with it.
    let tests = |s: &str| s.matches("<testcase ").count();
    assert_eq!(tests(&hidden), tests(&shown));
}

/// Two reports of one run to the same file: one would silently replace the
/// other, so the run stops with a usage error (and writes neither).
#[test]
fn two_reports_to_one_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let same = dir.path().join("same.out");
    let same_str = same.to_str().unwrap();
    let other = format!("{}/./same.out", dir.path().to_str().unwrap());
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let dotdot = format!("{}/sub/../same.out", dir.path().to_str().unwrap());
    let mut spellings = vec![dotdot];
    #[cfg(unix)]
    {
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(dir.path(), &link).unwrap();
        spellings.push(format!("{}/same.out", link.display()));
    }
    for spelling in &spellings {
        let out = run_env(
            &[],
            &[
                "-o",
                same_str,
                "--report",
                &format!("sarif={spelling}"),
                EXAMPLE,
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{spelling}: {}", stderr(&out));
        assert!(stderr(&out).contains("same file"), "{}", stderr(&out));
        assert!(!same.exists());
    }
    for args in [
        vec!["-o", same_str, "--report", &*format!("json={same_str}")],
        vec![
            "--report",
            &*format!("json={same_str}"),
            "--report",
            &*format!("sarif={other}"),
        ],
    ] {
        let mut all = args.clone();
        all.push(EXAMPLE);
        let out = run_env(&[], &all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("same file"), "{}", stderr(&out));
        assert!(!same.exists());
    }
    // Devices are not files: reports may all go to /dev/null.
    if std::path::Path::new("/dev/null").exists() {
        let out = run_env(
            &[],
            &["-o", "/dev/null", "--report", "sarif=/dev/null", EXAMPLE],
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    }
    // Different files are fine.
    let json = dir.path().join("a.json");
    let out = run_env(
        &[],
        &[
            "-o",
            same_str,
            "--report",
            &format!("json={}", json.display()),
            EXAMPLE,
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(same.exists() && json.exists());
}

#[test]
fn missing_source_and_repo_directories_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let missing = missing.to_str().unwrap();
    for (flag, var) in [
        ("--source-dir", "AKSLINT_SOURCE_DIR"),
        ("--repo-root", "AKSLINT_REPO_ROOT"),
    ] {
        for out in [
            run_env(&[], &[flag, missing, EXAMPLE]),
            run_env(&[(var, missing)], &[EXAMPLE]),
            run_env(&[], &[flag, EXAMPLE, EXAMPLE]),
        ] {
            assert_eq!(out.status.code(), Some(2), "{flag}: {}", stderr(&out));
            assert!(stderr(&out).contains(flag), "{}", stderr(&out));
            assert!(stderr(&out).contains("directory"), "{}", stderr(&out));
        }
        let out = run_env(&[], &[flag, "fixtures/example", EXAMPLE]);
        assert_eq!(out.status.code(), Some(1), "{flag}: {}", stderr(&out));
    }
}
