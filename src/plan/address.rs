//! Terraform addresses and references: `module.aks["prod"].azurerm_kubernetes_cluster.this[0]`,
//! `azurerm_kubernetes_cluster.aks.id`.
use serde_json::Value;

/// One dotted segment with its optional instance key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Segment {
    pub name: String,
    pub key: Option<Value>,
}

/// Splits an address or reference into segments. Keys are numbers or JSON
/// strings in brackets; anything unparsable yields `None`.
pub fn parse(s: &str) -> Option<Vec<Segment>> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while matches!(bytes.get(i), Some(b) if *b != b'.' && *b != b'[') {
            i += 1;
        }
        let name = s.get(start..i)?.to_string();
        let mut key = None;
        if bytes.get(i) == Some(&b'[') {
            let kstart = i + 1;
            let mut j = kstart;
            let mut in_str = false;
            while let Some(b) = bytes.get(j) {
                match b {
                    b'\\' if in_str => j += 1,
                    b'"' => in_str = !in_str,
                    b']' if !in_str => break,
                    _ => {}
                }
                j += 1;
            }
            if j >= bytes.len() {
                return None;
            }
            let raw = s.get(kstart..j)?;
            key = Some(serde_json::from_str::<Value>(raw).ok()?);
            i = j + 1;
        }
        out.push(Segment { name, key });
        if let Some(b) = bytes.get(i) {
            if *b != b'.' {
                return None;
            }
            i += 1;
        }
    }
    Some(out)
}

/// The module instance path of a module address (`module.a["x"].module.b`):
/// `[("a", Some("x")), ("b", None)]`.
pub(crate) fn module_path(module_address: &str) -> Vec<(String, Option<Value>)> {
    if module_address.is_empty() {
        return Vec::new();
    }
    let Some(segs) = parse(module_address) else {
        return Vec::new();
    };
    segs.chunks(2)
        .filter_map(|pair| match pair {
            [m, name] if m.name == "module" => Some((name.name.clone(), name.key.clone())),
            _ => None,
        })
        .collect()
}

/// Whether a resource instance address names a data source
/// (`data.x.y`, `module.m["k"].data.x.y`): its first segment after the
/// module path is `data`. A module called `data`, or an instance key that
/// holds `.data.`, is not one. An address that does not parse is judged by
/// its first segment alone.
pub(crate) fn is_data_source(address: &str) -> bool {
    let Some(segs) = parse(address) else {
        return address.starts_with("data.");
    };
    let mut rest = segs.as_slice();
    while let [m, _, tail @ ..] = rest {
        if m.name != "module" || m.key.is_some() {
            break;
        }
        rest = tail;
    }
    rest.first()
        .is_some_and(|s| s.name == "data" && s.key.is_none())
}

/// Whether a change or state instance is of a managed resource: its `mode`
/// when the file gives one, else its address.
pub(crate) fn is_managed(mode: Option<&str>, address: &str) -> bool {
    match mode {
        Some(mode) => mode == "managed",
        None => !is_data_source(address),
    }
}

/// Instance keys compare loosely: `0` and `"0"` are the same key.
pub(crate) fn same_key(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::Number(n)) | (Value::Number(n), Value::String(x)) => {
            n.to_string() == *x
        }
        _ => a == b,
    }
}

/// The module names of a `module_address` (`module.a["k"].module.b`: a, b).
pub(crate) fn module_names(module: &str) -> Vec<String> {
    module_path(module).into_iter().map(|(n, _)| n).collect()
}

/// The configuration address of a resource of `module` (module names).
pub(crate) fn configuration_address(module: &[String], type_: &str, name: &str) -> String {
    let mut s = String::new();
    for m in module {
        s.push_str("module.");
        s.push_str(m);
        s.push('.');
    }
    s.push_str(type_);
    s.push('.');
    s.push_str(name);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_module_and_index() {
        let segs = parse(r#"module.aks["prod"].azurerm_kubernetes_cluster.this[0]"#).unwrap();
        assert_eq!(segs.len(), 4);
        assert_eq!(segs[1].key, Some(Value::from("prod")));
        assert_eq!(segs[3].key, Some(Value::from(0)));
        assert_eq!(segs[2].name, "azurerm_kubernetes_cluster");
    }

    #[test]
    fn parses_keys_with_dots_and_brackets() {
        let segs = parse(r#"module.a["x.y]"].b.c"#).unwrap();
        assert_eq!(segs[1].key, Some(Value::from("x.y]")));
        assert_eq!(segs.len(), 4);
    }

    #[test]
    fn module_path_of_nested_modules() {
        let p = module_path(r#"module.a["x"].module.b"#);
        assert_eq!(
            p,
            vec![("a".into(), Some(Value::from("x"))), ("b".into(), None)]
        );
        assert!(module_path("").is_empty());
    }

    #[test]
    fn data_sources_by_address() {
        assert!(is_data_source("data.azurerm_subnet.s"));
        assert!(is_data_source(
            r#"module.a["x"].module.b.data.azurerm_subnet.s[0]"#
        ));
        assert!(!is_data_source("module.data.azurerm_kubernetes_cluster.c"));
        assert!(!is_data_source(
            r#"module.x["a.data.b"].azurerm_kubernetes_cluster.c"#
        ));
        assert!(!is_data_source(
            r#"azuread_application_password.p["team.data.eu"]"#
        ));
        assert!(!is_data_source(
            "module.metadata.azurerm_kubernetes_cluster.c"
        ));
        // The mode, when given, decides.
        assert!(is_managed(
            Some("managed"),
            "module.data.azurerm_kubernetes_cluster.c"
        ));
        assert!(!is_managed(Some("data"), "azurerm_subnet.s"));
        assert!(!is_managed(None, "data.azurerm_subnet.s"));
        assert!(is_managed(None, "module.data.azurerm_kubernetes_cluster.c"));
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse("a[").is_none());
        assert!(parse("a[zz]").is_none());
    }
}
