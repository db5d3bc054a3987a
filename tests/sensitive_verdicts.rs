//! A value the plan marks sensitive that is not a secret (a version, an
//! address range passed through a sensitive variable) is judged as it is:
//! marking it changes no verdict. Where a built-in rule's message would
//! show it, the message is withheld; custom policies and every report see
//! only `(sensitive)`.
mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use serde_json::{json, Value};

/// Cluster and pool attributes that the joins read (ids, names, subnets):
/// the joins are made on the redacted values (docs/input-format.md), so
/// these are left unmarked.
const JOIN_KEYS: &[&str] = &[
    "id",
    "name",
    "resource_group_name",
    "kubernetes_cluster_id",
    "oidc_issuer_url",
    "kubelet_identity",
    "vnet_subnet_id",
    "pod_subnet_id",
];

const WITHHELD: &str = "The message is withheld: it would show a value the plan marks sensitive.";

fn is_pool_or_cluster(t: &str) -> bool {
    matches!(
        t,
        "azurerm_kubernetes_cluster"
            | "azurerm_kubernetes_automatic_cluster"
            | "azurerm_kubernetes_cluster_node_pool"
    )
}

/// Marks every attribute of `values` (and of each default pool, or the
/// default pool block whole) that is set and not a join key.
fn mark_all(values: &Value, marks: &mut Value, whole_blocks: bool) {
    let Some(values) = values.as_object() else {
        return;
    };
    if marks == &Value::Bool(true) {
        return;
    }
    if !marks.is_object() {
        *marks = json!({});
    }
    let m = marks.as_object_mut().unwrap();
    for (k, v) in values {
        if v.is_null() || JOIN_KEYS.contains(&k.as_str()) {
            continue;
        }
        if k == "default_node_pool" && !whole_blocks {
            let pools = v.as_array().cloned().unwrap_or_default();
            let mut marked = Vec::new();
            for (i, p) in pools.iter().enumerate() {
                let mut pm = m
                    .get(k)
                    .and_then(|x| x.get(i))
                    .filter(|x| x.is_object())
                    .cloned()
                    .unwrap_or_else(|| json!({}));
                for (pk, pv) in p.as_object().into_iter().flatten() {
                    if !pv.is_null() && !JOIN_KEYS.contains(&pk.as_str()) {
                        pm[pk] = json!(true);
                    }
                }
                marked.push(pm);
            }
            m.insert(k.clone(), Value::Array(marked));
        } else {
            m.insert(k.clone(), json!(true));
        }
    }
}

/// Marks what the rules read of a route (`azurerm_route`) or of a route
/// table's routes (the list whole, or each route's two attributes).
fn mark_route(t: &str, values: &Value, marks: &mut Value, whole_blocks: bool) -> bool {
    if !marks.is_object() {
        *marks = json!({});
    }
    match t {
        "azurerm_route" => {
            marks["address_prefix"] = json!(true);
            marks["next_hop_type"] = json!(true);
        }
        "azurerm_route_table" => match values["route"].as_array() {
            Some(list) if !whole_blocks => {
                let each = json!({"address_prefix": true, "next_hop_type": true});
                marks["route"] = Value::Array(vec![each; list.len()]);
            }
            Some(_) => marks["route"] = json!(true),
            None => return false,
        },
        _ => return false,
    }
    true
}

/// The plan or state with every cluster and pool attribute marked
/// sensitive but the join keys, and every route's prefix and next hop; and
/// how many resources were marked.
fn marked(doc: &Value, whole_blocks: bool) -> (Value, usize) {
    let mut doc = doc.clone();
    let mut n = 0;
    if let Some(rcs) = doc["resource_changes"].as_array_mut() {
        for rc in rcs {
            let t = rc["type"].as_str().unwrap_or_default().to_string();
            let after = rc["change"]["after"].clone();
            if !after.is_object() {
                continue;
            }
            let marks = &mut rc["change"]["after_sensitive"];
            if is_pool_or_cluster(&t) {
                mark_all(&after, marks, whole_blocks);
                n += 1;
            } else if mark_route(&t, &after, marks, whole_blocks) {
                n += 1;
            }
        }
    }
    fn walk(module: &mut Value, n: &mut usize, whole_blocks: bool) {
        if let Some(rs) = module["resources"].as_array_mut() {
            for r in rs {
                let t = r["type"].as_str().unwrap_or_default().to_string();
                let values = r["values"].clone();
                if r["mode"] != "managed" || !values.is_object() {
                    continue;
                }
                if is_pool_or_cluster(&t) {
                    mark_all(&values, &mut r["sensitive_values"], whole_blocks);
                    *n += 1;
                } else if mark_route(&t, &values, &mut r["sensitive_values"], whole_blocks) {
                    *n += 1;
                }
            }
        }
        if let Some(cs) = module["child_modules"].as_array_mut() {
            for c in cs {
                walk(c, n, whole_blocks);
            }
        }
    }
    if doc.get("resource_changes").is_none() {
        walk(&mut doc["values"]["root_module"], &mut n, whole_blocks);
    }
    (doc, n)
}

/// What identifies a verdict: rule, resource, attribute, status, change.
type Verdict = (String, String, String, String, String);

fn verdicts(report: &Value) -> BTreeMap<Verdict, Vec<String>> {
    let mut out: BTreeMap<Verdict, Vec<String>> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
        out.entry((
            s("rule_id"),
            s("address"),
            s("attribute"),
            s("status"),
            s("change"),
        ))
        .or_default()
        .push(s("message"));
    }
    out
}

fn inputs() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = [
        "example/plan.json",
        "bad-3x/plan.json",
        "bad-4x/plan.json",
        "good-3x/plan.json",
        "good-4x/plan.json",
        "pools/plan.json",
        "unknown-3x/plan.json",
        "rules-2026-12-3x/plan.json",
        "rules-2026-12-4x/plan.json",
        "automatic/plan.json",
        "joins-3x/plan.json",
        "joins-4x/plan.json",
        "federated/plan.json",
        "modules/plan.json",
        "joins-state/state.json",
        "modules-state/state.json",
        "bad-state-3x/state.json",
        "good-state-4x/state.json",
        "rules-2026-12-state/state.json",
    ]
    .iter()
    .map(|f| root().join("fixtures").join(f))
    .filter(|p| p.exists())
    .collect();
    let mut real: Vec<_> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    real.sort();
    files.extend(real);
    files
}

#[test]
fn marking_values_sensitive_changes_no_verdict() {
    no_verdict_changes(false);
}

/// The same, with the default pool block, and a route table's list of
/// routes, marked whole.
#[test]
fn marking_whole_blocks_sensitive_changes_no_verdict() {
    no_verdict_changes(true);
}

fn no_verdict_changes(whole_blocks: bool) {
    let dir = tempfile::tempdir().unwrap();
    let mut withheld = 0;
    let mut kept = 0;
    let mut marked_resources = 0;
    for path in inputs() {
        let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let (doc_marked, n) = marked(&doc, whole_blocks);
        marked_resources += n;
        let copy = dir.path().join(path.file_name().unwrap());
        std::fs::write(&copy, serde_json::to_vec(&doc_marked).unwrap()).unwrap();
        let plain_copy = dir.path().join("plain.json");
        std::fs::write(&plain_copy, serde_json::to_vec(&doc).unwrap()).unwrap();
        let (_, plain) = run_json(&[&path_str(&plain_copy)]);
        let (_, with_marks) = run_json(&[&path_str(&copy)]);
        let (a, b) = (verdicts(&plain), verdicts(&with_marks));
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{}: marking values sensitive changed a verdict",
            path.display()
        );
        for (key, messages) in &b {
            let before = &a[key];
            for (m, was) in messages.iter().zip(before) {
                if m.ends_with(WITHHELD) {
                    withheld += 1;
                } else {
                    assert_eq!(m, was, "{}: {key:?}", path.display());
                    kept += 1;
                }
            }
        }
    }
    // The test marks values, some messages show them, others do not.
    assert!(marked_resources > 20, "{marked_resources}");
    assert!(withheld > 10, "{withheld} messages withheld");
    assert!(kept > 100, "{kept} messages kept");
}

/// A plan whose sensitive values are distinctive: none may be printed.
fn distinctive_plan(dir: &Path) -> std::path::PathBuf {
    let path = root().join("fixtures/example/plan.json");
    let mut doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    for rc in doc["resource_changes"].as_array_mut().unwrap() {
        let t = rc["type"].as_str().unwrap().to_string();
        let ch = &mut rc["change"];
        match t.as_str() {
            "azurerm_kubernetes_cluster" => {
                ch["after"]["kubernetes_version"] = json!("1.29.987654");
                ch["after_sensitive"]["kubernetes_version"] = json!(true);
                ch["after"]["api_server_access_profile"] =
                    json!([{"authorized_ip_ranges": ["203.0.113.0/24", "64.123.0.0/9"]}]);
                ch["after_sensitive"]["api_server_access_profile"] =
                    json!([{"authorized_ip_ranges": [false, true]}]);
                ch["after"]["network_profile"][0]["network_plugin"] = json!("kubenet987654");
                ch["after_sensitive"]["network_profile"][0]["network_plugin"] = json!(true);
            }
            "azurerm_kubernetes_cluster_node_pool" => {
                ch["after"]["orchestrator_version"] = json!("1.22.987653");
                ch["after_sensitive"]["orchestrator_version"] = json!(true);
            }
            // The egress chain's routes, the list marked whole.
            "azurerm_route_table" => {
                ch["after"]["route"].as_array_mut().unwrap().push(json!({
                    "name": "local", "address_prefix": "10.98.76.0/24",
                    "next_hop_type": "VnetLocal", "next_hop_in_ip_address": null}));
                ch["after_sensitive"]["route"] = json!(true);
            }
            _ => {}
        }
    }
    let p = dir.join("plan.json");
    std::fs::write(&p, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    p
}

const DISTINCT: &[&str] = &["987654", "987653", "64.123.", "kubenet98", "98.76."];

#[test]
fn sensitive_values_fail_and_are_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let plan = distinctive_plan(dir.path());
    let (_, doc) = run_json(&[&path_str(&plan)]);
    let failing: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for rule in ["AKS002", "AKS009", "AKS046"] {
        let found: Vec<_> = failing.iter().filter(|(r, _)| r == rule).collect();
        assert!(
            !found.is_empty(),
            "{rule} does not judge the value: {failing:?}"
        );
        assert!(
            found.iter().any(|(_, m)| m.ends_with(WITHHELD)),
            "{rule}: {found:?}"
        );
    }
    // Every format, and a policy that prints its whole input.
    let policy = dir.path().join("policies");
    std::fs::create_dir(&policy).unwrap();
    std::fs::write(
        policy.join("LEAK100.rego"),
        "# METADATA\n# title: prints its input\n# description: test\n# custom:\n\
         #   id: LEAK100\n#   name: print-input\n#   severity: LOW\n#   related: []\n\
         #   why: test\n#   remediation: test\npackage akslint.rules.LEAK100\n\nimport rego.v1\n\n\
         deny contains {\"msg\": json.marshal(input), \"resource\": input.file, \"attribute\": []}\n",
    )
    .unwrap();
    for format in ["text", "json", "sarif", "markdown", "github", "junit"] {
        for extra in [&[][..], &["--policy", &path_str(&policy)][..]] {
            let mut args = vec!["--format", format];
            args.extend_from_slice(extra);
            let p = path_str(&plan);
            args.push(&p);
            let out = run(&args);
            let text = stdout(&out) + &stderr(&out);
            assert!(matches!(out.status.code(), Some(0 | 1)), "{format}: {text}");
            for d in DISTINCT {
                assert!(!text.contains(d), "{format} {extra:?} shows {d}:\n{text}");
            }
            if !extra.is_empty() {
                assert!(text.contains("LEAK100"), "{format}: the policy ran");
                if format == "json" {
                    assert!(
                        text.contains("(sensitive)"),
                        "the policy sees the placeholder"
                    );
                }
            }
        }
    }
}

/// A cluster whose default pool has one node, its `node_count` marked
/// sensitive in `marks` (the attribute, the block, or the whole list).
fn one_node_cluster(name: &str, marks: Value) -> Value {
    json!({
        "address": format!("azurerm_kubernetes_cluster.{name}"),
        "mode": "managed",
        "type": "azurerm_kubernetes_cluster",
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/azurerm",
        "change": {
            "actions": ["create"],
            "before": null,
            "after": {
                "name": name,
                "default_node_pool": [{"name": "system", "node_count": 1, "vm_size": "Standard_D4s_v5"}]
            },
            "after_unknown": {},
            "after_sensitive": marks
        }
    })
}

/// A sensitive value that is what the rule would make of the placeholder
/// (an unset `node_count` is 1, and so is one that is not a number) gives
/// the same message on both: that message still shows the value, and is
/// withheld.
#[test]
fn a_sensitive_value_equal_to_the_placeholders_reading_is_withheld() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    let doc = json!({
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "resource_changes": [
            one_node_cluster("attribute", json!({"default_node_pool": [{"node_count": true}]})),
            one_node_cluster("block", json!({"default_node_pool": [true]})),
            one_node_cluster("list", json!({"default_node_pool": true})),
        ]
    });
    std::fs::write(&plan, serde_json::to_vec(&doc).unwrap()).unwrap();
    let (code, report) = run_json(&[&path_str(&plan)]);
    assert_eq!(code, 1);
    let aks011: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "AKS011")
        .collect();
    assert_eq!(aks011.len(), 3, "{aks011:?}");
    for f in aks011 {
        assert_eq!(f["status"], "fail", "{f}");
        assert!(f["message"].as_str().unwrap().ends_with(WITHHELD), "{f}");
    }
    for format in ["text", "json", "sarif", "markdown", "github", "junit"] {
        let out = run(&["--format", format, &path_str(&plan)]);
        let text = stdout(&out) + &stderr(&out);
        assert!(!text.contains("1 node(s)"), "{format}:\n{text}");
    }
}

/// A route the plan marks sensitive that is not the firewall route: the
/// egress chain fails (AKS007), and its message, the same whether the route
/// is there or not, still tells what the route is not. It is withheld.
#[test]
fn a_sensitive_route_that_fails_the_egress_chain_is_withheld() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc: Value =
        serde_json::from_slice(&std::fs::read(root().join("fixtures/example/plan.json")).unwrap())
            .unwrap();
    let mut marked = 0;
    for rc in doc["resource_changes"].as_array_mut().unwrap() {
        if rc["type"] == "azurerm_route_table" {
            let ch = &mut rc["change"];
            ch["after"]["route"] = json!([{"name": "local", "address_prefix": "10.98.76.0/24",
                "next_hop_type": "VnetLocal", "next_hop_in_ip_address": null}]);
            ch["after_sensitive"]["route"] = json!(true);
            marked += 1;
        }
    }
    assert_eq!(marked, 1);
    let plan = dir.path().join("plan.json");
    std::fs::write(&plan, serde_json::to_vec(&doc).unwrap()).unwrap();
    let (_, report) = run_json(&[&path_str(&plan)]);
    let aks007: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "AKS007")
        .collect();
    assert!(!aks007.is_empty(), "{report}");
    for f in aks007 {
        assert_eq!(f["status"], "fail", "{f}");
        assert!(f["message"].as_str().unwrap().ends_with(WITHHELD), "{f}");
    }
}
