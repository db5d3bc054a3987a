//! Property tests: random mutations of the fixture plans and states never
//! crash akslint. Every case ends either with a model that the built-in
//! rules evaluate (the same way twice), or with a clean `InputError` that
//! names the file.
//!
//! The cases are bounded (see `config`) so that the whole file runs in a
//! few seconds; `PROPTEST_CASES=5000 cargo test --test proptest_plans`
//! searches longer, `PROPTEST_RNG_SEED=N` replays a seed.
mod common;

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use akslint::engine::{Backend, RawFinding, RuleEngine};
use akslint::error::InputError;
use akslint::plan::normalize;
use akslint::plan::{decode, Source};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use serde_json::Value;

// ------------------------------------------------------------------ set-up

struct Fixture {
    /// `bad-3x/plan.json`
    rel: String,
    text: String,
    value: Value,
    nodes: usize,
}

fn fixtures() -> &'static [Fixture] {
    static FIXTURES: OnceLock<Vec<Fixture>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let dir = common::root().join("fixtures");
        let mut out = Vec::new();
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("fixtures/ exists")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for sub in entries {
            for file in ["plan.json", "state.json"] {
                let p = sub.join(file);
                let Ok(text) = std::fs::read_to_string(&p) else {
                    continue;
                };
                let value: Value = serde_json::from_str(&text).expect("fixture is JSON");
                let nodes = count_nodes(&value);
                let rel = format!(
                    "{}/{file}",
                    sub.file_name().unwrap_or_default().to_string_lossy()
                );
                out.push(Fixture {
                    rel,
                    text,
                    value,
                    nodes,
                });
            }
        }
        assert!(
            out.len() >= 5,
            "expected the fixture plans, found {}",
            out.len()
        );
        out
    })
}

fn fixture(i: &Index) -> &'static Fixture {
    let all = fixtures();
    &all[i.index(all.len())]
}

fn load_engine(backend: Backend) -> RuleEngine {
    let rules = akslint::rules::builtin_rules().expect("built-in rules load");
    let libs = akslint::rules::builtin_libs();
    RuleEngine::new(
        rules,
        &libs,
        &serde_json::Map::new(),
        Duration::from_secs(10),
        backend,
        false,
    )
    .expect("built-in rules compile")
}

thread_local! {
    /// The built-in rules, loaded once per test thread: what akslint runs
    /// (the costliest rules in Rust, the others as the compiled program),
    /// and the interpreter as the reference.
    static ENGINE: RuleEngine = load_engine(Backend::Native);
    static REFERENCE: RuleEngine = load_engine(Backend::Interpreter);
}

fn engine() -> RuleEngine {
    ENGINE.with(RuleEngine::clone)
}

fn reference() -> RuleEngine {
    REFERENCE.with(RuleEngine::clone)
}

/// Bounded runs; `PROPTEST_CASES` raises the bound for a longer search.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        // Never write regression files into the source tree.
        failure_persistence: None,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    }
}

// ------------------------------------------------------------------ the pipeline

/// What one input gave when it linted.
#[derive(Debug)]
struct Linted {
    findings: Vec<RawFinding>,
    /// (rule id, reason) of the rules that failed to evaluate.
    failures: Vec<(String, String)>,
}

/// How far a case goes once the input is a model. Evaluating the 32 rules
/// costs tens of milliseconds in a debug build: `Once` skips inputs already
/// evaluated (see `seen_inputs`), the sweep of every top-level key stops at
/// the Rego input, and one property evaluates twice.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Eval {
    /// normalize and `to_input` only.
    InputOnly,
    /// And the rules, once.
    Once,
    /// And the rules twice, on two engines: the same answer.
    Twice,
}

/// Rego inputs already evaluated once (with no panic): a mutation that
/// leaves the input unchanged (a node the rules never see: `planned_values`,
/// `prior_state`, `configuration`...) needs no second evaluation. Inputs
/// name the file, so each property keeps its own entries.
fn seen_inputs() -> std::sync::MutexGuard<'static, BTreeSet<regorus::Value>> {
    static SEEN: OnceLock<Mutex<BTreeSet<regorus::Value>>> = OnceLock::new();
    SEEN.get_or_init(|| Mutex::new(BTreeSet::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// decode -> normalize -> to_input -> evaluate, panics caught.
fn pipeline(name: &str, bytes: Vec<u8>, eval: Eval) -> Result<Result<Linted, InputError>, String> {
    let rule_count = engine().rules().len();
    let out = catch_unwind(AssertUnwindSafe(|| -> Result<Linted, InputError> {
        let text = decode(name, bytes)?;
        let src = Source {
            name: name.to_string(),
            path: None,
            text,
        };
        let model = normalize(&src, &None)?;
        let input = model.to_input();
        if eval == Eval::InputOnly || (eval == Eval::Once && seen_inputs().contains(&input)) {
            return Ok(Linted {
                findings: Vec::new(),
                failures: Vec::new(),
            });
        }
        let (findings, failures) = engine().evaluate(input.clone());
        if eval == Eval::Once {
            let mut seen = seen_inputs();
            if seen.len() < 2048 {
                seen.insert(input.clone());
            }
        }
        let reasons = |fs: Vec<akslint::engine::RuleFailure>| -> Vec<(String, String)> {
            fs.into_iter().map(|f| (f.rule_id, f.reason)).collect()
        };
        let failures = reasons(failures);
        if eval == Eval::Twice {
            let (again, failures_again) = engine().evaluate(input.clone());
            assert_eq!(findings, again, "findings differ between two evaluations");
            assert_eq!(
                failures,
                reasons(failures_again),
                "rule failures differ between two evaluations"
            );
            // The interpreter, the reference semantics, finds the same (the
            // wording of an evaluation error differs between the two).
            let (expected, failures_expected) = reference().evaluate(input);
            assert_eq!(
                findings, expected,
                "akslint's engine and the interpreter disagree"
            );
            let ids = |f: &[(String, String)]| f.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
            assert_eq!(
                ids(&failures),
                ids(&reasons(failures_expected)),
                "the VM and the interpreter fail different rules"
            );
        }
        Ok(Linted { findings, failures })
    }));
    match out {
        Ok(r) => {
            if let Ok(l) = &r {
                if let Some(f) = l.findings.iter().find(|f| f.rule >= rule_count) {
                    return Err(format!("finding of an unknown rule index: {f:?}"));
                }
            }
            Ok(r)
        }
        Err(payload) => Err(payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "non-string panic payload".into())),
    }
}

/// Runs one case: no panic, and a clean error when there is one.
fn lint_case(
    name: &str,
    bytes: Vec<u8>,
    eval: Eval,
) -> Result<Result<Linted, InputError>, TestCaseError> {
    let r = match pipeline(name, bytes, eval) {
        Ok(r) => r,
        Err(panic) => {
            return Err(TestCaseError::fail(format!(
                "{name}: panicked (in akslint, or a repeatability check): {panic}"
            )))
        }
    };
    match &r {
        Err(e) => assert_clean(name, e)?,
        Ok(l) => {
            // A rule that fails on odd input says why.
            for (rule, reason) in &l.failures {
                prop_assert!(
                    !reason.trim().is_empty(),
                    "{}: rule {} failed without a reason",
                    name,
                    rule
                );
            }
        }
    }
    Ok(r)
}

fn assert_clean(name: &str, e: &InputError) -> Result<(), TestCaseError> {
    let shown = e.to_string();
    prop_assert_eq!(e.file(), name, "error names another file: {}", shown);
    prop_assert!(
        shown.starts_with(name),
        "the message does not start with the file name: {}",
        shown
    );
    prop_assert!(!shown.contains("panicked"), "{}", shown);
    prop_assert!(shown.len() < 1000, "an overlong message: {}", shown);
    if let InputError::Json { line, .. } = e {
        prop_assert!(*line >= 1, "{}", shown);
    }
    Ok(())
}

// ------------------------------------------------------------------ mutations

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        Value::Object(m) => m.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// What happens to the target node (numbered in pre-order).
#[derive(Debug, Clone)]
enum Mutation {
    /// The node is written as this raw JSON text.
    Replace(String),
    /// One entry of an object is written twice (the second time with this
    /// raw value when given): Terraform never does, serde keeps the last.
    DuplicateKey {
        entry: usize,
        second: Option<String>,
    },
    /// A `null` is inserted into an array, or an object entry becomes null.
    InsertNull { entry: usize },
    /// A string node gets this prefix (other nodes become the prefix).
    Prefix(String),
}

struct Writer<'m> {
    target: usize,
    mutation: &'m Mutation,
    counter: usize,
    /// The nesting level of the target (0 at the top).
    target_level: Option<usize>,
    out: String,
}

impl Writer<'_> {
    fn scalar(&mut self, v: &Value) {
        self.out
            .push_str(&serde_json::to_string(v).expect("scalars serialize"));
    }

    fn entry(&mut self, k: &str, v: &Value, level: usize) {
        self.scalar(&Value::String(k.to_string()));
        self.out.push(':');
        self.write(v, level + 1);
    }

    fn write(&mut self, v: &Value, level: usize) {
        let me = self.counter;
        self.counter += 1;
        if me == self.target {
            self.target_level = Some(level);
            match (self.mutation, v) {
                (Mutation::Replace(raw), _) => {
                    self.out.push_str(raw);
                    return;
                }
                (Mutation::DuplicateKey { entry, second }, Value::Object(m)) if !m.is_empty() => {
                    let dup = entry % m.len();
                    self.out.push('{');
                    for (i, (k, child)) in m.iter().enumerate() {
                        if i > 0 {
                            self.out.push(',');
                        }
                        self.entry(k, child, level);
                    }
                    let (k, child) = m.iter().nth(dup).expect("in range");
                    self.out.push(',');
                    self.scalar(&Value::String(k.clone()));
                    self.out.push(':');
                    match second {
                        Some(raw) => self.out.push_str(raw),
                        None => self.write(child, level + 1),
                    }
                    self.out.push('}');
                    return;
                }
                (Mutation::InsertNull { entry }, Value::Array(a)) => {
                    let at = entry % (a.len() + 1);
                    self.out.push('[');
                    for i in 0..=a.len() {
                        if i > 0 {
                            self.out.push(',');
                        }
                        if i == at {
                            self.out.push_str("null");
                        } else if let Some(child) = a.get(if i > at { i - 1 } else { i }) {
                            self.write(child, level + 1);
                        }
                    }
                    self.out.push(']');
                    return;
                }
                (Mutation::InsertNull { entry }, Value::Object(m)) if !m.is_empty() => {
                    let nulled = entry % m.len();
                    self.out.push('{');
                    for (i, (k, child)) in m.iter().enumerate() {
                        if i > 0 {
                            self.out.push(',');
                        }
                        if i == nulled {
                            self.scalar(&Value::String(k.clone()));
                            self.out.push_str(":null");
                        } else {
                            self.entry(k, child, level);
                        }
                    }
                    self.out.push('}');
                    return;
                }
                (Mutation::InsertNull { .. }, _) => {
                    self.out.push_str("null");
                    return;
                }
                (Mutation::Prefix(p), v) => {
                    let s = format!("{p}{}", v.as_str().unwrap_or_default());
                    self.scalar(&Value::String(s));
                    return;
                }
                _ => {}
            }
        }
        match v {
            Value::Array(a) => {
                self.out.push('[');
                for (i, child) in a.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.write(child, level + 1);
                }
                self.out.push(']');
            }
            Value::Object(m) => {
                self.out.push('{');
                for (i, (k, child)) in m.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.entry(k, child, level);
                }
                self.out.push('}');
            }
            _ => self.scalar(v),
        }
    }
}

/// The fixture written back with one mutation; also the target's level.
fn mutate(f: &Fixture, target: usize, mutation: &Mutation) -> (String, usize) {
    let mut w = Writer {
        target,
        mutation,
        counter: 0,
        target_level: None,
        out: String::with_capacity(f.text.len() + 64),
    };
    w.write(&f.value, 0);
    let level = w.target_level.expect("the target node exists");
    (w.out, level)
}

/// Values of other JSON types than a node usually has.
const REPLACEMENTS: &[&str] = &[
    "null",
    "\"\"",
    "\"text\"",
    "\"(sensitive)\"",
    "0",
    "-1",
    "1.5",
    "true",
    "false",
    "[]",
    "[null]",
    "[\"a\", 1, null]",
    "{}",
    "{\"a\": null}",
    "[[[]]]",
    "{\"0\": {\"1\": []}}",
];

/// Numbers at the edges of what JSON parsers and Rego numbers hold.
const NUMBERS: &[&str] = &[
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "4.9e-324",
    "1e-400",
    "18446744073709551617", // 2^64 + 1
    "18446744073709551615", // 2^64 - 1
    "-9223372036854775809", // i64::MIN - 1
    "-0",
    "-0.0",
    "0e0",
    "123456789012345678901234567890123456789",
    "1e400",
    "-1e400",
    "[1e308, -1e308, 18446744073709551617, -0]",
];

/// Prefixes with multi-byte, control, bidi, BOM and escape characters. Each
/// ends with an ASCII character: a multi-byte character right before a
/// state resource's `type.name` in its address is a known panic (see
/// hardening.rs, `state_address_with_multibyte_char_before_the_type`).
const PREFIXES: &[&str] = &[
    "é-",
    "€ ",
    "𝄞/",
    "\u{0}x",
    "\u{feff}a",
    "\u{202e}b",
    "\"q",
    "\\\\",
    "\n.",
    "module.ü[\"ß\"].",
    "(sensitive)",
];

fn nested(depth: usize, shape: u8) -> String {
    match shape % 4 {
        0 => format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        1 => format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)),
        2 => format!(
            "{}null{}",
            "[{\"k\":".repeat(depth / 2),
            "}]".repeat(depth / 2)
        ),
        _ => format!("{}\"x\"{}", "[\n".repeat(depth), "\n]".repeat(depth)),
    }
}

fn name_for(f: &Fixture, what: &str) -> String {
    format!("mutated/{what}/{}", f.rel)
}

// ------------------------------------------------------------------ properties

proptest! {
    #![proptest_config(config(64))]

    /// A file cut at any byte: a clean error (never a panic), unless only
    /// trailing whitespace was cut.
    #[test]
    fn truncated_files(f in any::<Index>(), cut in any::<Index>()) {
        let f = fixture(&f);
        let bytes = f.text.as_bytes();
        let at = cut.index(bytes.len());
        let name = name_for(f, "truncated");
        let r = lint_case(&name, bytes[..at].to_vec(), Eval::Once)?;
        if at < f.text.trim_end().len() {
            prop_assert!(r.is_err(), "a truncated file linted: cut at {}", at);
        }
    }

    /// Any node replaced by a value of another type.
    #[test]
    fn type_changes(f in any::<Index>(), node in any::<Index>(), r in 0..REPLACEMENTS.len()) {
        let f = fixture(&f);
        let (text, _) = mutate(f, node.index(f.nodes), &Mutation::Replace(REPLACEMENTS[r].to_string()));
        let _ = lint_case(&name_for(f, "types"), text.into_bytes(), Eval::Once)?;
    }

    /// Nulls inserted into arrays, object entries nulled.
    #[test]
    fn inserted_nulls(f in any::<Index>(), node in any::<Index>(), entry in 0usize..64) {
        let f = fixture(&f);
        let (text, _) = mutate(f, node.index(f.nodes), &Mutation::InsertNull { entry });
        let _ = lint_case(&name_for(f, "nulls"), text.into_bytes(), Eval::Once)?;
    }

    /// A key written twice, the second time with the same or another value.
    #[test]
    fn duplicated_keys(
        f in any::<Index>(),
        node in any::<Index>(),
        entry in 0usize..64,
        second in proptest::option::of(0..REPLACEMENTS.len()),
    ) {
        let f = fixture(&f);
        let m = Mutation::DuplicateKey {
            entry,
            second: second.map(|i| REPLACEMENTS[i].to_string()),
        };
        let (text, _) = mutate(f, node.index(f.nodes), &m);
        let _ = lint_case(&name_for(f, "dupkeys"), text.into_bytes(), Eval::Once)?;
    }

    /// Strings with multi-byte and odd characters in front, anywhere
    /// (addresses, names, types, keys of the joins).
    #[test]
    fn odd_string_prefixes(f in any::<Index>(), node in any::<Index>(), p in 0..PREFIXES.len()) {
        let f = fixture(&f);
        let (text, _) = mutate(f, node.index(f.nodes), &Mutation::Prefix(PREFIXES[p].to_string()));
        let _ = lint_case(&name_for(f, "prefix"), text.into_bytes(), Eval::Once)?;
    }

    /// Huge, tiny, negative and out-of-range numbers anywhere.
    #[test]
    fn edge_numbers(f in any::<Index>(), node in any::<Index>(), n in 0..NUMBERS.len()) {
        let f = fixture(&f);
        let (text, _) = mutate(f, node.index(f.nodes), &Mutation::Replace(NUMBERS[n].to_string()));
        let _ = lint_case(&name_for(f, "numbers"), text.into_bytes(), Eval::Once)?;
    }

    /// Hundreds to thousands of levels of nesting inserted anywhere: past
    /// the limit, a JSON error whose line and column point at the bracket
    /// that goes too deep.
    #[test]
    fn deep_nesting(
        f in any::<Index>(),
        node in any::<Index>(),
        depth in 100usize..6000,
        shape in any::<u8>(),
    ) {
        let f = fixture(&f);
        let (text, level) = mutate(f, node.index(f.nodes), &Mutation::Replace(nested(depth, shape)));
        let name = name_for(f, "deep");
        let r = lint_case(&name, text.clone().into_bytes(), Eval::Once)?;
        // Levels the inserted value adds (shape 2 nests two per repetition).
        let added = if shape % 4 == 2 { (depth / 2) * 2 } else { depth };
        if level + added > akslint::plan::MAX_DEPTH {
            match &r {
                Err(InputError::Json { line, column, reason, .. }) => {
                    prop_assert!(reason.contains("nesting deeper than"), "{}", reason);
                    let at = text
                        .split('\n')
                        .nth(line - 1)
                        .and_then(|l| l.chars().nth(column - 1));
                    prop_assert!(
                        matches!(at, Some('[') | Some('{')),
                        "{}:{} is {:?}, not a bracket", line, column, at
                    );
                }
                other => prop_assert!(false, "{} levels deep: {:?}", level + added,
                    other.as_ref().map(|l| l.findings.len())),
            }
        }
    }

    /// A byte that is never valid UTF-8 where it stands: an encoding error
    /// at that byte.
    #[test]
    fn invalid_utf8(f in any::<Index>(), pos in any::<Index>(), byte in prop_oneof![0x80u8..=0xBF, 0xC0u8..=0xC1, 0xF5u8..=0xFF]) {
        let f = fixture(&f);
        prop_assume!(f.text.is_ascii());
        let mut bytes = f.text.clone().into_bytes();
        let at = pos.index(bytes.len());
        bytes.insert(at, byte);
        let r = lint_case(&name_for(f, "utf8"), bytes, Eval::Once)?;
        match r {
            Err(InputError::Encoding { offset, encoding, line, column, .. }) => {
                prop_assert_eq!(encoding, "UTF-8");
                prop_assert_eq!(offset, at);
                // Placed as a JSON error would be: line, then column in
                // characters (the fixture is ASCII).
                let before = &f.text[..at];
                prop_assert_eq!(line, before.matches('\n').count() + 1);
                prop_assert_eq!(column, at - before.rfind('\n').map_or(0, |i| i + 1) + 1);
            }
            other => prop_assert!(false, "{:?}", other.map(|l| l.findings.len())),
        }
    }

    /// UTF-16 (with a BOM) holding a lone surrogate: an encoding error at
    /// its offset after the BOM.
    #[test]
    fn invalid_utf16(
        f in any::<Index>(),
        pos in any::<Index>(),
        unit in 0xD800u16..=0xDFFF,
        big_endian in any::<bool>(),
    ) {
        let f = fixture(&f);
        prop_assume!(f.text.is_ascii());
        let mut units: Vec<u16> = f.text.encode_utf16().collect();
        let at = pos.index(units.len());
        units.insert(at, unit);
        let mut bytes = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for u in units {
            bytes.extend_from_slice(&if big_endian { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        match lint_case(&name_for(f, "utf16"), bytes, Eval::Once)? {
            Err(InputError::Encoding { offset, encoding, line, column, .. }) => {
                prop_assert_eq!(encoding, if big_endian { "UTF-16BE" } else { "UTF-16LE" });
                prop_assert_eq!(offset, at * 2);
                let before = &f.text[..at];
                prop_assert_eq!(line, before.matches('\n').count() + 1);
                prop_assert_eq!(column, at - before.rfind('\n').map_or(0, |i| i + 1) + 1);
            }
            other => prop_assert!(false, "{:?}", other.map(|l| l.findings.len())),
        }
    }

    /// UTF-16 of the fixture, cut at an odd byte: an encoding error.
    #[test]
    fn odd_utf16(f in any::<Index>(), cut in any::<Index>(), big_endian in any::<bool>()) {
        let f = fixture(&f);
        let mut bytes = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for u in f.text.encode_utf16() {
            bytes.extend_from_slice(&if big_endian { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        let at = (cut.index(bytes.len() / 2) * 2 + 1).min(bytes.len() - 1);
        bytes.truncate(at);
        let r = lint_case(&name_for(f, "odd16"), bytes, Eval::Once)?;
        prop_assert!(matches!(r, Err(InputError::Encoding { .. })), "{:?}", r.map(|l| l.findings.len()));
    }

    /// Bytes overwritten at random places.
    #[test]
    fn random_byte_flips(
        f in any::<Index>(),
        flips in proptest::collection::vec((any::<Index>(), any::<u8>()), 1..8),
    ) {
        let f = fixture(&f);
        let mut bytes = f.text.clone().into_bytes();
        for (pos, b) in flips {
            let at = pos.index(bytes.len());
            bytes[at] = b;
        }
        let _ = lint_case(&name_for(f, "flips"), bytes, Eval::Once)?;
    }

    /// Arbitrary short byte strings, and short JSON-looking ones.
    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = lint_case("arbitrary.json", bytes, Eval::Once)?;
    }
}

proptest! {
    #![proptest_config(config(16))]

    /// Type-changed plans evaluated twice on two engines, and on the
    /// interpreter: the same answer.
    #[test]
    fn evaluation_is_repeatable(f in any::<Index>(), node in any::<Index>(), r in 0..REPLACEMENTS.len()) {
        let f = fixture(&f);
        let (text, _) = mutate(f, node.index(f.nodes), &Mutation::Replace(REPLACEMENTS[r].to_string()));
        let _ = lint_case(&name_for(f, "repeat"), text.into_bytes(), Eval::Twice)?;
    }
}

/// Cases `evaluation_is_repeatable` found (2026-12-05): a diagnostic
/// setting whose `enabled_log` is null, or holds null. The interpreter
/// failed AKS045 (`some .. in null`, `object.get(null, ..)`), the VM found
/// no logs.
#[test]
fn null_log_blocks_evaluate_alike_on_both_engines() {
    let f = fixtures()
        .iter()
        .find(|f| f.rel == "joins-state/state.json")
        .expect("the fixture");
    for (pick, mutated) in [
        (17_290_381_012_372_534_948_u128, "\"enabled_log\":null"),
        (17_345_445_920_055_250_027_u128, "\"enabled_log\":[null]"),
    ] {
        let node = ((f.nodes as u128 * pick) >> 64) as usize;
        let (text, _) = mutate(f, node, &Mutation::Replace("null".to_string()));
        assert!(
            text.contains(mutated),
            "the case mutates enabled_log: {mutated}"
        );
        let _ = lint_case(&name_for(f, "repeat"), text.into_bytes(), Eval::Twice)
            .expect("the same answer");
    }
}

proptest! {
    #![proptest_config(config(4))]

    /// A few mutated files per case through the binary, in one run: exit
    /// status 0, 1 or 2, no panic, stdout one JSON document whose errors
    /// each name one of the files.
    #[test]
    fn mutated_files_through_the_binary(
        picks in proptest::collection::vec((any::<Index>(), any::<Index>(), 0usize..6, 0usize..64), 8),
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut files = Vec::new();
        for (i, (f, node, kind, k)) in picks.iter().enumerate() {
            let f = fixture(f);
            let bytes = match kind {
                0 => {
                    let b = f.text.as_bytes();
                    b[..node.index(b.len())].to_vec()
                }
                1 => mutate(f, node.index(f.nodes), &Mutation::Replace(REPLACEMENTS[k % REPLACEMENTS.len()].into())).0.into_bytes(),
                2 => mutate(f, node.index(f.nodes), &Mutation::InsertNull { entry: *k }).0.into_bytes(),
                3 => mutate(f, node.index(f.nodes), &Mutation::DuplicateKey { entry: *k, second: None }).0.into_bytes(),
                4 => mutate(f, node.index(f.nodes), &Mutation::Replace(NUMBERS[k % NUMBERS.len()].into())).0.into_bytes(),
                _ => mutate(f, node.index(f.nodes), &Mutation::Replace(nested(200 + k * 50, *k as u8))).0.into_bytes(),
            };
            let p = dir.path().join(format!("m{i}-{kind}.json"));
            std::fs::write(&p, bytes).expect("write");
            files.push(p);
        }
        let out = common::akslint()
            .args(["--format", "json"])
            .args(&files)
            .output()
            .expect("akslint runs");
        let err = common::stderr(&out);
        prop_assert!(matches!(out.status.code(), Some(0..=2)), "status {:?}: {}", out.status, err);
        prop_assert!(!err.contains("panicked") && !err.contains("internal error"), "{}", err);
        let doc: Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| TestCaseError::fail(format!("stdout is not JSON: {e}")))?;
        let names: Vec<String> = files.iter().map(|p| common::path_str(p)).collect();
        for e in doc["errors"].as_array().expect("errors") {
            let file = e["file"].as_str().unwrap_or_default();
            prop_assert!(names.iter().any(|n| n == file), "{}", e);
            prop_assert!(e["message"].as_str().unwrap_or_default().contains(file), "{}", e);
        }
        // Text output on the same files: the same exit status, no panic.
        let text = common::akslint()
            .args(["--color", "never"])
            .args(&files)
            .output()
            .expect("akslint runs");
        prop_assert_eq!(text.status.code(), out.status.code());
        prop_assert!(!common::stderr(&text).contains("panicked"));
    }
}

/// The writer without a mutation gives the fixture back, and each mutation
/// is what it says (so that the properties above test what they claim).
#[test]
fn the_mutator_is_faithful() {
    for f in fixtures() {
        let mut w = Writer {
            target: usize::MAX,
            mutation: &Mutation::Replace(String::new()),
            counter: 0,
            target_level: None,
            out: String::new(),
        };
        w.write(&f.value, 0);
        assert_eq!(w.counter, f.nodes);
        let back: Value = serde_json::from_str(&w.out).unwrap();
        assert_eq!(back, f.value, "{}", f.rel);
    }
    let f = &fixtures()[0];
    let first_key = f.value.as_object().unwrap().keys().next().unwrap();
    let (dup, level) = mutate(
        f,
        0,
        &Mutation::DuplicateKey {
            entry: 0,
            second: Some("7".into()),
        },
    );
    assert_eq!(level, 0);
    assert_eq!(dup.matches(&format!("\"{first_key}\":")).count(), 2);
    let v: Value = serde_json::from_str(&dup).unwrap();
    assert_eq!(
        v[first_key], 7,
        "serde_json keeps the last of duplicated keys"
    );
    let (nulls, _) = mutate(f, 0, &Mutation::InsertNull { entry: 0 });
    let v: Value = serde_json::from_str(&nulls).unwrap();
    assert_eq!(v[first_key], Value::Null);
    // An array gets one more element, a null, wherever it is inserted.
    let arr = serde_json::json!({"a": [1, 2]});
    let fx = Fixture {
        rel: "x".into(),
        text: arr.to_string(),
        nodes: count_nodes(&arr),
        value: arr,
    };
    for entry in 0..3 {
        let (t, level) = mutate(&fx, 1, &Mutation::InsertNull { entry });
        let v: Value = serde_json::from_str(&t).unwrap();
        assert_eq!(v["a"].as_array().unwrap().len(), 3, "{t}");
        assert_eq!(v["a"][entry], Value::Null, "{t}");
        assert_eq!(level, 1);
    }
    let (t, level) = mutate(&fx, 2, &Mutation::Replace(nested(300, 1)));
    assert_eq!(level, 2);
    assert!(t.starts_with("{\"a\":[{\"a\":{\"a\":"), "{}", &t[..40]);
}

/// Every leaf of a resource's values replaced by each edge value.
fn with_leaves(v: &Value, raw: &str) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(|c| with_leaves(c, raw)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, c)| (k.clone(), with_leaves(c, raw)))
                .collect(),
        ),
        _ => Value::String(format!("@@{raw}@@")),
    }
}

/// Writes `v` with the `"@@raw@@"` placeholders as raw JSON text.
fn with_raw(v: &Value) -> String {
    let text = serde_json::to_string(v).expect("serializes");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("\"@@") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 3..];
        let j = after.find("@@\"").expect("placeholder ends");
        // The raw text was JSON-escaped inside the placeholder string.
        let raw: String = serde_json::from_str(&format!("\"{}\"", &after[..j])).expect("unescapes");
        out.push_str(&raw);
        rest = &after[j + 3..];
    }
    out.push_str(rest);
    out
}

/// Every edge value (types, numbers) as every leaf of every resource's
/// values in a plan (`change.after`) and a state (`values`), through the
/// rules: the rules read exactly these attributes.
#[test]
fn every_edge_value_in_every_attribute() {
    let by_name = |rel: &str| {
        fixtures()
            .iter()
            .find(|f| f.rel == rel)
            .unwrap_or_else(|| panic!("fixture {rel}"))
    };
    for rel in ["example/plan.json", "modules-state/state.json"] {
        let f = by_name(rel);
        for raw in REPLACEMENTS.iter().chain(NUMBERS) {
            let mut doc = f.value.clone();
            if let Some(changes) = doc["resource_changes"].as_array_mut() {
                for rc in changes {
                    if let Some(after) = rc.pointer_mut("/change/after") {
                        *after = with_leaves(after, raw);
                    }
                }
            }
            fn state_module(m: &mut Value, raw: &str) {
                if let Some(rs) = m.get_mut("resources").and_then(Value::as_array_mut) {
                    for r in rs {
                        if let Some(v) = r.get_mut("values") {
                            *v = with_leaves(v, raw);
                        }
                    }
                }
                if let Some(children) = m.get_mut("child_modules").and_then(Value::as_array_mut) {
                    for c in children {
                        state_module(c, raw);
                    }
                }
            }
            if let Some(root) = doc.pointer_mut("/values/root_module") {
                state_module(root, raw);
            }
            let name = format!("edge/{rel}");
            let text = with_raw(&doc);
            assert_ne!(text, f.text);
            match pipeline(&name, text.into_bytes(), Eval::Once) {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    assert_clean(&name, &e).unwrap();
                    // Only numbers out of f64 range are not JSON values.
                    assert!(raw.contains("e400"), "{raw}: {e}");
                }
                Err(panic) => panic!("{name} with {raw} in every attribute: panicked: {panic}"),
            }
        }
    }
}

/// Every fixed edge value at every top-level key of a plan, a state and the
/// secrets plan, as far as the Rego input.
#[test]
fn every_edge_value_at_every_top_level_key() {
    for f in fixtures().iter().filter(|f| {
        [
            "example/plan.json",
            "modules-state/state.json",
            "secrets/plan.json",
        ]
        .contains(&f.rel.as_str())
    }) {
        let Value::Object(top) = &f.value else {
            continue;
        };
        // Pre-order numbers of the top-level values.
        let mut n = 1;
        let mut targets = Vec::new();
        for v in top.values() {
            targets.push(n);
            n += count_nodes(v);
        }
        for t in targets {
            for raw in REPLACEMENTS.iter().chain(NUMBERS) {
                let (text, _) = mutate(f, t, &Mutation::Replace((*raw).to_string()));
                let name = format!("edge/{}", f.rel);
                match pipeline(&name, text.into_bytes(), Eval::InputOnly) {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => assert_clean(&name, &e).unwrap(),
                    Err(panic) => panic!("{name} with {raw} at node {t}: panicked: {panic}"),
                }
            }
        }
    }
}
