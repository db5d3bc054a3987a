//! Where each address is in the plan file itself: the fallback location of
//! a finding without `.tf` source.
use std::collections::{HashMap, HashSet};

use crate::plan::parse::string_end;

/// Line, column and end column of the first `"address": "..."` of each of
/// the `wanted` addresses in a JSON text: one forward pass (memchr), which
/// stops once every wanted address is found.
pub(super) fn address_index(
    text: &str,
    wanted: &HashSet<String>,
) -> HashMap<String, (usize, usize, usize)> {
    const KEY: &[u8] = b"\"address\"";
    let mut out = HashMap::new();
    let mut remaining: HashSet<&str> = wanted.iter().map(String::as_str).collect();
    let bytes = text.as_bytes();
    // Line and column (in characters) of `scanned`, advanced incrementally:
    // a plan is often one line of many megabytes.
    let (mut line, mut col, mut scanned) = (1usize, 0usize, 0usize);
    let finder = memchr::memmem::Finder::new(KEY);
    let mut from = 0;
    while !remaining.is_empty() {
        let Some(i) = bytes.get(from..).and_then(|t| finder.find(t)) else {
            break;
        };
        from += i + KEY.len();
        let rest = text.get(from..).unwrap_or_default();
        let after_colon = rest.trim_start().strip_prefix(':').map(str::trim_start);
        let Some(value) = after_colon.filter(|v| v.starts_with('"')) else {
            continue;
        };
        // The JSON string, quotes included.
        let Some(raw) = string_end(value.as_bytes(), 0).and_then(|e| value.get(..=e)) else {
            continue;
        };
        let end = raw.len();
        // Most addresses have no escape and are compared as they are; one
        // with escapes (quotes in `for_each` keys, and `<`, `>`, `&` that
        // Terraform writes as `\u003c`...) is decoded first.
        let decoded;
        let candidate = match raw.get(1..raw.len().saturating_sub(1)) {
            Some(inner) if !inner.contains('\\') => inner,
            _ => {
                decoded = serde_json::from_str::<String>(raw).unwrap_or_default();
                decoded.as_str()
            }
        };
        let Some(address) = remaining.take(candidate) else {
            continue;
        };
        let value_at = text.len() - value.len();
        let between = bytes.get(scanned..value_at).unwrap_or_default();
        match memchr::memrchr(b'\n', between) {
            Some(nl) => {
                line += bytecount::count(between, b'\n');
                col = chars(between.get(nl + 1..).unwrap_or_default());
            }
            None => col += chars(between),
        }
        scanned = value_at;
        let column = col + 1;
        let width = value.get(..end).map_or(0, |v| v.chars().count());
        out.insert(address.to_string(), (line, column, column + width));
    }
    out
}

/// Characters in UTF-8 bytes (those that do not continue a character).
fn chars(bytes: &[u8]) -> usize {
    bytecount::num_chars(bytes)
}
