//! Custom policies through the binary: loading, selection, the failure
//! cases, and `akslint test`.
mod common;

use common::*;

fn example() -> String {
    path_str(&root().join("fixtures/example/plan.json"))
}

fn policy(dir: &str) -> String {
    path_str(&root().join(dir))
}

#[test]
fn custom_policy_findings_flow_like_builtin_ones() {
    let (code, doc) = run_json(&["--policy", &policy("fixtures/policies"), &example()]);
    assert_eq!(code, 1);
    let org: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "ORG001")
        .collect();
    assert_eq!(org.len(), 1, "{doc}");
    assert_eq!(org[0]["rule_name"], "cost-center-tag");
    assert_eq!(org[0]["severity"], "low");
    assert_eq!(org[0]["attribute"], "tags");
}

#[test]
fn rule_selection() {
    let (_, only) = run_json(&["--rule", "AKS001", "--rule", "zones", &example()]);
    let ids: std::collections::BTreeSet<&str> = only["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["AKS001", "AKS012"].into_iter().collect());
    let (_, skipped) = run_json(&["--skip-rule", "private-cluster", &example()]);
    assert!(skipped["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule_id"] != "AKS001"));
    assert_eq!(
        run(&["--rule", "AKS999", &example()]).status.code(),
        Some(2)
    );
}

#[test]
fn colliding_id_or_name_is_exit_2() {
    let out = run(&["--policy", &policy("tests/policies/collide"), &example()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("X001.rego") && err.contains("private-cluster"),
        "{err}"
    );
}

#[test]
fn syntax_error_names_file_line_and_column() {
    let out = run(&["--policy", &policy("tests/policies/syntax"), &example()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("X002.rego:20:1"), "{err}");
}

#[test]
fn runtime_error_in_one_policy_keeps_the_others() {
    let (code, doc) = run_json(&["--policy", &policy("tests/policies/runtime"), &example()]);
    assert_eq!(code, 2);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{doc}");
    assert_eq!(errors[0]["code"], "rule_error");
    let msg = errors[0]["message"].as_str().unwrap();
    let reason = msg.split("failed:").nth(1).unwrap_or_default().trim();
    assert!(msg.contains("X003") && reason.len() > 10, "{msg}");
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule_id"] == "AKS001"));
}

#[test]
fn slow_policy_is_stopped_by_the_time_bound() {
    let start = std::time::Instant::now();
    let (code, doc) = run_json(&[
        "--policy",
        &policy("tests/policies/slow"),
        "--rule",
        "X004",
        "--policy-timeout",
        "0.5",
        &example(),
    ]);
    assert!(start.elapsed() < std::time::Duration::from_secs(60));
    assert_eq!(code, 2);
    let msg = doc["errors"][0]["message"].as_str().unwrap();
    assert!(msg.contains("X004") && msg.contains("time limit"), "{msg}");
}

#[test]
fn akslint_test_runs_policy_tests() {
    let out = run(&["test", &policy("fixtures/policies")]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("3 passed, 0 failed"));
    let out = run(&["test", &policy("tests/policies/failing")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("FAIL data.akslint.rules.X005_test.test_fails"));
    assert!(stdout(&out).contains("1 passed, 1 failed"));
    // A test's print output is shown under it, escaped: no control
    // character, no line a CI runner would run as a command.
    let (o, e) = (stdout(&out), stderr(&out));
    assert!(o.contains("  print: "), "{o}");
    assert!(o.contains("P \\u{1b}[31mred\\u{a}"), "{o}");
    assert!(e.is_empty(), "{e}");
    assert!(!o.contains('\u{1b}') && !o.contains('\u{202e}'), "{o}");
    assert!(
        !o.contains("##vso[") && !o.lines().any(|l| l.starts_with("::")),
        "{o}"
    );
    // A lint run drops it.
    let out = run(&[
        "--policy",
        &policy("tests/policies/failing"),
        "--rule",
        "X005",
        &example(),
    ]);
    assert!(!stderr(&out).contains("DENY-PRINT"), "{}", stderr(&out));
    assert!(!stdout(&out).contains("DENY-PRINT"), "{}", stdout(&out));
    assert_eq!(
        run(&["test", &policy("tests/policies/syntax")])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn absurd_allocation_is_a_clean_error() {
    let (code, doc) = run_json(&[
        "--policy",
        &policy("tests/policies/alloc"),
        "--rule",
        "X006",
        &example(),
    ]);
    assert_eq!(code, 2);
    let msg = doc["errors"][0]["message"].as_str().unwrap();
    assert!(msg.contains("X006") && msg.contains("limit"), "{msg}");
}

/// Recursive functions (infinite, and finite but deep on the input) and a
/// `deny` that fails whatever the input: each is an error naming the policy
/// and its file, on the input; the built-in rules still report, in every
/// format; the process never dies of a stack overflow.
#[test]
fn policy_bombs_are_errors_per_policy_and_the_other_rules_still_report() {
    let bombs = policy("tests/policies/bombs");
    let (code, doc) = run_json(&["--policy", &bombs, &example()]);
    assert_eq!(code, 2, "{doc}");
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 3, "{doc}");
    for (e, id) in errors.iter().zip(["BOMB001", "BOMB002", "BOMB003"]) {
        let msg = e["message"].as_str().unwrap();
        assert!(msg.contains(&format!("policy {id} (")), "{msg}");
        assert!(msg.contains(&format!("{id}.rego")), "{msg}");
        assert!(msg.starts_with(&example()), "{msg}");
    }
    assert!(errors[0]["message"].as_str().unwrap().contains("recursion"));
    // The built-in rules' findings are all there, as without the bombs.
    let (_, plain) = run_json(&[&example()]);
    assert_eq!(doc["findings"], plain["findings"], "{doc}");
    for format in ["text", "sarif", "markdown", "github", "junit"] {
        let out = run(&["--format", format, "--policy", &bombs, &example()]);
        assert_eq!(out.status.code(), Some(2), "{format}: {}", stderr(&out));
        let text = stdout(&out) + &stderr(&out);
        assert!(
            text.contains("AKS001"),
            "{format}: built-in findings missing"
        );
        assert!(
            text.contains("BOMB002"),
            "{format}: the policy error is missing"
        );
    }
}

fn write_policy(dir: &std::path::Path, file: &str, text: &str) {
    std::fs::write(dir.join(file), text).unwrap();
}

const NO_NAME: &str =
    "# METADATA\n# title: Clusters carry an Owner tag!\n# description: d\n# custom:\n\
#   id: ORG777\n#   severity: LOW\n#   resource_types: [azurerm_kubernetes_cluster]\n\
#   help_uri: https://wiki.example.com/aks/ORG777\n#   why: w\n#   remediation: r\n\
package akslint.rules.ORG777\n\nimport rego.v1\n\n\
deny contains {\"msg\": \"no owner\", \"resource\": c.address} if {\n\
\tsome c in input.by_type.azurerm_kubernetes_cluster\n}\n";

/// Custom policies are first-class: `rules` and `explain` list them (from
/// --policy and from .akslint.toml), a name is derived from the title when
/// METADATA has none, METADATA's help_uri is the SARIF helpUri, and a
/// policy without one gets no helpUri (not a page that does not exist).
#[test]
fn custom_policies_in_rules_explain_and_sarif() {
    let dir = tempfile::tempdir().unwrap();
    write_policy(dir.path(), "ORG777.rego", NO_NAME);
    let pol = path_str(dir.path());
    let out = run(&["rules", "--policy", &pol]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("ORG777  clusters-carry-an-owner-tag"),
        "{}",
        stdout(&out)
    );
    let out = run(&["explain", "clusters-carry-an-owner-tag", "--policy", &pol]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("ORG777 clusters-carry-an-owner-tag"));
    // Through the config file, found from the working directory.
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    std::fs::write(
        repo.path().join(".akslint.toml"),
        format!("policies = [{:?}]\n", pol),
    )
    .unwrap();
    let out = akslint()
        .current_dir(repo.path())
        .args(["explain", "ORG777"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // SARIF: the policy's own page; ORG001 (no help_uri): none.
    let out = run(&[
        "--format",
        "sarif",
        "--policy",
        &pol,
        "--policy",
        &policy("fixtures/policies/org"),
        &example(),
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let by_id = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(
        by_id("ORG777")["helpUri"],
        "https://wiki.example.com/aks/ORG777"
    );
    assert!(
        by_id("ORG001").get("helpUri").is_none(),
        "{}",
        by_id("ORG001")
    );
    assert!(by_id("AKS001")["helpUri"]
        .as_str()
        .unwrap()
        .ends_with("docs/rules/AKS001.md"));
}

/// A `.rego` file with a `deny` rule and no METADATA is an error naming it,
/// not a library silently ignored; a config file's missing policy directory
/// points into the file.
#[test]
fn deny_without_metadata_and_missing_policy_dir_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write_policy(
        dir.path(),
        "oops.rego",
        "package akslint.rules.oops\n\nimport rego.v1\n\ndeny contains {\"msg\": \"x\", \"resource\": \"r\"} if true\n",
    );
    let out = run(&["--policy", &path_str(dir.path()), &example()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("oops.rego"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no `# METADATA` block"),
        "{}",
        stderr(&out)
    );

    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    std::fs::write(repo.path().join(".akslint.toml"), "policies = [\"nope\"]\n").unwrap();
    let out = akslint()
        .current_dir(repo.path())
        .arg(example())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(".akslint.toml:1:13"), "{err}");
    assert!(err.contains("does not exist"), "{err}");
}

/// regorus writes some warnings to standard error itself (a Rego v0 parse,
/// `import input`), with the file name and a source line akslint cannot
/// escape. A policy whose name or text holds a control or bidi character is
/// refused, naming the place; a v1 policy without `import rego.v1` parses
/// with no warning (the recursion check parses as the engines do).
#[test]
fn policy_text_and_names_are_inert() {
    let rule =
        |extra: &str| NO_NAME.replace("import rego.v1\n", &format!("import rego.v1\n{extra}\n"));
    for (what, text, place) in [
        (
            "escape",
            rule("# \u{1b}]0;TITLE\u{7}::error::X"),
            "line 14, column 3: U+001B",
        ),
        (
            "bidi",
            rule("x := \"a\u{202e}b\""),
            "line 14, column 8: U+202E",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write_policy(dir.path(), "p.rego", &text);
        let out = run(&["--policy", &path_str(dir.path()), &example()]);
        assert_eq!(out.status.code(), Some(2), "{what}");
        let err = stderr(&out);
        assert!(
            err.contains("p.rego") && err.contains(place),
            "{what}: {err}"
        );
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{202e}'),
            "{what}: {err:?}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    write_policy(dir.path(), "a\n::error::NAME.rego", NO_NAME);
    let out = run(&["--policy", &path_str(dir.path()), &example()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("control character"), "{err}");
    assert!(
        !err.lines().any(|l| l.trim_start().starts_with("::")),
        "{err}"
    );
    // Escapes in strings stay allowed; no `import rego.v1` (v1 is the
    // default) prints no parser warning.
    let dir = tempfile::tempdir().unwrap();
    let text = rule("x := \"a\\u001bb\"").replace("import rego.v1\n", "");
    write_policy(dir.path(), "p.rego", &text);
    let out = run(&["--policy", &path_str(dir.path()), &example()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

/// A custom policy or library may not declare akslint's own packages (a
/// built-in rule's or library's, or one around or inside them): its rules
/// would join the built-in ones and read what only they read (the values a
/// plan marks sensitive, with `--engine interpreter`).
#[test]
fn custom_packages_are_their_own() {
    let in_package =
        |p: &str| NO_NAME.replace("package akslint.rules.ORG777", &format!("package {p}"));
    let library = |p: &str| format!("package {p}\n\nimport rego.v1\n\nx := 1\n");
    for (what, text, shown) in [
        (
            "rule",
            in_package("akslint.rules.AKS046"),
            "akslint.rules.AKS046",
        ),
        (
            "bracket",
            in_package("akslint.rules[\"AKS046\"]"),
            "akslint.rules.AKS046",
        ),
        // Escapes are decoded before the package is compared (regorus
        // evaluates the decoded name).
        (
            "escape",
            in_package("akslint.rules[\"AKS\\u003046\"]"),
            "akslint.rules.AKS046",
        ),
        (
            "escapes",
            library("akslint[\"r\\u0075les\"][\"AKS046\"]"),
            "akslint.rules.AKS046",
        ),
        (
            "inside",
            in_package("akslint.rules.AKS046.more"),
            "akslint.rules.AKS046",
        ),
        ("around", in_package("akslint.rules"), "akslint.rules"),
        ("lib", library("akslint.lib"), "akslint.lib"),
        ("params", library("akslint.params.AKS046"), "akslint.params"),
        ("aggregate", library("akslint.builtin"), "akslint.builtin"),
    ] {
        for engine in ["vm", "interpreter"] {
            let dir = tempfile::tempdir().unwrap();
            write_policy(dir.path(), "p.rego", &text);
            let out = run(&[
                "--engine",
                engine,
                "--policy",
                &path_str(dir.path()),
                &example(),
            ]);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{what} {engine}: {}",
                stderr(&out)
            );
            let err = stderr(&out);
            assert!(
                err.contains("p.rego") && err.contains(&format!("package {shown}")),
                "{what}: {err}"
            );
        }
    }
    // A package of its own, and a library beside it, load.
    let dir = tempfile::tempdir().unwrap();
    write_policy(dir.path(), "p.rego", NO_NAME);
    write_policy(dir.path(), "lib.rego", &library("org.lib"));
    let out = run(&["--policy", &path_str(dir.path()), &example()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

/// A policy that reports one resource's attribute several times (a finding
/// per missing tag, each on `tags`) gets a warning: those findings share
/// one identity. Each on its own path (`tags.owner`), they keep their own,
/// in SARIF (fingerprints) and in a baseline.
#[test]
fn findings_on_one_attribute_share_an_identity_and_are_warned_about() {
    let policy = |path: &str| {
        format!(
            "# METADATA\n# title: Clusters carry team tags\n# description: d\n# custom:\n\
#   id: ORG778\n#   severity: HIGH\n#   resource_types: [azurerm_kubernetes_cluster]\n\
#   why: w\n#   remediation: r\n\
package akslint.rules.ORG778\n\nimport rego.v1\n\nimport data.akslint.lib\n\n\
deny contains finding if {{\n\tsome c in lib.clusters\n\tsome tag in [\"owner\", \"team\"]\n\
\tnot lib.has_value(c, [\"tags\", tag])\n\
\tfinding := lib.finding(c, {path}, sprintf(\"no %s tag\", [tag]))\n}}\n"
        )
    };
    let plan = example();
    let dir = tempfile::tempdir().unwrap();
    let pol = path_str(dir.path());
    let hashes = |policy_text: String| {
        write_policy(dir.path(), "ORG778.rego", &policy_text);
        let out = run(&[
            "--format", "sarif", "--rule", "ORG778", "--policy", &pol, &plan,
        ]);
        let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let hashes: std::collections::BTreeSet<String> = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"]["primaryLocationLineHash"].to_string())
            .collect();
        (hashes, stderr(&out))
    };
    let (shared, err) = hashes(policy("[\"tags\"]"));
    assert_eq!(shared.len(), 1);
    assert!(
        err.contains("rule ORG778 reports azurerm_kubernetes_cluster.")
            && err.contains("`tags` more than once"),
        "{err}"
    );
    let (own, err) = hashes(policy("[\"tags\", tag]"));
    assert_eq!(own.len(), 2);
    assert!(!err.contains("more than once"), "{err}");

    // A baseline of the owner tag alone does not accept the team tag.
    let baseline = dir.path().join("baseline.json");
    let b = path_str(&baseline);
    let args = ["--rule", "ORG778", "--policy", &pol];
    run(&[&args[..], &["--write-baseline", &b, &plan]].concat());
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    let attributes: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["attribute"].as_str().unwrap())
        .collect();
    assert_eq!(attributes, ["tags.owner", "tags.team"]);
    doc["findings"].as_array_mut().unwrap().pop();
    std::fs::write(&baseline, doc.to_string()).unwrap();
    let (code, report) = run_json(&[&args[..], &["--baseline", &b, &plan]].concat());
    assert_eq!(code, 1, "{report}");
    let found: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(found, ["no team tag"]);
}
