//! The rule registry (ruff-style): every rule has complete metadata, a
//! unique id and name matching ../shared/BASELINE.md, a test file, fixtures
//! and a documentation page that is fresh.
mod common;

use std::collections::BTreeSet;

use akslint::commands::explain::rule_markdown;
use akslint::rules::builtin_rules;
use common::root;

#[test]
fn ids_and_names_are_unique_and_metadata_complete() {
    let rules = builtin_rules().unwrap();
    assert_eq!(rules.len(), 32);
    let ids: BTreeSet<_> = rules.iter().map(|r| r.meta.id.clone()).collect();
    let names: BTreeSet<_> = rules.iter().map(|r| r.meta.name.clone()).collect();
    assert_eq!(ids.len(), rules.len(), "duplicate ids");
    assert_eq!(names.len(), rules.len(), "duplicate names");
    for r in &rules {
        let m = &r.meta;
        let file = format!("rules/{}-{}.rego", m.id, m.name);
        assert_eq!(r.path, file, "a rule's file is named after its id and name");
        assert_eq!(r.package, format!("data.akslint.rules.{}", m.id));
        for (what, v) in [
            ("title", &m.title),
            ("description", &m.description),
            ("why", &m.why),
            ("remediation", &m.remediation),
            ("examples.bad", &m.examples.bad),
            ("examples.good", &m.examples.good),
        ] {
            assert!(!v.trim().is_empty(), "{}: empty {what}", m.id);
        }
        assert!(!m.resource_types.is_empty(), "{}: no resource_types", m.id);
        for rel in &m.related {
            assert!(
                ["ck:", "tv:", "psrule:", "kics:"]
                    .iter()
                    .any(|p| rel.starts_with(p)),
                "{}: related {rel:?} has no known prefix",
                m.id
            );
        }
    }
}

/// The rules table of BASELINE.md: (id, name, severity letter, related cell).
fn baseline() -> Option<Vec<(String, String, String, String)>> {
    let text = std::fs::read_to_string(root().join("../shared/BASELINE.md")).ok()?;
    Some(
        text.lines()
            .filter(|l| l.starts_with("| AKS"))
            .map(|l| {
                let cells: Vec<String> = l.split('|').map(|c| c.trim().to_string()).collect();
                (
                    cells[1].clone(),
                    cells[2].clone(),
                    cells[3].clone(),
                    cells[6].clone(),
                )
            })
            .collect(),
    )
}

#[test]
fn rules_match_the_baseline() {
    let Some(baseline) = baseline() else {
        eprintln!("skipping: ../shared/BASELINE.md not found");
        return;
    };
    let rules = builtin_rules().unwrap();
    assert_eq!(
        baseline.len(),
        rules.len(),
        "every BASELINE rule is implemented, no more"
    );
    for (id, name, sev, related) in baseline {
        let r = rules
            .iter()
            .find(|r| r.meta.id == id)
            .unwrap_or_else(|| panic!("{id} is not implemented"));
        assert_eq!(r.meta.name, name, "{id}");
        assert_eq!(
            r.meta
                .severity
                .as_str()
                .chars()
                .next()
                .unwrap()
                .to_ascii_uppercase()
                .to_string(),
            sev,
            "{id} severity"
        );
        // Every peer id BASELINE names (CKV_..., AZU-..., Azure.AKS...., kics ids) is related.
        for token in related
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| {
                t.starts_with("CKV")
                    || t.starts_with("AZU-")
                    || t.starts_with("Azure.AKS")
                    || t.contains('_') && t.starts_with("aks")
            })
        {
            assert!(
                r.meta.related.iter().any(|rel| rel.ends_with(token)),
                "{id}: related lacks {token}: {:?}",
                r.meta.related
            );
        }
    }
}

#[test]
fn rule_docs_are_fresh() {
    let update = std::env::var_os("AKSLINT_UPDATE_DOCS").is_some();
    let dir = root().join("docs/rules");
    let mut stale = Vec::new();
    for r in builtin_rules().unwrap() {
        let path = dir.join(format!("{}.md", r.meta.id));
        let want = rule_markdown(&r.meta);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &want).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(want.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale rule docs (run `AKSLINT_UPDATE_DOCS=1 cargo test --test registry`): {stale:?}"
    );
}

/// Rule ids that some fixture's `expect.txt` lists as failing.
fn failing_in_fixtures() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("fixtures")).unwrap() {
        let expect = entry.unwrap().path().join("expect.txt");
        let Ok(text) = std::fs::read_to_string(&expect) else {
            continue;
        };
        for line in text.lines().map(str::trim) {
            let mut words = line.split_whitespace();
            if words.next() == Some("fail") {
                if let Some(id) = words.next() {
                    out.insert(id.to_string());
                }
            }
        }
    }
    out
}

#[test]
fn every_rule_has_its_tests_and_a_failing_fixture() {
    let failing = failing_in_fixtures();
    let mut missing = Vec::new();
    for r in builtin_rules().unwrap() {
        let id = &r.meta.id;
        let test_file = root().join(r.path.replace(".rego", "_test.rego"));
        match std::fs::read_to_string(&test_file) {
            Ok(text) if text.lines().any(|l| l.starts_with("test_")) => {}
            Ok(_) => missing.push(format!("{id}: {} has no test_ rule", test_file.display())),
            Err(_) => missing.push(format!("{id}: no {}", test_file.display())),
        }
        if !failing.contains(id) {
            missing.push(format!("{id}: no fixture's expect.txt has it failing"));
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}
