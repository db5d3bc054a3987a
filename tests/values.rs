//! Plan values reach the rules as they are: a value shaped like one of
//! serde_json's internal markers hides nothing.
mod common;

use common::{akslint, root};
use serde_json::Value;

fn findings(plan: &Value) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("plan.json");
    std::fs::write(&p, serde_json::to_vec(plan).unwrap()).unwrap();
    let out = akslint()
        .args(["--format", "json"])
        .arg(&p)
        .output()
        .expect("akslint runs");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["errors"].as_array().map(Vec::len), Some(0), "{doc}");
    let mut fs: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["address"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    fs.sort();
    fs
}

#[test]
fn a_number_marker_key_in_a_tag_hides_nothing() {
    let text = std::fs::read_to_string(root().join("fixtures/bad-4x/plan.json")).unwrap();
    let plan: Value = serde_json::from_str(&text).unwrap();
    let want = findings(&plan);
    assert!(want.len() > 10, "{want:?}");
    for tags in [
        serde_json::json!({"zzz": "x", "$serde_json::private::Number": "notanumber"}),
        serde_json::json!({"$serde_json::private::Number": "12"}),
    ] {
        let mut marked = plan.clone();
        for rc in marked["resource_changes"].as_array_mut().unwrap() {
            if let Some(after) = rc["change"]["after"].as_object_mut() {
                after.insert("tags".into(), tags.clone());
            }
        }
        assert_eq!(findings(&marked), want, "tags {tags}");
    }
}
