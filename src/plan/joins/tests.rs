//! Unit tests of the joins: references through module outputs and calls.
use super::*;
use serde_json::json;

fn cfg_json() -> Value {
    json!({"root_module": {
        "resources": [
            {"mode": "managed", "type": "azurerm_role_assignment", "name": "r", "expressions": {
                "scope": {"references": ["module.acr.id", "module.acr"]},
                "role_definition_id": {"references": ["data.azurerm_role_definition.c.id", "data.azurerm_role_definition.c"]},
                "principal_id": {"references": ["azurerm_resource_group.rg.id", "azurerm_resource_group.rg"]}
            }},
            {"mode": "data", "type": "azurerm_role_definition", "name": "c", "expressions": {"name": {"constant_value": "Contributor"}}}
        ],
        "module_calls": {"acr": {"expressions": {}, "module": {
            "resources": [{"mode": "managed", "type": "azurerm_container_registry", "name": "this", "expressions": {}}],
            "outputs": {"id": {"expression": {"references": ["azurerm_container_registry.this.id", "azurerm_container_registry.this"]}}}
        }}}
    }})
}

#[test]
fn references_lead_through_outputs_to_resources_data_sources_and_others() {
    let c = cfg_json().to_string();
    let idx = ConfigIndex::parse(&c, None);
    let e = idx
        .expressions(&[], "azurerm_role_assignment", "r", "")
        .unwrap();
    let accept_acr = |t: &str| t == REGISTRY;
    match resolve(&idx, &[], &[], &e["scope"], &accept_acr, 0) {
        Ref::Managed(t) => {
            assert_eq!(t.module, vec!["acr".to_string()]);
            assert_eq!(t.name, "this");
        }
        _ => panic!("the scope leads to the module's registry"),
    }
    match resolve(&idx, &[], &[], &e["role_definition_id"], &|_| false, 0) {
        Ref::Data(t, m, n) => {
            assert_eq!((t.as_str(), m.len(), n.as_str()), (ROLE_DEFINITION, 0, "c"))
        }
        _ => panic!("a data source"),
    }
    assert!(matches!(
        resolve(&idx, &[], &[], &e["principal_id"], &accept_acr, 0),
        Ref::Other
    ));
    assert!(matches!(
        resolve(
            &idx,
            &[],
            &[],
            &json!({"references": ["var.x"]}),
            &accept_acr,
            0
        ),
        Ref::Outside
    ));
    let defs = role_definitions(Some(&idx));
    assert_eq!(
        defs.get(&(Vec::new(), "c".to_string())).map(String::as_str),
        Some("Contributor")
    );
}

#[test]
fn a_role_is_read_from_one_role_definition_data_source_or_a_role_definition_id() {
    use super::roles::{is_role_definition_id, role_definitions_referenced};
    let refs = |r: &[&str]| serde_json::json!({ "references": r });
    // A conditional of two data sources names neither.
    let two = refs(&[
        "var.least_privilege",
        "data.azurerm_role_definition.pull.id",
        "data.azurerm_role_definition.pull",
        "data.azurerm_role_definition.push.id",
        "data.azurerm_role_definition.push",
    ]);
    assert_eq!(role_definitions_referenced(Some(&two)), 2);
    let one = refs(&[
        "data.azurerm_role_definition.fe[\"AcrPull\"].id",
        "data.azurerm_role_definition.fe[\"AcrPull\"]",
        "data.azurerm_role_definition.fe",
    ]);
    assert_eq!(role_definitions_referenced(Some(&one)), 1);
    assert_eq!(role_definitions_referenced(None), 0);
    // The plan's id wins over a data source's name only when it is one.
    assert!(is_role_definition_id(
        "/subscriptions/0/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d"
    ));
    assert!(!is_role_definition_id("fake-id"));
}

/// A plan of `n` clusters, each with its kubelet identity's object id, a
/// default pool in the subnet of another module, a registry with an AcrPull
/// assignment to another cluster's kubelet, and an assignment scoped to a
/// resource group that holds several clusters; every other subnet has a
/// route table.
fn many_joins(n: usize) -> String {
    let sub = "/subscriptions/s/resourceGroups";
    let mut changes = Vec::new();
    let mut add = |module: usize, type_: &str, name: &str, after: Value| {
        changes.push(json!({
            "address": format!("module.m[{module}].{type_}.{name}"),
            "module_address": format!("module.m[{module}]"),
            "mode": "managed", "type": type_, "name": name,
            "change": {"actions": ["create"], "before": null, "after": after,
                       "after_unknown": {}, "after_sensitive": {}},
        }));
    };
    for i in 0..n {
        let subnet = |j: usize| {
            format!("{sub}/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s{j}")
        };
        let table = format!("{sub}/rg/providers/Microsoft.Network/routeTables/t{i}");
        let registry = format!("{sub}/rg/providers/Microsoft.ContainerRegistry/registries/r{i}");
        add(
            i,
            CLUSTER_TYPES[0],
            "aks",
            json!({
                "id": format!("{sub}/rg{}/providers/Microsoft.ContainerService/managedClusters/aks{i}", i % 7),
                "kubelet_identity": [{"object_id": format!("OID{i}")}],
                "default_node_pool": [{"name": "system", "vnet_subnet_id": subnet((i * 7) % n)}],
            }),
        );
        add(
            i,
            SUBNET,
            "s",
            json!({"id": subnet(i), "name": format!("s{i}")}),
        );
        add(
            i,
            ROUTE_TABLE,
            "t",
            json!({"id": table, "route": [
            {"address_prefix": "0.0.0.0/0", "next_hop_type": "VirtualAppliance"}]}),
        );
        if i % 2 == 0 {
            add(
                i,
                ASSOCIATION,
                "a",
                json!({"subnet_id": subnet(i), "route_table_id": table}),
            );
        }
        add(i, REGISTRY, "acr", json!({"id": registry}));
        add(
            i,
            ROLE_ASSIGNMENT,
            "pull",
            json!({
            "principal_id": format!("oid{}", (i * 3) % n), "scope": registry,
            "role_definition_name": "AcrPull"}),
        );
        add(
            i,
            ROLE_ASSIGNMENT,
            "admin",
            json!({
            "principal_id": "someone", "scope": format!("{sub}/rg{}", i % 5),
            "role_definition_name": "Owner"}),
        );
    }
    json!({"format_version": "1.2", "resource_changes": changes}).to_string()
}

#[test]
fn joins_computed_in_parallel_are_the_same_at_any_thread_count() {
    let src = crate::plan::Source {
        name: "plan.json".into(),
        path: None,
        text: many_joins(300),
    };
    let joins = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let model = crate::plan::normalize(&src, &None).unwrap();
            let j = &model.joins;
            // Every pool's chain, every AcrPull assignment, and the
            // assignments on the resource groups of five of the seven
            // groups' clusters.
            assert_eq!(j.egress.len(), 300);
            assert_eq!(j.roles.len(), 300);
            let joined = j.egress.values().filter(|e| e.subnet == "joined").count();
            assert_eq!(joined, 300);
            let scoped: usize = j.cluster_roles.values().map(Vec::len).sum();
            assert!(scoped > 300, "{scoped}");
            format!("{j:?}")
        })
    };
    let one = joins(1);
    assert_eq!(one, joins(4));
    assert_eq!(one, joins(3));
}
