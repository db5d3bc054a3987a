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
    let mut changes = Vec::new();
    for i in 0..n {
        let value = |f: &str, normal: &str| {
            if i == at && f == field {
                format!("{{\"tags\": {{\"note\": \"{filler}\", \"n\": {bad}}}}}")
            } else {
                normal.to_string()
            }
        };
        changes.push(format!(
            "{{\"address\": \"azurerm_kubernetes_cluster.c{i}\", \"mode\": \"managed\", \
             \"type\": \"azurerm_kubernetes_cluster\", \"name\": \"c{i}\", \
             \"change\": {{\"actions\": [\"update\"], \
             \"before\": {b}, \"before_sensitive\": {bs}, \"after_unknown\": {au}, \
             \"after\": {a}, \"after_sensitive\": {s}}}}}",
            b = value("before", &format!("{{\"name\": \"{filler}\"}}")),
            bs = value("before_sensitive", "{}"),
            au = value("after_unknown", "{\"id\": true}"),
            a = value("after", &format!("{{\"name\": \"é{filler}\"}}")),
            s = value("after_sensitive", "{}"),
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
