//! The Rust versions against their Rego, on random clusters, pools and
//! Key Vaults (`gen.rs`): every attribute the ported rules read, each
//! absent, unset in each way, of another type, or one of the values the
//! rules compare with (in other cases), with random `unknown` keys and
//! `unknown_roots` as akslint builds them, missing or inconsistent. The
//! Rego runs on the VM, rule by rule; the two `deny` sets must be equal,
//! messages included.
use serde_json::{json, Map, Value as Json};

use super::{deny, Input, PORTED};
use crate::engine::{Backend, RuleEngine};
use crate::finding::Status;
use gen::{input, Rng};

mod gen;
mod joined;

fn engine(backend: Backend, params: &Map<String, Json>) -> RuleEngine {
    let rules: Vec<_> = crate::rules::builtin_rules()
        .unwrap_or_default()
        .into_iter()
        .filter(|r| PORTED.contains(&r.meta.id.as_str()))
        .collect();
    assert_eq!(rules.len(), PORTED.len(), "a ported rule is not built in");
    RuleEngine::new(
        rules,
        &crate::rules::builtin_libs(),
        params,
        std::time::Duration::from_secs(60),
        backend,
        false,
    )
    .unwrap_or_else(|e| panic!("engine: {e}"))
}

#[test]
fn rust_and_rego_agree_on_random_resources() {
    let mut params = Map::new();
    params.insert(
        "AKS003".into(),
        json!({"allowed_policies": ["calico", "Cilium"]}),
    );
    params.insert(
        "AKS005".into(),
        json!({"allowed_outbound_types": ["userDefinedRouting", "ManagedNATGateway"]}),
    );
    params.insert("AKS009".into(), json!({"min_prefix": 20}));
    params.insert("AKS039".into(), json!({"max_interval_hours": 720}));
    params.insert("AKS011".into(), json!({"min_nodes": 5}));
    params.insert("AKS012".into(), json!({"required_zones": [1, 2, "3", "4"]}));
    params.insert("AKS016".into(), json!({"max_price": 0.5}));
    params.insert(
        "AKS046".into(),
        json!({"min_version": "1.32", "max_skew": 1}),
    );
    params.insert("AKS047".into(), json!({"min": 30}));
    params.insert("AKS019".into(), json!({"min_nodes": 1}));
    for params in [Map::new(), params] {
        let mut native = engine(Backend::Native, &params);
        let mut vm = engine(Backend::Vm, &params);
        let data = crate::engine::merge_params(native.rules(), &params);
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15, false);
        let mut findings = 0;
        let mut by_rule = std::collections::BTreeMap::new();
        for round in 0..60 {
            rng.1 = round % 3 == 2;
            let input = regorus::Value::from(input(&mut rng, 60));
            // Each Rust version reads the inputs without odd shapes.
            for id in PORTED {
                let read = deny(id, 0, &Input::new(&input), &data).is_some();
                assert!(read || rng.1, "{id} handed back round {round}");
            }
            let (a, fa) = native.evaluate(input.clone());
            let (b, fb) = vm.evaluate(input);
            assert!(fa.is_empty() && fb.is_empty(), "{fa:?} {fb:?}");
            if a != b {
                let first = a.iter().zip(&b).position(|(x, y)| x != y);
                panic!(
                    "round {round}: Rust {} findings, Rego {}; first difference at {first:?}:\n{:?}\n{:?}",
                    a.len(),
                    b.len(),
                    first.and_then(|i| a.get(i)),
                    first.and_then(|i| b.get(i)),
                );
            }
            findings += a.len();
            for f in &a {
                let id = native.rules().get(f.rule).map(|r| r.meta.id.clone());
                *by_rule.entry((id, f.status)).or_insert(0) += 1;
            }
        }
        // Every ported rule found something, both ways (the inputs reach
        // the rules' branches).
        assert!(findings > 1000, "{findings}");
        // Rules whose Rego gives only failures.
        const FAIL_ONLY: &[&str] = &["AKS006", "AKS030", "AKS034", "AKS040", "AKS042"];
        for id in PORTED {
            for status in [Status::Fail, Status::Unknown] {
                if status == Status::Unknown && FAIL_ONLY.contains(id) {
                    continue;
                }
                let n = by_rule.get(&(Some(id.to_string()), status));
                assert!(n.is_some(), "{id} gave no {status:?} finding");
            }
        }
    }
}

#[test]
fn a_shape_the_rust_versions_do_not_read_goes_to_the_rego() {
    let data = json!({"akslint": {"params": {"AKS003": {"allowed_policies": ["calico"]}}}});
    // A cluster without values, a pool whose prefix is not a list.
    let odd = regorus::Value::from(json!({
        "by_type": {"azurerm_kubernetes_cluster": [{"address": "a"}]},
        "pools": [{"address": "p", "values": {}, "prefix": "x"}],
    }));
    assert!(deny("AKS001", 0, &Input::new(&odd), &data).is_none());
    assert!(deny("AKS017", 0, &Input::new(&odd), &data).is_none());
    // A parameter of another type.
    let data = json!({"akslint": {"params": {"AKS003": {"allowed_policies": [1]}}}});
    assert!(deny(
        "AKS003",
        0,
        &Input::new(&regorus::Value::from(json!({}))),
        &data
    )
    .is_none());
    // And the engine still gives the Rego's findings for it.
    let mut native = engine(Backend::Native, &Map::new());
    let mut vm = engine(Backend::Vm, &Map::new());
    let (a, fa) = native.evaluate(odd.clone());
    let (b, fb) = vm.evaluate(odd);
    assert_eq!(a, b);
    assert_eq!(fa.len(), fb.len());
    // Two different clusters at one address: the rules that index the
    // clusters by address hand the input to the Rego.
    let cluster = |version: &str| json!({"address": "c", "values": {"kubernetes_version": version}, "unknown_roots": {}});
    let pool = json!({"address": "p", "kind": "resource", "cluster": "c", "prefix": [],
        "values": {"orchestrator_version": "1.33"}, "unknown_roots": {}});
    let twice = regorus::Value::from(json!({
        "by_type": {"azurerm_kubernetes_cluster": [cluster("1.30"), cluster("1.31")]},
        "pools": [pool],
    }));
    let data = crate::engine::merge_params(native.rules(), &Map::new());
    for id in ["AKS014", "AKS046"] {
        assert!(deny(id, 0, &Input::new(&twice), &data).is_none(), "{id}");
    }
    let (a, fa) = native.evaluate(twice.clone());
    let (b, fb) = vm.evaluate(twice);
    assert_eq!(a, b);
    assert_eq!(fa.len(), fb.len());
}

#[test]
fn aks036_without_the_joins_flag_reads_the_clusters() {
    let mut native = engine(Backend::Native, &Map::new());
    let mut vm = engine(Backend::Vm, &Map::new());
    let vault =
        json!({"address": "azurerm_key_vault.kv", "values": {"purge_protection_enabled": false}});
    // The cluster's CSI driver: unknown counts as set, an empty block not.
    for (provider, unknown, found) in [
        (json!([]), json!({"key_vault_secrets_provider": true}), true),
        (json!([]), json!({}), false),
        (json!([{}]), json!({}), true),
    ] {
        let cluster = json!({"address": "c", "values": {"key_vault_secrets_provider": provider}, "unknown": unknown});
        let input = regorus::Value::from(json!({
            "by_type": {"azurerm_kubernetes_cluster": [cluster], "azurerm_key_vault": [vault]},
            "joins": {},
        }));
        let (a, fa) = native.evaluate(input.clone());
        let (b, fb) = vm.evaluate(input);
        assert!(fa.is_empty() && fb.is_empty(), "{fa:?} {fb:?}");
        assert_eq!(a, b);
        let rule = |f: &super::RawFinding| native.rules().get(f.rule).map(|r| r.meta.id.as_str());
        assert_eq!(a.iter().any(|f| rule(f) == Some("AKS036")), found, "{a:?}");
    }
    // Vaults the random ones seldom are: closed by their ACL alone; in
    // doubt only about the 3.x name of RBAC authorization.
    for (values, unknown, expected) in [
        (
            json!({"purge_protection_enabled": true, "enable_rbac_authorization": true,
                "public_network_access_enabled": true, "network_acls": [{"default_action": "deny"}]}),
            json!({}),
            None,
        ),
        (
            json!({"purge_protection_enabled": true, "public_network_access_enabled": false}),
            json!({"enable_rbac_authorization": true}),
            Some(Status::Unknown),
        ),
    ] {
        let vault =
            json!({"address": "azurerm_key_vault.kv", "values": values, "unknown": unknown});
        let input = regorus::Value::from(json!({
            "by_type": {"azurerm_key_vault": [vault]},
            "joins": {"csi_cluster": true},
        }));
        let (a, _) = native.evaluate(input.clone());
        let (b, _) = vm.evaluate(input);
        assert_eq!(a, b);
        assert_eq!(a.first().map(|f| f.status), expected, "{a:?}");
    }
}

#[test]
fn aks009_reads_a_fractional_minimum_and_hands_back_what_to_number_refuses() {
    let input = |ranges: Json| {
        let cluster = json!({"address": "c", "values":
            {"api_server_access_profile": [{"authorized_ip_ranges": ranges}]}});
        regorus::Value::from(json!({"by_type": {"azurerm_kubernetes_cluster": [cluster]}}))
    };
    let params = |min: Json| json!({"akslint": {"params": {"AKS009": {"min_prefix": min}}}});
    // A prefix with a leading zero (`to_number` refuses it), a minimum
    // that is not a number: the Rego decides.
    assert!(deny(
        "AKS009",
        0,
        &Input::new(&input(json!(["10.0.0.0/016"]))),
        &params(json!(16))
    )
    .is_none());
    assert!(deny(
        "AKS009",
        0,
        &Input::new(&input(json!(["10.0.0.0/8"]))),
        &params(json!("16"))
    )
    .is_none());
    let mut p = Map::new();
    p.insert("AKS009".into(), json!({"min_prefix": 16.5}));
    let mut native = engine(Backend::Native, &p);
    let mut vm = engine(Backend::Vm, &p);
    let data = crate::engine::merge_params(native.rules(), &p);
    for (ranges, read) in [
        (
            json!(["10.0.0.0/16", "10.0.0.0/17", "2001:db8::/8", "10.0.0.0/016"]),
            false,
        ),
        (json!(["10.0.0.0/16", "10.0.0.0/17", "2001:db8::/8"]), true),
    ] {
        let input = input(ranges);
        assert_eq!(
            deny("AKS009", 0, &Input::new(&input), &data).is_some(),
            read
        );
        let (a, fa) = native.evaluate(input.clone());
        let (b, fb) = vm.evaluate(input);
        assert!(fa.is_empty() && fb.is_empty(), "{fa:?} {fb:?}");
        assert_eq!(a, b);
        let msgs: Vec<&str> = a.iter().map(|f| f.message.as_str()).collect();
        let wide = "`10.0.0.0/16` is wider than /16.5";
        assert!(msgs.iter().any(|m| m.contains(wide)), "{msgs:?}");
        assert!(
            !msgs.iter().any(|m| m.contains("/17`") || m.contains("db8")),
            "{msgs:?}"
        );
    }
}

#[test]
fn aks037_reads_the_clusters_without_the_joins_flag() {
    let mut native = engine(Backend::Native, &Map::new());
    let mut vm = engine(Backend::Vm, &Map::new());
    let registry = json!({"address": "azurerm_container_registry.r",
        "values": {"admin_enabled": true, "public_network_access_enabled": false}});
    let cluster = json!({"address": "c", "values": {}});
    // No flag (or not a boolean): a cluster of either type in the input
    // counts; the flag, when a boolean, decides.
    for (t, joins, found) in [
        ("azurerm_kubernetes_cluster", json!({}), true),
        (
            "azurerm_kubernetes_automatic_cluster",
            json!({"any_cluster": "yes"}),
            true,
        ),
        (
            "azurerm_kubernetes_cluster",
            json!({"any_cluster": false}),
            false,
        ),
        ("azurerm_key_vault", json!({}), false),
        ("azurerm_key_vault", json!({"any_cluster": true}), true),
    ] {
        let input = regorus::Value::from(json!({
            "by_type": {t: [cluster.clone()], "azurerm_container_registry": [registry.clone()]},
            "joins": joins,
        }));
        let (a, fa) = native.evaluate(input.clone());
        let (b, fb) = vm.evaluate(input);
        assert!(fa.is_empty() && fb.is_empty(), "{fa:?} {fb:?}");
        assert_eq!(a, b);
        let rule = |f: &super::RawFinding| native.rules().get(f.rule).map(|r| r.meta.id.as_str());
        assert_eq!(
            a.iter().any(|f| rule(f) == Some("AKS037")),
            found,
            "{t} {a:?}"
        );
    }
}
