//! Parsing the top level of `terraform show -json` output. Resource bodies
//! stay borrowed raw JSON until normalization decides they are needed.
use std::borrow::Cow;
use std::collections::HashSet;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::read::Source;
pub(crate) use super::scan::{check_depth, depth_scan, json_error, string_end};
pub use super::scan::{line_col, MAX_DEPTH};
use crate::error::InputError;

/// The top level of `terraform show -json` output (read through
/// [`DocSeed`]).
pub(crate) struct RawDoc<'a> {
    pub format_version: Option<String>,
    pub terraform_version: Option<String>,
    pub resource_changes: Option<Changes>,
    pub configuration: Option<&'a RawValue>,
    pub values: Option<RawStateValues<'a>>,
    pub planned_values: Option<&'a RawValue>,
    pub prior_state: Option<&'a RawValue>,
    /// `values` held `null` (a state without it has no `values` key).
    pub null_key: Option<&'static str>,
    /// A top-level key of another Terraform JSON document that also has a
    /// `format_version` (`terraform providers schema -json`, `terraform
    /// validate -json`, `terraform metadata functions -json`): what it is.
    pub other_document: Option<&'static str>,
}

/// Top-level keys of Terraform's other JSON documents with a
/// `format_version`, and what each document is.
const OTHER_DOCUMENTS: &[(&str, &str)] = &[
    (
        "provider_schemas",
        "a provider schema (`terraform providers schema -json`)",
    ),
    ("diagnostics", "`terraform validate -json` output"),
    (
        "function_signatures",
        "`terraform metadata functions -json` output",
    ),
];

#[derive(Deserialize)]
pub(crate) struct RawChange<'a> {
    // Strings are borrowed from the file unless they hold escapes: most
    // changes are only counted, and need no copies.
    #[serde(borrow)]
    pub address: Cow<'a, str>,
    /// The address before a `moved` block renamed it (Terraform 1.1+); read
    /// only when it is a string (a plan that is wrong only there is still
    /// linted, as before akslint read it).
    #[serde(default)]
    pub previous_address: Option<serde_json::Value>,
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
/// [`parse_keeping_with`]) are copied out of the text, the others only counted,
/// so that a large plan never holds a list of every change, and its text
/// can be dropped before the kept values are built.
#[derive(Default)]
pub(crate) struct Changes {
    pub kept: Vec<KeptChange>,
    /// Changes of other types that count as linted resources
    /// ([`RawChange::counts`]).
    pub others: usize,
}

impl Changes {
    /// The kept resources a `moved` block renamed: (previous address,
    /// address now), sorted.
    pub(crate) fn moved(&self) -> Vec<(String, String)> {
        let mut moved: Vec<(String, String)> = self
            .kept
            .iter()
            .filter(|c| c.deposed.is_none())
            .filter_map(|c| {
                let previous = c.previous_address.as_ref()?;
                (*previous != c.address).then(|| (previous.clone(), c.address.clone()))
            })
            .collect();
        moved.sort();
        moved.dedup();
        moved
    }
}

/// Where a piece of the file begins: byte offset, 1-based line and column
/// (in characters). Line 0: not known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Pos {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

/// A value of a change, copied out of the file's text, and where it was.
#[derive(Debug)]
pub(crate) struct Fragment {
    pub raw: Box<RawValue>,
    pub at: Pos,
}

/// A change of a type being kept, owned (see [`RawChange`]).
#[derive(Debug)]
pub(crate) struct KeptChange {
    pub address: String,
    pub previous_address: Option<String>,
    pub module_address: Option<String>,
    pub mode: Option<String>,
    pub type_: String,
    pub name: String,
    pub index: Option<serde_json::Value>,
    pub deposed: Option<String>,
    pub actions: Vec<String>,
    pub after: Option<Fragment>,
    pub after_unknown: Option<Fragment>,
    pub after_sensitive: Option<Fragment>,
    pub before: Option<Fragment>,
    pub before_sensitive: Option<Fragment>,
}

/// Lines and columns of increasing offsets of one text, counted in one
/// forward pass (a plan is often one line of many megabytes).
pub(crate) struct Lines<'t> {
    text: &'t str,
    scanned: usize,
    line: usize,
    /// Characters from the start of the line to `scanned`.
    col: usize,
}

impl<'t> Lines<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        Self {
            text,
            scanned: 0,
            line: 1,
            col: 0,
        }
    }

    /// Where `piece`, a slice of the text, begins (line 0 when it is not
    /// one).
    fn of(&mut self, piece: &str) -> Pos {
        let Some(offset) = (piece.as_ptr() as usize)
            .checked_sub(self.text.as_ptr() as usize)
            .filter(|o| o + piece.len() <= self.text.len())
        else {
            return Pos::default();
        };
        if offset < self.scanned {
            let (line, column) = line_col(self.text, offset);
            return Pos {
                offset,
                line,
                column,
            };
        }
        let between = self
            .text
            .as_bytes()
            .get(self.scanned..offset)
            .unwrap_or_default();
        match memchr::memrchr(b'\n', between) {
            Some(nl) => {
                self.line += bytecount::count(between, b'\n');
                self.col = chars(between.get(nl + 1..).unwrap_or_default());
            }
            None => self.col += chars(between),
        }
        self.scanned = offset;
        Pos {
            offset,
            line: self.line,
            column: self.col + 1,
        }
    }
}

/// Characters in UTF-8 bytes (those that do not continue a character).
pub(crate) fn chars(bytes: &[u8]) -> usize {
    bytecount::num_chars(bytes)
}

impl KeptChange {
    /// Copies a change out of the text; `lines` places its values.
    fn new(rc: RawChange<'_>, lines: &mut Lines<'_>) -> Self {
        let body = rc.change;
        // Placed in the order they appear in the text.
        let mut pieces: Vec<&RawValue> = [
            body.after,
            body.after_unknown,
            body.after_sensitive,
            body.before,
            body.before_sensitive,
        ]
        .into_iter()
        .flatten()
        .collect();
        pieces.sort_by_key(|r| r.get().as_ptr() as usize);
        let placed: Vec<(usize, Pos)> = pieces
            .iter()
            .map(|r| (r.get().as_ptr() as usize, lines.of(r.get())))
            .collect();
        let frag = |raw: Option<&RawValue>| {
            raw.map(|r| Fragment {
                raw: r.to_owned(),
                at: placed
                    .iter()
                    .find(|(p, _)| *p == r.get().as_ptr() as usize)
                    .map(|(_, at)| *at)
                    .unwrap_or_default(),
            })
        };
        Self {
            after: frag(body.after),
            after_unknown: frag(body.after_unknown),
            after_sensitive: frag(body.after_sensitive),
            before: frag(body.before),
            before_sensitive: frag(body.before_sensitive),
            actions: body.actions.into_iter().map(Cow::into_owned).collect(),
            address: rc.address.into_owned(),
            previous_address: match rc.previous_address {
                Some(serde_json::Value::String(s)) => Some(s),
                _ => None,
            },
            module_address: rc.module_address.map(Cow::into_owned),
            mode: rc.mode.map(Cow::into_owned),
            type_: rc.type_.into_owned(),
            name: rc.name.into_owned(),
            index: rc.index,
            deposed: rc.deposed.map(Cow::into_owned),
        }
    }
}

/// Deserializes `resource_changes` of `text`, keeping the changes of the
/// types in `keep` (None: all) and only counting the others.
#[derive(Clone, Copy)]
pub(crate) struct ChangesSeed<'k, 't> {
    pub keep: Option<&'k HashSet<String>>,
    pub text: &'t str,
}

impl<'de> DeserializeSeed<'de> for ChangesSeed<'_, '_> {
    type Value = Changes;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct Visit<'k, 't>(ChangesSeed<'k, 't>);
        impl<'de> Visitor<'de> for Visit<'_, '_> {
            type Value = Changes;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of resource changes")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Changes::default();
                let mut lines = Lines::new(self.0.text);
                while let Some(rc) = seq.next_element::<RawChange<'de>>()? {
                    match self.0.keep {
                        Some(k) if !k.contains(rc.type_.as_ref()) => {
                            out.others += usize::from(rc.counts());
                        }
                        _ => out.kept.push(KeptChange::new(rc, &mut lines)),
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_seq(Visit(self))
    }
}

/// Deserializes the top level, streaming `resource_changes` through
/// [`ChangesSeed`]. Fields as `#[derive(Deserialize)]` would read them:
/// unknown ones ignored, duplicates rejected, missing ones `None`.
#[derive(Clone, Copy)]
pub(crate) struct DocSeed<'k, 't> {
    pub keep: Option<&'k HashSet<String>>,
    /// The text parsed (to place the kept changes' values).
    pub text: &'t str,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_, '_> {
    type Value = RawDoc<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct Visit<'k, 't>(DocSeed<'k, 't>);
        impl<'de> Visitor<'de> for Visit<'_, '_> {
            type Value = RawDoc<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("struct RawDoc")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                fn set<T, E: serde::de::Error>(
                    slot: &mut Option<T>,
                    name: &'static str,
                    value: T,
                ) -> Result<(), E> {
                    if slot.is_some() {
                        return Err(E::duplicate_field(name));
                    }
                    *slot = Some(value);
                    Ok(())
                }
                let mut format_version = None;
                let mut terraform_version = None;
                let mut resource_changes = None;
                let mut configuration = None;
                let mut values = None;
                let mut planned_values = None;
                let mut prior_state = None;
                let mut null_key = None;
                let mut other_document = None;
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match key.as_ref() {
                        "format_version" => set(
                            &mut format_version,
                            "format_version",
                            map.next_value::<Option<String>>()?,
                        )?,
                        "terraform_version" => set(
                            &mut terraform_version,
                            "terraform_version",
                            map.next_value::<Option<String>>()?,
                        )?,
                        "resource_changes" => set(
                            &mut resource_changes,
                            "resource_changes",
                            map.next_value_seed(OptionSeed(ChangesSeed {
                                keep: self.0.keep,
                                text: self.0.text,
                            }))?,
                        )?,
                        "configuration" => set(
                            &mut configuration,
                            "configuration",
                            map.next_value::<Option<&'de RawValue>>()?,
                        )?,
                        "values" => set(
                            &mut values,
                            "values",
                            map.next_value::<Option<RawStateValues<'de>>>()?,
                        )?,
                        "planned_values" => set(
                            &mut planned_values,
                            "planned_values",
                            map.next_value::<Option<&'de RawValue>>()?,
                        )?,
                        "prior_state" => set(
                            &mut prior_state,
                            "prior_state",
                            map.next_value::<Option<&'de RawValue>>()?,
                        )?,
                        other => {
                            if let Some((_, what)) =
                                OTHER_DOCUMENTS.iter().find(|(k, _)| *k == other)
                            {
                                other_document = other_document.or(Some(*what));
                            }
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                if matches!(values, Some(None)) {
                    null_key = Some("values");
                }
                Ok(RawDoc {
                    null_key,
                    format_version: format_version.flatten(),
                    terraform_version: terraform_version.flatten(),
                    resource_changes: resource_changes.flatten(),
                    configuration: configuration.flatten(),
                    values: values.flatten(),
                    planned_values: planned_values.flatten(),
                    prior_state: prior_state.flatten(),
                    other_document,
                })
            }
        }
        d.deserialize_map(Visit(self))
    }
}

/// `Option<T>` through a seed: `null` is `None`.
struct OptionSeed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for OptionSeed<S> {
    type Value = Option<S::Value>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct Visit<S>(S);
        impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for Visit<S> {
            type Value = Option<S::Value>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an optional value")
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D2: serde::Deserializer<'de>>(
                self,
                d: D2,
            ) -> Result<Self::Value, D2::Error> {
                self.0.deserialize(d).map(Some)
            }
        }
        d.deserialize_option(Visit(self.0))
    }
}

impl RawChange<'_> {
    /// A managed resource instance, not deposed, not being deleted or
    /// forgotten: what akslint counts and lints.
    pub(crate) fn counts(&self) -> bool {
        let managed = super::address::is_managed(self.mode.as_deref(), &self.address);
        let acts: Vec<&str> = self.change.actions.iter().map(AsRef::as_ref).collect();
        managed && self.deposed.is_none() && acts != ["delete"] && acts != ["forget"]
    }
}

/// A change's body: actions parsed, values kept as raw JSON until a rule
/// needs them (most resources in a large plan are never converted).
#[derive(Deserialize)]
pub(crate) struct RawChangeBody<'a> {
    #[serde(default, borrow)]
    pub actions: Vec<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub after: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub after_unknown: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub after_sensitive: Option<&'a RawValue>,
    /// The object before the change (null for a create): the before side of
    /// the change status (see [`super::normalize::Model::before`]).
    #[serde(default, borrow)]
    pub before: Option<&'a RawValue>,
    #[serde(default, borrow)]
    pub before_sensitive: Option<&'a RawValue>,
}

#[derive(Deserialize)]
pub(crate) struct RawStateValues<'a> {
    #[serde(borrow)]
    pub root_module: Option<RawStateModule<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawStateModule<'a> {
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default, borrow)]
    pub resources: Vec<RawStateResource<'a>>,
    #[serde(default, borrow)]
    pub child_modules: Vec<RawStateModule<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct RawStateResource<'a> {
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

/// Parses the top level and checks it is Terraform output, keeping only the
/// resource changes of the types in `keep` (None: all of them); and
/// `configuration` on the text of the top-level `configuration` object,
/// found by the depth scan of a large file: that section (two fifths of a
/// large plan) is then read on the depth scan's core while the rest is
/// parsed, not after. Its result comes with the text it read: the caller
/// uses it only if that is the text of the document's `configuration`
/// (see [`RawDoc::configuration`]).
pub(crate) fn parse_keeping_with<'s, T: Send>(
    src: &'s Source,
    keep: Option<&HashSet<String>>,
    configuration: impl FnOnce(&'s str) -> T + Send,
) -> Result<Parsed<'s, T>, InputError> {
    parse_top(src, keep, configuration)
}

/// Files from this size on are scanned for depth on another core while
/// they are parsed.
const PARALLEL_DEPTH_SCAN: usize = 1 << 20;

/// What [`parse_keeping_with`] gives: the kind of document, its top
/// level, and what read its `configuration` during the parse, with the
/// text it read.
pub(crate) type Parsed<'s, T> = (Kind, RawDoc<'s>, Option<(&'s str, T)>);

fn parse_top<'s, T: Send>(
    src: &'s Source,
    keep: Option<&HashSet<String>>,
    configuration: impl FnOnce(&'s str) -> T + Send,
) -> Result<Parsed<'s, T>, InputError> {
    // decode() removed the byte order mark: one still there is a second.
    let text = src.text.as_str();
    if text.starts_with('\u{feff}') {
        return Err(InputError::Encoding {
            file: src.name.clone(),
            encoding: "UTF-8 (a second byte order mark)",
            offset: 0,
            line: 1,
            column: 1,
        });
    }
    let parse = || parse_doc(src, text, keep, true);
    // The depth check comes first: its error wins over the parser's. A
    // large file is parsed meanwhile (serde_json's parse is safe at any
    // depth: it limits recursion, and skips values iteratively).
    let (doc, side) = if text.len() >= PARALLEL_DEPTH_SCAN {
        let depth = || {
            let found = depth_scan(&src.name, text, Some("configuration"))?;
            let section = found.and_then(|range| text.get(range));
            Ok::<_, InputError>(section.map(|s| (s, configuration(s))))
        };
        let (side, doc) = rayon::join(depth, parse);
        (doc, side?)
    } else {
        check_depth(&src.name, text)?;
        (parse(), None)
    };
    let doc = match doc {
        // serde_json's limit (128 levels) binds only what is parsed into
        // structures: a state's modules, two levels each. The depth is
        // known to be within MAX_DEPTH now: parsed again without it.
        Err(InputError::Json { reason, .. }) if reason == RECURSION_LIMIT => {
            parse_doc(src, text, keep, false)
        }
        doc => doc,
    };
    doc.map(|(kind, doc)| (kind, doc, side))
}

/// serde_json's message when its recursion limit stops a parse.
const RECURSION_LIMIT: &str = "recursion limit exceeded";

/// Parses the top level (`limited`: with serde_json's recursion limit;
/// without it only once the depth is known to be within [`MAX_DEPTH`]).
fn parse_doc<'s>(
    src: &Source,
    text: &'s str,
    keep: Option<&HashSet<String>>,
    limited: bool,
) -> Result<(Kind, RawDoc<'s>), InputError> {
    let first = text.trim_start().chars().next();
    if first != Some('{') {
        // Still report malformed JSON as such, with its position.
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
            return Err(super::normalize::fragment_err(src, text, &e));
        }
        return Err(InputError::NotTerraform {
            file: src.name.clone(),
            reason: "the top level is not a JSON object".to_string(),
        });
    }
    let mut de = serde_json::Deserializer::from_str(text);
    if !limited {
        de.disable_recursion_limit();
    }
    let doc = DocSeed { keep, text }
        .deserialize(&mut de)
        .and_then(|doc| de.end().map(|()| doc))
        .map_err(|e| super::normalize::fragment_err(src, text, &e))?;
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
    let plan_keys = doc.resource_changes.is_some()
        || doc.planned_values.is_some()
        || doc.configuration.is_some()
        || doc.prior_state.is_some();
    if let (Some(what), false, None) = (doc.other_document, plan_keys, &doc.values) {
        return Err(InputError::NotTerraform {
            file: src.name.clone(),
            reason: format!("it is {what}"),
        });
    }
    if let (Some(key), false) = (doc.null_key, plan_keys) {
        return Err(InputError::NotTerraform {
            file: src.name.clone(),
            reason: format!("`{key}` is null"),
        });
    }
    let is_plan = doc.resource_changes.is_some()
        || doc.planned_values.is_some()
        || doc.configuration.is_some()
        || doc.prior_state.is_some();
    Ok((if is_plan { Kind::Plan } else { Kind::State }, doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: String) -> Source {
        Source {
            name: "plan.json".into(),
            path: None,
            text,
        }
    }

    #[test]
    fn a_large_plan_s_configuration_is_read_while_it_is_parsed() {
        let plan = |pad: usize, cfg: &str| {
            let pad = "x".repeat(pad);
            source(format!(
                r#"{{"format_version": "1.2", "resource_changes": [], "p": "{pad}", {cfg}}}"#
            ))
        };
        let one = r#""configuration": {"root_module": {}}"#;
        let large = plan(PARALLEL_DEPTH_SCAN, one);
        let (kind, doc, early) = parse_keeping_with(&large, None, str::len).unwrap();
        assert_eq!(kind, Kind::Plan);
        let (text, len) = early.expect("read during the parse");
        let raw = doc.configuration.map(RawValue::get);
        assert!(raw.is_some_and(|raw| std::ptr::eq(raw, text)));
        assert_eq!(len, r#"{"root_module": {}}"#.len());
        // A small file's is read after the parse, by the caller.
        let small = plan(10, one);
        let (_, doc, early) = parse_keeping_with(&small, None, str::len).unwrap();
        assert!(early.is_none() && doc.configuration.is_some());
        // Given twice: the parse fails, as it did.
        let twice = plan(PARALLEL_DEPTH_SCAN, &format!("{one}, {one}"));
        assert!(parse_keeping_with(&twice, None, str::len).is_err());
    }
}
