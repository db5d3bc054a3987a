//! serde_json's pretty printer for the reports akslint prints, with hostile
//! text inert: a string's bidirectional overrides, line separators and other
//! characters [`crate::escape::hidden`] shows escaped are written as `\uXXXX`
//! escapes (serde_json writes C1 controls, U+2028 and the overrides raw),
//! and the second `#` of an Azure Pipelines logging command (`##vso[`) or a
//! legacy GitHub Actions command (`##[`) as `\u0023`: agents read those
//! anywhere in a line of a job's log, also inside a JSON report printed
//! there. A JSON reader gets the same strings back: only their spelling
//! changes, and a report without such text is byte for byte serde's.
use std::io;

use serde_json::ser::{Formatter, PrettyFormatter};

/// A formatter that makes the strings `F` writes inert (see the module).
pub(crate) struct Inert<F>(pub(crate) F);

/// serde_json's pretty printer, two spaces a level, made inert.
pub(crate) fn pretty() -> Inert<PrettyFormatter<'static>> {
    Inert(PrettyFormatter::with_indent(b"  "))
}

/// `value` pretty-printed into `out`, inert.
pub(crate) fn to_writer_pretty<W: io::Write, T: serde::Serialize + ?Sized>(
    out: W,
    value: &T,
) -> serde_json::Result<()> {
    value.serialize(&mut serde_json::Serializer::with_formatter(out, pretty()))
}

/// `value` pretty-printed, inert.
pub(crate) fn to_string_pretty<T: serde::Serialize + ?Sized>(
    value: &T,
) -> serde_json::Result<String> {
    let mut out = Vec::new();
    to_writer_pretty(&mut out, value)?;
    // The formatter writes UTF-8 text (serde's, and ASCII escapes).
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// Whether the `##` at byte `i` of `s` starts a logging command.
fn command_at(s: &str, i: usize) -> bool {
    let rest = s.as_bytes().get(i + 2..).unwrap_or_default();
    rest.first() == Some(&b'[')
        || rest
            .get(..4)
            .is_some_and(|r| r.eq_ignore_ascii_case(b"vso["))
}

macro_rules! delegate {
    ($($name:ident($($arg:ident: $t:ty),*)),* $(,)?) => {
        $(
            #[inline]
            fn $name<W: ?Sized + io::Write>(&mut self, w: &mut W $(, $arg: $t)*) -> io::Result<()> {
                self.0.$name(w $(, $arg)*)
            }
        )*
    };
}

impl<F: Formatter> Formatter for Inert<F> {
    delegate!(
        begin_array(),
        end_array(),
        begin_array_value(first: bool),
        end_array_value(),
        begin_object(),
        end_object(),
        begin_object_key(first: bool),
        end_object_key(),
        begin_object_value(),
        end_object_value(),
    );

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Overlapping: `###vso[` holds a command at its second `#`.
        let bytes = fragment.as_bytes();
        let commands = memchr::memchr_iter(b'#', bytes)
            .any(|i| bytes.get(i + 1) == Some(&b'#') && command_at(fragment, i));
        // Printable ASCII holds no hidden character (a quick test first:
        // most of a report is).
        let printable = fragment.bytes().all(|b| (0x20..0x7f).contains(&b));
        let plain = !commands && (printable || !fragment.chars().any(crate::escape::hidden));
        if plain {
            return self.0.write_string_fragment(w, fragment);
        }
        let mut from = 0;
        let mut buf = [0u16; 2];
        for (i, c) in fragment.char_indices() {
            let hash = c == '#'
                && i > 0
                && command_at(fragment, i - 1)
                && fragment.as_bytes().get(i - 1) == Some(&b'#');
            if !hash && !crate::escape::hidden(c) {
                continue;
            }
            self.0
                .write_string_fragment(w, fragment.get(from..i).unwrap_or_default())?;
            for unit in c.encode_utf16(&mut buf) {
                write!(w, "\\u{unit:04x}")?;
            }
            from = i + c.len_utf8();
        }
        self.0
            .write_string_fragment(w, fragment.get(from..).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    #[test]
    fn hostile_strings_are_escaped_and_read_back_the_same() {
        let doc = json!({
            "msg": "a\u{202e}b\u{2028}c\u{85}d ##vso[task.setvariable]x ##[error]y ##VSO[z #vso[ # ##",
            "key\u{202e}": ["##vso[", "###vso[", "ok"],
            "plain": "no hostile text: 0.0.0.0/0, `code`, \"quotes\", é, \u{1f600}"
        });
        let text = super::to_string_pretty(&doc).unwrap();
        for raw in ['\u{202e}', '\u{2028}', '\u{85}'] {
            assert!(!text.contains(raw), "{text}");
        }
        for command in ["##vso[", "##[", "##VSO["] {
            assert!(!text.contains(command), "{command}: {text}");
        }
        assert!(text.contains("#\\u0023vso[task"), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, doc);
        // Without hostile text, serde's own bytes.
        let plain = json!({"plain": doc["plain"], "n": [1, 2.5, null, true], "o": {}});
        assert_eq!(
            super::to_string_pretty(&plain).unwrap(),
            serde_json::to_string_pretty(&plain).unwrap()
        );
    }
}
