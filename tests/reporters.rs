//! The SARIF, Markdown, GitHub and JUnit reporters, on reports built by hand.
use std::path::PathBuf;

use akslint::error::InputError;
use akslint::finding::{Change, Finding, Location, Severity, Status, Step};
use akslint::report::{github, junit, markdown, sarif, FileReport, Report};
use akslint::rules::{Examples, RuleMeta};
use akslint::{Gate, UnknownMode};
use serde_json::Value;

fn meta(id: &str, name: &str, severity: Severity) -> RuleMeta {
    let mut params = serde_json::Map::new();
    if id == "AKS004" {
        params.insert("max_ranges".into(), serde_json::json!(10));
    }
    RuleMeta {
        id: id.into(),
        name: name.into(),
        title: format!("{name} title"),
        description: format!("{name} description"),
        severity,
        resource_types: vec!["azurerm_kubernetes_cluster".into()],
        related: vec!["ck:CKV_AZURE_115".into()],
        why: format!("{name} why"),
        remediation: format!("Set `{name} = true` & <retry>"),
        params,
        examples: Examples {
            bad: "resource \"x\" \"y\" {\n  a = false\n}\n".into(),
            good: "resource \"x\" \"y\" {\n  a = true\n}\n".into(),
        },
        help_uri: Some(format!("{}/{id}.md", akslint::rules::DOCS_BASE)),
    }
}

fn rules() -> Vec<RuleMeta> {
    vec![
        meta("AKS001", "private-cluster", Severity::High),
        meta("AKS002", "cni-overlay", Severity::Medium),
        meta("AKS003", "network-policy", Severity::Critical),
        meta("AKS004", "authorized-ips", Severity::Low),
    ]
}

#[allow(clippy::too_many_arguments)]
fn finding(
    rule: &str,
    name: &str,
    severity: Severity,
    status: Status,
    address: &str,
    attribute: Vec<Step>,
    message: &str,
    file: &str,
    location: Option<Location>,
) -> Finding {
    Finding {
        rule_id: rule.into(),
        rule_name: name.into(),
        severity,
        status,
        address: address.into(),
        resource_type: "azurerm_kubernetes_cluster".into(),
        attribute,
        message: message.into(),
        file: file.into(),
        location,
        suppression: None,
        change: Change::New,
    }
}

fn loc(file: &str, line: usize) -> Location {
    Location {
        file: file.into(),
        line,
        column: 3,
        end_line: line,
        end_column: 40,
        source_path: None,
    }
}

fn key(k: &str) -> Step {
    Step::Key(k.into())
}

/// Two files: plan.json with a located finding, an unlocated one and an
/// unknown one; broken.json with an input error.
fn sample(unknown: UnknownMode) -> Report {
    let findings = vec![
        finding(
            "AKS001",
            "private-cluster",
            Severity::High,
            Status::Fail,
            "azurerm_kubernetes_cluster.aks",
            vec![key("private_cluster_enabled")],
            "The API server has a public endpoint: set `private_cluster_enabled = true`.",
            "plans/plan.json",
            Some(loc("infra/main.tf", 12)),
        ),
        finding(
            "AKS002",
            "cni-overlay",
            Severity::Medium,
            Status::Fail,
            "module.aks[\"a|b\"].azurerm_kubernetes_cluster.this",
            vec![
                key("network_profile"),
                Step::Index(0),
                key("network_plugin_mode"),
            ],
            "Use overlay | not <kubenet> & friends, 100%, a:b, c,d\nsecond line",
            "plans/plan.json",
            None,
        ),
        finding(
            "AKS003",
            "network-policy",
            Severity::Critical,
            Status::Unknown,
            "azurerm_kubernetes_cluster.aks",
            vec![
                key("network_profile"),
                Step::Index(0),
                key("network_policy"),
            ],
            "network_policy is known only after apply",
            "plans/plan.json",
            None,
        ),
    ];
    Report {
        files: vec![
            FileReport {
                file: "plans/plan.json".into(),
                resources: 3,
                findings,
                errors: vec![],
                linted: true,
                fixed: vec![],
                moved: Vec::new(),
            },
            FileReport {
                file: "plans/broken.json".into(),
                resources: 0,
                findings: vec![],
                errors: vec![InputError::Json {
                    file: "plans/broken.json".into(),
                    line: 4,
                    column: 7,
                    reason: "expected `,` or `}`".into(),
                }],
                linted: false,
                fixed: vec![],
                moved: Vec::new(),
            },
        ],
        rules: rules(),
        unknown,
        fail_on: Some(Severity::Low),
        warnings: Vec::new(),
        show_suppressed: false,
        gate: Gate::All,
    }
}

fn clean() -> Report {
    Report {
        files: vec![FileReport {
            file: "plan.json".into(),
            resources: 2,
            findings: vec![],
            errors: vec![],
            linted: true,
            fixed: vec![],
            moved: Vec::new(),
        }],
        rules: rules(),
        unknown: UnknownMode::Warn,
        fail_on: Some(Severity::High),
        warnings: Vec::new(),
        show_suppressed: false,
        gate: Gate::All,
    }
}

fn parse(s: &str) -> Value {
    serde_json::from_str(s).expect("valid JSON")
}

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/sarif-schema-2.1.0.json")
}

fn assert_schema_valid(doc: &Value) {
    let path = schema_path();
    if !path.exists() {
        eprintln!(
            "skipping SARIF schema validation: {} does not exist",
            path.display()
        );
        return;
    }
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read schema"))
        .expect("schema");
    let validator = jsonschema::validator_for(&schema).expect("compile schema");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF schema violations: {errors:#?}");
}

// ---------------------------------------------------------------- SARIF

#[test]
fn sarif_is_valid_against_the_official_schema() {
    for report in [
        sample(UnknownMode::Warn),
        sample(UnknownMode::Ignore),
        clean(),
    ] {
        let doc = parse(&sarif::render(&report, Some("akslint/prod/")));
        assert_schema_valid(&doc);
        let doc = parse(&sarif::render(&report, None));
        assert_schema_valid(&doc);
    }
}

#[test]
fn sarif_schema_check_catches_violations() {
    let path = schema_path();
    if !path.exists() {
        eprintln!("skipping: {} does not exist", path.display());
        return;
    }
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut doc = parse(&sarif::render(&sample(UnknownMode::Warn), None));
    assert!(validator.is_valid(&doc));
    doc["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&doc));
    let mut doc = parse(&sarif::render(&sample(UnknownMode::Warn), None));
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!validator.is_valid(&doc));
}

#[test]
fn sarif_driver_and_rules() {
    let out = sarif::render(&sample(UnknownMode::Warn), Some("akslint/prod/"));
    assert!(out.ends_with("}\n"));
    assert!(out.contains("\n  \"version\": \"2.1.0\""), "pretty-printed");
    let doc = parse(&out);
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(doc["runs"].as_array().unwrap().len(), 1);
    let run = &doc["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "akslint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        driver["informationUri"],
        "https://github.com/akslint/akslint"
    );

    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    // AKS003 has an unknown result: its sub-rule AKS003/unknown follows it.
    assert_eq!(
        ids,
        ["AKS001", "AKS002", "AKS003", "AKS003/unknown", "AKS004"]
    );
    let r = &rules[0];
    assert_eq!(r["name"], "private-cluster");
    assert_eq!(r["shortDescription"]["text"], "private-cluster title");
    assert_eq!(r["fullDescription"]["text"], "private-cluster description");
    assert_eq!(
        r["helpUri"],
        "https://github.com/akslint/akslint/blob/main/docs/rules/AKS001.md"
    );
    let md = r["help"]["markdown"].as_str().unwrap();
    assert!(md.contains("private-cluster why"));
    assert!(md.contains("Set `private-cluster = true`"));
    assert!(md.contains("```hcl\nresource \"x\" \"y\" {\n  a = false\n}\n```"));
    assert!(md.contains("```hcl\nresource \"x\" \"y\" {\n  a = true\n}\n```"));
    let text = r["help"]["text"].as_str().unwrap();
    assert!(text.contains("private-cluster why") && text.contains("a = true"));

    let level = |i: usize| rules[i]["defaultConfiguration"]["level"].as_str().unwrap();
    assert_eq!(
        [level(0), level(1), level(2), level(3), level(4)],
        ["error", "warning", "error", "note", "note"]
    );
    let sev = |i: usize| rules[i]["properties"]["security-severity"].clone();
    assert_eq!(sev(0), "8.0");
    assert_eq!(sev(1), "5.5");
    assert_eq!(sev(2), "9.5");
    // Unknown results: no security severity (GitHub would show High).
    assert_eq!(sev(3), serde_json::Value::Null);
    assert_eq!(rules[3]["properties"]["problem.severity"], "recommendation");
    assert_eq!(sev(4), "3.0");
    // GitHub's problem.severity values, not akslint's severities.
    let problem = |i: usize| rules[i]["properties"]["problem.severity"].clone();
    assert_eq!(
        [problem(0), problem(1), problem(2), problem(4)],
        ["error", "warning", "error", "recommendation"]
    );
    let tags = rules[0]["properties"]["tags"].as_array().unwrap();
    for t in ["security", "terraform", "aks"] {
        assert!(tags.iter().any(|x| x == t), "tag {t}");
    }
    assert_eq!(rules[0]["properties"]["precision"], "very-high");
    assert_eq!(rules[4]["properties"]["precision"], "high");

    assert_eq!(run["automationDetails"]["id"], "akslint/prod/");
}

#[test]
fn sarif_results() {
    let doc = parse(&sarif::render(&sample(UnknownMode::Warn), None));
    let run = &doc["runs"][0];
    assert!(run.get("automationDetails").is_none());
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);

    // Located finding.
    let r = &results[0];
    assert_eq!(r["ruleId"], "AKS001");
    assert_eq!(r["ruleIndex"], 0);
    assert_eq!(r["level"], "error");
    assert!(r["message"]["text"]
        .as_str()
        .unwrap()
        .contains("The API server has a public endpoint"));
    let pl = &r["locations"][0]["physicalLocation"];
    assert_eq!(pl["artifactLocation"]["uri"], "infra/main.tf");
    assert_eq!(pl["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(pl["region"]["startLine"], 12);
    assert_eq!(pl["region"]["startColumn"], 3);
    assert_eq!(pl["region"]["endLine"], 12);
    assert_eq!(pl["region"]["endColumn"], 40);
    let ll = &r["locations"][0]["logicalLocations"][0];
    assert_eq!(ll["fullyQualifiedName"], "azurerm_kubernetes_cluster.aks");
    assert_eq!(ll["kind"], "resource");
    let fp = r["partialFingerprints"]["akslint/v2"].as_str().unwrap();
    assert_eq!(fp.len(), 16);
    assert!(fp.chars().all(|c| c.is_ascii_hexdigit()));
    // GitHub reads only primaryLocationLineHash: the same value, so that
    // upload-sarif does not hash the source line instead.
    assert_eq!(r["partialFingerprints"]["primaryLocationLineHash"], fp);

    // Unlocated finding: the plan file, line 1.
    let r = &results[1];
    assert_eq!(r["ruleIndex"], 1);
    assert_eq!(r["level"], "warning");
    let pl = &r["locations"][0]["physicalLocation"];
    assert_eq!(pl["artifactLocation"]["uri"], "plans/plan.json");
    assert_eq!(pl["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(pl["region"]["startLine"], 1);

    // Unknown finding: note, whatever its severity, under the sub-rule.
    let r = &results[2];
    assert_eq!(r["ruleId"], "AKS003/unknown");
    assert_eq!(r["ruleIndex"], 3);
    assert_eq!(r["level"], "note");

    // Input error: failed invocation with one notification.
    let inv = &run["invocations"].as_array().unwrap()[0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["level"], "error");
    assert!(notes[0]["message"]["text"]
        .as_str()
        .unwrap()
        .contains("invalid JSON"));
    let pl = &notes[0]["locations"][0]["physicalLocation"];
    assert_eq!(pl["artifactLocation"]["uri"], "plans/broken.json");
    assert_eq!(pl["region"]["startLine"], 4);
}

#[test]
fn sarif_clean_run_and_unknown_ignored() {
    let doc = parse(&sarif::render(&clean(), None));
    let run = &doc["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), 0);
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert!(run["invocations"][0]
        .get("toolExecutionNotifications")
        .is_none());
    assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 4);

    let doc = parse(&sarif::render(&sample(UnknownMode::Ignore), None));
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r["ruleId"] != "AKS003"));
}

#[test]
fn sarif_category_gets_a_trailing_slash() {
    let doc = parse(&sarif::render(&clean(), Some("akslint/staging")));
    assert_eq!(
        doc["runs"][0]["automationDetails"]["id"],
        "akslint/staging/"
    );
    let doc = parse(&sarif::render(&clean(), Some("  ")));
    assert!(doc["runs"][0].get("automationDetails").is_none());
}

#[test]
fn sarif_uris_are_encoded() {
    assert_eq!(
        sarif::artifact_uri("./infra/my dir/main.tf"),
        ("infra/my%20dir/main.tf".to_string(), Some("%SRCROOT%"))
    );
    assert_eq!(
        sarif::artifact_uri("/home/runner/plan.json"),
        ("file:///home/runner/plan.json".to_string(), None)
    );
    assert_eq!(
        sarif::artifact_uri("C:\\work\\plan.json"),
        ("file:///C:/work/plan.json".to_string(), None)
    );
}

#[test]
fn sarif_is_deterministic() {
    let a = sarif::render(&sample(UnknownMode::Warn), Some("c/"));
    let b = sarif::render(&sample(UnknownMode::Warn), Some("c/"));
    assert_eq!(a, b);
}

#[test]
fn sarif_truncates_at_25000_results() {
    let n = sarif::MAX_RESULTS + 1;
    let findings: Vec<Finding> = (0..n)
        .map(|i| {
            finding(
                "AKS001",
                "private-cluster",
                // The first is the least severe: it is the one dropped.
                if i == 0 {
                    Severity::Low
                } else {
                    Severity::High
                },
                Status::Fail,
                &format!("azurerm_kubernetes_cluster.c{i:05}"),
                vec![key("private_cluster_enabled")],
                "public",
                "plan.json",
                None,
            )
        })
        .collect();
    let report = Report {
        files: vec![FileReport {
            file: "plan.json".into(),
            resources: n,
            findings,
            errors: vec![],
            linted: true,
            fixed: vec![],
            moved: Vec::new(),
        }],
        rules: rules(),
        unknown: UnknownMode::Warn,
        fail_on: Some(Severity::High),
        warnings: Vec::new(),
        show_suppressed: false,
        gate: Gate::All,
    };
    let doc = parse(&sarif::render(&report, None));
    let run = &doc["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 25_000);
    // The most severe are kept, in report order.
    assert_eq!(
        results[0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "azurerm_kubernetes_cluster.c00001"
    );
    assert_eq!(
        results[24_999]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "azurerm_kubernetes_cluster.c25000"
    );
    let inv = &run["invocations"][0];
    assert_eq!(inv["executionSuccessful"], true);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    let text = notes[0]["message"]["text"].as_str().unwrap();
    assert!(text.contains("1 of 25001 results were dropped"), "{text}");

    // Exactly at the limit: nothing dropped.
    let mut exact = report.clone();
    exact.files[0].findings.pop();
    let doc = parse(&sarif::render(&exact, None));
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 25_000);
    assert!(doc["runs"][0]["invocations"][0]
        .get("toolExecutionNotifications")
        .is_none());
}

#[test]
fn fingerprints_ignore_lines() {
    let at = |line: usize, file: &str| {
        finding(
            "AKS001",
            "private-cluster",
            Severity::High,
            Status::Fail,
            "azurerm_kubernetes_cluster.aks",
            vec![key("private_cluster_enabled")],
            "m",
            "plan.json",
            Some(loc(file, line)),
        )
    };
    assert_eq!(
        sarif::fingerprint(&at(12, "main.tf")),
        sarif::fingerprint(&at(80, "main.tf"))
    );
    let mut other = at(12, "main.tf");
    other.attribute = vec![key("sku_tier")];
    assert_ne!(
        sarif::fingerprint(&at(12, "main.tf")),
        sarif::fingerprint(&other)
    );
    let mut other = at(12, "main.tf");
    other.rule_id = "AKS002".into();
    assert_ne!(
        sarif::fingerprint(&at(12, "main.tf")),
        sarif::fingerprint(&other)
    );

    // Through the rendered output too.
    let report_at = |line: usize| Report {
        files: vec![FileReport {
            file: "plan.json".into(),
            resources: 1,
            findings: vec![at(line, "main.tf")],
            errors: vec![],
            linted: true,
            fixed: vec![],
            moved: Vec::new(),
        }],
        rules: rules(),
        unknown: UnknownMode::Warn,
        fail_on: None,
        warnings: Vec::new(),
        show_suppressed: false,
        gate: Gate::All,
    };
    let fp = |line: usize| {
        let doc = parse(&sarif::render(&report_at(line), None));
        doc["runs"][0]["results"][0]["partialFingerprints"][sarif::FINGERPRINT_KEY].clone()
    };
    assert!(fp(3).is_string());
    assert_eq!(fp(3), fp(300));
    let doc = parse(&sarif::render(&report_at(300), None));
    assert_eq!(
        doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        300
    );
}

#[test]
fn fnv1a64_known_vectors() {
    assert_eq!(sarif::fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(sarif::fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(sarif::fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
}

// ---------------------------------------------------------------- Markdown

#[test]
fn markdown_summary() {
    let out = markdown::render(&sample(UnknownMode::Warn), None);
    assert!(out.starts_with(markdown::MARKER));
    assert!(out.contains("## akslint"));
    // Counts by severity.
    assert!(out.contains("| Severity | Findings |"));
    assert!(out.contains("| 🟥 critical | 0 |"));
    assert!(out.contains("| 🟧 high | 1 |"));
    assert!(out.contains("| 🟨 medium | 1 |"));
    assert!(out.contains("| 🟦 low | 0 |"));
    assert!(out.contains("| ❔ unknown (known only after apply) | 1 |"));
    assert!(out.contains("| ⚠️ input errors | 1 |"));
    // Findings table.
    assert!(out.contains("| Severity | Rule | Resource | Attribute | Location |"));
    assert!(out.contains(
        "| 🟧 high | [AKS001 private-cluster](https://github.com/akslint/akslint/blob/main/docs/rules/AKS001.md) | `azurerm_kubernetes_cluster.aks` | `private_cluster_enabled` | `infra/main.tf:12` |"
    ));
    // `|` escaped in cells, even inside code spans.
    assert!(out.contains("`module.aks[\"a\\|b\"].azurerm_kubernetes_cluster.this`"));
    assert!(out.contains("`network_profile[0].network_plugin_mode`"));
    // Unlocated: the plan file.
    assert!(out.contains("| `plans/plan.json` |"));
    assert!(out.contains("| ❔ unknown (critical) | [AKS003 network-policy]"));
    // Details: message (HTML escaped outside code spans) and remediation.
    assert!(out.contains("<details>"));
    assert!(out.contains("</details>"));
    assert!(out.contains("Use overlay \\| not &lt;kubenet&gt; &amp; friends"));
    assert!(out.contains("set `private_cluster_enabled = true`\\."));
    assert!(out.contains("**Remediation:** Set `private-cluster = true` &amp; &lt;retry&gt;"));
    assert!(out.contains("on <code>module.aks[&quot;a|b&quot;].azurerm_kubernetes_cluster.this"));
    // Errors.
    assert!(out.contains("### Errors"));
    assert!(out.contains("- `plans/broken.json` (`json`):"));
    assert!(out.contains("expected `,` or `}`"));
    // No raw HTML from inputs.
    assert!(!out.contains("<kubenet>"));
    assert!(!out.contains("<retry>"));
}

#[test]
fn markdown_links_locations_with_a_base() {
    let out = markdown::render(
        &sample(UnknownMode::Warn),
        Some("https://github.com/o/r/blob/abc123/"),
    );
    assert!(out
        .contains("[infra/main\\.tf\\:12](https://github.com/o/r/blob/abc123/infra/main.tf#L12)"));
}

#[test]
fn markdown_clean_run() {
    let out = markdown::render(&clean(), None);
    assert!(out.contains("✅ **Passed**"));
    assert!(!out.contains("### Findings"));
    assert!(!out.contains("### Errors"));
}

#[test]
fn markdown_escapes() {
    assert_eq!(markdown::cell("a|b\nc"), "a\\|b<br>c");
    assert_eq!(
        markdown::escape_html("<a href='x'>&</a>"),
        "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;"
    );
    assert_eq!(
        markdown::escape_prose("a < `b < c` > d"),
        "a &lt; `b < c` &gt; d"
    );
    assert_eq!(markdown::escape_prose("odd ` <"), "odd \\` &lt;");
    assert_eq!(markdown::code("a`b"), "`` a`b ``");
}

// ---------------------------------------------------------------- GitHub

#[test]
fn github_commands() {
    let out = github::render(&sample(UnknownMode::Warn));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    assert_eq!(
        lines[0],
        "::error file=plans/broken.json,line=4,col=7::plans/broken.json:4:7: invalid JSON: expected `,` or `}`"
    );
    assert_eq!(
        lines[1],
        "::error file=infra/main.tf,line=12,col=3,endLine=12,endColumn=40,title=AKS001 private-cluster::azurerm_kubernetes_cluster.aks private_cluster_enabled: The API server has a public endpoint: set `private_cluster_enabled = true`. [high]"
    );
    assert_eq!(
        lines[2],
        "::warning file=plans/plan.json,line=1,title=AKS002 cni-overlay::module.aks[\"a|b\"].azurerm_kubernetes_cluster.this network_profile[0].network_plugin_mode: Use overlay | not <kubenet> & friends, 100%25, a:b, c,d%0Asecond line [medium]"
    );
    assert!(
        lines[3].starts_with("::notice file=plans/plan.json,line=1,title=AKS003 network-policy::")
    );
    // The message says the value is known only after apply: the tag does
    // not say it again.
    assert!(lines[3].ends_with("network_policy is known only after apply [critical]"));
    let mut f = sample(UnknownMode::Warn).files[0].findings[2].clone();
    f.message = "Network policy is off.".into();
    assert!(github::finding_command(&f).ends_with("off. [critical, known only after apply]"));
    assert!(lines[4].starts_with("akslint: 1 file(s) linted"));
}

#[test]
fn github_escaping() {
    assert_eq!(github::escape_data("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e");
    assert_eq!(
        github::escape_property("a%b\r\nc:d,e"),
        "a%25b%0D%0Ac%3Ad%2Ce"
    );
    let f = finding(
        "AKS001",
        "private-cluster",
        Severity::Low,
        Status::Fail,
        "x.y",
        vec![],
        "m",
        "dir,with:odd%chars/plan.json",
        None,
    );
    assert_eq!(
        github::finding_command(&f),
        "::warning file=dir%2Cwith%3Aodd%25chars/plan.json,line=1,title=AKS001 private-cluster::x.y: m [low]"
    );
    let e = InputError::Empty {
        file: "empty.json".into(),
    };
    assert_eq!(
        github::error_command(&e),
        "::error file=empty.json::empty.json: the file is empty"
    );
}

// ---------------------------------------------------------------- JUnit

#[test]
fn junit_xml() {
    let out = junit::render(&sample(UnknownMode::Warn));
    assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
    assert!(out.ends_with("</testsuites>\n"));
    // plan.json: AKS001 and AKS002 fail, AKS003 unknown (skipped), AKS004 passes.
    assert!(out.contains(
        "<testsuite name=\"plans/plan.json\" tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"1\">"
    ));
    assert!(out.contains(
        "<testcase name=\"AKS001 private-cluster\" classname=\"azurerm_kubernetes_cluster.aks\" file=\"infra/main.tf\" line=\"12\">"
    ));
    assert!(out.contains("<failure message=\"The API server has a public endpoint: set `private_cluster_enabled = true`.\" type=\"high\">"));
    assert!(out.contains("in infra/main.tf:12:3"));
    assert!(out.contains("Remediation: Set `private-cluster = true` &amp; &lt;retry&gt;"));
    // Escaping in attributes (quotes, <, &, newline) and text.
    assert!(
        out.contains("classname=\"module.aks[&quot;a|b&quot;].azurerm_kubernetes_cluster.this\"")
    );
    assert!(out.contains(
        "message=\"Use overlay | not &lt;kubenet&gt; &amp; friends, 100%, a:b, c,d&#10;second line\" type=\"medium\""
    ));
    assert!(!out.contains("<kubenet>"));
    assert!(out.contains("<skipped message=\"network_policy is known only after apply\"/>"));
    assert!(
        out.contains("<testcase name=\"AKS004 authorized-ips\" classname=\"plans/plan.json\"/>")
    );
    // broken.json: not linted, so no passes; one error.
    assert!(out.contains(
        "<testsuite name=\"plans/broken.json\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">"
    ));
    assert!(out.contains("<error message=\"plans/broken.json:4:7: invalid JSON: expected `,` or `}`\" type=\"json\">"));
    assert!(out.contains(
        "<testsuites name=\"akslint\" tests=\"5\" failures=\"2\" errors=\"1\" skipped=\"1\">"
    ));
    // Balanced elements.
    assert_eq!(
        out.matches("<testsuite ").count(),
        out.matches("</testsuite>").count()
    );
    assert_eq!(
        out.matches("<testcase ").count(),
        out.matches("</testcase>").count() + out.matches("\"/>\n").count()
            - out.matches("<skipped ").count()
    );
    assert_eq!(out, junit::render(&sample(UnknownMode::Warn)));
}

#[test]
fn junit_unknown_modes_and_grouping() {
    // --unknown fail: the unknown finding is a failure.
    let out = junit::render(&sample(UnknownMode::Fail));
    assert!(out.contains(
        "<testsuite name=\"plans/plan.json\" tests=\"4\" failures=\"3\" errors=\"0\" skipped=\"0\">"
    ));
    // --unknown ignore: AKS003 has no reported finding, so it passes.
    let out = junit::render(&sample(UnknownMode::Ignore));
    assert!(
        out.contains("<testcase name=\"AKS003 network-policy\" classname=\"plans/plan.json\"/>")
    );

    // Two findings of one rule on one resource: one test case.
    let mut report = sample(UnknownMode::Warn);
    let mut second = report.files[0].findings[0].clone();
    second.attribute = vec![key("sku_tier")];
    second.message = "second problem".into();
    report.files[0].findings.push(second);
    let out = junit::render(&report);
    assert_eq!(
        out.matches("<testcase name=\"AKS001 private-cluster\"")
            .count(),
        1
    );
    assert!(out.contains("second problem"));
}

#[test]
fn junit_escapes_invalid_characters() {
    // Control characters are shown escaped (visible, and valid XML).
    assert_eq!(junit::escape_xml("a\u{1}b\"'"), "a\\u{1}b&quot;&apos;");
}

#[test]
fn text_gives_a_file_with_errors_only_no_line_of_counts() {
    let report = sample(UnknownMode::Warn);
    let t = akslint::report::text::render(&report, false, &akslint::source::SourceFiles::new());
    // The linted plan has its counts; the broken one, its error only.
    let plan = t.find("plans/plan.json\n").expect("the plan's block");
    let broken = t
        .find("plans/broken.json\n")
        .expect("the broken file's block");
    let summary = t.rfind(" linted, ").expect("the summary");
    // A file's block ends at the next block or at the summary.
    let end_of = |at: usize| {
        [plan, broken, summary]
            .into_iter()
            .filter(|&x| x > at)
            .min()
            .unwrap_or(t.len())
    };
    assert!(t[plan..end_of(plan)].contains(" new, "), "{t}");
    let block = &t[broken..end_of(broken)];
    assert!(block.contains("invalid JSON"), "{block}");
    assert!(!block.contains(" new, "), "{block}");
    assert!(t[summary..].contains(" new, "), "{t}");
}
