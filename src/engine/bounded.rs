//! Builtins whose result can be far larger than their arguments, bounded:
//! `concat` of a string with itself doubles it, `json.marshal` of an array
//! holding the same value twice doubles the text (regorus shares values, so
//! forty such steps cost forty allocations and describe a terabyte), and
//! `sprintf("%999999999d", [1])` pads to a gigabyte. regorus allocates such a
//! result in one piece and only then compares its memory budget: the
//! allocation fails first and the process aborts.
//!
//! Each replacement computes an upper bound of the bytes its result needs
//! (sharing counted once per path, so that the walk itself stays small),
//! asks [`memory::reserve`] whether they fit, and then calls regorus' own
//! builtin, in an engine of its own with no replacements: the result,
//! errors included, is regorus' own.
use std::cell::RefCell;
use std::collections::HashMap;

use regorus::Value;

use super::memory;

/// A builtin replaced by a bounded one: its name, its number of arguments,
/// and the bound of the bytes its result needs (None: the arguments are not
/// of the types it takes, and regorus' own builtin reports that).
pub(super) struct Bounded {
    pub(super) name: &'static str,
    pub(super) arity: u8,
    estimate: fn(&[Value]) -> Option<u64>,
}

/// Bytes regorus allocates per byte of a string result: the text is built
/// in a `String` and then copied into the `Rc<str>` of the value.
const COPY: u64 = 2;

pub(super) const BOUNDED: &[Bounded] = &[
    Bounded {
        name: "concat",
        arity: 2,
        estimate: concat,
    },
    Bounded {
        name: "array.concat",
        arity: 2,
        estimate: array_concat,
    },
    Bounded {
        name: "replace",
        arity: 3,
        estimate: replace,
    },
    Bounded {
        name: "strings.replace_n",
        arity: 2,
        estimate: replace_n,
    },
    Bounded {
        name: "sprintf",
        arity: 2,
        estimate: sprintf,
    },
    Bounded {
        name: "json.marshal",
        arity: 1,
        estimate: json_marshal,
    },
    Bounded {
        name: "json.marshal_with_options",
        arity: 2,
        estimate: json_marshal_with_options,
    },
    Bounded {
        name: "yaml.marshal",
        arity: 1,
        estimate: yaml_marshal,
    },
    Bounded {
        name: "base64.encode",
        arity: 1,
        estimate: base64,
    },
    Bounded {
        name: "base64url.encode",
        arity: 1,
        estimate: base64,
    },
    Bounded {
        name: "base64url.encode_no_pad",
        arity: 1,
        estimate: base64,
    },
    Bounded {
        name: "hex.encode",
        arity: 1,
        estimate: hex,
    },
];

/// Calls builtin `index` of [`BOUNDED`] once its result is known to fit.
pub(super) fn call(index: usize, args: Vec<Value>) -> anyhow::Result<Value> {
    let Some(b) = BOUNDED.get(index) else {
        anyhow::bail!("no bounded builtin {index}");
    };
    if let Some(bytes) = (b.estimate)(&args) {
        memory::reserve(b.name, bytes)?;
    }
    native(index, args)
}

thread_local! {
    /// regorus' own builtins, in an engine without akslint's replacements:
    /// one rule per bounded builtin, applied to `input` (the arguments).
    static NATIVE: RefCell<Option<regorus::Engine>> = const { RefCell::new(None) };
}

fn native_policy() -> String {
    let mut src = String::from("package akslint.native\nimport rego.v1\n");
    for (i, b) in BOUNDED.iter().enumerate() {
        let args: Vec<String> = (0..b.arity).map(|a| format!("input[{a}]")).collect();
        src.push_str(&format!("b{i} := {}({})\n", b.name, args.join(", ")));
    }
    src
}

/// regorus' own builtin `index` on `args`.
fn native(index: usize, args: Vec<Value>) -> anyhow::Result<Value> {
    NATIVE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let engine = match &mut *slot {
            Some(e) => e,
            None => {
                let mut e = regorus::Engine::new();
                e.set_rego_v0(false);
                e.add_policy("akslint-native.rego".into(), native_policy())?;
                slot.insert(e)
            }
        };
        engine.set_input(Value::from(args));
        engine
            .eval_rule(format!("data.akslint.native.b{index}"))
            .map_err(|e| anyhow::anyhow!(regorus_message(&e.to_string())))
    })
}

/// The message of a regorus error without its location (which points into
/// the native engine's policy: the caller's location is added by regorus).
fn regorus_message(text: &str) -> String {
    match text.rfind("\nerror: ") {
        Some(at) => text[at + "\nerror: ".len()..].to_string(),
        None => text.trim().to_string(),
    }
}

// ------------------------------------------------------------ estimates

fn string(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s.as_ref()),
        _ => None,
    }
}

fn strings_of(v: &Value) -> Option<Vec<&str>> {
    match v {
        Value::Array(a) => a.iter().map(string).collect(),
        Value::Set(s) => s.iter().map(string).collect(),
        _ => None,
    }
}

fn len(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn concat(args: &[Value]) -> Option<u64> {
    let delim = len(string(args.first()?)?.len());
    let parts = strings_of(args.get(1)?)?;
    let n = len(parts.len());
    let text = parts
        .iter()
        .fold(0u64, |t, p| t.saturating_add(len(p.len())))
        .saturating_add(delim.saturating_mul(n.saturating_sub(1)));
    Some(text.saturating_mul(COPY))
}

fn array_concat(args: &[Value]) -> Option<u64> {
    let count = |v: &Value| match v {
        Value::Array(a) => Some(len(a.len())),
        _ => None,
    };
    let n = count(args.first()?)?.saturating_add(count(args.get(1)?)?);
    // Both arrays may be copied (when shared) before one is appended.
    Some(
        n.saturating_mul(len(std::mem::size_of::<Value>()))
            .saturating_mul(2),
    )
}

/// The length of `s` after replacing every `old` with `new` (`old` empty:
/// `new` before every character and at the end, as Go and Rust do).
fn replaced_len(s: &str, old: &str, new: &str) -> u64 {
    let base = len(s.len());
    if old.is_empty() {
        let slots = len(s.chars().count()).saturating_add(1);
        return base.saturating_add(slots.saturating_mul(len(new.len())));
    }
    if new.len() <= old.len() {
        return base;
    }
    let matches = len(s.matches(old).count());
    base.saturating_add(matches.saturating_mul(len(new.len() - old.len())))
}

fn replace(args: &[Value]) -> Option<u64> {
    let s = string(args.first()?)?;
    let old = string(args.get(1)?)?;
    let new = string(args.get(2)?)?;
    Some(replaced_len(s, old, new).saturating_mul(COPY))
}

/// `strings.replace_n` replaces pattern after pattern: bounded without
/// building the intermediate strings (each match of a pattern no longer
/// than the text grows it by the difference).
fn replace_n(args: &[Value]) -> Option<u64> {
    let Value::Object(patterns) = args.first()? else {
        return None;
    };
    let mut size = len(string(args.get(1)?)?.len());
    for (k, v) in patterns.iter() {
        let (old, new) = (string(k)?, string(v)?);
        if old.is_empty() {
            size = size.saturating_add(size.saturating_add(1).saturating_mul(len(new.len())));
        } else if new.len() > old.len() {
            let matches = size / len(old.len());
            size = size.saturating_add(matches.saturating_mul(len(new.len() - old.len())));
        }
    }
    Some(size.saturating_mul(COPY))
}

/// An upper bound of a value's text, JSON or regorus' `to_string` (which
/// puts a space after each comma and colon), and its count of nodes and
/// depth: shared arrays, sets and objects are measured once.
#[derive(Default)]
struct Sizer {
    memo: HashMap<usize, Size>,
}

#[derive(Clone, Copy, Default)]
struct Size {
    bytes: u64,
    nodes: u64,
    depth: u64,
}

/// The bytes of a JSON string literal for `s` (serde_json's escapes).
fn quoted_len(s: &str) -> u64 {
    s.bytes().fold(2u64, |n, b| {
        n.saturating_add(match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..=0x1f => 6,
            _ => 1,
        })
    })
}

impl Sizer {
    fn size(&mut self, v: &Value) -> Size {
        let leaf = |bytes| Size {
            bytes,
            nodes: 1,
            depth: 0,
        };
        let key = match v {
            Value::Array(a) => regorus::Rc::as_ptr(a).cast::<u8>() as usize,
            Value::Set(s) => regorus::Rc::as_ptr(s).cast::<u8>() as usize,
            Value::Object(o) => regorus::Rc::as_ptr(o).cast::<u8>() as usize,
            Value::String(s) => return leaf(quoted_len(s)),
            Value::Number(n) => {
                // Integers up to 20 digits and a sign; floats print all
                // their digits (1e300 is 301 of them).
                let digits = if n.as_i64().is_some() || n.as_u64().is_some() {
                    21
                } else {
                    400
                };
                return leaf(digits);
            }
            Value::Null | Value::Bool(_) | Value::Undefined => return leaf(9),
        };
        if let Some(s) = self.memo.get(&key) {
            return *s;
        }
        let children: Vec<Size> = match v {
            Value::Array(a) => a.iter().map(|e| self.size(e)).collect(),
            Value::Set(s) => s.iter().map(|e| self.size(e)).collect(),
            Value::Object(o) => o
                .iter()
                .map(|(k, e)| {
                    let (k, e) = (self.size(k), self.size(e));
                    Size {
                        bytes: k.bytes.saturating_add(e.bytes).saturating_add(2),
                        nodes: k.nodes.saturating_add(e.nodes),
                        depth: e.depth,
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut total = Size {
            bytes: 2,
            nodes: 1,
            depth: 0,
        };
        for c in children {
            total.bytes = total.bytes.saturating_add(c.bytes).saturating_add(2);
            total.nodes = total.nodes.saturating_add(c.nodes);
            total.depth = total.depth.max(c.depth.saturating_add(1));
        }
        self.memo.insert(key, total);
        total
    }
}

fn measure(v: &Value) -> Size {
    Sizer::default().size(v)
}

fn json_marshal(args: &[Value]) -> Option<u64> {
    Some(measure(args.first()?).bytes.saturating_mul(COPY))
}

/// Pretty printing adds, on each node's line, a prefix and an indent per
/// level; regorus prints, splits into lines and joins them again (three
/// copies at once).
fn json_marshal_with_options(args: &[Value]) -> Option<u64> {
    let size = measure(args.first()?);
    let option = |name: &str| match args.get(1)? {
        Value::Object(o) => o.get(&Value::from(name)).and_then(string).map(str::len),
        _ => None,
    };
    let indent = len(option("indent").unwrap_or(2).max(2));
    let prefix = len(option("prefix").unwrap_or(0));
    let per_line = size
        .depth
        .saturating_mul(indent)
        .saturating_add(prefix)
        .saturating_add(1);
    Some(
        size.bytes
            .saturating_add(size.nodes.saturating_mul(per_line))
            .saturating_mul(3),
    )
}

/// YAML quotes and escapes like JSON at most (a `\UXXXXXXXX` escape is 10
/// bytes for a 4-byte character) and indents by two per level.
fn yaml_marshal(args: &[Value]) -> Option<u64> {
    let size = measure(args.first()?);
    let per_line = size.depth.saturating_mul(2).saturating_add(4);
    Some(
        size.bytes
            .saturating_mul(3)
            .saturating_add(size.nodes.saturating_mul(per_line))
            .saturating_mul(COPY),
    )
}

fn base64(args: &[Value]) -> Option<u64> {
    let n = len(string(args.first()?)?.len());
    Some(n.div_ceil(3).saturating_mul(4).saturating_mul(COPY))
}

fn hex(args: &[Value]) -> Option<u64> {
    let n = len(string(args.first()?)?.len());
    Some(n.saturating_mul(2).saturating_mul(COPY))
}

/// `sprintf`: the format's own text, each argument as `%v` would print it
/// (`%q`: escaped, up to 10 bytes per character), and each width.
fn sprintf(args: &[Value]) -> Option<u64> {
    let format = string(args.first()?)?;
    let Value::Array(values) = args.get(1)? else {
        return None;
    };
    let mut sizer = Sizer::default();
    let mut total = len(format.len());
    let mut next = 0usize;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        let mut width = 0u64;
        let verb = loop {
            match chars.next() {
                Some(d) if d.is_ascii_digit() => {
                    width = width
                        .saturating_mul(10)
                        .saturating_add(u64::from(d.to_digit(10).unwrap_or(0)));
                }
                Some('.') => {}
                other => break other,
            }
        };
        match verb {
            None => break,
            Some('%') => continue,
            Some(verb) => {
                let Some(arg) = values.get(next) else {
                    break;
                };
                next += 1;
                let text = match arg {
                    Value::String(s) if verb == 'q' => len(s.len()).saturating_mul(10),
                    v => sizer.size(v).bytes,
                };
                total = total.saturating_add(text).saturating_add(width);
            }
        }
    }
    Some(total.saturating_mul(COPY))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_values_are_measured_once_per_path() {
        // [a, a] forty times over: 2^40 leaves, 41 arrays.
        let mut v = Value::from("x");
        for _ in 0..40 {
            v = Value::from(vec![v.clone(), v]);
        }
        let size = measure(&v);
        assert!(size.bytes > 1 << 40, "{}", size.bytes);
        assert_eq!(size.depth, 40);
    }

    #[test]
    fn estimates_are_upper_bounds_of_the_results() {
        let s = |t: &str| Value::from(t);
        let cases: Vec<(usize, Vec<Value>)> = vec![
            (0, vec![s("--"), Value::from(vec![s("ab"), s("c")])]),
            (2, vec![s("abcabc"), s(""), s("xy")]),
            (2, vec![s("abcabc"), s("b"), s("BBBB")]),
            (
                3,
                vec![
                    Value::from_json_str(r#"{"a":"AAA","":"-"}"#).unwrap(),
                    s("banana"),
                ],
            ),
            (
                4,
                vec![
                    s("%s=%5d %v %q"),
                    Value::from_json_str(r#"["k", 7, {"a":[1,2.5,"\n"]}, "é\u0001"]"#).unwrap(),
                ],
            ),
            (
                5,
                vec![Value::from_json_str(r#"{"a":[1,2,{"b":"\"x\"\t"}],"c":null}"#).unwrap()],
            ),
            (
                6,
                vec![
                    Value::from_json_str(r#"{"a":[1,[2,[3]]]}"#).unwrap(),
                    Value::from_json_str(r#"{"indent":"    ","prefix":">>"}"#).unwrap(),
                ],
            ),
            (
                7,
                vec![Value::from_json_str(r#"{"a":[1,{"b":"x: y"}],"c":"multi\nline"}"#).unwrap()],
            ),
            (8, vec![s("hello, world")]),
            (11, vec![s("hello")]),
        ];
        for (i, args) in cases {
            let b = &BOUNDED[i];
            let bound = (b.estimate)(&args).unwrap();
            let out = native(i, args.clone()).unwrap();
            let bytes = match &out {
                Value::String(s) => s.len() as u64 * COPY,
                other => other.to_string().len() as u64,
            };
            assert!(bytes <= bound, "{}: {bytes} > {bound}: {out}", b.name);
        }
    }
}
