//! Reading inputs: paths and directories, text encodings, and the top level of
//! `terraform show -json` output. Resource bodies stay borrowed raw JSON until
//! normalization decides they are needed.
use std::io::Read;
use std::path::{Path, PathBuf};

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::InputError;

/// One input as read from disk or stdin.
#[derive(Debug, Clone)]
pub struct Source {
    /// Display name: the path as given (or found by the directory walk), `-` for stdin.
    pub name: String,
    pub path: Option<PathBuf>,
    pub text: String,
}

/// What a path on the command line expands to.
pub enum Expanded {
    File(PathBuf),
    Stdin,
    /// A JSON file found by a directory walk: skipped (with a note) when it is
    /// not Terraform output.
    Walked(PathBuf),
    Error(InputError),
}

/// Expands command-line paths: files as they are, directories walked
/// recursively for `*.json` (sorted, symlink loops reported by walkdir and
/// skipped), `-` for stdin.
pub fn expand(paths: &[PathBuf]) -> Vec<Expanded> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            out.push(Expanded::Stdin);
        } else if path.is_dir() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(path)
                .follow_links(true)
                .sort_by_file_name()
            {
                match entry {
                    Ok(e) => {
                        if e.file_type().is_file()
                            && e.path().extension().is_some_and(|x| x == "json")
                        {
                            found.push(e.into_path());
                        }
                    }
                    Err(err) => {
                        // Symlink loops and unreadable directories: skip them, say so.
                        let where_ = err
                            .path()
                            .map(|p| p.display().to_string())
                            .unwrap_or_else(|| path.display().to_string());
                        eprintln!("akslint: skipping {where_}: {}", io_reason(&err));
                    }
                }
            }
            if found.is_empty() {
                out.push(Expanded::Error(InputError::EmptyDirectory {
                    file: path.display().to_string(),
                }));
            }
            out.extend(found.into_iter().map(Expanded::Walked));
        } else {
            out.push(Expanded::File(path.clone()));
        }
    }
    out
}

fn io_reason(err: &walkdir::Error) -> String {
    if err.loop_ancestor().is_some() {
        "symbolic link loop".to_string()
    } else if let Some(io) = err.io_error() {
        io.kind().to_string()
    } else {
        err.to_string()
    }
}

/// Reads a file (or stdin) and decodes it to text.
pub fn read(path: Option<&Path>) -> Result<Source, InputError> {
    let name = path.map_or_else(|| "-".to_string(), |p| p.display().to_string());
    let bytes = match path {
        Some(p) => std::fs::read(p).map_err(|e| InputError::Read {
            file: name.clone(),
            reason: describe_io(&e),
        })?,
        None => {
            // Standard input redirected from a file: read it into a buffer
            // of the right size (growing one by doubling holds up to 2.5x
            // the file at the last copy).
            let hint = std::fs::metadata("/dev/stdin")
                .ok()
                .filter(std::fs::Metadata::is_file)
                .and_then(|m| usize::try_from(m.len()).ok())
                .unwrap_or(0);
            let mut buf = Vec::new();
            // A hint too large to allocate is no error: read as a pipe.
            let _ = buf.try_reserve_exact(hint.saturating_add(1));
            std::io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .map_err(|e| InputError::Read {
                    file: name.clone(),
                    reason: describe_io(&e),
                })?;
            buf
        }
    };
    let text = decode(&name, bytes)?;
    Ok(Source {
        name,
        path: path.map(Path::to_path_buf),
        text,
    })
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_string(),
        _ => e.to_string(),
    }
}

/// UTF-8 (with or without BOM), UTF-16LE and UTF-16BE (with BOM, or
/// recognised by their zero bytes: what Windows PowerShell's `>` writes).
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, InputError> {
    let empty = || InputError::Empty {
        file: name.to_string(),
    };
    match bytes.as_slice() {
        [] => Err(empty()),
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(name, rest.to_vec()),
        [0xFF, 0xFE, rest @ ..] => utf16(name, rest, u16::from_le_bytes, "UTF-16LE"),
        [0xFE, 0xFF, rest @ ..] => utf16(name, rest, u16::from_be_bytes, "UTF-16BE"),
        [a, 0, ..] if is_json_start(*a) => utf16(name, &bytes, u16::from_le_bytes, "UTF-16LE"),
        [0, b, ..] if is_json_start(*b) => utf16(name, &bytes, u16::from_be_bytes, "UTF-16BE"),
        _ => utf8(name, bytes),
    }
    .and_then(|text| {
        if text.trim().is_empty() {
            Err(empty())
        } else {
            Ok(text)
        }
    })
}

/// A byte a JSON document can begin with (UTF-16 without BOM is recognised
/// by such a byte beside a zero byte).
fn is_json_start(b: u8) -> bool {
    matches!(b, b'{' | b'[' | b' ' | b'\t' | b'\r' | b'\n')
}

fn utf8(name: &str, bytes: Vec<u8>) -> Result<String, InputError> {
    String::from_utf8(bytes).map_err(|e| InputError::Encoding {
        file: name.to_string(),
        encoding: "UTF-8",
        offset: e.utf8_error().valid_up_to(),
    })
}

fn utf16(
    name: &str,
    bytes: &[u8],
    conv: fn([u8; 2]) -> u16,
    encoding: &'static str,
) -> Result<String, InputError> {
    let bad = |offset| InputError::Encoding {
        file: name.to_string(),
        encoding,
        offset,
    };
    if !bytes.len().is_multiple_of(2) {
        return Err(bad(bytes.len()));
    }
    let units = bytes.chunks_exact(2).map(|c| {
        conv([
            c.first().copied().unwrap_or(0),
            c.get(1).copied().unwrap_or(0),
        ])
    });
    let mut out = String::with_capacity(bytes.len() / 2);
    for (i, ch) in char::decode_utf16(units).enumerate() {
        out.push(ch.map_err(|_| bad(i * 2))?);
    }
    Ok(out)
}

/// The top level of `terraform show -json` output.
#[derive(Deserialize)]
pub struct RawDoc<'a> {
    pub format_version: Option<String>,
    pub terraform_version: Option<String>,
    #[serde(borrow)]
    pub resource_changes: Option<Changes<'a>>,
    #[serde(borrow)]
    pub configuration: Option<&'a RawValue>,
    #[serde(borrow)]
    pub values: Option<RawStateValues<'a>>,
    #[serde(borrow)]
    pub planned_values: Option<&'a RawValue>,
    #[serde(borrow)]
    pub prior_state: Option<&'a RawValue>,
}

#[derive(Deserialize)]
pub struct RawChange<'a> {
    // Strings are borrowed from the file unless they hold escapes: most
    // changes are only counted, and need no copies.
    #[serde(borrow)]
    pub address: Cow<'a, str>,
    #[serde(default, borrow)]
    pub module_address: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub mode: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow)]
    pub type_: Cow<'a, str>,
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(default)]
    pub index: Option<serde_json::Value>,
    #[serde(default, borrow)]
    pub deposed: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub change: RawChangeBody<'a>,
}

/// `resource_changes`, streamed: the changes of the types being kept (see
/// [`parse_keeping`]) are kept, the others only counted, so that a large
/// plan never holds a list of every change.
#[derive(Default)]
pub struct Changes<'a> {
    pub kept: Vec<RawChange<'a>>,
    /// Changes of other types that count as linted resources
    /// ([`RawChange::counts`]).
    pub others: usize,
}

thread_local! {
    /// The resource types whose changes `Changes` keeps (None: all), set
    /// by `parse_keeping` for the duration of one parse.
    static KEEP: std::cell::RefCell<Option<std::collections::HashSet<String>>> =
        const { std::cell::RefCell::new(None) };
}

impl<'de: 'a, 'a> Deserialize<'de> for Changes<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
            type Value = Changes<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of resource changes")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Changes::default();
                KEEP.with(|keep| {
                    let keep = keep.borrow();
                    while let Some(rc) = seq.next_element::<RawChange<'de>>()? {
                        match keep.as_ref() {
                            Some(k) if !k.contains(rc.type_.as_ref()) => {
                                out.others += usize::from(rc.counts());
                            }
                            _ => out.kept.push(rc),
                        }
                    }
                    Ok(out)
                })
            }
        }
        d.deserialize_seq(Visit(std::marker::PhantomData))
    }
}

impl RawChange<'_> {
    /// A managed resource instance, not deposed, not being deleted or
    /// forgotten: what akslint counts and lints.
    pub fn counts(&self) -> bool {
        let managed = self.mode.as_deref().unwrap_or("managed") == "managed"
            && !self.address.starts_with("data.")
            && !self.address.contains(".data.");
        let acts: Vec<&str> = self.change.actions.iter().map(AsRef::as_ref).collect();
        managed && self.deposed.is_none() && acts != ["delete"] && acts != ["forget"]
    }
}

/// A change's body: actions parsed, values kept as raw JSON until a rule
/// needs them (most resources in a large plan are never converted).
#[derive(Deserialize)]
pub struct RawChangeBody<'a> {
    #[serde(default, borrow)]
    pub actions: Vec<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub after: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub after_unknown: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub after_sensitive: Option<&'a RawValue>,
}

#[derive(Deserialize)]
pub struct RawStateValues<'a> {
    #[serde(borrow)]
    pub root_module: Option<RawStateModule<'a>>,
}

#[derive(Deserialize)]
pub struct RawStateModule<'a> {
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default, borrow)]
    pub resources: Vec<RawStateResource<'a>>,
    #[serde(default, borrow)]
    pub child_modules: Vec<RawStateModule<'a>>,
}

#[derive(Deserialize)]
pub struct RawStateResource<'a> {
    pub address: String,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(rename = "type")]
    pub type_: String,
    pub name: String,
    #[serde(default)]
    pub index: Option<serde_json::Value>,
    #[serde(default)]
    pub deposed_key: Option<String>,
    #[serde(borrow)]
    pub values: Option<&'a RawValue>,
    #[serde(borrow)]
    pub sensitive_values: Option<&'a RawValue>,
}

/// Plan or state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plan,
    State,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Plan => "plan",
            Kind::State => "state",
        }
    }
}

/// [`parse`], keeping only the resource changes of the types in `keep`
/// (None: all of them).
pub fn parse_keeping<'s>(
    src: &'s Source,
    keep: Option<&std::collections::HashSet<String>>,
) -> Result<(Kind, RawDoc<'s>), InputError> {
    parse_top(src, keep)
}

/// Files from this size on are scanned for depth on another core while
/// they are parsed.
const PARALLEL_DEPTH_SCAN: usize = 1 << 20;

/// Parses the top level and checks it is Terraform output (every resource
/// change kept).
pub fn parse(src: &Source) -> Result<(Kind, RawDoc<'_>), InputError> {
    parse_keeping(src, None)
}

fn parse_top<'s>(
    src: &'s Source,
    keep: Option<&std::collections::HashSet<String>>,
) -> Result<(Kind, RawDoc<'s>), InputError> {
    let text = src.text.trim_start_matches('\u{feff}');
    let depth = || check_depth(&src.name, text);
    let parse = || {
        KEEP.with(|k| *k.borrow_mut() = keep.cloned());
        let out = parse_doc(src, text);
        KEEP.with(|k| *k.borrow_mut() = None);
        out
    };
    // The depth check comes first: its error wins over the parser's. A
    // large file is parsed meanwhile (serde_json's parse is safe at any
    // depth: it limits recursion, and skips values iteratively).
    if text.len() >= PARALLEL_DEPTH_SCAN {
        let (depth, doc) = rayon::join(depth, parse);
        depth?;
        doc
    } else {
        depth()?;
        parse()
    }
}

fn parse_doc<'s>(src: &Source, text: &'s str) -> Result<(Kind, RawDoc<'s>), InputError> {
    let first = text.trim_start().chars().next();
    if first != Some('{') {
        // Still report malformed JSON as such, with its position.
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
            return Err(json_error(&src.name, &e));
        }
        return Err(InputError::NotTerraform {
            file: src.name.clone(),
            reason: "the top level is not a JSON object".to_string(),
        });
    }
    let doc: RawDoc<'_> = serde_json::from_str(text).map_err(|e| json_error(&src.name, &e))?;
    let Some(version) = doc.format_version.as_deref() else {
        return Err(InputError::NotTerraform {
            file: src.name.clone(),
            reason: "no format_version".to_string(),
        });
    };
    let major = version.split('.').next().unwrap_or_default();
    if major != "0" && major != "1" {
        return Err(InputError::FormatVersion {
            file: src.name.clone(),
            // Echo the version only when it looks like one.
            version: if version.len() <= 16
                && version.chars().all(|c| c.is_ascii_digit() || c == '.')
            {
                version.to_string()
            } else {
                "(not a version number)".to_string()
            },
        });
    }
    let is_plan = doc.resource_changes.is_some()
        || doc.planned_values.is_some()
        || doc.configuration.is_some()
        || doc.prior_state.is_some();
    Ok((if is_plan { Kind::Plan } else { Kind::State }, doc))
}

/// Deepest nesting accepted. Terraform output nests a few dozen levels; the
/// limit keeps hostile input from exhausting the stack anywhere downstream.
pub const MAX_DEPTH: usize = 256;

/// One pass over the bytes: rejects nesting deeper than [`MAX_DEPTH`] with
/// the position where it happens.
pub fn check_depth(file: &str, text: &str) -> Result<(), InputError> {
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
pub fn string_end(bytes: &[u8], open: usize) -> Option<usize> {
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
pub fn json_error(file: &str, e: &serde_json::Error) -> InputError {
    let reason = e.to_string();
    // serde_json appends " at line L column C"; keep the description only.
    let reason = match reason.rfind(" at line ") {
        Some(i) => reason[..i].to_string(),
        None => reason,
    };
    InputError::Json {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        reason: scrub(&reason),
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
