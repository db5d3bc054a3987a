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
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => match string_end(bytes, i) {
                // Jump through the string (strings are most of a plan's bytes).
                Some(end) => i = end,
                None => return Ok(()), // unterminated: the parser reports it
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
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
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
