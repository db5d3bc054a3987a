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

/// AKS007: a route names its table by name and resource group. A reference
/// to the table's name does not join a route in another group (BASELINE:
/// "joined by `route_table_name` ... and the same `resource_group_name`");
/// the same group in another case still joins.
fn aks007(plan: &Value) -> Vec<(String, String)> {
    findings(plan)
        .into_iter()
        .filter(|(rule, _)| rule == "AKS007")
        .collect()
}

#[test]
fn a_route_in_another_group_is_not_the_tables() {
    let text = std::fs::read_to_string(root().join("fixtures/joins-4x/plan.json")).unwrap();
    let plan: Value = serde_json::from_str(&text).unwrap();
    let with_group = |group: &str| {
        let mut p = plan.clone();
        let rc = p["resource_changes"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|rc| rc["address"] == "azurerm_route.default")
            .unwrap();
        rc["change"]["after"]["resource_group_name"] = Value::from(group);
        aks007(&p)
    };
    // Known only after apply: both through the same resource group's name
    // is the same group; the route's through a variable, the plan cannot
    // tell (a finding, `unknown`).
    let unknown_group = |addresses: &[&str], reference: &str| {
        let mut p = plan.clone();
        for rc in p["resource_changes"].as_array_mut().unwrap() {
            if addresses.iter().any(|a| rc["address"] == *a) {
                rc["change"]["after"]["resource_group_name"] = Value::Null;
                rc["change"]["after_unknown"]["resource_group_name"] = Value::Bool(true);
            }
        }
        for r in p["configuration"]["root_module"]["resources"]
            .as_array_mut()
            .unwrap()
        {
            if r["address"] == "azurerm_route.default" {
                r["expressions"]["resource_group_name"] =
                    serde_json::json!({ "references": [reference] });
            }
        }
        aks007(&p)
    };
    let joined = with_group("rg-joins");
    let good = (
        "AKS007".to_string(),
        "azurerm_kubernetes_cluster.good".to_string(),
    );
    assert!(!joined.contains(&good), "{joined:?}");
    let both = ["azurerm_route.default", "azurerm_route_table.firewall"];
    assert_eq!(
        unknown_group(&both, "azurerm_resource_group.this.name"),
        joined
    );
    assert!(unknown_group(&both, "var.group").contains(&good));
    assert!(unknown_group(&both[..1], "var.group").contains(&good));
    assert_eq!(with_group("RG-Joins"), joined);
    let other = with_group("rg-elsewhere");
    let added: Vec<_> = other.iter().filter(|f| !joined.contains(f)).collect();
    assert!(
        added.contains(&&(
            "AKS007".to_string(),
            "azurerm_kubernetes_cluster.good".to_string()
        )),
        "{joined:?} -> {other:?}"
    );
}
