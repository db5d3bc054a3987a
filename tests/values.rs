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

/// A managed resource is one by its `mode`, not by its address: a module
/// called `data`, or an instance key with `.data.` in it, is linted as any
/// other (they were taken for data sources and skipped).
#[test]
fn data_in_a_module_name_or_key_is_no_data_source() {
    let text = std::fs::read_to_string(root().join("fixtures/bad-4x/plan.json")).unwrap();
    let mut plan: Value = serde_json::from_str(&text).unwrap();
    // No configuration: the variants' joins are the same as the original's.
    plan.as_object_mut().unwrap().remove("configuration");
    let rules = |fs: &[(String, String)]| {
        let mut ids: Vec<String> = fs.iter().map(|(id, _)| id.clone()).collect();
        ids.sort();
        ids
    };
    let want = findings(&plan);
    assert!(want.len() > 10, "{want:?}");
    let variant = |edit: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut p = plan.clone();
        for rc in p["resource_changes"].as_array_mut().unwrap() {
            if rc["mode"] == "managed" {
                edit(rc.as_object_mut().unwrap());
            }
        }
        findings(&p)
    };
    let keyed = variant(&|rc| {
        let a = format!("{}[\"team.data.eu\"]", rc["address"].as_str().unwrap());
        rc.insert("address".into(), a.into());
        rc.insert("index".into(), "team.data.eu".into());
    });
    assert_eq!(rules(&keyed), rules(&want));
    assert!(
        keyed.iter().all(|(_, a)| a.contains("[\"team.data.eu\"]")),
        "{keyed:?}"
    );
    let in_module = variant(&|rc| {
        let a = format!("module.data.{}", rc["address"].as_str().unwrap());
        rc.insert("address".into(), a.into());
        rc.insert("module_address".into(), "module.data".into());
    });
    assert_eq!(rules(&in_module), rules(&want));
    assert!(
        in_module.iter().all(|(_, a)| a.starts_with("module.data.")),
        "{in_module:?}"
    );
}

/// AKS007 (BASELINE-2026-12: "a value that matches nothing points outside
/// the plan or state"): an association of another stack's subnet, by a
/// known id, is no pool subnet's when every subnet's id is known (a state),
/// so it leaves a `fail` as it is; an association whose subnet id is not
/// known, or a known one in a plan that creates subnets (ids known only
/// after apply), may be one (`unknown`).
#[test]
fn an_association_of_another_stacks_subnet_leaves_aks007_failing() {
    let verdicts = |doc: &Value| -> Vec<(String, String)> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("in.json");
        std::fs::write(&p, serde_json::to_vec(doc).unwrap()).unwrap();
        let out = akslint()
            .args(["--format", "json", "--rule", "AKS007"])
            .arg(&p)
            .output()
            .expect("akslint runs");
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut v: Vec<(String, String)> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let s = |k: &str| f[k].as_str().unwrap().to_string();
                (s("address"), s("status"))
            })
            .collect();
        v.sort();
        v
    };
    let other = "/subscriptions/0000/resourceGroups/other/providers/Microsoft.Network/virtualNetworks/v/subnets/x";
    // State.
    let text = std::fs::read_to_string(root().join("fixtures/joins-state/state.json")).unwrap();
    let state: Value = serde_json::from_str(&text).unwrap();
    let want = verdicts(&state);
    assert!(want.iter().any(|(_, s)| s == "fail"), "{want:?}");
    let mut more = state.clone();
    more["values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "address": "azurerm_subnet_route_table_association.elsewhere",
            "mode": "managed",
            "type": "azurerm_subnet_route_table_association",
            "name": "elsewhere",
            "values": {"id": other, "subnet_id": other, "route_table_id": "/rt/x"},
            "sensitive_values": {}
        }));
    assert_eq!(verdicts(&more), want);
    // Plan: the same by a constant id; an id not known is not resolved.
    let text = std::fs::read_to_string(root().join("fixtures/joins-4x/plan.json")).unwrap();
    let plan: Value = serde_json::from_str(&text).unwrap();
    let want = verdicts(&plan);
    assert!(want.iter().any(|(_, s)| s == "fail"), "{want:?}");
    let with_association = |after: Value, unknown: Value| {
        let mut p = plan.clone();
        p["resource_changes"].as_array_mut().unwrap().push(serde_json::json!({
            "address": "azurerm_subnet_route_table_association.elsewhere",
            "mode": "managed",
            "type": "azurerm_subnet_route_table_association",
            "name": "elsewhere",
            "change": {"actions": ["create"], "before": null, "after": after,
                       "after_unknown": unknown, "before_sensitive": false, "after_sensitive": {}}
        }));
        verdicts(&p)
    };
    // In this plan the subnets are created (their ids known only after
    // apply): a known id might be one of them, as an id not known might.
    let known = with_association(
        serde_json::json!({"subnet_id": other, "route_table_id": "/rt/x"}),
        serde_json::json!({"id": true}),
    );
    let unresolved = with_association(
        serde_json::json!({"route_table_id": "/rt/x"}),
        serde_json::json!({"id": true, "subnet_id": true}),
    );
    // The pools whose subnet has no table become `unknown`; the others
    // (a table with a wrong route) keep their verdicts.
    assert_eq!(unresolved.len(), want.len());
    let changed: Vec<_> = want
        .iter()
        .zip(&unresolved)
        .filter(|(a, b)| a != b)
        .collect();
    assert!(!changed.is_empty(), "{want:?}");
    for ((a, before), (b, after)) in changed {
        assert_eq!((a, before.as_str(), after.as_str()), (b, "fail", "unknown"));
    }
    assert_eq!(known, unresolved);
}

/// An element of a list known only after apply, in a block that the
/// configuration does not show (a `dynamic` block): the provider computes
/// no single element, so it is truly unknown. AKS009 says `unknown` (it
/// failed, reading the element as a malformed range), as it does for the
/// same list written in a plain block.
#[test]
fn an_unknown_list_element_in_a_dynamic_block_is_unknown() {
    let plan = |config_block: bool| {
        let mut expressions = serde_json::json!({"name": {"constant_value": "c"}});
        if config_block {
            expressions["api_server_access_profile"] = serde_json::json!([{
                "authorized_ip_ranges": {"references": ["azurerm_public_ip.egress.ip_address"]}
            }]);
        }
        serde_json::json!({
            "format_version": "1.2",
            "terraform_version": "1.9.0",
            "resource_changes": [{
                "address": "azurerm_kubernetes_cluster.c",
                "mode": "managed",
                "type": "azurerm_kubernetes_cluster",
                "name": "c",
                "provider_name": "registry.terraform.io/hashicorp/azurerm",
                "change": {
                    "actions": ["create"],
                    "before": null,
                    "after": {
                        "name": "c",
                        "api_server_access_profile": [{"authorized_ip_ranges": ["203.0.113.0/24", null]}]
                    },
                    "after_unknown": {
                        "api_server_access_profile": [{"authorized_ip_ranges": [false, true]}]
                    },
                    "after_sensitive": {}
                }
            }],
            "configuration": {"root_module": {"resources": [{
                "address": "azurerm_kubernetes_cluster.c",
                "mode": "managed",
                "type": "azurerm_kubernetes_cluster",
                "name": "c",
                "expressions": expressions
            }]}}
        })
    };
    for config_block in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("plan.json");
        std::fs::write(&p, serde_json::to_vec(&plan(config_block)).unwrap()).unwrap();
        let (_, doc) = common::run_json(&[p.to_str().unwrap()]);
        let aks009: Vec<&Value> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule_id"] == "AKS009")
            .collect();
        assert_eq!(aks009.len(), 1, "block shown: {config_block}: {doc}");
        assert_eq!(
            aks009[0]["status"], "unknown",
            "block shown: {config_block}: {doc}"
        );
    }
}

/// AKS007 says a dynamic default pool hides the subnet only where the
/// plan's configuration is there to say so: without it (the section
/// removed) the subnet is not in the plan, as before (found by a review).
#[test]
fn the_dynamic_default_pool_reason_needs_the_configuration() {
    let text = std::fs::read_to_string(root().join("fixtures/dynamic-blocks/plan.json")).unwrap();
    let mut plan: Value = serde_json::from_str(&text).unwrap();
    let aks007 = |plan: &Value| {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("plan.json");
        std::fs::write(&p, serde_json::to_vec(plan).unwrap()).unwrap();
        let (_, doc) = common::run_json(&[p.to_str().unwrap()]);
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule_id"] == "AKS007")
            .map(|f| {
                (
                    f["status"].clone(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    let with = aks007(&plan);
    assert_eq!(with.len(), 1, "{with:?}");
    assert_eq!(with[0].0, "unknown");
    assert!(with[0].1.contains("`dynamic` block"), "{with:?}");
    plan.as_object_mut().unwrap().remove("configuration");
    let without = aks007(&plan);
    assert_eq!(without.len(), 1, "{without:?}");
    assert_eq!(without[0].0, "unknown");
    assert!(
        without[0]
            .1
            .contains("its subnet is not in this plan or state"),
        "{without:?}"
    );
}
