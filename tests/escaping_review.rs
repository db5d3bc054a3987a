//! Hostile strings from a plan, a file name, a config file and a custom
//! policy, through the binary, in the outputs a CI log shows: no line of
//! standard output or error that GitHub Actions would run as a workflow
//! command (`::` at the start, after white space), no raw escape sequence,
//! NUL or bidirectional override; and in SARIF `help.markdown`, no link or
//! block that comes from a policy.
mod common;

use common::{akslint, root, stderr, stdout};
use std::path::{Path, PathBuf};

/// The plan of `fixtures/bad-4x` with `kubernetes_version` set to `value`
/// (AKS046 quotes it in its message).
fn plan_with_version(value: &str) -> String {
    let text = std::fs::read_to_string(root().join("fixtures/bad-4x/plan.json")).unwrap();
    let quoted = serde_json::to_string(value).unwrap();
    let out = text.replace(
        "\"kubernetes_version\":\"1.30\"",
        &format!("\"kubernetes_version\":{quoted}"),
    );
    assert!(value == "1.30" || out != text, "the fixture sets 1.30");
    out
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn run_in(dir: &Path, args: &[&str]) -> (String, String) {
    let out = akslint().current_dir(dir).args(args).output().unwrap();
    (stdout(&out), stderr(&out))
}

/// No workflow command line, no raw ESC, NUL, bidi override or isolate, no
/// raw control character but line breaks and tabs.
fn assert_inert(what: &str, out: &str) {
    for line in out.split(['\n', '\r']) {
        assert!(
            !line.trim_start().starts_with("::"),
            "{what}: workflow command line {line:?} in\n{out}"
        );
    }
    for c in out.chars() {
        assert!(
            !(c.is_control() && c != '\n' && c != '\t'
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
            "{what}: raw {c:?} in\n{out}"
        );
    }
}

const EVIL_POLICY: &str = r#"# METADATA
# title: "Evil\n::error file=t::TITLE \u001b[31m | <img src=x> ]]>"
# description: "d\n::error::DESC\n- list\n# heading"
# custom:
#   id: "EVL1\n::error file=i::ID,%0A\u001b[31m|x"
#   name: "evil-name\n::error::NAME `x` | <b>n</b> ]]>\u0000\u202e"
#   severity: HIGH
#   resource_types: [azurerm_kubernetes_cluster]
#   related: ["x`y\n::error::REL"]
#   why: "w\n::error::WHY"
#   remediation: "Fix \n   ::error file=r::REMED\u001b[31m `a` | <script>alert(1)</script> ]]> \u0001"
#   help_uri: "https://example.com/a) [x](javascript:alert(1)\n::error::URI"
package akslint.rules.EVL1

import rego.v1

import data.akslint.lib

deny contains finding if {
	some c in lib.clusters
	finding := lib.finding(c, ["tags"], "Evil msg\n::error file=m::MSG\u001b[31m \u202e")
}
"#;

/// The policy above, with `id` and the remediation replaced.
fn policy(dir: &Path, id: &str, remediation: &str) -> String {
    let pol = dir.join(format!("pol-{}", id.len() + remediation.len()));
    std::fs::create_dir_all(&pol).unwrap();
    let text = EVIL_POLICY
        .replace(
            r#""EVL1\n::error file=i::ID,%0A\u001b[31m|x""#,
            &serde_json::to_string(id).unwrap(),
        )
        .replace(
            r#""Fix \n   ::error file=r::REMED\u001b[31m `a` | <script>alert(1)</script> ]]> \u0001""#,
            &serde_json::to_string(remediation).unwrap(),
        );
    std::fs::write(pol.join("EVIL.rego"), text).unwrap();
    pol.display().to_string()
}

const EVIL_ID: &str = "EVL1\n::error file=i::ID,%0A\u{1b}[31m|x";
const EVIL_REMEDIATION: &str =
    "Fix \n   ::error file=r::REMED\u{1b}[31m `a` | <script>alert(1)</script> ]]> \u{1}";

/// (1) JUnit: a plan value with a line break, and a plan file whose name has
/// one, start no line of the XML (the failure text, the error text).
#[test]
fn junit_plan_values_and_file_names_start_no_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "plan.json",
        &plan_with_version("\n::error::PWNED"),
    );
    let (out, err) = run_in(
        dir.path(),
        &["--no-config", "--format", "junit", "plan.json"],
    );
    // The value's line break is shown, not kept.
    assert!(out.contains("`\\u{a}::error::PWNED`"), "{out}");
    assert_inert("junit value", &out);
    assert_inert("junit value (stderr)", &err);
    roxmltree::Document::parse(&out).unwrap();

    let named = dir.path().join("named");
    std::fs::create_dir(&named).unwrap();
    let name = "x\n::error file=evil::PWN,%0A:\u{1b}[31mred\u{202e}.json";
    write(&named, name, &plan_with_version("1.30"));
    write(
        &named,
        "bad\n::warning::TRUNC.json",
        "{\"format_version\": ",
    );
    let (out, err) = run_in(dir.path(), &["--no-config", "--format", "junit", "named"]);
    assert!(
        out.contains("<error message=") && out.contains("<failure"),
        "{out}"
    );
    assert_inert("junit file name", &out);
    assert_inert("junit file name (stderr)", &err);
    roxmltree::Document::parse(&out).unwrap();

    // A custom policy's remediation keeps its lines in the failure text.
    let pol = policy(dir.path(), "EVL1", EVIL_REMEDIATION);
    let (out, _) = run_in(
        dir.path(),
        &[
            "--no-config",
            "--format",
            "junit",
            "--policy",
            &pol,
            "plan.json",
        ],
    );
    assert!(out.contains("REMED"), "{out}");
    assert_inert("junit policy", &out);
}

/// (2) Text: a custom policy's id, name and remediation (kept on its lines,
/// or wrapped by the renderer) start no line and drive no terminal.
#[test]
fn text_policy_strings_start_no_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.json", &plan_with_version("1.30"));
    // A long one-line remediation or message that the renderer wraps right
    // before its `::` (one of these widths does).
    for n in 70..100 {
        let remediation = format!("Fix {} ::error::WRAPPED and more", "x".repeat(n));
        let pol = policy(dir.path(), "WRP1", &remediation);
        let (out, _) = run_in(dir.path(), &["--no-config", "--policy", &pol, "plan.json"]);
        assert!(out.contains("xxxxx"), "{out}");
        assert_inert(&format!("text wrapped at {n}"), &out);
    }
    let pol = policy(dir.path(), EVIL_ID, EVIL_REMEDIATION);
    let (out, err) = run_in(dir.path(), &["--no-config", "--policy", &pol, "plan.json"]);
    assert!(out.contains("REMED") && out.contains("evil-name"), "{out}");
    assert_inert("text", &out);
    assert_inert("text (stderr)", &err);
}

/// (3) `--compact` and `--quiet`: bidirectional overrides and isolates from a
/// plan value and a config file's exception reasons are visible.
#[test]
fn compact_and_quiet_escape_bidi() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "plan.json",
        &plan_with_version("1.\u{202e}03\u{2066}x\u{200f}"),
    );
    write(
        dir.path(),
        "cfg.toml",
        "[[exceptions]]\nrules = [\"AKS046\"]\nreason = \"live\\u202eRTL\\u2066 \\u001b[31m\"\nexpires = \"2099-01-01\"\n\n\
         [[exceptions]]\nrules = [\"AKS001\"]\nreason = \"expired\\u202eRTL\\u2067\"\nexpires = \"2000-01-01\"\n",
    );
    let (out, err) = run_in(dir.path(), &["--no-config", "--compact", "plan.json"]);
    assert!(out.contains("AKS046") && out.contains("\\u{202e}"), "{out}");
    assert_inert("compact", &out);
    assert_inert("compact (stderr)", &err);
    for mode in ["--compact", "--quiet"] {
        let (out, err) = run_in(
            dir.path(),
            &[
                "--config",
                "cfg.toml",
                "--show-suppressed",
                mode,
                "plan.json",
            ],
        );
        assert!(out.contains("warning: "), "{mode}: {out}");
        if mode == "--compact" {
            assert!(out.contains("[suppressed: live\\u{202e}RTL"), "{out}");
        }
        assert_inert(mode, &out);
        assert_inert(&format!("{mode} (stderr)"), &err);
    }
}

/// (4) SARIF `help`: a custom policy's prose, related ids, id and `help_uri`
/// make no link, tag or block of their own in the Markdown, and no control
/// character in the text.
#[test]
fn sarif_help_markdown_escapes_policy_strings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.json", &plan_with_version("1.30"));
    let pol = policy(dir.path(), EVIL_ID, EVIL_REMEDIATION);
    let (out, _) = run_in(
        dir.path(),
        &[
            "--no-config",
            "--format",
            "sarif",
            "--policy",
            &pol,
            "plan.json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = rules.iter().find(|r| r["id"] == EVIL_ID).unwrap();
    let md = rule["help"]["markdown"].as_str().unwrap();
    // The documentation link's destination is one `<...>` that holds the
    // whole URL: no `)` ends it early, no line break, no `<` or `>`.
    let (_, link) = md.split_once("[Documentation](").unwrap();
    let dest = link.strip_prefix('<').unwrap_or_else(|| panic!("{md}"));
    let (dest, _) = dest.split_once(">)").unwrap();
    assert!(!dest.contains(['\n', '<', '>', ' ']), "{dest:?}");
    // The one link is akslint's: none from the policy's prose or id.
    assert_eq!(md.replace(dest, "").matches("](").count(), 1, "{md}");
    assert!(!md.contains("<script") && !md.contains("<b>"), "{md}");
    for line in md.lines() {
        let t = line.trim_start();
        assert!(
            !t.starts_with("::") && !t.starts_with("- ") && !t.starts_with('#'),
            "block or command from the policy: {line:?} in\n{md}"
        );
    }
    assert_inert("help.markdown", md);
    let text = rule["help"]["text"].as_str().unwrap();
    assert!(text.contains("REMED"), "{text}");
    for field in ["fullDescription", "shortDescription"] {
        let s = rule[field]["text"].as_str().unwrap();
        assert!(
            !s.contains(['\u{1b}', '\u{0}', '\u{202e}']),
            "{field}: {s:?}"
        );
    }
    assert!(!text.contains(['\u{1b}', '\u{0}', '\u{1}']), "{text:?}");
}

/// (5) `akslint rules` and `akslint explain`: a custom policy's strings start
/// no line and drive no terminal; `rules --format json` stays JSON.
#[test]
fn rules_and_explain_escape_policy_strings() {
    let dir = tempfile::tempdir().unwrap();
    let pol = policy(dir.path(), "EVX1", EVIL_REMEDIATION);
    let (out, err) = run_in(dir.path(), &["rules", "--no-config", "--policy", &pol]);
    assert!(out.contains("EVX1") && out.contains("TITLE"), "{out}");
    assert_inert("rules", &out);
    assert_inert("rules (stderr)", &err);
    let (out, _) = run_in(
        dir.path(),
        &["rules", "--no-config", "--format", "json", "--policy", &pol],
    );
    let doc: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let evx = doc.as_array().unwrap().iter().find(|r| r["id"] == "EVX1");
    assert!(evx.unwrap()["name"]
        .as_str()
        .unwrap()
        .ends_with("\u{0}\u{202e}"));
    assert_inert("rules json", &out);
    let (out, err) = run_in(
        dir.path(),
        &["explain", "EVX1", "--no-config", "--policy", &pol],
    );
    for part in ["TITLE", "DESC", "WHY", "REMED", "REL"] {
        assert!(out.contains(part), "{part}: {out}");
    }
    assert_inert("explain", &out);
    assert_inert("explain (stderr)", &err);
}

/// JSON and SARIF on standard output: a plan value or a policy string with
/// an Azure Pipelines logging command (`##vso[`, read anywhere in a line of
/// a job's log), a legacy `##[` command or a bidirectional override is
/// written with JSON escapes (`\u0023`, `\u202e`): the same strings for a
/// JSON reader, inert in a log. Also `rules --format json`.
#[test]
fn json_and_sarif_write_hostile_text_as_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let value = "1.29 ##vso[task.setvariable variable=X]Y ##[error]Z \u{202e}\u{85}";
    write(dir.path(), "plan.json", &plan_with_version(value));
    let remediation = "Fix ##vso[task.complete result=Failed] ##[warning]W";
    let pol = policy(dir.path(), "EVL1", remediation);
    for format in ["json", "sarif"] {
        let (out, err) = run_in(
            dir.path(),
            &["--format", format, "--policy", &pol, "plan.json"],
        );
        assert_inert(format, &out);
        for raw in ["##vso[", "##[", "\u{2028}", "\u{85}"] {
            assert!(!out.contains(raw), "{format}: {raw:?} in\n{out}");
        }
        // The same strings, read back.
        let doc: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
        let text = doc.to_string();
        assert!(text.contains("##vso[task.setvariable"), "{format}: {text}");
        assert!(text.contains("\u{202e}"), "{format}");
    }
    let (out, _) = run_in(dir.path(), &["rules", "--format", "json", "--policy", &pol]);
    assert!(
        !out.contains("##vso[") && !out.contains('\u{2028}'),
        "{out}"
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(doc.to_string().contains("EVL1"));
}
