//! The values of the changes a rule reads are copied out of the file's
//! text while it is parsed, and the text is dropped before they are built:
//! an error in one of them is still placed in the file, at the line and
//! column where parsing the whole file meets it.
use akslint::error::InputError;
use akslint::plan::{normalize, parse::line_col, Source};

/// A plan with clusters whose values hold `bad` (an out-of-range number,
/// which the parse of the file's structure accepts and the parse of the
/// values does not) in change `at`'s `field`.
fn plan(n: usize, at: usize, field: &str, bad: &str, pretty: bool, filler: &str) -> String {
    plan_of(n, at, &[field], bad, pretty, filler, false)
}

/// The same with `bad` in each of `fields` of change `at`; `reversed`
/// writes the values of each change in the opposite order.
fn plan_of(
    n: usize,
    at: usize,
    fields: &[&str],
    bad: &str,
    pretty: bool,
    filler: &str,
    reversed: bool,
) -> String {
    let mut changes = Vec::new();
    for i in 0..n {
        let value = |f: &str, normal: &str| {
            if i == at && fields.contains(&f) {
                format!("{{\"tags\": {{\"note\": \"{filler}\", \"n\": {bad}}}}}")
            } else {
                normal.to_string()
            }
        };
        let mut values = [
            (
                "before",
                value("before", &format!("{{\"name\": \"{filler}\"}}")),
            ),
            ("before_sensitive", value("before_sensitive", "{}")),
            ("after_unknown", value("after_unknown", "{\"id\": true}")),
            (
                "after",
                value("after", &format!("{{\"name\": \"é{filler}\"}}")),
            ),
            ("after_sensitive", value("after_sensitive", "{}")),
        ];
        if reversed {
            values.reverse();
        }
        let values: Vec<String> = values
            .iter()
            .map(|(k, v)| format!("\"{k}\": {v}"))
            .collect();
        changes.push(format!(
            "{{\"address\": \"azurerm_kubernetes_cluster.c{i}\", \"mode\": \"managed\", \
             \"type\": \"azurerm_kubernetes_cluster\", \"name\": \"c{i}\", \
             \"change\": {{\"actions\": [\"update\"], {}}}}}",
            values.join(", ")
        ));
    }
    let sep = if pretty { ",\n    " } else { ", " };
    format!(
        "{{\"format_version\": \"1.2\", \"planned_values\": {{\"note\": \"{filler}\"}},{}\"resource_changes\": [{}]}}",
        if pretty { "\n  " } else { " " },
        changes.join(sep)
    )
}

/// Line and column (in characters) where serde_json, parsing the whole
/// text, reports its error.
fn expected(text: &str) -> (usize, usize) {
    let e = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
    // serde_json counts the column in bytes, from 1: back to an offset,
    // then to characters.
    let line_start: usize = text
        .split_inclusive('\n')
        .take(e.line() - 1)
        .map(str::len)
        .sum();
    line_col(text, line_start + e.column().saturating_sub(1))
}

#[test]
fn an_error_in_a_value_is_placed_in_the_file() {
    let mut checked = 0;
    for n in [3, 600] {
        for at in [0, n - 1] {
            for field in [
                "after",
                "after_unknown",
                "after_sensitive",
                "before",
                "before_sensitive",
            ] {
                for pretty in [false, true] {
                    for filler in ["x", "ünïcödé ✓ 日本"] {
                        let text = plan(n, at, field, "1e999", pretty, filler);
                        let src = Source {
                            name: "p.json".to_string(),
                            path: None,
                            text: text.clone(),
                        };
                        let err = normalize(&src, &None).expect_err("an out-of-range number");
                        let InputError::Json { line, column, .. } = err else {
                            panic!("not a JSON error: {err}");
                        };
                        assert_eq!(
                            (line, column),
                            expected(&text),
                            "n={n} at={at} {field} pretty={pretty} filler={filler}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 2 * 2 * 5 * 2 * 2);
}

#[test]
fn an_error_in_a_state_value_is_placed_in_the_file() {
    for filler in ["x", "ünïcödé ✓ 日本"] {
        for pretty in [false, true] {
            let nl = if pretty { "\n      " } else { " " };
            let text = format!(
                "{{\"format_version\": \"1.0\", \"values\": {{\"root_module\": {{\"resources\": [{nl}\
                 {{\"address\": \"azurerm_kubernetes_cluster.c\", \"mode\": \"managed\", \
                 \"type\": \"azurerm_kubernetes_cluster\", \"name\": \"c\", \
                 \"values\": {{\"name\": \"{filler}\",{nl}\"tags\": {{\"n\": 1e999}}}}}}]}}}}}}"
            );
            let src = Source {
                name: "s.json".to_string(),
                path: None,
                text: text.clone(),
            };
            let err = normalize(&src, &None).expect_err("an out-of-range number");
            let InputError::Json { line, column, .. } = err else {
                panic!("not a JSON error: {err}");
            };
            assert_eq!(
                (line, column),
                expected(&text),
                "pretty={pretty} filler={filler}"
            );
        }
    }
}

const FIELDS: [&str; 5] = [
    "before",
    "before_sensitive",
    "after_unknown",
    "after",
    "after_sensitive",
];

/// The error `normalize` gives for `text`, as a line and column.
fn error_at(name: &str, text: &str) -> (usize, usize) {
    let src = Source {
        name: name.to_string(),
        path: None,
        text: text.to_string(),
    };
    match normalize(&src, &None) {
        Err(InputError::Json { line, column, .. }) => (line, column),
        Err(e) => panic!("not a JSON error: {e}"),
        Ok(_) => panic!("no error"),
    }
}

/// Of two bad values in one change, the one first in the file is reported,
/// whatever the order of the change's values there (the values used to be
/// parsed before-side first).
#[test]
fn of_two_bad_values_the_first_in_the_file_is_reported() {
    let mut checked = 0;
    for n in [3, 600] {
        for (i, a) in FIELDS.iter().enumerate() {
            for b in &FIELDS[i + 1..] {
                for reversed in [false, true] {
                    for filler in ["x", "ünïcödé ✓ 日本"] {
                        let text = plan_of(n, n / 2, &[a, b], "1e999", true, filler, reversed);
                        assert_eq!(
                            error_at("p.json", &text),
                            expected(&text),
                            "n={n} {a} and {b} reversed={reversed} filler={filler}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 2 * 10 * 2 * 2);
}

/// The same in a state: bad values in two child modules (visited in no
/// file order), and in a resource's `sensitive_values` written before its
/// `values`.
#[test]
fn of_two_bad_state_values_the_first_in_the_file_is_reported() {
    let resource = |name: &str, values: &str, marks: &str, marks_first: bool| {
        let (v, m) = (
            format!("\"values\": {values}"),
            format!("\"sensitive_values\": {marks}"),
        );
        let (x, y) = if marks_first { (m, v) } else { (v, m) };
        format!(
            "{{\"address\": \"azurerm_kubernetes_cluster.{name}\", \"mode\": \"managed\", \
             \"type\": \"azurerm_kubernetes_cluster\", \"name\": \"{name}\",\n{x},\n{y}}}"
        )
    };
    let (good, bad) = ("{\"name\": \"ü\"}", "{\"tags\": {\"n\": 1e999}}");
    for filler in ["x", "日本"] {
        let modules: Vec<String> = (0..4)
            .map(|i| {
                let values = if i == 1 || i == 3 { bad } else { good };
                format!(
                    "{{\"address\": \"module.m{i}\", \"resources\": [{}]}}",
                    resource(&format!("{filler}{i}"), values, "{}", false)
                )
            })
            .collect();
        let text = format!(
            "{{\"format_version\": \"1.0\", \"values\": {{\"root_module\": {{\"resources\": [{}],\n\"child_modules\": [{}]}}}}}}",
            resource("root", good, "{}", false),
            modules.join(",\n")
        );
        assert_eq!(
            error_at("s.json", &text),
            expected(&text),
            "modules {filler}"
        );
        // Modules nested, each written with its child module before its
        // resources (visited the other way round), every one bad: the
        // innermost is first in the file.
        let mut nested = String::from("{\"address\": \"module.inner\"}");
        for i in 0..5 {
            nested = format!(
                "{{\"address\": \"module.n{i}\", \"child_modules\": [{nested}],\n\"resources\": [{}]}}",
                resource(&format!("{filler}n{i}"), bad, bad, i % 2 == 0)
            );
        }
        let text = format!(
            "{{\"format_version\": \"1.0\", \"values\": {{\"root_module\": {{\"child_modules\": [{nested}],\n\"resources\": [{}]}}}}}}",
            resource("root", bad, "{}", false),
        );
        assert_eq!(
            error_at("s.json", &text),
            expected(&text),
            "nested modules {filler}"
        );
        for marks_first in [false, true] {
            let text = format!(
                "{{\"format_version\": \"1.0\", \"values\": {{\"root_module\": {{\"resources\": [{}]}}}}}}",
                resource(filler, "{\"n\": \"\\udc00\"}", bad, marks_first)
            );
            assert_eq!(
                error_at("s.json", &text),
                expected(&text),
                "marks_first={marks_first} {filler}"
            );
        }
    }
}

/// An error in the file's structure (outside the values of the changes) is
/// placed in characters, like the others: serde_json counts bytes.
#[test]
fn a_structural_error_is_placed_in_characters() {
    for filler in ["x", "ünïcödé ✓ 日本"] {
        for text in [
            format!(
                "{{\"format_version\": \"1.2\", \"x\": \"{filler}\", \"resource_changes\": [}}"
            ),
            format!("{{\"format_version\": \"1.2\",\n  \"x\": \"{filler}\", \"y\": tru}}"),
            format!("[\"{filler}\", 1,]"),
            format!("{{\"format_version\": \"1.2\", \"x\": \"{filler}\""),
            // A raw control character in a string the parse skips.
            format!("{{\"format_version\": \"1.2\", \"x\": \"{filler}\t\"}}"),
            format!("{{\"format_version\": \"1.2\",\n \"x\": [\"{filler}\u{1}\"]}}"),
            format!("{{\"format_version\": \"1.2\", \"x\": \"{filler}\n\"}}"),
            format!("{{\"format_version\": \"1.2\", \"x\": \"\t{filler}\"}}"),
            // Right after an opening quote at the start of a line, in a
            // CRLF file, after characters Rust calls control (DEL, C1).
            format!("{{\"format_version\": \"1.2\", \"x\": [\"{filler}\",\n\"\tc\"]}}"),
            format!("{{\"format_version\": \"1.2\", \"x\":\n\"\n{filler}\"}}"),
            format!("{{\"format_version\": \"1.2\",\r\n\"planned_values\": {{\r\n\"\u{1}{filler}\": 1}}}}"),
            format!("[\n\"\t{filler}\"]"),
            format!("{{\"format_version\": \"1.2\", \"x\": \"{filler}\u{7f}\t\u{85}\"}}"),
            format!("{{\"format_version\": \"1.2\", \"x\": \"{filler}\u{85}\t\"}}"),
            // In a string the parse reads (a change's address).
            format!("{{\"format_version\": \"1.2\", \"resource_changes\": [{{\"address\": \"{filler}\nb\t\"}}]}}"),
            format!("{{\"format_version\": \"1.2\", \"resource_changes\": [{{\"address\": \"{filler}\t\"}}]}}"),
        ] {
            assert_eq!(error_at("p.json", &text), expected(&text), "{text}");
        }
    }
}
