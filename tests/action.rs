//! The GitHub Action: `action.yml` and the workflows parse, and the action's
//! run script behaves as on a runner (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`
//! and `RUNNER_TEMP` are temp files/directories, the akslint binary first on
//! `PATH`).
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

/// A runner-like environment in a temp directory.
struct Runner {
    dir: tempfile::TempDir,
}

impl Runner {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("runner-temp")).unwrap();
        Runner { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs scripts/action-run.sh with these inputs, in `cwd`.
    fn run(&self, cwd: &Path, env: &[(&str, &str)]) -> Output {
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_akslint")).parent().unwrap();
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = std::process::Command::new("bash");
        cmd.arg(root().join("scripts/action-run.sh"))
            .current_dir(cwd)
            .env("PATH", path)
            .env("GITHUB_OUTPUT", self.path("output"))
            .env("GITHUB_STEP_SUMMARY", self.path("summary.md"))
            .env("RUNNER_TEMP", self.path("runner-temp"))
            .env_remove("AKSLINT_BIN")
            .env_remove("ARGS")
            .env_remove("CONFIG")
            .env_remove("SOURCE_DIR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    fn raw_outputs(&self) -> String {
        std::fs::read_to_string(self.path("output")).unwrap_or_default()
    }

    /// `$GITHUB_OUTPUT` parsed as the runner does: `name=value` lines and
    /// `name<<DELIM` ... `DELIM` blocks.
    fn outputs(&self) -> BTreeMap<String, String> {
        let text = self.raw_outputs();
        let mut map = BTreeMap::new();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            if let Some((name, delim)) = line.split_once("<<") {
                let mut value = Vec::new();
                for l in lines.by_ref() {
                    if l == delim {
                        break;
                    }
                    value.push(l);
                }
                map.insert(name.to_string(), value.join("\n"));
            } else if let Some((name, value)) = line.split_once('=') {
                map.insert(name.to_string(), value.to_string());
            }
        }
        map
    }
}

/// The `findings` output counts the reported findings, not the fixed ones
/// (a JSON report lists both, each entry with a `rule_id`).
#[test]
fn findings_output_leaves_out_the_fixed_ones() {
    let r = Runner::new();
    let sarif = r.path("akslint.sarif");
    let out = r.run(
        &root(),
        &[
            ("PLAN", "fixtures/gate/fixed.json"),
            ("SARIF_FILE", &path_str(&sarif)),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (_, report) = run_json(&["fixtures/gate/fixed.json"]);
    assert!(!report["fixed"].as_array().unwrap().is_empty(), "{report}");
    let findings = report["findings"].as_array().unwrap().len();
    assert_eq!(r.outputs()["findings"], findings.to_string());
}

fn sarif_inputs(path: &Path) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut inputs: Vec<String> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["properties"]["input"].as_str().unwrap().to_string())
        .collect();
    inputs.sort();
    inputs.dedup();
    inputs
}

#[test]
fn action_run_script_writes_sarif_summary_and_outputs() {
    let r = Runner::new();
    let sarif = r.path("akslint.sarif");
    let out = r.run(
        &root(),
        &[
            ("PLAN", "fixtures/modules/plan.json"),
            ("FAIL_ON", "high"),
            ("SARIF_FILE", &path_str(&sarif)),
            ("CATEGORY", "akslint/modules/"),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let annotations = stdout(&out);
    assert!(
        annotations.contains("::error file=fixtures/modules/modules/aks/main.tf,line=7"),
        "{annotations}"
    );
    let outputs = r.outputs();
    assert_eq!(outputs["exit-code"], "1", "{outputs:?}");
    // As many findings as the JSON report of the same plan holds.
    let (_, report) = run_json(&["fixtures/modules/plan.json"]);
    let findings = report["findings"].as_array().unwrap().len();
    assert!(findings >= 3, "{report}");
    assert_eq!(outputs["findings"], findings.to_string(), "{outputs:?}");
    assert_eq!(outputs["sarif-file"], path_str(&sarif));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(
        doc["runs"][0]["automationDetails"]["id"],
        "akslint/modules/"
    );
    assert!(std::fs::read_to_string(r.path("summary.md"))
        .unwrap()
        .contains("AKS001"));
    // The JSON report went to RUNNER_TEMP and was removed; the Markdown stays
    // for the comment step.
    let md = &outputs["markdown-file"];
    assert!(md.starts_with(&path_str(&r.path("runner-temp"))), "{md}");
    assert!(std::fs::read_to_string(md).unwrap().contains("AKS001"));
}

#[test]
fn plan_path_with_a_space() {
    let r = Runner::new();
    let dir = r.path("my plans");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(
        root().join("fixtures/example/plan.json"),
        dir.join("plan.json"),
    )
    .unwrap();
    let out = r.run(
        r.dir.path(),
        &[("PLAN", "my plans/plan.json"), ("SARIF_FILE", "out.sarif")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let outputs = r.outputs();
    assert_eq!(outputs["exit-code"], "1", "{outputs:?} {}", stderr(&out));
    assert_eq!(outputs["sarif-file"], "out.sarif");
    assert_eq!(sarif_inputs(&r.path("out.sarif")), ["my plans/plan.json"]);
    // Through a glob: one pattern, not split at the space.
    std::fs::remove_file(r.path("output")).unwrap();
    let out = r.run(
        r.dir.path(),
        &[("PLAN", "my plans/*.json"), ("SARIF_FILE", "glob.sarif")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(r.outputs()["exit-code"], "1", "{}", stderr(&out));
    assert_eq!(sarif_inputs(&r.path("glob.sarif")), ["my plans/plan.json"]);
}

#[test]
fn two_plans_one_per_line_and_a_glob() {
    let r = Runner::new();
    for env in ["dev", "prod"] {
        let dir = r.path(&format!("envs/{env}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(
            root().join("fixtures/example/plan.json"),
            dir.join("plan.json"),
        )
        .unwrap();
    }
    // Two lines (indented as a YAML block scalar may leave them).
    let out = r.run(
        r.dir.path(),
        &[
            ("PLAN", "envs/dev/plan.json\n  envs/prod/plan.json\n"),
            ("SARIF_FILE", "two.sarif"),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(r.outputs()["exit-code"], "1", "{}", stderr(&out));
    assert_eq!(
        sarif_inputs(&r.path("two.sarif")),
        ["envs/dev/plan.json", "envs/prod/plan.json"]
    );
    // The same two through a glob.
    std::fs::remove_file(r.path("output")).unwrap();
    let out = r.run(
        r.dir.path(),
        &[("PLAN", "envs/*/plan.json"), ("SARIF_FILE", "glob.sarif")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(r.outputs()["exit-code"], "1");
    assert_eq!(
        sarif_inputs(&r.path("glob.sarif")),
        ["envs/dev/plan.json", "envs/prod/plan.json"]
    );
}

#[test]
fn glob_matching_nothing_fails_and_uploads_nothing() {
    let r = Runner::new();
    let out = r.run(
        r.dir.path(),
        &[("PLAN", "infra/*.json"), ("SARIF_FILE", "akslint.sarif")],
    );
    // The script records the status; the action's last step fails with it.
    assert!(out.status.success(), "{}", stderr(&out));
    let outputs = r.outputs();
    assert_eq!(outputs["exit-code"], "2", "{outputs:?}");
    assert_eq!(outputs["sarif-file"], "", "{outputs:?}");
    // akslint's own error, as an annotation naming the pattern.
    let annotations = stdout(&out);
    assert!(
        annotations.contains("::error file=infra/*.json::infra/*.json: cannot read"),
        "{annotations}"
    );
    // No SARIF where an upload (or the user's own step) would find it.
    assert!(!r.path("akslint.sarif").exists());
}

#[test]
fn partial_run_is_never_offered_for_upload() {
    // One good plan and one malformed: akslint reports the good one and exits
    // 2; the SARIF is moved aside, the output stays empty.
    let r = Runner::new();
    std::fs::copy(
        root().join("fixtures/example/plan.json"),
        r.path("good.json"),
    )
    .unwrap();
    std::fs::write(r.path("bad.json"), "{\"format_version\": ").unwrap();
    let out = r.run(
        r.dir.path(),
        &[("PLAN", "good.json\nbad.json"), ("SARIF_FILE", "p.sarif")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let outputs = r.outputs();
    assert_eq!(outputs["exit-code"], "2");
    assert_eq!(outputs["sarif-file"], "");
    assert!(!r.path("p.sarif").exists());
    assert!(r.path("p.sarif.partial").exists());
}

#[test]
fn sarif_file_with_a_newline_is_rejected() {
    let r = Runner::new();
    let out = r.run(
        &root(),
        &[
            ("PLAN", "fixtures/example/plan.json"),
            ("SARIF_FILE", "a.sarif\nexit-code=0"),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stdout(&out).contains("line break"), "{}", stdout(&out));
    assert!(
        !r.raw_outputs().contains("exit-code=0"),
        "{}",
        r.raw_outputs()
    );
    assert!(r.outputs().is_empty(), "{:?}", r.outputs());
}

#[test]
fn args_are_one_per_line_and_config_is_passed() {
    let r = Runner::new();
    let cfg_dir = r.path("my config");
    std::fs::create_dir(&cfg_dir).unwrap();
    // The config's fail_on applies (the action passes no --fail-on of its own).
    std::fs::write(cfg_dir.join("akslint.toml"), "fail_on = \"never\"\n").unwrap();
    let odd = r.path("a b $(touch pwned).json");
    let args = format!("--unknown=ignore\n  --report=json={}\n", path_str(&odd));
    let out = r.run(
        &root(),
        &[
            ("PLAN", "fixtures/example/plan.json"),
            ("SARIF_FILE", &path_str(&r.path("a.sarif"))),
            ("CONFIG", &path_str(&cfg_dir.join("akslint.toml"))),
            // A value with a space and a `$(...)` stays one literal argument.
            ("ARGS", &args),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let outputs = r.outputs();
    assert_eq!(outputs["exit-code"], "0", "{outputs:?} {}", stderr(&out));
    assert!(!root().join("pwned").exists());
    assert!(!r.path("pwned").exists());
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&odd).unwrap()).unwrap();
    assert!(!doc["findings"].as_array().unwrap().is_empty());
}

fn yaml(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn action_yml_parses_and_is_wired_safely() {
    let doc = yaml(&root().join("action.yml"));
    assert_eq!(doc["runs"]["using"], "composite");
    for input in ["plan", "config", "comment", "args", "version", "sarif-file"] {
        assert!(doc["inputs"].get(input).is_some(), "input {input}");
    }
    let steps = doc["runs"]["steps"].as_array().unwrap();
    // No input or output is interpolated into a script: only env carries them.
    for step in steps {
        if let Some(run) = step.get("run").and_then(|r| r.as_str()) {
            assert!(!run.contains("${{"), "expression in a run script: {run}");
        }
    }
    // The cache key comes from a step, never from hashFiles over action_path.
    let cache = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache"))
        })
        .unwrap();
    assert_eq!(
        cache["with"]["key"],
        "${{ steps.resolve.outputs.cache-key }}"
    );
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.contains("upload-sarif"))
        })
        .unwrap();
    let cond = upload["if"].as_str().unwrap();
    assert!(
        cond.contains("steps.run.outputs.sarif-file != ''"),
        "{cond}"
    );
    assert!(!cond.contains("always()"), "{cond}");
    // Not on a fork's or Dependabot's pull request: the token is read-only.
    assert!(
        cond.contains(
            "!(github.event.pull_request.head.repo.fork || github.actor == 'dependabot[bot]')"
        ),
        "{cond}"
    );
    // CodeQL Action v3 is deprecated in December 2026.
    assert!(
        upload["uses"]
            .as_str()
            .is_some_and(|u| u.ends_with("upload-sarif@v4")),
        "{upload}"
    );
}

#[test]
fn workflows_and_hooks_parse() {
    for name in ["ci.yml", "release.yml"] {
        let doc = yaml(&root().join(".github/workflows").join(name));
        assert!(
            doc["jobs"].as_object().is_some_and(|j| !j.is_empty()),
            "{name}"
        );
        // Runner images GitHub has retired (macos-13: December 2025) give
        // a job no runner, and a release nothing to publish.
        let text = std::fs::read_to_string(root().join(".github/workflows").join(name)).unwrap();
        assert!(!text.contains("macos-13"), "{name}");
    }
    let hooks = yaml(&root().join(".pre-commit-hooks.yaml"));
    let hook = &hooks[0];
    assert_eq!(hook["id"], "akslint");
    // Starts in seconds: the released wheel, never a source build.
    assert_ne!(hook["language"], "rust");
    let files = regex_lite(hook["files"].as_str().unwrap());
    for path in [
        "plan.json",
        "infra/prod/tfplan.json",
        "envs/dev/plan.prod.json",
    ] {
        assert!(files(path), "{path}");
    }
    for path in ["package.json", "infra/main.tf", "planner/x.json"] {
        assert!(!files(path), "{path}");
    }
}

/// Matches the hook's `files` pattern through grep -E (pre-commit's Python
/// regex and ERE agree on this subset).
fn regex_lite(pattern: &str) -> impl Fn(&str) -> bool + '_ {
    move |path: &str| {
        use std::io::Write;
        let mut child = std::process::Command::new("grep")
            .args(["-Eq", pattern])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{path}\n").as_bytes())
            .unwrap();
        child.wait().unwrap().success()
    }
}

/// Runs scripts/action-install.sh MODE with this environment; returns the
/// output and the parsed `$GITHUB_OUTPUT`.
fn install_script(
    r: &Runner,
    mode: &str,
    env: &[(&str, &str)],
) -> (Output, BTreeMap<String, String>) {
    let _ = std::fs::remove_file(r.path("output"));
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(root().join("scripts/action-install.sh"))
        .arg(mode)
        .current_dir(r.dir.path())
        .env("GITHUB_OUTPUT", r.path("output"))
        .env("RUNNER_TEMP", r.path("runner-temp"))
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("AKSLINT_HOME", r.path("home"))
        .env("ACTION_PATH", root())
        .env_remove("INPUT_VERSION")
        .env_remove("ACTION_REF");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (out, r.outputs())
}

#[test]
fn install_resolves_release_or_source_from_the_ref() {
    let r = Runner::new();
    let (out, o) = install_script(&r, "resolve", &[("ACTION_REF", "v1.2.3")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(o["mode"], "release");
    assert_eq!(o["version"], "1.2.3");
    assert_eq!(o["target"], "x86_64-unknown-linux-musl");
    assert_eq!(
        o["cache-key"],
        "akslint-release-1.2.3-x86_64-unknown-linux-musl"
    );

    // github.action_ref empty (nested composite actions): the checkout path.
    let (_, o) = install_script(
        &r,
        "resolve",
        &[(
            "ACTION_PATH",
            "/home/runner/work/_actions/akslint/akslint/v0.3.0",
        )],
    );
    assert_eq!(o["mode"], "release");
    assert_eq!(o["version"], "0.3.0");
    let (_, o) = install_script(
        &r,
        "resolve",
        &[
            ("ACTION_REF", "main"),
            ("RUNNER_ARCH", "ARM64"),
            ("RUNNER_OS", "macOS"),
        ],
    );
    assert_eq!(o["mode"], "source");
    // A branch: a source build, keyed on a hash of the action's source.
    let key = o["cache-key"].clone();
    let hash = key.strip_prefix("akslint-source-macOS-ARM64-").unwrap();
    assert_eq!(hash.len(), 64, "{key}");
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
    let (_, again) = install_script(
        &r,
        "resolve",
        &[
            ("ACTION_REF", "main"),
            ("RUNNER_ARCH", "ARM64"),
            ("RUNNER_OS", "macOS"),
        ],
    );
    assert_eq!(again["cache-key"], key);

    // The version input wins; anything but a version is refused.
    let (_, o) = install_script(
        &r,
        "resolve",
        &[("ACTION_REF", "main"), ("INPUT_VERSION", "v0.9.1")],
    );
    assert_eq!(o["mode"], "release");
    assert_eq!(o["version"], "0.9.1");
    let (out, o) = install_script(&r, "resolve", &[("INPUT_VERSION", "1.0.0/../../x")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(o.is_empty(), "{o:?}");
}

/// On Windows (Git Bash, where `cygpath` exists) the cache path is given
/// as `C:/...`: actions/cache reads no `/c/...` path.
#[test]
fn install_gives_actions_cache_a_windows_path_under_git_bash() {
    let r = Runner::new();
    let bin = r.path("stub-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let stub = bin.join("cygpath");
    std::fs::write(
        &stub,
        "#!/bin/sh\n[ \"$1\" = -m ] || exit 1\necho \"C:/Users/runneradmin/${2#/c/Users/runneradmin/}\"\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let (out, o) = install_script(
        &r,
        "resolve",
        &[
            ("ACTION_REF", "v1.2.3"),
            ("PATH", &path),
            ("AKSLINT_HOME", "/c/Users/runneradmin/.akslint"),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        o["bin-dir"],
        "C:/Users/runneradmin/.akslint/akslint-release-1.2.3-x86_64-unknown-linux-musl"
    );
    // Without cygpath, the path as it is.
    let (_, o) = install_script(&r, "resolve", &[("ACTION_REF", "v1.2.3")]);
    assert!(
        o["bin-dir"].starts_with(&path_str(&r.path("home"))),
        "{o:?}"
    );
}

#[test]
fn install_verifies_the_release_checksum() {
    let r = Runner::new();
    // A release as the workflow packages it, served from a file:// URL.
    let release = r.path("releases/download/v0.1.0");
    let package = std::process::Command::new("bash")
        .arg(root().join("scripts/release-package.sh"))
        .args([
            "v0.1.0",
            "x86_64-unknown-linux-musl",
            env!("CARGO_BIN_EXE_akslint"),
        ])
        .arg(&release)
        .output()
        .unwrap();
    assert!(package.status.success(), "{}", stderr(&package));
    let asset = release.join("akslint-v0.1.0-x86_64-unknown-linux-musl.tar.gz");
    assert!(asset.exists());
    let url = format!("file://{}", path_str(r.dir.path()));
    let env = |bin_dir: &str| {
        vec![
            ("AKSLINT_REPOSITORY_URL".to_string(), url.clone()),
            ("MODE".to_string(), "release".to_string()),
            ("VERSION".to_string(), "0.1.0".to_string()),
            (
                "TARGET".to_string(),
                "x86_64-unknown-linux-musl".to_string(),
            ),
            ("BIN_DIR".to_string(), bin_dir.to_string()),
        ]
    };
    let good = path_str(&r.path("good"));
    let e = env(&good);
    let e: Vec<(&str, &str)> = e.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (out, o) = install_script(&r, "install", &e);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(o["bin"], format!("{good}/akslint"));
    assert!(stdout(&out).contains(&format!("akslint {}", env!("CARGO_PKG_VERSION"))));

    // A tampered archive: refused, nothing installed.
    let mut bytes = std::fs::read(&asset).unwrap();
    bytes.extend_from_slice(b"tampered");
    std::fs::write(&asset, bytes).unwrap();
    let bad = path_str(&r.path("bad"));
    let e = env(&bad);
    let e: Vec<(&str, &str)> = e.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (out, o) = install_script(&r, "install", &e);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("checksum mismatch"),
        "{}",
        stdout(&out)
    );
    assert!(!o.contains_key("bin"));
    assert!(!r.path("bad/akslint").exists());
}
