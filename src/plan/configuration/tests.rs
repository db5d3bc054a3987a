//! Unit tests of the configuration index and its reference resolution.
use super::*;
use serde_json::json;

fn sets_path(expressions: &Map<String, Value>, path: &[Step]) -> bool {
    unshown_step(expressions, path).is_none()
}

fn k(s: &str) -> Step {
    Step::Key(s.into())
}

#[test]
fn configured_and_unconfigured_paths() {
    let e = json!({
        "network_profile": [{"network_plugin": {"constant_value": "azure"}}],
        "disk_encryption_set_id": {"references": ["azurerm_disk_encryption_set.d.id"]},
        "tags": {"references": ["var.tags"]}
    });
    let e = e.as_object().unwrap();
    assert!(!sets_path(
        e,
        &[k("network_profile"), Step::Index(0), k("network_policy")]
    ));
    assert!(sets_path(
        e,
        &[k("network_profile"), Step::Index(0), k("network_plugin")]
    ));
    assert!(sets_path(e, &[k("disk_encryption_set_id")]));
    assert!(sets_path(e, &[k("tags"), k("env")]));
    assert!(!sets_path(e, &[k("api_server_access_profile")]));
}

#[test]
fn resolves_through_module_output_and_variable() {
    let cfg = json!({"root_module": {
        "resources": [{"mode": "managed", "type": "azurerm_kubernetes_cluster_node_pool", "name": "p",
            "expressions": {"kubernetes_cluster_id": {"references": ["module.aks.cluster_id", "module.aks"]}}}],
        "module_calls": {"aks": {"expressions": {}, "module": {
            "resources": [{"mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "this", "expressions": {}}],
            "outputs": {"cluster_id": {"expression": {"references": ["azurerm_kubernetes_cluster.this.id", "azurerm_kubernetes_cluster.this"]}}},
            "module_calls": {"pools": {"expressions": {"cluster_id": {"references": ["azurerm_kubernetes_cluster.this.id"]}}, "module": {
                "resources": [{"mode": "managed", "type": "azurerm_kubernetes_cluster_node_pool", "name": "inner",
                    "expressions": {"kubernetes_cluster_id": {"references": ["var.cluster_id"]}}}]}}}
        }}}
    }});
    let text = cfg.to_string();
    let idx = TfConfiguration::parse(&text, None);
    let e = idx
        .expressions(&[], "azurerm_kubernetes_cluster_node_pool", "p", "")
        .unwrap();
    let t = idx
        .resolve(
            &[],
            &[],
            &e["kubernetes_cluster_id"],
            "azurerm_kubernetes_cluster",
            0,
        )
        .unwrap();
    assert_eq!(t.module, vec!["aks".to_string()]);
    assert_eq!(t.name, "this");
    assert_eq!(t.attr.as_deref(), Some("id"));

    let scope = vec!["aks".to_string(), "pools".to_string()];
    let e = idx
        .expressions(&scope, "azurerm_kubernetes_cluster_node_pool", "inner", "")
        .unwrap();
    let t = idx
        .resolve(
            &scope,
            &[None, None],
            &e["kubernetes_cluster_id"],
            "azurerm_kubernetes_cluster",
            0,
        )
        .unwrap();
    assert_eq!(t.module, vec!["aks".to_string()]);
}

/// What `references` reaches through a whole-resource output.
fn through(idx: &TfConfiguration, reference: &str) -> Option<Target> {
    let e = json!({ "references": [reference] });
    idx.resolve(&[], &[], &e, "azurerm_kubernetes_cluster", 0)
}

#[test]
fn a_whole_resource_is_read_on_by_the_reference_that_reaches_it() {
    let cfg = json!({"root_module": {"module_calls": {
        "one": {"expressions": {}, "module": {
            "resources": [{"mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "this", "expressions": {}}],
            "outputs": {"cluster": {"expression": {"references": ["azurerm_kubernetes_cluster.this"]}}}
        }},
        "fleet": {"expressions": {}, "module": {
            "resources": [{"mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "this", "expressions": {}}],
            "outputs": {"clusters": {"expression": {"references": ["azurerm_kubernetes_cluster.this"]}}}
        }},
        "ghost": {"expressions": {}, "module": {
            "resources": [{"mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "this", "expressions": {}}],
            "outputs": {"clusters": {"expression": {"references": ["azurerm_kubernetes_cluster.this"]}}}
        }},
        "use": {"expressions": {"cluster": {"references": ["module.fleet.clusters[\"blue\"]", "module.fleet.clusters", "module.fleet"]}},
            "module": {}}
    }}});
    let text = cfg.to_string();
    let mut idx = TfConfiguration::parse(&text, None);
    let (blue, green) = (json!("blue"), json!("green"));
    idx.record_instances(
        [
            (
                "module.fleet",
                "azurerm_kubernetes_cluster",
                "this",
                Some(&blue),
            ),
            (
                "module.fleet",
                "azurerm_kubernetes_cluster",
                "this",
                Some(&green),
            ),
            ("module.one", "azurerm_kubernetes_cluster", "this", None),
        ]
        .into_iter(),
    );
    let t = |r: &str| through(&idx, r).map(|t| (t.index, t.attr));
    // An attribute of the type: read on.
    assert_eq!(
        t("module.one.cluster.kubelet_identity[0].object_id"),
        Some((None, Some("kubelet_identity".into())))
    );
    assert_eq!(
        t("module.one.cluster.node_resource_group"),
        Some((None, Some("node_resource_group".into())))
    );
    // An object's key is no attribute: the whole resource, as before.
    assert_eq!(t("module.one.cluster.cluster.id"), Some((None, None)));
    assert_eq!(t("module.one.cluster"), Some((None, None)));
    // A resource with instances: the key picks one, then the attribute.
    assert_eq!(
        t(r#"module.fleet.clusters["blue"].id"#),
        Some((Some(json!("blue")), Some("id".into())))
    );
    assert_eq!(t("module.fleet.clusters.blue.id"), Some((None, None)));
    // Nothing after the key: a splat or a `for` expression over the
    // instances may have mapped them to another attribute.
    assert_eq!(t(r#"module.fleet.clusters["blue"]"#), Some((None, None)));
    // `one(azurerm_kubernetes_cluster.this)`: the attribute, no key.
    assert_eq!(
        t("module.fleet.clusters.node_resource_group_id"),
        Some((None, Some("node_resource_group_id".into())))
    );
    // A name that holds a string, read further: an object's key.
    assert_eq!(t("module.one.cluster.name.id"), Some((None, None)));
    assert_eq!(
        t("module.one.cluster.name"),
        Some((None, Some("name".into())))
    );
    // A list block read without an index: an object's key.
    assert_eq!(t("module.one.cluster.identity.id"), Some((None, None)));
    assert_eq!(
        t("module.one.cluster.identity[0].principal_id"),
        Some((None, Some("identity".into())))
    );
    // A map reads on by name.
    assert_eq!(
        t("module.one.cluster.tags.env"),
        Some((None, Some("tags".into())))
    );
    // A resource the model does not hold: a key cannot be told from a
    // list's; without one, the attribute.
    assert_eq!(t(r#"module.ghost.clusters["x"].id"#), Some((None, None)));
    assert_eq!(
        t("module.ghost.clusters.id"),
        Some((None, Some("id".into())))
    );
    // A key with nothing after it waits for the hop that reads on.
    let e = json!({ "references": ["var.cluster.id"] });
    let scope = ["use".to_string()];
    let hop = idx
        .resolve(&scope, &[None], &e, "azurerm_kubernetes_cluster", 0)
        .unwrap();
    assert_eq!(
        (hop.index, hop.attr),
        (Some(blue.clone()), Some("id".into()))
    );
    // A single resource's key is a list's or an object's, not an instance.
    assert_eq!(
        t("module.one.cluster[0].id"),
        Some((None, Some("id".into())))
    );
}

#[test]
fn the_index_keeps_what_the_joins_read() {
    let raw = r#"{"provider_config": {"azurerm": {"name": "azurerm"}},
        "root_module": {
            "variables": {"v": {"default": "x"}},
            "outputs": {"o": {"expression": {"references": ["module.m.id"]}, "description": "d"}},
            "resources": [
                {"address": "azurerm_kubernetes_cluster.c", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "c",
                 "provider_config_key": "azurerm", "schema_version": 2,
                 "expressions": {"dns_prefix": {"constant_value": "c"}}},
                {"address": "azurerm_application_gateway.g", "mode": "managed", "type": "azurerm_application_gateway", "name": "g",
                 "expressions": {"name": {"constant_value": "g"}}},
                {"address": "data.azurerm_role_definition.r", "mode": "data", "type": "azurerm_role_definition", "name": "r",
                 "expressions": {"name": {"constant_value": "AcrPull"}}},
                {"address": "module.flat.azurerm_kubernetes_cluster.f", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "f",
                 "expressions": {"dns_prefix": {"constant_value": "f"}}}
            ],
            "module_calls": {"m": {"source": "./m", "expressions": {"x": {"references": ["var.v"]}},
                "module": {"resources": [
                    {"address": "azurerm_public_ip.p", "mode": "managed", "type": "azurerm_public_ip", "name": "p"},
                    {"address": "azurerm_kubernetes_cluster_node_pool.n", "mode": "managed", "type": "azurerm_kubernetes_cluster_node_pool", "name": "n",
                     "expressions": {"kubernetes_cluster_id": {"references": ["var.x"]}}}
                ]}}}
        }}"#;
    let keep: HashSet<String> = [
        "azurerm_kubernetes_cluster",
        "azurerm_kubernetes_cluster_node_pool",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    let m = ["m".to_string()];
    for (idx, all) in [
        (TfConfiguration::parse(raw, Some(&keep)), false),
        (TfConfiguration::parse(raw, None), true),
    ] {
        assert_eq!(
            idx.expressions(&[], "azurerm_kubernetes_cluster", "c", ""),
            Some(
                json!({"dns_prefix": {"constant_value": "c"}})
                    .as_object()
                    .cloned()
                    .unwrap()
            )
        );
        // Resources of other types only without a filter, with no
        // expressions an empty object.
        assert_eq!(
            idx.expressions(&[], "azurerm_application_gateway", "g", "")
                .is_some(),
            all
        );
        assert_eq!(
            idx.expressions(&m, "azurerm_public_ip", "p", "")
                .map(|e| e.len()),
            all.then_some(0)
        );
        // Under its full address in the root module.
        assert!(idx
            .expressions(
                &[],
                "azurerm_kubernetes_cluster",
                "f",
                "module.flat.azurerm_kubernetes_cluster.f"
            )
            .is_some());
        // The data source, whatever the filter.
        let data: Vec<_> = idx
            .data_sources()
            .iter()
            .map(|d| (d.type_.as_str(), d.name.as_str(), d.expressions()))
            .collect();
        assert_eq!(data.len(), 1);
        assert_eq!(data[0].0, "azurerm_role_definition");
        assert_eq!(data[0].2["name"]["constant_value"], "AcrPull");
        // A call argument and a module output, one hop each.
        let var = address::parse("var.x").unwrap();
        let (scope, _, expr) = idx.hop(&m, &[None], &var).unwrap();
        assert!(scope.is_empty());
        assert_eq!(expr, json!({"references": ["var.v"]}));
        let out = address::parse("module.m.id").unwrap();
        assert!(
            idx.hop(&[], &[], &out).is_none(),
            "module m has no output `id`"
        );
    }
    // Values of another shape are skipped, never a panic.
    for odd in [
        "{\"root_module\": 5}",
        "{\"root_module\": {\"resources\": {}, \"outputs\": [], \"module_calls\": 1}}",
        "{\"root_module\": {\"resources\": [1, {\"type\": 2, \"name\": \"n\"}], \"module_calls\": {\"a\": 3, \"b\": {\"module\": []}}}}",
        "[]",
    ] {
        let idx = TfConfiguration::parse(odd, Some(&keep));
        assert!(idx
            .expressions(&[], "azurerm_kubernetes_cluster", "n", "")
            .is_none());
    }
}

#[test]
fn only_the_keys_read_are_built_and_what_fails_the_whole_parse_fails_it() {
    let texts = [
        r#"{"a": {"constant_value": 1}, "b": [{"c": {"references": ["x.y"]}}], "d": null}"#,
        r#"{"a": 1, "a": 2, "b": true}"#,
        r#"{"a": 1, "b": 1e400}"#,
        r#"{"a": 1, "b": [1, {"c": 1e999}]}"#,
        r#"{"a": 1, "b": "\ud800"}"#,
        r#"{"a": 1, "b\udc00": 2}"#,
        r#"{"a": 1, "b": "\ud83d\ude00 \u00e9 \n"}"#,
        r#"{"a": 18446744073709551616, "b": -9223372036854775809}"#,
        r#"{}"#,
        r#"{"a": 1, "b": {"$serde_json::private::RawValue": 5}}"#,
        r#"{"a": 1, "b": [{"$serde_json::private::RawValue": "not json"}]}"#,
        r#"{"a": 1, "b": {"$serde_json::private::RawValue": "[1, 2]", "c": 1}}"#,
        r#"{"a": 1, "b": {"$serde_json::private::RawValue": "[1, {\"c\": 1e400}]"}}"#,
        r#"{"a": 1, "b": {"$serde_json::private::RawValue": "[1, 2]"}}"#,
        r#"{"a": 1, "b": {"c": 1, "$serde_json::private::RawValue": 5}}"#,
        r#"{"$serde_json::private::RawValue": 5, "b": 1}"#,
        r#"[1, 2]"#,
        r#""a""#,
        r#"null"#,
    ];
    let sets: [&[&str]; 4] = [&[], &["a"], &["b"], &["a", "b", "z"]];
    for text in texts {
        let raw: Box<RawValue> = serde_json::from_str(text).unwrap();
        let whole = object(Some(&raw));
        for keys in sets {
            let keys: HashSet<&str> = keys.iter().copied().collect();
            let want: Map<String, Value> = whole
                .iter()
                .filter(|(k, _)| keys.contains(k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            assert_eq!(object_with(Some(&raw), &keys), want, "{text} {keys:?}");
        }
    }
    // A number out of range or a lone surrogate anywhere: nothing, as for
    // the whole parse.
    let raw: Box<RawValue> = serde_json::from_str(texts[3]).unwrap();
    assert!(object(Some(&raw)).is_empty());
    assert!(object_with(Some(&raw), &["a"].into_iter().collect()).is_empty());
    assert!(object_with(None, &["a"].into_iter().collect()).is_empty());
}
