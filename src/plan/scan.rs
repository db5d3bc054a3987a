//! Scans of a JSON text that the parse needs beside serde: the nesting
//! depth (checked before any parse), string ends, line and column of an
//! offset, and JSON errors placed and worded for the user.
use crate::error::InputError;

/// Deepest nesting accepted. Terraform output nests a few dozen levels; the
/// limit keeps hostile input from exhausting the stack anywhere downstream.
pub const MAX_DEPTH: usize = 256;

/// One pass over the bytes: rejects nesting deeper than [`MAX_DEPTH`] with
/// the position where it happens.
pub(crate) fn check_depth(file: &str, text: &str) -> Result<(), InputError> {
    depth_scan(file, text, None).map(|_| ())
}

/// [`check_depth`], finding on the way the byte range of the object that
/// the top-level key `key` holds (spelled without escapes; None when the
/// key is not there once with an object).
pub(crate) fn depth_scan(
    file: &str,
    text: &str,
    key: Option<&str>,
) -> Result<Option<std::ops::Range<usize>>, InputError> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0usize;
    // The object of `key`: its start while it is open, then its range.
    let (mut open, mut found, mut times) = (None, None, 0);
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => match string_end(bytes, i) {
                // Jump through the string (strings are most of a plan's bytes).
                Some(end) => {
                    if depth == 1
                        && key.is_some_and(|k| bytes.get(i + 1..end) == Some(k.as_bytes()))
                    {
                        if let Some(start) = object_after_colon(bytes, end + 1) {
                            open = Some(start);
                            times += 1;
                        }
                    }
                    i = end;
                }
                None => return Ok(None), // unterminated: the parser reports it
            },
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    let (line, column) = line_col(text, i);
                    return Err(InputError::Json {
                        file: file.to_string(),
                        line,
                        column,
                        reason: format!("nesting deeper than {MAX_DEPTH} levels"),
                    });
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 1 {
                    if let Some(start) = open.take() {
                        found = Some(start..i + 1);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(found.filter(|_| times == 1))
}

/// The offset of the `{` that follows a key's closing quote (at `from`
/// after it) and a colon, with JSON whitespace around the colon.
fn object_after_colon(bytes: &[u8], from: usize) -> Option<usize> {
    let ws = |b: &&u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let colon = from + bytes.get(from..)?.iter().take_while(ws).count();
    if bytes.get(colon) != Some(&b':') {
        return None;
    }
    let start = colon + 1 + bytes.get(colon + 1..)?.iter().take_while(ws).count();
    (bytes.get(start) == Some(&b'{')).then_some(start)
}

/// The offset of the quote that closes the JSON string opened at `open`
/// (skipping escaped characters, with memchr), None when unterminated.
pub(crate) fn string_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut j = open + 1;
    loop {
        let k = memchr::memchr2(b'"', b'\\', bytes.get(j..)?)?;
        if bytes.get(j + k) == Some(&b'\\') {
            j += k + 2;
        } else {
            return Some(j + k);
        }
    }
}

/// 1-based line and column (in characters) of a byte offset in a text.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A serde_json error as an input error with its line and column. The
/// message names types and positions, never the input's values.
pub(crate) fn json_error(file: &str, e: &serde_json::Error) -> InputError {
    let reason = e.to_string();
    // serde_json appends " at line L column C"; keep the description only.
    let reason = match reason.rfind(" at line ") {
        Some(i) => reason[..i].to_string(),
        None => reason,
    };
    InputError::Json {
        file: file.to_string(),
        line: e.line(),
        // serde_json says column 0 for a position at the start of a line
        // (end of input after a newline): editors count from 1.
        column: e.column().max(1),
        reason: scrub(&explain_escape(&reason)),
    }
}

/// serde_json's words for a `\u` escape of half a surrogate pair, said
/// plainly.
fn explain_escape(reason: &str) -> String {
    if reason.contains("hex escape") {
        format!("{reason} (a \\u escape of a UTF-16 surrogate without its pair, or a malformed \\u escape)")
    } else {
        reason.to_string()
    }
}

/// serde_json quotes the offending value in type and value errors
/// (`invalid type: string "...", expected ...`, ``invalid type: integer
/// `42` ``). Keep the kind and the expectation, drop the value: the span
/// from the first quote or backtick to the matching last one goes (a value
/// may itself hold quotes, escaped or not). Field names in `unknown field`
/// and `missing field` messages are kept.
fn scrub(reason: &str) -> String {
    if !(reason.starts_with("invalid type") || reason.starts_with("invalid value")) {
        return reason.to_string();
    }
    // The value ends at the last quote before ", expected" (or the end).
    let (head, tail) = match reason.rfind(", expected") {
        Some(i) => reason.split_at(i),
        None => (reason, ""),
    };
    let cut = |h: &str, q: char| -> Option<String> {
        let a = h.find(q)?;
        let b = h.rfind(q)?;
        (b > a).then(|| format!("{}{q}\u{2026}{q}{}", &h[..a], &h[b + q.len_utf8()..]))
    };
    let head = cut(head, '"')
        .or_else(|| cut(head, '`'))
        .unwrap_or_else(|| head.to_string());
    format!("{head}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Option<&str> {
        depth_scan("f", text, Some("configuration"))
            .unwrap()
            .and_then(|r| text.get(r))
    }

    #[test]
    fn the_object_of_a_top_level_key_is_found_on_the_way() {
        let c = r#"{"root_module": {"a": [1, {"b": "}]"}]}}"#;
        for text in [
            format!(r#"{{"resource_changes": [], "configuration": {c}}}"#),
            format!("{{\"configuration\" \n\t:\r {c} , \"x\": {{\"configuration\": {{}}}}}}"),
            format!(r#"{{"a": "configuration", "configuration": {c}, "b": ["configuration"]}}"#),
            format!(r#"{{"a": {{"configuration": {{}}}}, "configuration": {c}}}"#),
            // Cut after it: found (the parse reports the error).
            format!(r#"{{"configuration": {c}"#),
        ] {
            assert_eq!(found(&text), Some(c), "{text}");
        }
        // Not there once with an object, or spelled with an escape: none.
        for text in [
            format!(r#"{{"configuration": {c}, "configuration": {c}}}"#),
            r#"{"configuration": null}"#.to_string(),
            r#"{"configuration": [1]}"#.to_string(),
            format!(r#"{{"configur\u0061tion": {c}}}"#),
            format!(r#"{{"x": {{"configuration": {c}}}}}"#),
            r#"{"configuration": {"a": "unterminated}}"#.to_string(),
        ] {
            assert_eq!(found(&text), None, "{text}");
        }
        // The depth check is the same with or without a key.
        let deep = format!("{{\"configuration\": {}", "[".repeat(MAX_DEPTH + 1));
        assert!(depth_scan("f", &deep, Some("configuration")).is_err());
        assert!(check_depth("f", &deep).is_err());
    }
}
