//! Every output format, as a user sees it, on fixtures: `insta` snapshots
//! (tests/snapshots/). Review a change with `cargo insta review`, or
//! `INSTA_UPDATE=always cargo test --test snapshots` and `git diff`.
mod common;

use common::*;

/// Runs akslint from the repository root, with nothing from the caller's
/// environment that changes the output.
fn output(format: &str, input: &str) -> String {
    let out = akslint()
        .current_dir(root())
        .env("AKSLINT_TODAY", "2026-12-04")
        .env_remove("GITHUB_SERVER_URL")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("GITHUB_SHA")
        .env_remove("AKSLINT_TIMINGS")
        .args(["--color", "never", "--format", format, input])
        .output()
        .expect("akslint runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{format} {input}: {}",
        stderr(&out)
    );
    stdout(&out)
}

/// SARIF with what depends on the clone replaced: the repository root's
/// absolute URI and `versionControlProvenance` (remote, commit, branch).
fn stable_sarif(text: &str) -> String {
    // Edited as text, so that the snapshot keeps the report's own key order.
    let doc: serde_json::Value = serde_json::from_str(text).expect("SARIF is JSON");
    let mut out = text.to_string();
    for run in doc["runs"].as_array().expect("runs") {
        if let Some(uri) = run.pointer("/originalUriBaseIds/%SRCROOT%/uri") {
            out = out.replace(
                &format!("\"uri\": {uri}"),
                "\"uri\": \"file:///REPOSITORY/\"",
            );
        }
    }
    // The provenance block (pretty-printed: it ends at the first line
    // indented as its key, holding the closing bracket).
    let mut lines: Vec<String> = Vec::new();
    let mut skip_until: Option<String> = None;
    for line in out.lines() {
        if let Some(end) = &skip_until {
            if line.trim_end_matches(',') == end {
                let comma = if line.ends_with(',') { "," } else { "" };
                if let Some(last) = lines.last_mut() {
                    last.push_str(comma);
                }
                skip_until = None;
            }
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with("\"versionControlProvenance\": [") {
            let indent = &line[..line.len() - trimmed.len()];
            lines.push(format!(
                "{indent}\"versionControlProvenance\": \"(the clone's remote, commit and branch)\""
            ));
            let one_line = trimmed.trim_end_matches(',').ends_with(']');
            if one_line && line.ends_with(',') {
                if let Some(last) = lines.last_mut() {
                    last.push(',');
                }
            }
            if !one_line {
                skip_until = Some(format!("{indent}]"));
            }
            continue;
        }
        lines.push(line.to_string());
    }
    lines.join("\n") + "\n"
}

macro_rules! snapshots {
    ($($name:ident: $input:expr;)*) => {$(
        mod $name {
            use super::*;
            #[test] fn text() { insta::assert_snapshot!(output("text", $input)); }
            #[test] fn json() { insta::assert_snapshot!(output("json", $input)); }
            #[test] fn sarif() { insta::assert_snapshot!(stable_sarif(&output("sarif", $input))); }
            #[test] fn markdown() { insta::assert_snapshot!(output("markdown", $input)); }
            #[test] fn github() { insta::assert_snapshot!(output("github", $input)); }
            #[test] fn junit() { insta::assert_snapshot!(output("junit", $input)); }
        }
    )*};
}

snapshots! {
    example: "fixtures/example/plan.json";
    modules: "fixtures/modules/plan.json";
    unknown_3x: "fixtures/unknown-3x/plan.json";
    state_3x: "fixtures/bad-state-3x/state.json";
}
