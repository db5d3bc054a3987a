//! Benchmarks (criterion): `cargo bench --bench lint`.
//!
//! Inputs are generated into a temporary directory on first use by
//! examples/genplan.rs (included here as a module), never checked in:
//!
//! - `real/*`: one real-size plan (fixtures/example/plan.json, 34 KB) through
//!   each stage (read, normalize, to_input, evaluate with all built-in rules)
//!   and the whole `akslint` run (engine construction and report included);
//!   the corpus plan ../shared/corpus/real-plans/AKS_TF-main.json too when
//!   it is there.
//! - `plan10mb/*`, `plan100mb/*`: synthetic 10 MB and 100 MB plans (AKS
//!   resources about 3% of the resource instances), stages and whole run,
//!   next to `floor`: the same file read and parsed by serde_json into
//!   `IgnoredAny`.
//! - `dir1000/run`: a directory of 1,000 small real-size plans, whole run
//!   (rayon uses every core; set RAYON_NUM_THREADS=1 to compare).
//!
//! - `whatif/*`: evaluation strategies akslint does not use (yet), measured
//!   on the same inputs to size the suggestions of docs/performance.md: the
//!   engine as akslint builds it; with regorus' own `numbers.range` instead
//!   of akslint's bounded extension; checking the clock every 1024
//!   instructions instead of every one; and with that, all 32 `deny` sets in
//!   one query (lib rules computed once, not once per rule), or the rules
//!   split over two threads. The slowest rules are printed.
//!
//! Big inputs use `sample_size(10)`. At the end the ratio of each whole run
//! to its floor is printed (medians of the sampled iterations).
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use akslint::engine::RuleEngine;
use akslint::normalize::{self, TypeFilter};
use akslint::{load, rules};
use criterion::{black_box, BatchSize, Criterion, SamplingMode};

#[allow(dead_code)]
#[path = "../examples/genplan.rs"]
mod genplan;

const SEED: u64 = 42;

/// Temporary directory holding the generated inputs (removed at exit).
fn workdir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        tempfile::Builder::new()
            .prefix("akslint-bench")
            .tempdir()
            .expect("temporary directory")
    })
    .path()
}

fn big_plan(mb: u32) -> PathBuf {
    static MADE: Mutex<BTreeMap<u32, PathBuf>> = Mutex::new(BTreeMap::new());
    let mut made = MADE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    made.entry(mb)
        .or_insert_with(|| {
            let path = workdir().join(format!("plan{mb}.json"));
            let summary = genplan::generate_big(&path, f64::from(mb), SEED).expect("generate plan");
            eprintln!("generated {summary}");
            path
        })
        .clone()
}

fn plan_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = workdir().join("plans1000");
        let summary = genplan::generate_dir(&dir, 1000, SEED).expect("generate plans");
        eprintln!("generated {summary}");
        dir
    })
}

fn engine() -> RuleEngine {
    RuleEngine::new(
        rules::builtin_rules().expect("built-in rules load"),
        &rules::builtin_libs(),
        &serde_json::Map::new(),
        Duration::from_secs(10),
        akslint::engine::Backend::Vm,
    )
    .expect("built-in rules compile")
}

/// The resource types the rules read (as akslint computes it).
fn type_filter(engine: &RuleEngine) -> TypeFilter {
    let mut set = HashSet::new();
    for r in engine.rules() {
        if r.meta.resource_types.is_empty() {
            return None;
        }
        set.extend(r.meta.resource_types.iter().cloned());
    }
    Some(set)
}

/// Per-iteration times of the whole-run and floor benchmarks, for the
/// ratio printed at the end.
static TIMES: Mutex<BTreeMap<String, Vec<Duration>>> = Mutex::new(BTreeMap::new());

fn record(name: &str, per_iter: Duration) {
    TIMES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .entry(name.to_string())
        .or_default()
        .push(per_iter);
}

/// Benchmarks `f` and records its per-iteration times under `name`.
fn timed(
    c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: &str,
    key: &str,
    mut f: impl FnMut(),
) {
    c.bench_function(id, |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                f();
            }
            let elapsed = start.elapsed();
            record(
                key,
                elapsed / u32::try_from(iters.max(1)).unwrap_or(u32::MAX),
            );
            elapsed
        });
    });
}

/// The whole akslint run on these paths, report to a file in the workdir.
fn run_akslint(paths: &[&Path]) -> u8 {
    let out = workdir().join("report.json");
    let mut args: Vec<std::ffi::OsString> =
        vec!["akslint".into(), "--format".into(), "json".into()];
    args.push("--output".into());
    args.push(out.into_os_string());
    args.extend(paths.iter().map(|p| p.as_os_str().to_os_string()));
    let code = akslint::run(args);
    assert!(code <= 1, "akslint failed with exit status {code}");
    code
}

fn floor(path: &Path) {
    let bytes = std::fs::read(path).expect("read");
    let _: serde::de::IgnoredAny = serde_json::from_slice(&bytes).expect("valid JSON");
}

/// Stages of the pipeline on one file: read, normalize, to_input, evaluate.
fn stages(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    path: impl Fn() -> PathBuf,
) {
    let eng = engine();
    let filter = type_filter(&eng);
    group.bench_function("read", |b| {
        let p = path();
        b.iter(|| load::read(Some(black_box(&p))).expect("read"));
    });
    group.bench_function("normalize", |b| {
        let src = load::read(Some(&path())).expect("read");
        b.iter(|| normalize::normalize(black_box(&src), &filter).expect("normalize"));
    });
    group.bench_function("to_input", |b| {
        let src = load::read(Some(&path())).expect("read");
        let model = normalize::normalize(&src, &filter).expect("normalize");
        b.iter(|| black_box(&model).to_input());
    });
    group.bench_function("evaluate", |b| {
        let src = load::read(Some(&path())).expect("read");
        let model = normalize::normalize(&src, &filter).expect("normalize");
        let mut eng = eng.clone();
        b.iter_batched(
            || model.to_input(),
            |input| eng.evaluate(input),
            BatchSize::LargeInput,
        );
    });
}

fn real(c: &mut Criterion) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = manifest.join("fixtures/example/plan.json");
    let mut group = c.benchmark_group("real");
    group.sample_size(30);
    stages(&mut group, || example.clone());
    timed(&mut group, "run", "real/run", || {
        run_akslint(&[&example]);
    });
    group.bench_function("engine_new", |b| b.iter(engine));
    let corpus = manifest.join("../shared/corpus/real-plans/AKS_TF-main.json");
    if corpus.is_file() {
        timed(&mut group, "run_corpus_AKS_TF", "real/run_corpus", || {
            run_akslint(&[&corpus]);
        });
    }
    group.finish();
}

fn big(c: &mut Criterion, mb: u32) {
    let name = format!("plan{mb}mb");
    let mut group = c.benchmark_group(&name);
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(if mb >= 100 { 20 } else { 5 }));
    timed(&mut group, "floor", &format!("{name}/floor"), || {
        floor(&big_plan(mb))
    });
    timed(&mut group, "run", &format!("{name}/run"), || {
        run_akslint(&[&big_plan(mb)]);
    });
    stages(&mut group, || big_plan(mb));
    group.finish();
}

fn dir1000(c: &mut Criterion) {
    let mut group = c.benchmark_group("dir1000");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    timed(&mut group, "run", "dir1000/run", || {
        run_akslint(&[plan_dir()]);
    });
    group.finish();
}

// ------------------------------------------------------------ what if

/// A regorus engine loaded as `RuleEngine::new` loads it, with this clock
/// check interval; and the rules' packages.
fn raw_engine(check_interval: u32, hardened: bool) -> (regorus::Engine, Vec<String>) {
    let rules = rules::builtin_rules().expect("built-in rules load");
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(false);
    if hardened {
        akslint::engine::harden(&mut engine).expect("extensions install");
    }
    engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
        limit: Duration::from_secs(10),
        check_interval: std::num::NonZeroU32::new(check_interval)
            .unwrap_or(std::num::NonZeroU32::MIN),
    });
    for (path, src) in rules::builtin_libs() {
        engine.add_policy(path, src).expect("lib compiles");
    }
    for r in &rules {
        engine
            .add_policy(r.path.clone(), r.source.clone())
            .expect("rule compiles");
    }
    let data = akslint::engine::merge_params(&rules, &serde_json::Map::new());
    engine.add_data(regorus::Value::from(data)).expect("data");
    let packages = rules.iter().map(|r| r.package.clone()).collect();
    (engine, packages)
}

fn deny_count(v: &regorus::Value) -> usize {
    match v {
        regorus::Value::Set(s) => s.len(),
        regorus::Value::Array(a) => a.len(),
        _ => 0,
    }
}

/// One `eval_rule` per rule (what akslint does).
fn eval_each(engine: &mut regorus::Engine, input: &regorus::Value, packages: &[String]) -> usize {
    engine.set_input(input.clone());
    packages
        .iter()
        .map(|p| {
            engine
                .eval_rule(format!("{p}.deny"))
                .map_or(0, |v| deny_count(&v))
        })
        .sum()
}

/// Every rule's `deny` in one query (one per line: regorus limits a line to
/// 1024 columns), so lib rules are evaluated once, not once per rule.
fn eval_one_query(
    engine: &mut regorus::Engine,
    input: &regorus::Value,
    packages: &[String],
) -> usize {
    engine.set_input(input.clone());
    let query = format!(
        "denies := [{}]",
        packages
            .iter()
            .map(|p| format!("{p}.deny"))
            .collect::<Vec<_>>()
            .join(",\n")
    );
    let results = engine.eval_query(query, false).expect("query evaluates");
    let denies = results
        .result
        .first()
        .map(|r| r.bindings[&regorus::Value::from("denies")].clone());
    match denies {
        Some(regorus::Value::Array(a)) => a.iter().map(deny_count).sum(),
        _ => 0,
    }
}

/// The rules split in two halves, one engine clone per thread.
fn eval_two_threads(
    engines: &mut [regorus::Engine; 2],
    input: &regorus::Value,
    packages: &[String],
) -> usize {
    let (a, b) = packages.split_at(packages.len() / 2);
    let [e1, e2] = engines;
    let (x, y) = rayon::join(|| eval_each(e1, input, a), || eval_each(e2, input, b));
    x + y
}

/// Inputs and engines of the what-if benchmarks, made on first use.
struct WhatIf {
    input: regorus::Value,
    packages: Vec<String>,
    /// As `RuleEngine::new` makes it: bounded `numbers.range` extensions,
    /// clock checked at every instruction.
    as_akslint: regorus::Engine,
    /// regorus' own `numbers.range`.
    plain_range: regorus::Engine,
    /// Clock checked every 1024 instructions.
    every1024: regorus::Engine,
    pair: [regorus::Engine; 2],
}

impl WhatIf {
    fn new(name: &str, path: &Path) -> Self {
        let filter = type_filter(&engine());
        let src = load::read(Some(path)).expect("read");
        let input = normalize::normalize(&src, &filter)
            .expect("normalize")
            .to_input();
        let (as_akslint, packages) = raw_engine(1, true);
        let (plain_range, _) = raw_engine(1, false);
        let (every1024, _) = raw_engine(1024, true);
        let pair = [every1024.clone(), every1024.clone()];
        let mut w = WhatIf {
            input,
            packages,
            as_akslint,
            plain_range,
            every1024,
            pair,
        };
        let counts = [
            eval_each(&mut w.as_akslint, &w.input, &w.packages),
            eval_each(&mut w.plain_range, &w.input, &w.packages),
            eval_each(&mut w.every1024, &w.input, &w.packages),
            eval_one_query(&mut w.every1024, &w.input, &w.packages),
            eval_two_threads(&mut w.pair, &w.input, &w.packages),
        ];
        eprintln!("whatif/{name}: deny elements per strategy {counts:?} (must all be equal)");
        w.per_rule(name);
        w
    }

    /// Prints the rules that take longest on this input (as akslint
    /// evaluates them).
    fn per_rule(&mut self, name: &str) {
        let engine = &mut self.as_akslint;
        engine.set_input(self.input.clone());
        let mut times: Vec<(Duration, &str)> = self
            .packages
            .iter()
            .map(|p| {
                let start = Instant::now();
                for _ in 0..3 {
                    let _ = engine.eval_rule(format!("{p}.deny"));
                }
                (start.elapsed() / 3, p.rsplit('.').next().unwrap_or(p))
            })
            .collect();
        let total: Duration = times.iter().map(|t| t.0).sum();
        times.sort_by(|a, b| b.cmp(a));
        let top: Vec<String> = times
            .iter()
            .take(8)
            .map(|(d, p)| format!("{p} {:.2} ms", d.as_secs_f64() * 1e3))
            .collect();
        eprintln!(
            "whatif/{name}: all rules {:.2} ms; slowest: {}",
            total.as_secs_f64() * 1e3,
            top.join(", ")
        );
    }
}

fn whatif(c: &mut Criterion, name: &str, path: impl Fn() -> PathBuf) {
    let state: std::cell::RefCell<Option<WhatIf>> = std::cell::RefCell::new(None);
    let with = |f: &mut dyn FnMut(&mut WhatIf)| {
        let mut guard = state.borrow_mut();
        let w = guard.get_or_insert_with(|| WhatIf::new(name, &path()));
        f(w);
    };
    let mut group = c.benchmark_group(format!("whatif/{name}"));
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    group.bench_function("as_akslint", |b| {
        with(&mut |w| b.iter(|| eval_each(&mut w.as_akslint, &w.input, &w.packages)));
    });
    group.bench_function("plain_numbers_range", |b| {
        with(&mut |w| b.iter(|| eval_each(&mut w.plain_range, &w.input, &w.packages)));
    });
    group.bench_function("clock_every_1024", |b| {
        with(&mut |w| b.iter(|| eval_each(&mut w.every1024, &w.input, &w.packages)));
    });
    group.bench_function("clock_every_1024_one_query", |b| {
        with(&mut |w| b.iter(|| eval_one_query(&mut w.every1024, &w.input, &w.packages)));
    });
    group.bench_function("clock_every_1024_two_threads", |b| {
        with(&mut |w| b.iter(|| eval_two_threads(&mut w.pair, &w.input, &w.packages)));
    });
    group.finish();
}

fn median(v: &[Duration]) -> Option<Duration> {
    let mut v = v.to_vec();
    v.sort();
    v.get(v.len() / 2).copied()
}

fn print_ratios() {
    let times = TIMES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let med = |k: &str| times.get(k).and_then(|v| median(v));
    println!("\nsummary (median per-iteration time of the sampled iterations)");
    for (k, v) in times.iter() {
        if let Some(m) = median(v) {
            println!("  {k:<24} {:>10.3} ms", m.as_secs_f64() * 1e3);
        }
    }
    for mb in [10, 100] {
        let (run, floor) = (
            med(&format!("plan{mb}mb/run")),
            med(&format!("plan{mb}mb/floor")),
        );
        if let (Some(run), Some(floor)) = (run, floor) {
            println!(
                "  plan{mb}mb: run / floor = {:.2} (target for 100 MB: <= 2.00)",
                run.as_secs_f64() / floor.as_secs_f64()
            );
        }
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    real(&mut c);
    big(&mut c, 10);
    big(&mut c, 100);
    dir1000(&mut c);
    whatif(&mut c, "real", || {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example/plan.json")
    });
    whatif(&mut c, "plan10mb", || big_plan(10));
    c.final_summary();
    print_ratios();
}
