//! Hostile strings through every output format (property test): control
//! characters, Markdown and HTML metacharacters, `::` and `%0A` in the
//! address, the attribute, the message, the file names, a suppression
//! reason, a warning and an error; each format keeps its structure.
use akslint::error::InputError;
use akslint::finding::{
    Change, Finding, Location, Severity, Status, Step, Suppression, SuppressionKind,
};
use akslint::report::{github, json, junit, markdown, sarif, text, FileReport, Report};
use akslint::rules::{Examples, RuleMeta};
use akslint::source::SourceFiles;
use akslint::{Gate, UnknownMode};
use proptest::prelude::*;

/// Pieces an attacker would combine.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n".to_string()),
        Just("\n\n# Heading\n\n".to_string()),
        Just("\r".to_string()),
        Just("\t".to_string()),
        Just("\u{FFFF}".to_string()),
        Just("\u{1b}[31m".to_string()),
        Just("\u{7}".to_string()),
        Just("\u{0}".to_string()),
        Just("\u{85}".to_string()),
        Just("\u{202e}".to_string()),
        Just("::error file=x::pwned".to_string()),
        Just("%0A::add-mask::y".to_string()),
        Just("</details>".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("![i](https://evil.example/x.png)".to_string()),
        Just("[l](https://evil.example)".to_string()),
        Just("\\`<a href=x>`".to_string()),
        Just("`".to_string()),
        Just("|".to_string()),
        Just("www.evil.example".to_string()),
        Just("]]>".to_string()),
        Just("&amp;".to_string()),
        "[a-z0-9 .\"'-]{0,6}",
    ];
    prop::collection::vec(piece, 1..6).prop_map(|v| v.concat())
}

fn report(s: &str) -> Report {
    let finding = |status: Status, suppressed: bool, location: bool| Finding {
        rule_id: "AKS001".into(),
        rule_name: "private-cluster".into(),
        severity: Severity::High,
        status,
        address: format!("module.m[\"{s}\"].azurerm_kubernetes_cluster.c"),
        resource_type: "azurerm_kubernetes_cluster".into(),
        attribute: vec![Step::Key(s.to_string()), Step::Index(0)],
        message: format!("value `{s}` is wrong: {s}"),
        file: format!("plans/{s}.json"),
        location: location.then(|| Location {
            file: format!("infra/{s}.tf"),
            line: 3,
            column: 1,
            end_line: 3,
            end_column: 9,
            source_path: None,
        }),
        change: if status == Status::Unknown {
            Change::Existing
        } else {
            Change::New
        },
        suppression: suppressed.then(|| Suppression {
            kind: SuppressionKind::Exception,
            justification: s.to_string(),
        }),
    };
    Report {
        files: vec![FileReport {
            file: format!("plans/{s}.json"),
            resources: 1,
            findings: vec![
                finding(Status::Fail, false, true),
                finding(Status::Fail, false, false),
                finding(Status::Unknown, false, true),
                finding(Status::Fail, true, true),
            ],
            fixed: vec![finding(Status::Fail, false, true)],
            moved: Vec::new(),
            errors: vec![InputError::Rule {
                file: format!("plans/{s}.json"),
                rule: "ORG001".into(),
                reason: s.to_string(),
            }],
            linted: true,
        }],
        rules: vec![RuleMeta {
            id: "AKS001".into(),
            name: "private-cluster".into(),
            title: "t".into(),
            description: "d".into(),
            severity: Severity::High,
            resource_types: vec!["azurerm_kubernetes_cluster".into()],
            related: vec![],
            why: "w".into(),
            remediation: format!("Set `x = {s}` {s}"),
            params: serde_json::Map::new(),
            examples: Examples {
                bad: "b".into(),
                good: "g".into(),
            },
            help_uri: Some("https://example.com/docs/AKS001".into()),
        }],
        unknown: UnknownMode::Warn,
        fail_on: Some(Severity::Low),
        warnings: vec![format!("exception expired: {s}")],
        gate: Gate::All,
        show_suppressed: true,
    }
}

/// No control character but line breaks (and tabs), in any output.
fn no_raw_controls(out: &str, format: &str) {
    for c in out.chars() {
        assert!(
            !c.is_control() || c == '\n' || c == '\t',
            "{format}: raw control {c:?} in {out}"
        );
        assert!(c != '\u{202e}', "{format}: bidi override in {out}");
    }
}

/// A Markdown line without its code spans (a run of n backticks up to the
/// next run of exactly n).
fn outside_code(line: &str) -> String {
    let b: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == '\\' && i + 1 < b.len() {
            out.push(b[i]);
            out.push(b[i + 1]);
            i += 2;
            continue;
        }
        if b[i] != '`' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let mut n = 0;
        while i + n < b.len() && b[i + n] == '`' {
            n += 1;
        }
        // Find the closing run of exactly n.
        let mut j = i + n;
        let mut close = None;
        while j < b.len() {
            if b[j] == '`' {
                let mut k = 0;
                while j + k < b.len() && b[j + k] == '`' {
                    k += 1;
                }
                if k == n {
                    close = Some(j + k);
                    break;
                }
                j += k;
            } else {
                j += 1;
            }
        }
        match close {
            Some(end) => i = end,
            None => {
                for _ in 0..n {
                    out.push('`');
                }
                i += n;
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_format_keeps_its_structure(s in hostile()) {
        let r = report(&s);

        let t = text::render(&r, false, &SourceFiles::new());
        no_raw_controls(&t, "text");
        // One summary line, at the end.
        prop_assert!(t.trim_end().lines().last().unwrap().contains("files linted")
            || t.trim_end().lines().last().unwrap().contains("file linted"));

        let g = github::render(&r);
        no_raw_controls(&g, "github");
        for line in g.lines() {
            prop_assert!(
                ["::error ", "::warning ", "::notice ", "akslint: "].iter().any(|p| line.starts_with(p)),
                "github line {line:?}"
            );
        }

        let m = markdown::render(&r, Some("https://github.com/o/r/blob/sha"));
        no_raw_controls(&m, "markdown");
        // Outside code spans (whose content Markdown shows literally), the
        // only tags are akslint's own, and no link or image comes from input.
        // (`<summary>` lines are inside an HTML block: raw HTML, where
        // Markdown is not parsed, and their text is HTML-escaped.)
        let outside: String = m
            .lines()
            .map(|l| if l.starts_with("<summary>") { l.replace("](", "] (") } else { outside_code(l) })
            .collect::<Vec<_>>()
            .join("\n");
        for tag in ["<img", "<a ", "<script"] {
            prop_assert!(!outside.contains(tag), "{}", m);
        }
        prop_assert_eq!(outside.matches("<details>").count(), outside.matches("</details>").count());
        prop_assert_eq!(outside.matches("<details>").count(), 3);
        prop_assert!(!outside.contains("](https://evil"), "{}", m);
        for line in m.lines() {
            if line.starts_with('#') {
                prop_assert!(
                    ["## akslint", "### Findings", "### Details", "### Warnings", "### Errors"].contains(&line)
                        || ["### New (", "### Existing (", "### Fixed ("].iter().any(|p| line.starts_with(p)),
                    "heading {line:?}"
                );
            }
        }
        // Each <details> block: a one-line summary, then no blank line
        // before the message, which is one paragraph.
        for block in m.split("<details>\n").skip(1) {
            let summary = block.lines().next().unwrap();
            prop_assert!(summary.starts_with("<summary>") && summary.ends_with("</summary>"), "{summary:?}");
        }

        let j = json::render(&r);
        let doc: serde_json::Value = serde_json::from_str(&j).unwrap();
        prop_assert_eq!(doc["findings"][0]["address"].as_str().unwrap(),
            format!("module.m[\"{s}\"].azurerm_kubernetes_cluster.c"));

        let sa = sarif::render(&r, None);
        let doc: serde_json::Value = serde_json::from_str(&sa).unwrap();
        prop_assert!(doc["runs"][0]["results"].as_array().unwrap().len() >= 3);

        let x = junit::render(&r);
        no_raw_controls(&x, "junit");
        for (format, out) in [("text", &t), ("junit", &x)] {
            for line in out.lines() {
                prop_assert!(!line.trim_start().starts_with("::"), "{}: {:?}", format, line);
            }
        }
        prop_assert!(x.starts_with("<?xml"));
        prop_assert!(!x.contains("<img"));
        prop_assert!(!x.contains("</testsuite><"), "{}", x);
        // Well-formed for a strict XML 1.0 parser, with the structure and the
        // counts of the report: a rule error, a failure (two failing findings
        // and an unknown one of one rule and resource), a suppressed finding.
        let doc = roxmltree::Document::parse(&x).unwrap_or_else(|e| panic!("{e}: {x}"));
        let root = doc.root_element();
        prop_assert_eq!(root.tag_name().name(), "testsuites");
        for (name, n) in [("tests", "3"), ("failures", "1"), ("errors", "1"), ("skipped", "1")] {
            prop_assert_eq!(root.attribute(name), Some(n), "{}: {}", name, x);
        }
        let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
        prop_assert_eq!(suites.len(), 2);
        prop_assert_eq!(suites[1].attribute("name"), Some("akslint warnings"));
        // Strings come back as akslint shows them: control characters but
        // line breaks and tabs visible, U+FFFF (not an XML character) as
        // U+FFFD; a carriage return kept in attributes, dropped from text.
        let attr = akslint::escape::visible_except(&s, &['\n', '\r', '\t']).replace('\u{FFFF}', "\u{FFFD}");
        let file = format!("plans/{attr}.json");
        prop_assert_eq!(suites[0].attribute("name"), Some(file.as_str()));
        let cases: Vec<_> = suites[0].children().filter(|n| n.is_element()).collect();
        prop_assert_eq!(cases.len(), 3);
        let outcome = |i: usize| cases[i].first_element_child().unwrap();
        prop_assert_eq!(outcome(0).tag_name().name(), "error");
        prop_assert_eq!(outcome(1).tag_name().name(), "failure");
        prop_assert_eq!(outcome(2).tag_name().name(), "skipped");
        prop_assert_eq!(outcome(2).attribute("message"), Some(attr.as_str()));
        let address = format!("module.m[\"{attr}\"].azurerm_kubernetes_cluster.c");
        prop_assert_eq!(cases[1].attribute("classname"), Some(address.as_str()));
        let message = format!("value `{attr}` is wrong: {attr}");
        prop_assert_eq!(outcome(1).attribute("message"), Some(message.as_str()));
        // In the failure text, which a CI log may show, the message is on
        // one line: its line breaks and tabs are visible too.
        let one_line = akslint::escape::visible(&s).replace('\u{FFFF}', "\u{FFFD}");
        let text = outcome(1).text().unwrap_or_default();
        prop_assert!(text.starts_with(&format!("[high] value `{one_line}` is wrong: {one_line}\n")), "{}", text);
    }
}
