//! On a fixture repository with a root module and a local child module,
//! every finding of the SARIF, text, github and JUnit outputs points at the
//! right `.tf` file and line.
mod common;

use common::*;

/// (rule, address) -> (file, line) as the JSON report gives it, checked
/// against the .tf text itself.
fn expected() -> Vec<(String, String, String, u64)> {
    let (_, doc) = run_json(&[&path_str(&root().join("fixtures/modules/plan.json"))]);
    let findings = doc["findings"].as_array().unwrap();
    assert!(findings.len() >= 3);
    findings
        .iter()
        .map(|f| {
            let loc = &f["location"];
            let file = loc["file"].as_str().unwrap().to_string();
            let line = loc["line"].as_u64().unwrap();
            assert!(file.ends_with(".tf"), "{f}");
            // The line holds the attribute the finding names, or the block header.
            let text = std::fs::read_to_string(root().join(&file)).unwrap();
            let src = text.lines().nth(line as usize - 1).unwrap();
            let attr = f["attribute_path"]
                .as_array()
                .unwrap()
                .last()
                .and_then(|a| a.as_str())
                .unwrap_or("");
            // (An attribute absent from a nested block points at that block.)
            let in_block = f["attribute_path"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|p| p.as_str())
                .any(|p| src.trim_start().starts_with(&format!("{p} {{")));
            assert!(
                src.trim_start().starts_with(attr) || src.starts_with("resource ") || in_block,
                "{file}:{line} `{src}` for {attr}"
            );
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["address"].as_str().unwrap().to_string(),
                file,
                line,
            )
        })
        .collect()
}

#[test]
fn every_format_points_at_the_tf_line() {
    let plan = path_str(&root().join("fixtures/modules/plan.json"));
    let want = expected();
    assert!(want
        .iter()
        .any(|(_, a, f, _)| a.starts_with("module.aks[\"dev\"]")
            && f.ends_with("modules/aks/main.tf")));

    let sarif: serde_json::Value =
        serde_json::from_slice(&run(&["--format", "sarif", &plan]).stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), want.len());
    for (rule, address, file, line) in &want {
        let r = results
            .iter()
            .find(|r| {
                r["ruleId"] == rule.as_str()
                    && r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                        == address.as_str()
            })
            .unwrap_or_else(|| panic!("no SARIF result for {rule} {address}"));
        let phys = &r["locations"][0]["physicalLocation"];
        assert_eq!(phys["artifactLocation"]["uri"], file.as_str());
        assert_eq!(phys["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(phys["region"]["startLine"], *line);
    }

    let text = stdout(&run(&["--color", "never", &plan]));
    let github = stdout(&run(&["--format", "github", &plan]));
    let junit = stdout(&run(&["--format", "junit", &plan]));
    for (rule, _, file, line) in &want {
        assert!(
            text.contains(&format!("{file}:{line}:")),
            "text lacks {file}:{line}"
        );
        assert!(
            github
                .lines()
                .any(|l| l.contains(&format!("file={file},line={line},"))
                    && l.contains(rule.as_str())),
            "github lacks {rule} at {file}:{line}"
        );
        assert!(
            junit.contains(&format!("file=\"{file}\" line=\"{line}\"")),
            "junit lacks {file}:{line}"
        );
    }
}
