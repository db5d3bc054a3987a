//! Every fixture under `fixtures/` is linted through the binary and its
//! findings compared with the hand-written `expect.txt` beside it.
mod common;

use std::collections::BTreeSet;

use common::*;

/// (status, rule, address, attribute) lines of an expect.txt, and the rules
/// an `only:` line restricts the comparison to.
fn read_expect(text: &str) -> (BTreeSet<String>, Option<BTreeSet<String>>) {
    let mut lines = BTreeSet::new();
    let mut only = None;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("only:") {
            only = Some(rest.split_whitespace().map(str::to_string).collect());
            continue;
        }
        lines.insert(line.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    (lines, only)
}

fn fixture_dirs() -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expect.txt").exists())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn fixtures_match_their_expectations() {
    let dirs = fixture_dirs();
    assert!(
        dirs.len() >= 10,
        "expected the fixture set, found {}",
        dirs.len()
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let input = ["plan.json", "state.json"]
            .iter()
            .map(|f| dir.join(f))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("{} has no plan.json or state.json", dir.display()));
        let (expected, only) =
            read_expect(&std::fs::read_to_string(dir.join("expect.txt")).unwrap());
        let (code, doc) = run_json(&[&path_str(&input)]);
        assert!(
            doc["errors"].as_array().unwrap().is_empty(),
            "{}: {}",
            dir.display(),
            doc["errors"]
        );
        let actual: BTreeSet<String> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                only.as_ref()
                    .is_none_or(|o| o.contains(f["rule_id"].as_str().unwrap()))
            })
            .map(|f| {
                let attr = f["attribute"].as_str().unwrap();
                format!(
                    "{} {} {} {}",
                    f["status"].as_str().unwrap(),
                    f["rule_id"].as_str().unwrap(),
                    f["address"].as_str().unwrap(),
                    if attr.is_empty() { "-" } else { attr }
                )
            })
            .collect();
        if actual != expected {
            let missing: Vec<_> = expected.difference(&actual).collect();
            let extra: Vec<_> = actual.difference(&expected).collect();
            failures.push(format!(
                "{}:\n  missing: {missing:#?}\n  unexpected: {extra:#?}",
                dir.display()
            ));
        }
        let any_fail = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["status"] == "fail");
        assert_eq!(code, if any_fail { 1 } else { 0 }, "{}", dir.display());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every rule is exercised by the fixtures: failing somewhere, and passing
/// in a fixture with no `only:` restriction on it.
#[test]
fn every_rule_has_failing_fixtures() {
    let mut failing = BTreeSet::new();
    for dir in fixture_dirs() {
        let (expected, _) = read_expect(&std::fs::read_to_string(dir.join("expect.txt")).unwrap());
        for line in expected {
            if let Some(rule) = line.split_whitespace().nth(1) {
                failing.insert(rule.to_string());
            }
        }
    }
    let out = run(&["rules", "--format", "json"]);
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let missing: Vec<String> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .filter(|id| !failing.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a failing fixture: {missing:?}"
    );
}
