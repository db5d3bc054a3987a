//! Recursion is rejected at load, as OPA does (`rego_recursion_error`):
//! regorus evaluates a recursive function (`f(n) := f(n + 1)`, or a finite
//! `g(3000)`) by recursing on the native stack, which would overflow and
//! abort the whole process. Rules that depend on themselves are caught by
//! regorus at evaluation (a clean "recursion detected" error); functions
//! are checked here.
//!
//! Each policy is parsed into regorus' AST; a function's call sites are the
//! dotted names followed by `(` in its text (strings and comments skipped),
//! resolved through the package and its imports to `data.<package>.<name>`.
//! A cycle in that graph, direct or through other functions, in one file or
//! across files, is an error naming the function and its file.
use std::collections::{BTreeMap, BTreeSet, HashMap};

use regorus::unstable::{Parser, Rule, RuleHead};

/// A function definition: its qualified name, file and the functions it
/// calls (qualified, not yet known to be functions).
struct Func {
    file: String,
    calls: BTreeSet<String>,
}

/// `(file, source)` of every policy loaded together. Returns the file and a
/// reason when a function calls itself, directly or through others. Files
/// that do not parse are left to the loader, which reports them.
pub(crate) fn check(policies: &[(String, String)]) -> Result<(), (String, String)> {
    let mut funcs: BTreeMap<String, Func> = BTreeMap::new();
    for (file, src) in policies {
        let Ok(source) = regorus::Source::from_contents(file.clone(), src.clone()) else {
            continue;
        };
        let Ok(mut parser) = Parser::new(&source) else {
            continue;
        };
        // As the engines parse (Rego v1): a v0 parser warns on standard
        // error about `if` and `contains`, with the source's text unescaped.
        if parser.enable_rego_v1().is_err() {
            continue;
        }
        let Ok(module) = parser.parse() else {
            continue;
        };
        let package = format!("data.{}", module.package.refr.span().text().trim());
        let mut aliases: HashMap<String, String> = HashMap::new();
        for import in &module.imports {
            let path = import.refr.span().text().trim().to_string();
            let alias = match &import.r#as {
                Some(a) => a.text().trim().to_string(),
                None => path.rsplit('.').next().unwrap_or_default().to_string(),
            };
            if path.starts_with("data.") {
                aliases.insert(alias, path);
            }
        }
        for rule in &module.policy {
            let Rule::Spec { span, head, .. } = rule.as_ref() else {
                continue;
            };
            let RuleHead::Func { refr, .. } = head else {
                continue;
            };
            let name = qualify(refr.span().text().trim(), &package, &aliases, true);
            let Some(name) = name else {
                continue;
            };
            // The head's own name is not a call: skip up to the end of the
            // head's reference.
            let text = span.text();
            let head_len = refr.span().text().len();
            let body = text.get(head_len..).unwrap_or_default();
            let calls = call_sites(body)
                .into_iter()
                .filter_map(|c| qualify(&c, &package, &aliases, false))
                .collect::<BTreeSet<_>>();
            funcs
                .entry(name)
                .or_insert_with(|| Func {
                    file: file.clone(),
                    calls: BTreeSet::new(),
                })
                .calls
                .extend(calls);
        }
    }
    // Depth-first search over functions only (calls of builtins and rules
    // are not edges).
    let mut done = BTreeSet::new();
    for start in funcs.keys() {
        let mut path = Vec::new();
        if let Some(cycle) = find_cycle(start, &funcs, &mut path, &mut done) {
            let first = cycle.first().cloned().unwrap_or_default();
            let file = funcs
                .get(&first)
                .map(|f| f.file.clone())
                .unwrap_or_default();
            let shown: Vec<&str> = cycle.iter().map(|c| short(c)).collect();
            return Err((
                file,
                format!(
                    "recursion is not allowed in Rego (OPA rejects it too): {}",
                    shown.join(" -> ")
                ),
            ));
        }
    }
    Ok(())
}

fn find_cycle(
    n: &str,
    funcs: &BTreeMap<String, Func>,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|p| p == n) {
        let mut cycle: Vec<String> = path.get(at..).unwrap_or_default().to_vec();
        cycle.push(n.to_string());
        return Some(cycle);
    }
    if done.contains(n) {
        return None;
    }
    let f = funcs.get(n)?;
    path.push(n.to_string());
    for callee in &f.calls {
        if funcs.contains_key(callee) {
            if let Some(c) = find_cycle(callee, funcs, path, done) {
                return Some(c);
            }
        }
    }
    path.pop();
    done.insert(n.to_string());
    None
}

/// `data.akslint.rules.ORG001.f` shown as `f`, with its package when the
/// name alone is ambiguous to a reader: the last two segments.
fn short(q: &str) -> &str {
    let mut dots = q.rmatch_indices('.').map(|(i, _)| i);
    let _ = dots.next();
    match dots.next() {
        Some(i) => q.get(i + 1..).unwrap_or(q),
        None => q,
    }
}

/// A dotted name as written in a package, qualified: `f` is
/// `data.<package>.f`; `lib.f` goes through an import alias; `data.x.f` is
/// already qualified. A head is always in its own package.
fn qualify(
    name: &str,
    package: &str,
    aliases: &HashMap<String, String>,
    head: bool,
) -> Option<String> {
    if head {
        return Some(format!("{package}.{name}"));
    }
    let (first, rest) = match name.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (name, None),
    };
    match (first, rest) {
        ("data", Some(_)) => Some(name.to_string()),
        (_, Some(rest)) => aliases.get(first).map(|p| format!("{p}.{rest}")),
        (_, None) => Some(format!("{package}.{first}")),
    }
}

/// Dotted names directly followed by `(` (spaces allowed), outside strings
/// and comments, not preceded by `.` (a field of something else).
fn call_sites(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'#' => {
                while bytes.get(i).is_some_and(|c| *c != b'\n') {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    i += 1;
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'"' {
                        break;
                    }
                }
            }
            b'`' => {
                i += 1;
                while bytes.get(i).is_some_and(|c| *c != b'`') {
                    i += 1;
                }
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                let after_dot = start > 0 && bytes.get(start - 1) == Some(&b'.');
                while bytes
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
                {
                    i += 1;
                }
                let name = text.get(start..i).unwrap_or_default().trim_end_matches('.');
                let mut j = i;
                while bytes.get(j).is_some_and(|c| *c == b' ' || *c == b'\t') {
                    j += 1;
                }
                if !after_dot && bytes.get(j) == Some(&b'(') && !name.is_empty() {
                    out.push(name.to_string());
                }
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check1(src: &str) -> Result<(), (String, String)> {
        check(&[("p.rego".to_string(), src.to_string())])
    }

    #[test]
    fn direct_and_mutual_recursion_are_rejected() {
        let err = check1("package p\nimport rego.v1\nf(n) := f(n + 1)\n").unwrap_err();
        assert_eq!(err.0, "p.rego");
        assert!(err.1.contains("p.f -> p.f"), "{}", err.1);
        let err = check1(
            "package p\nimport rego.v1\ng(n) := h(n) if n > 0\nh(n) := x if { x := g(n - 1) }\n",
        )
        .unwrap_err();
        assert!(err.1.contains("recursion"), "{}", err.1);
    }

    #[test]
    fn recursion_across_files_through_imports_is_rejected() {
        let lib = "package lib\nimport rego.v1\nimport data.p as q\nf(x) := q.g(x)\n";
        let p = "package p\nimport rego.v1\nimport data.lib\ng(x) := lib.f(x)\n";
        let err =
            check(&[("lib.rego".into(), lib.into()), ("p.rego".into(), p.into())]).unwrap_err();
        assert!(err.1.contains("recursion"), "{}", err.1);
    }

    #[test]
    fn same_name_in_another_package_and_strings_are_not_recursion() {
        let lib = "package lib\nimport rego.v1\nis_cluster(r) if r.type == \"c\"\n";
        let p = "package p\nimport rego.v1\nimport data.lib\n\
                 is_cluster(r) if lib.is_cluster(r)\n\
                 msg(x) := sprintf(\"msg(x) %v\", [x]) # msg(x) in a comment\n\
                 field(x) := x.msg(1)\n";
        assert!(check(&[("lib.rego".into(), lib.into()), ("p.rego".into(), p.into())]).is_ok());
    }
}
