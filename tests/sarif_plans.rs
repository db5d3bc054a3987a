//! SARIF fit for GitHub across plans, end to end through the binary: the same
//! module planned for two environments gives distinct fingerprints (stable
//! whatever the working directory), each result names its plan, unknown
//! results carry no high security severity, and a git repository gives
//! `versionControlProvenance` without credentials.
mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::Value;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    stdout(&out).trim().to_string()
}

/// A git repository with the example module in envs/dev and envs/prod.
fn two_env_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for env in ["dev", "prod"] {
        let d = dir.path().join("envs").join(env);
        std::fs::create_dir_all(&d).unwrap();
        for f in ["plan.json", "main.tf"] {
            std::fs::copy(root().join("fixtures/example").join(f), d.join(f)).unwrap();
        }
    }
    git(dir.path(), &["init", "-q"]);
    git(
        dir.path(),
        &[
            "remote",
            "add",
            "origin",
            "https://user:s3cr3t-token@example.com/org/infra.git",
        ],
    );
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "plans"]);
    dir
}

fn sarif_in(cwd: &Path, args: &[&str]) -> (String, Value) {
    let out = akslint()
        .current_dir(cwd)
        .env_remove("GITHUB_SERVER_URL")
        .env_remove("GITHUB_REPOSITORY")
        .args(["--format", "sarif", "--no-config"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let doc = serde_json::from_str(&text).unwrap();
    (text, doc)
}

fn fingerprints(doc: &Value) -> Vec<(String, String)> {
    doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["properties"]["plan"].as_str().unwrap().to_string(),
                r["partialFingerprints"]["akslint/v2"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn two_copies_of_a_plan_give_distinct_fingerprints() {
    let repo = two_env_repo();
    let (_, doc) = sarif_in(repo.path(), &["envs/dev/plan.json", "envs/prod/plan.json"]);
    let fps = fingerprints(&doc);
    let per_plan = fps.len() / 2;
    assert!(per_plan > 0);
    assert_eq!(
        fps.iter()
            .filter(|(p, _)| p == "envs/dev/plan.json")
            .count(),
        per_plan
    );
    assert_eq!(
        fps.iter()
            .filter(|(p, _)| p == "envs/prod/plan.json")
            .count(),
        per_plan
    );
    let distinct: BTreeSet<&String> = fps.iter().map(|(_, f)| f).collect();
    assert_eq!(distinct.len(), fps.len(), "{fps:?}");

    // Located on each environment's own .tf, repository-relative.
    let uris: BTreeSet<String> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(uris.contains("envs/dev/main.tf"), "{uris:?}");
    assert!(uris.contains("envs/prod/main.tf"), "{uris:?}");

    // The same plans linted from a subdirectory: the same identities and
    // fingerprints (paths are relative to the repository root, not the cwd).
    let (_, sub) = sarif_in(
        &repo.path().join("envs"),
        &["dev/plan.json", "./prod/plan.json"],
    );
    let mut a = fps.clone();
    let mut b = fingerprints(&sub);
    a.sort();
    b.sort();
    assert_eq!(a, b);

    // From outside the repository, and from another repository, with the
    // plans' absolute paths: the plans' repository still (its root is
    // %SRCROOT%), so the same fingerprints.
    let outside = tempfile::tempdir().unwrap();
    git(outside.path(), &["init", "-q"]);
    let abs = |p: &str| path_str(&repo.path().join(p));
    let (dev, prod) = (abs("envs/dev/plan.json"), abs("envs/prod/plan.json"));
    let (_, other) = sarif_in(outside.path(), &[&dev, &prod]);
    let mut c = fingerprints(&other);
    c.sort();
    assert_eq!(a, c);
    let srcroot = other["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    let canonical = std::fs::canonicalize(repo.path()).unwrap();
    assert!(
        srcroot
            .trim_end_matches('/')
            .ends_with(canonical.file_name().unwrap().to_str().unwrap()),
        "{srcroot}"
    );
}

/// `--repo-root DIR`: the plan's path, and so the fingerprints, are relative
/// to DIR wherever the run starts (outside the repository too), as they are
/// when it starts inside.
#[test]
fn repo_root_keeps_fingerprints_from_anywhere() {
    let repo = two_env_repo();
    let (_, inside) = sarif_in(repo.path(), &["envs/dev/plan.json"]);
    let elsewhere = tempfile::tempdir().unwrap();
    let plan = repo.path().join("envs/dev/plan.json");
    let root_dir = path_str(repo.path());
    let (_, outside) = sarif_in(
        elsewhere.path(),
        &["--repo-root", &root_dir, &path_str(&plan)],
    );
    let mut a = fingerprints(&inside);
    let mut b = fingerprints(&outside);
    assert!(!a.is_empty());
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert!(a.iter().all(|(p, _)| p == "envs/dev/plan.json"), "{a:?}");
}

#[test]
fn version_control_provenance_without_credentials() {
    let repo = two_env_repo();
    let head = git(repo.path(), &["rev-parse", "HEAD"]);
    let (text, doc) = sarif_in(repo.path(), &["envs/dev/plan.json"]);
    assert!(!text.contains("s3cr3t"), "credentials leaked");
    let vcs = &doc["runs"][0]["versionControlProvenance"][0];
    assert_eq!(vcs["repositoryUri"], "https://example.com/org/infra.git");
    assert_eq!(vcs["revisionId"], head.as_str());
    assert_eq!(vcs["branch"], "main");
    assert_eq!(vcs["mappedTo"]["uriBaseId"], "%SRCROOT%");
    let base = doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );

    // Outside any repository: no provenance, paths as given.
    let plain = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("fixtures/example/plan.json"),
        plain.path().join("plan.json"),
    )
    .unwrap();
    let out = akslint()
        .current_dir(plain.path())
        .env("GIT_CEILING_DIRECTORIES", plain.path().parent().unwrap())
        .args(["--format", "sarif", "--no-config", "plan.json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(doc["runs"][0].get("versionControlProvenance").is_none());
    assert_eq!(
        doc["runs"][0]["results"][0]["properties"]["plan"],
        "plan.json"
    );
}

#[test]
fn repository_urls_lose_their_credentials() {
    use akslint::report::sarif::sanitize_repository_url as s;
    assert_eq!(
        s("https://x-access-token:ghs_abc@github.com/o/r").as_deref(),
        Some("https://github.com/o/r")
    );
    assert_eq!(
        s("git@github.com:o/r.git").as_deref(),
        Some("https://github.com/o/r.git")
    );
    assert_eq!(
        s("ssh://git@host:22/o/r").as_deref(),
        Some("ssh://host:22/o/r")
    );
    assert_eq!(s("https://a b/c"), None);
    assert_eq!(s("https://h/o\nr"), None);
}

#[test]
fn unknown_results_have_no_high_security_severity() {
    let out = akslint()
        .current_dir(root())
        .args([
            "--format",
            "sarif",
            "--no-config",
            "fixtures/unknown-3x/plan.json",
        ])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let mut unknown = 0;
    for r in run["results"].as_array().unwrap() {
        if r["properties"]["status"] != "unknown" {
            continue;
        }
        unknown += 1;
        assert_eq!(r["level"], "note");
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        let rule = &rules[i];
        assert_eq!(rule["id"], r["ruleId"]);
        assert!(rule["id"].as_str().unwrap().ends_with("/unknown"));
        let sev = &rule["properties"]["security-severity"];
        let score: f64 = sev.as_str().map_or(0.0, |s| s.parse().unwrap());
        assert!(score < 4.0, "{rule}");
        assert_eq!(rule["defaultConfiguration"]["level"], "note");
    }
    assert!(unknown > 0, "the fixture has unknown results");
}
