//! Reads the plan's `configuration` section into a tree of modules, the
//! pieces a reader needs left as slices of the text (see
//! [`super::configuration`], which indexes the tree).
//!
//! A section of the shapes Terraform writes is read in one pass. One with a
//! value of another shape (a resource that is not an object, a key given
//! twice) fails that pass and is read again piece
//! by piece, each piece on its own: a value of another shape is then skipped
//! where it stands (what reads it would ignore it), as when the section was
//! a `Value` tree. Both give the same tree for a section both can read (the
//! one-pass reader is several times faster on a large section: each piece
//! read piece by piece is scanned once per enclosing module level).
use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

/// A module of the section.
#[derive(Deserialize, Default)]
pub(super) struct Module<'c> {
    #[serde(borrow, default)]
    pub resources: Option<Vec<Resource<'c>>>,
    #[serde(borrow, default)]
    pub outputs: Option<BTreeMap<String, Output<'c>>>,
    #[serde(borrow, default)]
    pub module_calls: Option<BTreeMap<String, Call<'c>>>,
}

/// A resource or data source of a module (its fields as slices: most
/// resources are not kept, and the tree is alive beside the file's text).
#[derive(Deserialize)]
pub(super) struct Resource<'c> {
    #[serde(borrow, default)]
    pub address: Option<&'c RawValue>,
    #[serde(borrow, default)]
    pub mode: Option<&'c RawValue>,
    #[serde(borrow, default, rename = "type")]
    pub type_: Option<&'c RawValue>,
    #[serde(borrow, default)]
    pub name: Option<&'c RawValue>,
    #[serde(borrow, default)]
    pub expressions: Option<&'c RawValue>,
    #[serde(borrow, default)]
    pub for_each_expression: Option<&'c RawValue>,
}

/// A field that is a string (None for another value).
pub(super) fn string<'c>(raw: Option<&'c RawValue>) -> Option<Cow<'c, str>> {
    serde_json::from_str(raw?.get()).ok()
}

/// An output of a module.
#[derive(Deserialize)]
pub(super) struct Output<'c> {
    #[serde(borrow, default)]
    pub expression: Option<&'c RawValue>,
}

/// A module call: its arguments and the called module.
#[derive(Deserialize)]
pub(super) struct Call<'c> {
    #[serde(borrow, default)]
    pub expressions: Option<&'c RawValue>,
    #[serde(borrow, default)]
    pub module: Option<Box<Module<'c>>>,
}

#[derive(Deserialize)]
struct Document<'c> {
    #[serde(borrow, default)]
    root_module: Option<Module<'c>>,
}

/// The root module of the section `raw` (None when it has none).
pub(super) fn root_module(raw: &str) -> Option<Module<'_>> {
    match serde_json::from_str::<Document<'_>>(raw) {
        Ok(d) => d.root_module,
        Err(_) => piecewise::root_module(raw),
    }
}

/// The reader of a section of other shapes: each piece a slice of the
/// text, read on its own.
mod piecewise {
    use super::{Call, Deserialize, Module, Output, RawValue, Resource};

    #[derive(Deserialize)]
    struct RawDocument<'c> {
        #[serde(borrow, default)]
        root_module: Option<&'c RawValue>,
    }

    #[derive(Deserialize)]
    struct RawModule<'c> {
        #[serde(borrow, default)]
        resources: Option<&'c RawValue>,
        #[serde(borrow, default)]
        outputs: Option<&'c RawValue>,
        #[serde(borrow, default)]
        module_calls: Option<&'c RawValue>,
    }

    #[derive(Deserialize)]
    struct RawOutput<'c> {
        #[serde(borrow, default)]
        expression: Option<&'c RawValue>,
    }

    #[derive(Deserialize)]
    struct RawCall<'c> {
        #[serde(borrow, default)]
        expressions: Option<&'c RawValue>,
        #[serde(borrow, default)]
        module: Option<&'c RawValue>,
    }

    /// The entries of an object field, by key (none when it is not one; of
    /// a key given twice, the last, as in a `Value`).
    fn entries(raw: Option<&RawValue>) -> std::collections::BTreeMap<String, &RawValue> {
        raw.and_then(|r| serde_json::from_str(r.get()).ok())
            .unwrap_or_default()
    }

    pub(super) fn root_module(raw: &str) -> Option<Module<'_>> {
        let root = serde_json::from_str::<RawDocument<'_>>(raw)
            .ok()?
            .root_module?;
        Some(module(root))
    }

    /// A module (an empty one when `raw` is not of a module's shape). Its
    /// nesting is bounded by the whole file's depth check
    /// ([`super::super::parse::MAX_DEPTH`]), which the text passed before it
    /// got here; the nesting of modules by `configuration::MAX_DEPTH`.
    fn module(raw: &RawValue) -> Module<'_> {
        let Ok(m) = serde_json::from_str::<RawModule<'_>>(raw.get()) else {
            return Module::default();
        };
        let resources: Vec<&RawValue> = m
            .resources
            .and_then(|r| serde_json::from_str(r.get()).ok())
            .unwrap_or_default();
        let resources = resources
            .into_iter()
            .filter_map(|r| serde_json::from_str::<Resource<'_>>(r.get()).ok())
            .collect();
        let outputs = entries(m.outputs)
            .into_iter()
            .map(|(name, o)| {
                let expression = serde_json::from_str::<RawOutput<'_>>(o.get())
                    .ok()
                    .and_then(|o| o.expression);
                (name, Output { expression })
            })
            .collect();
        let calls = entries(m.module_calls)
            .into_iter()
            .filter_map(|(name, call)| {
                let call = serde_json::from_str::<RawCall<'_>>(call.get()).ok()?;
                let child = call.module.map(|child| Box::new(module(child)));
                Some((
                    name,
                    Call {
                        expressions: call.expressions,
                        module: child,
                    },
                ))
            })
            .collect();
        Module {
            resources: Some(resources),
            outputs: Some(outputs),
            module_calls: Some(calls),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree as text, to compare the two readers.
    fn show(m: &Module<'_>, path: &str, out: &mut Vec<String>) {
        for r in m.resources.iter().flatten() {
            out.push(format!(
                "{path} resource {:?} {:?} {:?} {:?} {:?}",
                string(r.address),
                string(r.mode),
                string(r.type_),
                string(r.name),
                r.expressions.map(RawValue::get)
            ));
        }
        for (name, o) in m.outputs.iter().flatten() {
            out.push(format!(
                "{path} output {name} {:?}",
                o.expression.map(RawValue::get)
            ));
        }
        for (name, c) in m.module_calls.iter().flatten() {
            out.push(format!(
                "{path} call {name} {:?} {}",
                c.expressions.map(RawValue::get),
                c.module.is_some()
            ));
            if let Some(child) = &c.module {
                show(child, &format!("{path}/{name}"), out);
            }
        }
    }

    fn both(raw: &str) -> (Vec<String>, Vec<String>) {
        let mut one = Vec::new();
        let typed = serde_json::from_str::<Document<'_>>(raw).expect("one pass reads it");
        if let Some(m) = &typed.root_module {
            show(m, "", &mut one);
        }
        let mut pieces = Vec::new();
        if let Some(m) = &piecewise::root_module(raw) {
            show(m, "", &mut pieces);
        }
        (one, pieces)
    }

    #[test]
    fn both_readers_give_the_same_tree() {
        let raw = r#"{"provider_config": {}, "root_module": {
            "resources": [
                {"address": "azurerm_kubernetes_cluster.a", "mode": "managed",
                 "type": "azurerm_kubernetes_cluster", "name": "a\u0041",
                 "expressions": {"name": {"constant_value": "x"}}, "schema_version": 1},
                {"address": "data.azurerm_client_config.c", "mode": "data",
                 "type": "azurerm_client_config", "name": "c"},
                {"type": "t", "name": "n", "expressions": null}
            ],
            "outputs": {"z": {"expression": {"references": ["module.m.id"]}}, "a": {"sensitive": true}},
            "module_calls": {
                "m": {"source": "./m", "expressions": {"v": {"constant_value": 1}},
                      "module": {"resources": [{"type": "t2", "name": "n2"}],
                                 "module_calls": {"inner": {"module": {}}}}},
                "empty": {"source": "./e"},
                "nulls": {"expressions": null, "module": null}
            }
        }}"#;
        let (one, pieces) = both(raw);
        assert_eq!(one, pieces);
        assert_eq!(one.len(), 10, "{one:#?}");
        assert!(one.iter().any(|l| l.contains(r#"Some("aA")"#)), "{one:#?}");
    }

    #[test]
    fn both_readers_agree_on_every_fixture_and_real_plan() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut seen = 0;
        for dir in ["fixtures", "../shared/corpus/real-plans"] {
            for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
                let path = entry.expect("walk").into_path();
                if path.extension().is_none_or(|e| e != "json") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let Ok(doc) = serde_json::from_str::<BTreeMap<String, &RawValue>>(&text) else {
                    continue;
                };
                let Some(cfg) = doc.get("configuration") else {
                    continue;
                };
                let (one, pieces) = both(cfg.get());
                assert_eq!(one, pieces, "{}", path.display());
                seen += usize::from(!one.is_empty());
            }
        }
        assert!(seen >= 10, "only {seen} configuration sections read");
    }

    #[test]
    fn other_shapes_are_skipped_where_they_stand() {
        // The one pass fails on all but the resource whose type is not a
        // string (the index skips that one); the piecewise reader skips
        // each piece where it stands.
        let raw = r#"{"root_module": {
            "resources": [
                5,
                {"type": 7, "name": "n"},
                {"type": "t", "name": "n", "type": "u"},
                {"type": "t", "name": "kept"}
            ],
            "outputs": {"o": 3, "p": {"expression": {"references": []}}},
            "module_calls": {
                "bad": 1,
                "odd": {"module": "text"},
                "twice": {"expressions": {}},
                "twice": {"expressions": {"last": {}}}
            }
        }}"#;
        assert!(serde_json::from_str::<Document<'_>>(raw).is_err());
        let m = root_module(raw).expect("a root module");
        let resources = m.resources.as_deref().unwrap_or_default();
        let kinds: Vec<_> = resources
            .iter()
            .map(|r| (string(r.type_), string(r.name)))
            .collect();
        assert_eq!(
            kinds,
            [
                (None, Some("n".into())),
                (Some("t".into()), Some("kept".into()))
            ]
        );
        let outputs = m.outputs.as_ref().expect("outputs");
        assert!(outputs.get("o").is_some_and(|o| o.expression.is_none()));
        assert!(outputs.get("p").is_some_and(|o| o.expression.is_some()));
        let calls = m.module_calls.as_ref().expect("calls");
        assert!(!calls.contains_key("bad"));
        // A module of another shape is an empty module.
        let odd = calls.get("odd").and_then(|c| c.module.as_deref());
        assert!(odd.is_some_and(|m| m.resources.as_deref().unwrap_or_default().is_empty()));
        let twice = calls
            .get("twice")
            .and_then(|c| c.expressions)
            .map(RawValue::get);
        assert_eq!(twice, Some(r#"{"last": {}}"#));
    }

    #[test]
    fn no_root_module_is_none() {
        assert!(root_module("{}").is_none());
        assert!(root_module(r#"{"root_module": null}"#).is_none());
        assert!(root_module(r#"{"root_module": 3}"#).is_some_and(|m| m
            .resources
            .as_deref()
            .unwrap_or_default()
            .is_empty()));
        assert!(root_module("[]").is_none());
    }
}
