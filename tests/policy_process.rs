//! Custom policies run in policy processes (src/engine/process.rs): what
//! crosses the pipe must be the whole input, whatever it holds.
mod common;

use common::*;

/// Tags nested 121 levels deep (the most a plan may nest is serde_json's
/// limit, 128, checked when it is read): inside the request to a policy
/// process, wrapped in the input and the request, they are deeper than
/// serde_json's default limit, which the policy process lifts. Before, the
/// policy process could not read the request and the custom policy failed.
#[test]
fn a_deep_input_reaches_the_policy_process() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 121;
    let text = format!(
        "{{\"format_version\": \"1.0\",\n\"values\": {{\"root_module\": {{\"resources\": [{{\"address\": \"azurerm_kubernetes_cluster.a\", \"type\": \"azurerm_kubernetes_cluster\", \"name\": \"a\",\n\"values\": {{\"tags\": {}1{}}}}}]}}}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let file = dir.path().join("deep.json");
    std::fs::write(&file, text).unwrap();
    let org = path_str(&root().join("fixtures/policies/org"));
    let (code, doc) = run_json(&["--policy", &org, &path_str(&file)]);
    assert_eq!(code, 1, "{doc}");
    assert_eq!(doc["errors"], serde_json::json!([]), "{doc}");
    let org001 = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "ORG001")
        .count();
    assert_eq!(org001, 1, "{doc}");
}
