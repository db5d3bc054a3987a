//! Escaping shared by the reporters: every string that comes from a plan, a
//! config file or a policy is hostile, and is shown, never interpreted, by
//! the terminal, a log viewer or a Markdown renderer.
//!
//! Control characters (C0, DEL, C1), the Unicode line and paragraph
//! separators and the bidirectional overrides (Trojan Source) are written as
//! `\u{1b}`: visible, one line, inert. Each format's own escaping (HTML,
//! Markdown, XML, workflow commands) applies on top.
use std::borrow::Cow;

use crate::error::InputError;

/// A character shown escaped: control characters, the line and paragraph
/// separators and the bidirectional marks and overrides.
pub fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

fn escape_with(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| hidden(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) && !keep(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` on one line with every control character visible.
pub fn visible(s: &str) -> Cow<'_, str> {
    escape_with(s, |_| false)
}

/// `s` with the characters in `keep` as they are and every other control
/// character visible.
pub fn visible_except<'a>(s: &'a str, keep: &[char]) -> Cow<'a, str> {
    escape_with(s, |c| keep.contains(&c))
}

/// `s` with its line breaks kept (`\n`) and every other control character
/// visible: for text akslint lays out in lines itself.
pub fn visible_lines(s: &str) -> Cow<'_, str> {
    escape_with(s, |c| c == '\n')
}

/// `s` with control characters other than line breaks and tabs replaced by
/// `?`, byte for byte, so that byte offsets into it stay valid (source
/// snippets with spans).
pub fn same_width(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| hidden(c) && c != '\n' && c != '\t') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if hidden(c) && c != '\n' && c != '\t' {
            out.push_str(&"?".repeat(c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// An input error whose strings are [`visible`].
pub fn visible_error(e: &InputError) -> InputError {
    let v = |s: &String| visible(s).into_owned();
    match e {
        InputError::Read { file, reason } => InputError::Read {
            file: v(file),
            reason: v(reason),
        },
        InputError::Empty { file } => InputError::Empty { file: v(file) },
        InputError::Blank { file } => InputError::Blank { file: v(file) },
        InputError::Encoding {
            file,
            encoding,
            offset,
            line,
            column,
        } => InputError::Encoding {
            file: v(file),
            encoding,
            offset: *offset,
            line: *line,
            column: *column,
        },
        InputError::Json {
            file,
            line,
            column,
            reason,
        } => InputError::Json {
            file: v(file),
            line: *line,
            column: *column,
            reason: v(reason),
        },
        InputError::NotTerraform { file, reason } => InputError::NotTerraform {
            file: v(file),
            reason: v(reason),
        },
        InputError::FormatVersion { file, version } => InputError::FormatVersion {
            file: v(file),
            version: v(version),
        },
        InputError::EmptyDirectory { file } => InputError::EmptyDirectory { file: v(file) },
        InputError::Rule { file, rule, reason } => InputError::Rule {
            file: v(file),
            rule: v(rule),
            reason: v(reason),
        },
    }
}

/// Text for standard error: control characters visible (line breaks kept),
/// and no line that GitHub Actions would run as a workflow command (a line
/// starting with `::`): akslint writes commands to standard output only,
/// with `--format github`.
pub fn stderr_safe(s: &str) -> String {
    safe_lines(s)
}

/// Hostile text on one line of standard output or error: control
/// characters (line breaks included) visible, and [`no_commands`].
pub fn safe_line(s: &str) -> String {
    no_commands(&visible(s)).into_owned()
}

/// Hostile text that akslint lays out in lines (standard output or error):
/// control characters visible, line breaks kept, and [`no_commands`].
pub fn safe_lines(s: &str) -> String {
    no_commands(&visible_lines(s)).into_owned()
}

/// `s` with no line that GitHub Actions would run as a workflow command: a
/// line (ended by `\n` or `\r`, as the runner reads them) that starts with
/// `::`, after white space, gets its first `:` written `\u{3a}`. Nothing
/// else changes (colours akslint wrote stay), so rendered text can go
/// through it whole; `s` is taken to start a line.
pub fn no_commands(s: &str) -> Cow<'_, str> {
    match no_line_commands(s) {
        Cow::Borrowed(b) => no_hash_commands(b),
        Cow::Owned(o) => Cow::Owned(no_hash_commands(&o).into_owned()),
    }
}

/// `s` with no Azure Pipelines logging command (`##vso[`) nor legacy
/// GitHub Actions command (`##[`): runners read them anywhere in a line.
/// The second `#` is written `\u{23}`.
pub(crate) fn no_hash_commands(s: &str) -> Cow<'_, str> {
    let command = |i: usize| {
        let rest = s.get(i + 2..).unwrap_or_default().as_bytes();
        rest.first() == Some(&b'[')
            || rest
                .get(..4)
                .is_some_and(|r| r.eq_ignore_ascii_case(b"vso["))
    };
    let at: Vec<usize> = s
        .match_indices("##")
        .map(|(i, _)| i)
        .filter(|&i| command(i))
        .collect();
    if at.is_empty() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8 * at.len());
    let mut from = 0;
    for i in at {
        out.push_str(s.get(from..=i).unwrap_or_default());
        out.push_str("\\u{23}");
        from = i + 2;
    }
    out.push_str(s.get(from..).unwrap_or_default());
    Cow::Owned(out)
}

fn no_line_commands(s: &str) -> Cow<'_, str> {
    let command = |line: &str| line.trim_start().starts_with("::");
    if !s.split(['\n', '\r']).any(command) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for line in s.split_inclusive(['\n', '\r']) {
        let trimmed = line.trim_start();
        match trimmed.strip_prefix(':') {
            Some(rest) if rest.starts_with(':') => {
                out.push_str(line.get(..line.len() - trimmed.len()).unwrap_or_default());
                out.push_str("\\u{3a}");
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_visible() {
        assert_eq!(visible("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\\u{a}c");
        assert_eq!(visible_lines("a\u{7}\nb\r"), "a\\u{7}\nb\\u{d}");
        assert_eq!(visible("plain"), "plain");
        assert_eq!(visible("\u{202e}evil"), "\\u{202e}evil");
        assert_eq!(same_width("a\u{1b}b\u{85}c\n"), "a?b??c\n");
    }

    #[test]
    fn stderr_has_no_workflow_command_line() {
        let s = stderr_safe("warning: reason\n::error file=a.tf::x\n  ::add-mask::y");
        assert!(s.lines().all(|l| !l.trim_start().starts_with("::")), "{s}");
        assert!(s.contains("error file=a.tf"));
        let t = no_commands("a\r ::x\n\u{a0}::y\nb ::z\n::");
        assert_eq!(t, "a\r \\u{3a}:x\n\u{a0}\\u{3a}:y\nb ::z\n\\u{3a}:");
        assert!(matches!(no_commands("a ::b\n:c"), Cow::Borrowed(_)));
        // Azure Pipelines and legacy GitHub commands, anywhere in a line.
        assert_eq!(
            no_commands("x ##vso[task.setvariable variable=a]b ##[error]c ##VSO[d]\n::e ##[f"),
            "x #\\u{23}vso[task.setvariable variable=a]b #\\u{23}[error]c #\\u{23}VSO[d]\n\\u{3a}:e #\\u{23}[f"
        );
        assert!(matches!(
            no_commands("## heading\n#[x] ##v[ ##vs"),
            Cow::Borrowed(_)
        ));
    }
}
