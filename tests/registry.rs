//! The rule registry (ruff-style): every rule has complete metadata, a
//! unique id and name matching ../shared/BASELINE.md, a test file, fixtures
//! and a documentation page that is fresh.
mod common;

use std::collections::BTreeSet;

use akslint::explain::rule_markdown;
use akslint::rules::builtin_rules;
use common::root;

#[test]
fn ids_and_names_are_unique_and_metadata_complete() {
    let rules = builtin_rules().unwrap();
    // 32 rules of BASELINE.md and the cross-resource rules of
    // BASELINE-2026-12.md implemented so far.
    assert_eq!(rules.len(), 39);
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
                ["ck:", "tv:", "psrule:", "kics:", "az:", "cis:"]
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
    let mut text = std::fs::read_to_string(root().join("../shared/BASELINE.md")).ok()?;
    if let Ok(more) = std::fs::read_to_string(root().join("../shared/BASELINE-2026-12.md")) {
        text.push_str(&more);
    }
    Some(
        text.lines()
            // Rule rows have six cells (the automatic-cluster mapping table two).
            .filter(|l| l.starts_with("| AKS") && l.split('|').count() >= 8)
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
    for r in &rules {
        assert!(
            baseline.iter().any(|(id, ..)| *id == r.meta.id),
            "{} is not a baseline rule",
            r.meta.id
        );
    }
    for (id, name, sev, related) in baseline {
        // The single-resource rules of BASELINE-2026-12.md land on another
        // branch; every rule implemented here must match its row.
        let Some(r) = rules.iter().find(|r| r.meta.id == id) else {
            continue;
        };
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
