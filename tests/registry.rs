//! The rule registry (ruff-style): every rule has complete metadata, a
//! unique id and name matching ../shared/BASELINE.md and
//! ../shared/BASELINE-2026-12.md, a test file, fixtures
//! and a documentation page that is fresh.
mod common;

use std::collections::BTreeSet;

use akslint::commands::explain::rule_markdown;
use akslint::rules::builtin_rules;
use common::root;

#[test]
fn ids_and_names_are_unique_and_metadata_complete() {
    let rules = builtin_rules().unwrap();
    assert_eq!(rules.len(), 47 - PENDING.len());
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

/// A rule row of a BASELINE table: (id, name, severity letter, related cell).
type Row = (String, String, String, String);

/// The rule rows of one BASELINE file. Rows of other tables that start with
/// a rule id (the automatic-cluster mapping of BASELINE-2026-12.md) are not
/// rule rows: a rule row has six cells, an id alone in the first, a severity
/// letter in the third.
fn rule_rows(text: &str) -> Vec<Row> {
    text.lines()
        .filter(|l| l.starts_with("| AKS"))
        .map(|l| {
            l.split('|')
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|cells| {
            cells.len() == 8
                && cells[1].len() == 6
                && cells[1][3..].chars().all(|c| c.is_ascii_digit())
                && ["C", "H", "M", "L"].contains(&cells[3].as_str())
        })
        .map(|cells| {
            (
                cells[1].clone(),
                cells[2].clone(),
                cells[3].clone(),
                cells[6].clone(),
            )
        })
        .collect()
}

/// "- AKS001 related: add az 040732e8, CIS 5.4.2/5.4.3." lines of the
/// amendments to existing rows: (id, the added related text).
fn related_amendments(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.strip_prefix("- AKS"))
        .filter_map(|l| {
            let (num, rest) = l.split_once(' ')?;
            let added = rest.strip_prefix("related: add ")?;
            Some((format!("AKS{num}"), added.trim_end_matches('.').to_string()))
        })
        .collect()
}

/// Both BASELINE files: their rule rows, with the related amendments of
/// the 2026-12 file appended to the rows they amend.
fn baseline() -> Option<Vec<Row>> {
    let first = std::fs::read_to_string(root().join("../shared/BASELINE.md")).ok()?;
    let second = std::fs::read_to_string(root().join("../shared/BASELINE-2026-12.md")).ok()?;
    let mut rows = rule_rows(&first);
    rows.extend(rule_rows(&second));
    for (id, added) in related_amendments(&second) {
        let row = rows
            .iter_mut()
            .find(|r| r.0 == id)
            .unwrap_or_else(|| panic!("an amendment names {id}, which has no row"));
        row.3 = format!("{}, {added}", row.3);
    }
    Some(rows)
}

/// The peer ids a related cell names, as akslint writes them in METADATA:
/// Checkov (`ck:CKV_...`), Trivy (`tv:AZU-...`), PSRule
/// (`psrule:Azure....`), KICS (`kics:...`, snake_case query names), Azure
/// Policy built-ins by GUID prefix (`az:89f2d532`) and CIS AKS Benchmark
/// items (`cis:5.4.1`).
fn related_ids(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    for token in cell
        .split(|c: char| c == ',' || c == '/' || c == '(' || c == ')' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        if token.starts_with("CKV") {
            out.push(format!("ck:{token}"));
        } else if token.starts_with("AZU-") {
            out.push(format!("tv:{token}"));
        } else if token.starts_with("Azure.") {
            out.push(format!("psrule:{token}"));
        } else if token.contains('_') && token.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            out.push(format!("kics:{token}"));
        } else if token.len() == 8
            && token.chars().all(|c| c.is_ascii_hexdigit())
            && token.chars().any(|c| c.is_ascii_digit())
        {
            out.push(format!("az:{token}"));
        } else if token.contains('.')
            && token
                .split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        {
            out.push(format!("cis:{token}"));
        }
    }
    out
}

#[test]
fn baseline_rows_are_read_from_both_files() {
    let Some(rows) = baseline() else {
        eprintln!("skipping: ../shared/BASELINE*.md not found");
        return;
    };
    assert_eq!(
        rows.len(),
        47,
        "BASELINE.md and BASELINE-2026-12.md hold 47 rules"
    );
    let ids: BTreeSet<_> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(ids.len(), rows.len(), "an id with two rows");
    let aks009 = rows.iter().find(|r| r.0 == "AKS009").unwrap();
    assert_eq!(
        (aks009.1.as_str(), aks009.2.as_str()),
        ("authorized-ips-narrow", "H")
    );
    assert_eq!(related_ids(&aks009.3), ["cis:5.4.1"]);
    let aks001 = rows.iter().find(|r| r.0 == "AKS001").unwrap();
    assert_eq!(
        related_ids(&aks001.3),
        [
            "ck:CKV_AZURE_115",
            "tv:AZU-0065",
            "az:040732e8",
            "cis:5.4.2",
            "cis:5.4.3"
        ]
    );
}

/// BASELINE rules not implemented yet (none: all 47 are). An id listed here
/// while its rule exists fails the test below.
const PENDING: &[&str] = &[];

#[test]
fn rules_match_the_baseline() {
    let Some(baseline) = baseline() else {
        eprintln!("skipping: ../shared/BASELINE.md not found");
        return;
    };
    let rules = builtin_rules().unwrap();
    for r in &rules {
        assert!(
            baseline.iter().any(|row| row.0 == r.meta.id),
            "{} is not a BASELINE rule",
            r.meta.id
        );
        assert!(
            !PENDING.contains(&r.meta.id.as_str()),
            "{} is implemented: remove it from PENDING",
            r.meta.id
        );
    }
    assert_eq!(
        baseline.len(),
        rules.len() + PENDING.len(),
        "every BASELINE rule is implemented, no more"
    );
    for (id, name, sev, related) in baseline {
        if PENDING.contains(&id.as_str()) {
            continue;
        }
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
        // Every peer id the BASELINE names is related, with its prefix.
        for want in related_ids(&related) {
            assert!(
                r.meta.related.contains(&want),
                "{id}: related lacks {want}: {:?}",
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
