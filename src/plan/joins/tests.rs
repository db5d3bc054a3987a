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
