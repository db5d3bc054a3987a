//! The configuration file, exceptions, inline suppressions and baselines,
//! through the binary, failure cases included.
mod common;

use std::path::{Path, PathBuf};

use common::*;

/// A throwaway repository holding a copy of a fixture directory.
fn repo_with(fixture: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let dest = dir.path().join("infra");
    copy_dir(&root().join("fixtures").join(fixture), &dest);
    (dir, dest)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn json_in(cwd: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = akslint()
        .current_dir(cwd)
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), doc, stderr(&out))
}

fn ids(doc: &serde_json::Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn config_is_discovered_and_applied() {
    let (repo, infra) = repo_with("example");
    std::fs::write(
        repo.path().join(".akslint.toml"),
        r#"
fail_on = "critical"
[rules]
disable = ["AKS030", "kv-rotation"]
[rules.severity]
AKS012 = "critical"
[rules.params.AKS011]
min_nodes = 5
"#,
    )
    .unwrap();
    let (_, plain, _) = json_in(&infra, &["--no-config", "plan.json"]);
    assert!(ids(&plain).contains(&"AKS030".to_string()));
    assert!(!ids(&plain).contains(&"AKS011".to_string()));
    let (code, doc, err) = json_in(&infra, &["plan.json"]);
    let found = ids(&doc);
    assert!(
        !found.contains(&"AKS030".to_string()) && !found.contains(&"AKS032".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"AKS011".to_string()),
        "min_nodes = 5 makes 3 system nodes too few: {found:?} {err}"
    );
    let zones = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "AKS012")
        .unwrap();
    assert_eq!(zones["severity"], "critical");
    assert_eq!(code, 1, "AKS012 is critical now, and fail_on = critical");
    // The command line wins over the file.
    let (code, _, _) = json_in(&infra, &["--fail-on", "never", "plan.json"]);
    assert_eq!(code, 0);
}

fn config_error(toml: &str) -> String {
    let (repo, infra) = repo_with("example");
    let cfg = repo.path().join(".akslint.toml");
    std::fs::write(&cfg, toml).unwrap();
    let out = akslint()
        .current_dir(&infra)
        .args(["--color", "never", "plan.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stdout(&out).is_empty(), "no check runs: {}", stdout(&out));
    stderr(&out)
}

#[test]
fn bad_configs_point_into_the_file() {
    let err = config_error("fail_on = \"high\"\nbogus = 1\n");
    assert!(
        err.contains("unknown field `bogus`") && err.contains(".akslint.toml:2:1"),
        "{err}"
    );
    let err = config_error("fail_on = \"sometimes\"\n");
    assert!(
        err.contains("invalid fail_on") && err.contains(".akslint.toml:1:11"),
        "{err}"
    );
    let err = config_error("[rules]\ndisable = [\"AKS001\", \"AKS999\"]\n");
    assert!(
        err.contains("unknown rule \"AKS999\"") && err.contains(".akslint.toml:2:22"),
        "{err}"
    );
    let err = config_error("[[exceptions]]\nrules = [\"AKS001\"]\naddresses = [\"*\"]\n");
    assert!(
        err.contains("needs a `reason`") && err.contains(".akslint.toml:1:1"),
        "{err}"
    );
    let err = config_error("[rules.params.AKS011]\nmax_nodes = 5\n");
    assert!(
        err.contains("no parameter \"max_nodes\"") && err.contains(".akslint.toml:2:1"),
        "{err}"
    );
    let err = config_error("[rules.params.AKS011]\nmin_nodes = \"five\"\n");
    assert!(err.contains("takes a value like 3"), "{err}");
    let err = config_error(
        "[[exceptions]]\nrules = [\"AKS001\"]\nreason = \"x\"\nexpires = \"2027-02-30\"\n",
    );
    assert!(
        err.contains("invalid expiry date") && err.contains(".akslint.toml:4:11"),
        "{err}"
    );
    let err = config_error("fail_on = [\n");
    assert!(err.contains(".akslint.toml:"), "{err}");
    // The parser gives no reason for a character TOML does not allow.
    let err = config_error("# a raw \u{1b} in a comment\nfail_on = \"high\"\n");
    assert!(
        err.contains("a control character (U+001B) is not allowed here")
            && err.contains(".akslint.toml:1:9"),
        "{err}"
    );
}

#[test]
fn exceptions_suppress_until_they_expire() {
    let (repo, infra) = repo_with("example");
    std::fs::write(
        repo.path().join(".akslint.toml"),
        r#"
[[exceptions]]
rules = ["private-cluster"]
addresses = ["azurerm_kubernetes_cluster.*"]
reason = "reachable only through the office VPN"
expires = "2999-12-31"

[[exceptions]]
rules = ["AKS004"]
addresses = ["azurerm_kubernetes_cluster.main"]
reason = "temporary, until the firewall lands"
expires = 2020-01-01
"#,
    )
    .unwrap();
    let (_, doc, err) = json_in(&infra, &["plan.json"]);
    let found = ids(&doc);
    assert!(
        !found.contains(&"AKS001".to_string()),
        "live exception suppresses: {found:?}"
    );
    assert!(
        found.contains(&"AKS004".to_string()),
        "expired exception suppresses nothing"
    );
    assert_eq!(doc["summary"]["suppressed"], 1);
    let warnings = doc["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = warnings[0].as_str().unwrap();
    assert!(
        w.contains("2020-01-01")
            && w.contains("until the firewall lands")
            && w.contains(".akslint.toml:8"),
        "{w}"
    );
    assert!(err.contains("expired on 2020-01-01"), "{err}");

    let (_, shown, _) = json_in(&infra, &["--show-suppressed", "plan.json"]);
    let sup = shown["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "AKS001")
        .unwrap();
    assert_eq!(sup["suppression"]["kind"], "exception");
    assert_eq!(
        sup["suppression"]["justification"],
        "reachable only through the office VPN"
    );

    // SARIF carries suppressed findings with or without --show-suppressed
    // (left out, code scanning would close their alerts as fixed).
    let sarif_of = |args: &[&str]| -> serde_json::Value {
        let out = akslint()
            .current_dir(&infra)
            .args(["--format", "sarif"])
            .args(args)
            .arg("plan.json")
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let sarif = sarif_of(&["--show-suppressed"]);
    assert_eq!(sarif, sarif_of(&[]));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let r = results.iter().find(|r| r["ruleId"] == "AKS001").unwrap();
    assert_eq!(r["suppressions"][0]["kind"], "external");
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes.iter().any(|n| n["message"]["text"]
        .as_str()
        .unwrap()
        .contains("expired on 2020-01-01")));
}

#[test]
fn inline_suppressions_in_tf_source() {
    let (repo, infra) = repo_with("modules");
    let tf = infra.join("modules/aks/main.tf");
    let text = std::fs::read_to_string(&tf).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let i = lines
        .iter()
        .position(|l| l.contains("private_cluster_enabled"))
        .unwrap();
    lines.insert(
        i,
        "  # akslint:ignore private-cluster -- dev only, VPN".to_string(),
    );
    let j = lines
        .iter()
        .rposition(|l| l.trim_start().starts_with("zones"))
        .unwrap();
    lines.insert(
        j,
        "  // akslint:ignore AKS012 exp:2020-06-30 -- zones after the migration".to_string(),
    );
    std::fs::write(&tf, lines.join("\n") + "\n").unwrap();
    let (_, doc, err) = json_in(repo.path(), &["--show-suppressed", "infra/plan.json"]);
    let f = doc["findings"].as_array().unwrap();
    let aks001 = f.iter().find(|f| f["rule_id"] == "AKS001").unwrap();
    assert_eq!(aks001["suppression"]["kind"], "insource", "{aks001}");
    assert_eq!(aks001["suppression"]["justification"], "dev only, VPN");
    let others: Vec<_> = f.iter().filter(|f| f["rule_id"] != "AKS001").collect();
    assert!(
        others.iter().all(|f| f["suppression"].is_null()),
        "only AKS001 is suppressed: {others:?}"
    );
    let w = doc["warnings"].as_array().unwrap();
    assert!(
        w.iter()
            .any(|w| w.as_str().unwrap().contains("expired on 2020-06-30")),
        "{w:?} {err}"
    );
    let (_, hidden, _) = json_in(repo.path(), &["infra/plan.json"]);
    assert!(!ids(&hidden).contains(&"AKS001".to_string()));
}

/// An `akslint:ignore` beside a finding that suppresses nothing because of
/// a typo (a rule that does not exist, a date that cannot be) is a warning,
/// as the same mistake in `.akslint.toml` is an error.
#[test]
fn inline_suppressions_with_typos_are_warned_about() {
    let (repo, infra) = repo_with("modules");
    let tf = infra.join("modules/aks/main.tf");
    let text = std::fs::read_to_string(&tf).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let i = lines
        .iter()
        .position(|l| l.contains("private_cluster_enabled"))
        .unwrap();
    lines.insert(i, "  # akslint:ignore AKS999,zones -- typo".to_string());
    let j = lines
        .iter()
        .rposition(|l| l.trim_start().starts_with("zones"))
        .unwrap();
    lines.insert(
        j,
        "  # akslint:ignore AKS012 exp:2027-13-45 -- bad date".to_string(),
    );
    std::fs::write(&tf, lines.join("\n") + "\n").unwrap();
    let (_, doc, err) = json_in(repo.path(), &["infra/plan.json"]);
    let w: Vec<&str> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        w.iter().any(|w| w.contains("names no rule \"AKS999\"")),
        "{w:?} {err}"
    );
    // `zones` is a rule's name: no warning for it.
    assert!(!w.iter().any(|w| w.contains("\"zones\"")), "{w:?}");
    assert!(w.iter().any(|w| w.contains("does not read as")), "{w:?}");
    // Neither suppressed anything.
    assert!(ids(&doc).contains(&"AKS001".to_string()));
    assert!(ids(&doc).contains(&"AKS012".to_string()));
}

#[test]
fn baseline_reports_only_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let example = path_str(&root().join("fixtures/example/plan.json"));
    let bad = path_str(&root().join("fixtures/bad-4x/plan.json"));
    let out = run(&[
        "--write-baseline",
        &path_str(&baseline),
        "--format",
        "json",
        &example,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "writing a baseline does not fail the run"
    );
    let text = std::fs::read_to_string(&baseline).unwrap();
    assert!(
        text.contains("AKS001") && !text.contains("\"line\""),
        "{text}"
    );
    let (code, doc) = run_json(&["--baseline", &path_str(&baseline), &example]);
    assert_eq!(code, 0, "{doc}");
    assert!(doc["findings"].as_array().unwrap().is_empty());
    assert!(doc["summary"]["suppressed"].as_u64().unwrap() > 0);
    let (code, doc) = run_json(&["--baseline", &path_str(&baseline), &example, &bad]);
    assert_eq!(code, 1);
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["file"].as_str().unwrap().contains("bad-4x")));
    // Refreshing a baseline with one in use keeps what it accepted, and
    // adds today's new findings.
    let refreshed = dir.path().join("refreshed.json");
    let out = run(&[
        "--baseline",
        &path_str(&baseline),
        "--write-baseline",
        &path_str(&refreshed),
        &example,
        &bad,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let entries = |p: &std::path::Path| -> Vec<serde_json::Value> {
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        doc["findings"].as_array().unwrap().clone()
    };
    let (old, new) = (entries(&baseline), entries(&refreshed));
    assert!(old.iter().all(|e| new.contains(e)), "{new:?}");
    assert!(new.len() > old.len(), "{new:?}");
    let (code, doc) = run_json(&["--baseline", &path_str(&refreshed), &example, &bad]);
    assert_eq!(code, 0, "{doc}");
    std::fs::write(&baseline, "not json").unwrap();
    assert_eq!(
        run(&["--baseline", &path_str(&baseline), &example])
            .status
            .code(),
        Some(2)
    );
}

/// An expired exception whose reason holds a newline and workflow commands:
/// warned once per run in every format, never as a line of its own that
/// GitHub Actions would run, and with the config file's path relative.
#[test]
fn expired_exception_warning_is_once_per_run_escaped_and_in_every_format() {
    let (dir, infra) = repo_with("example");
    std::fs::copy(infra.join("plan.json"), infra.join("plan2.json")).unwrap();
    std::fs::write(
        dir.path().join(".akslint.toml"),
        "[[exceptions]]\nrules = [\"AKS001\"]\nreason = \"ok\\n::error file=a.tf::pwned\\n::add-mask::x ##vso[task.setvariable variable=P]1 ##[error]legacy\"\nexpires = \"2020-01-01\"\n",
    )
    .unwrap();
    for format in ["text", "json", "sarif", "markdown", "github", "junit"] {
        let out = akslint()
            .current_dir(dir.path())
            .args(["--format", format, "infra/plan.json", "infra/plan2.json"])
            .output()
            .unwrap();
        let (o, e) = (stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{format}: {e}");
        for line in e.lines() {
            assert!(
                !line.trim_start().starts_with("::"),
                "{format} stderr: {line:?}"
            );
        }
        if format == "github" {
            let commands: Vec<&str> = o.lines().filter(|l| l.starts_with("::")).collect();
            assert!(
                commands.iter().all(|l| l.starts_with("::error file=infra/")
                    || l.starts_with("::warning ")
                    || l.starts_with("::notice ")),
                "{o}"
            );
        } else {
            for line in o.lines() {
                assert!(!line.trim_start().starts_with("::"), "{format}: {line:?}");
            }
        }
        // Azure Pipelines and GitHub's legacy commands run anywhere in a line.
        for text in [&o, &e] {
            assert!(
                !text.contains("##vso[") && !text.contains("##[error"),
                "{format}: {text}"
            );
        }
        assert_eq!(
            e.matches("expired on 2020-01-01").count(),
            1,
            "{format}: {e}"
        );
        assert_eq!(
            o.matches("expired on 2020-01-01").count(),
            1,
            "{format}: {o}"
        );
        assert!(
            !o.contains(&dir.path().display().to_string()),
            "{format}: absolute path in {o}"
        );
        // (Markdown backslash-escapes the punctuation.)
        assert!(
            o.replace('\\', "").contains(".akslint.toml:1"),
            "{format}: {o}"
        );
    }
}

/// `akslint explain` reads `.akslint.toml` as a lint run does: a parameter
/// the file sets is shown with its value and the default beside it.
#[test]
fn explain_shows_the_configured_parameters() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join(".akslint.toml"),
        "[rules.params.AKS011]\nmin_nodes = 5\n",
    )
    .unwrap();
    let explain = |args: &[&str]| {
        let out = akslint()
            .current_dir(dir.path())
            .arg("explain")
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let text = explain(&["AKS011"]);
    assert!(
        text.contains("min_nodes = 5  (.akslint.toml; default 3)"),
        "{text}"
    );
    let text = explain(&["AKS011", "--no-config"]);
    assert!(text.contains("min_nodes = 3  (default)"), "{text}");
}

/// A baseline entry records the finding's status: an entry of an `unknown`
/// verdict does not accept the failure it became (an entry without a
/// status, from an older baseline, accepts both). Entries are matched with
/// the attribute as azurerm 4.x names it, and entries that match nothing
/// are reported once.
#[test]
fn baseline_entries_by_status_renamed_attributes_and_unmatched() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let b = path_str(&baseline);
    let bad = path_str(&root().join("fixtures/bad-4x/plan.json"));
    run(&["--write-baseline", &b, &bad]);
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    let entries = doc["findings"].as_array_mut().unwrap();
    assert!(entries
        .iter()
        .all(|e| e["status"] == "fail" || e["status"] == "unknown"));
    // 3.x names for the 4.x plan's attributes.
    let renamed = [
        ("host_encryption_enabled", "enable_host_encryption"),
        ("node_public_ip_enabled", "enable_node_public_ip"),
        ("automatic_upgrade_channel", "automatic_channel_upgrade"),
        (
            "api_server_access_profile[0].authorized_ip_ranges",
            "api_server_authorized_ip_ranges",
        ),
    ];
    let mut renames = 0;
    for e in entries.iter_mut() {
        let a = e["attribute"].as_str().unwrap().to_string();
        for (new, old) in renamed {
            if a.contains(new) {
                e["attribute"] = a.replace(new, old).into();
                renames += 1;
            }
        }
    }
    assert!(renames >= 4, "{doc}");
    let write = |doc: &serde_json::Value| std::fs::write(&baseline, doc.to_string()).unwrap();
    write(&doc);
    let (code, report) = run_json(&["--baseline", &b, &bad]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["warnings"], serde_json::json!([]), "{report}");

    // AKS001's entry said `unknown`: the failure is reported.
    let entries = doc["findings"].as_array_mut().unwrap();
    let aks001 = entries
        .iter_mut()
        .find(|e| e["rule_id"] == "AKS001")
        .unwrap();
    aks001["status"] = "unknown".into();
    write(&doc);
    let (code, report) = run_json(&["--baseline", &b, &bad]);
    assert_eq!(code, 1);
    assert_eq!(ids(&report), ["AKS001"]);
    // Without a status, the entry accepts it.
    let entries = doc["findings"].as_array_mut().unwrap();
    for e in entries.iter_mut() {
        e.as_object_mut().unwrap().remove("status");
    }
    // An entry of a resource the plan does not have.
    entries.push(serde_json::json!({
        "rule_id": "AKS001",
        "address": "azurerm_kubernetes_cluster.gone",
        "attribute": "private_cluster_enabled"
    }));
    let n = entries.len();
    write(&doc);
    let (code, report) = run_json(&["--baseline", &b, &bad]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        report["warnings"],
        serde_json::json!([format!(
            "baseline {b}: 1 of {n} entries of the rules that ran match no finding of this \
             run (fixed, changed, or of a plan not linted here); --write-baseline refreshes it"
        )])
    );
    // Entries of rules that did not run are not unmatched, and a refresh
    // from such a run keeps them.
    // (AKS001's two entries: the plan's cluster and `gone`.)
    let (_, report) = run_json(&["--baseline", &b, "--rule", "AKS001", &bad]);
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains(": 1 of 2 entries"), "{report}");
    let refreshed = path_str(&dir.path().join("refreshed.json"));
    let out = run(&[
        "--baseline",
        &b,
        "--rule",
        "AKS001",
        "--write-baseline",
        &refreshed,
        &bad,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (code, report) = run_json(&["--baseline", &refreshed, &bad]);
    assert_eq!(code, 0, "{report}");
    // Not when an input could not be linted: its findings are unknown.
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{").unwrap();
    let (code, report) = run_json(&["--baseline", &b, &bad, &path_str(&broken)]);
    assert_eq!(code, 2);
    assert_eq!(report["warnings"], serde_json::json!([]), "{report}");
    // Nor is a baseline written: it would drop what that input had.
    let before = std::fs::read_to_string(&baseline).unwrap();
    let out = run(&[
        "--baseline",
        &b,
        "--write-baseline",
        &b,
        &bad,
        &path_str(&broken),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not written"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&baseline).unwrap(), before);
}
