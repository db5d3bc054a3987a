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
//! - `likereal100mb/*`: a 100 MB plan of real resources
//!   (`genplan --like-real`: the resource_changes of
//!   ../shared/corpus/real-plans repeated under `module.mN` prefixes, with
//!   their configuration), when the corpus is there: dense in clusters and
//!   findings, unlike the generated plans.
//! - For both 100 MB plans, the whole run on 1, 2 and all threads
//!   (`run_t1`, `run_t2`, `run`: a rayon pool of that size), and the peak
//!   resident memory of one whole run of the akslint binary with as many
//!   threads (a child process, Linux `/proc`), printed at the end against
//!   the file size.
//! - `dir1000/run`: a directory of 1,000 small real-size plans, whole run
//!   (rayon uses every core; set RAYON_NUM_THREADS=1 to compare).
//!
//! - `engines/*`: the evaluation of every built-in rule on the real-size
//!   plan and the 10 MB plan by the RVM program akslint runs and by
//!   regorus' interpreter (`--engine interpreter`); both must find the same.
//!
//! Big inputs use `sample_size(10)`. At the end the ratio of each whole run
//! to its floor is printed (medians of the sampled iterations).
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use akslint::engine::{Backend, RuleEngine};
use akslint::plan::{self as load, normalize};
use akslint::rules;
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

/// The 100 MB plan of real resources (None without the shared corpus).
fn like_real_plan() -> Option<PathBuf> {
    static MADE: OnceLock<Option<PathBuf>> = OnceLock::new();
    MADE.get_or_init(|| {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real-plans");
        if !corpus.is_dir() {
            eprintln!("no {}: likereal100mb skipped", corpus.display());
            return None;
        }
        let path = workdir().join("likereal100.json");
        let summary = genplan::generate_like_real(&corpus, &path, 100.0).expect("generate plan");
        eprintln!("generated {summary}");
        Some(path)
    })
    .clone()
}

/// Peak resident memory of one whole run of the akslint binary on `path`
/// with `threads` workers (0: the default), in KiB: the child's `VmHWM`
/// (Linux `/proc`), read every millisecond until it exits. In-process
/// figures would not do: the allocator keeps freed memory for the process
/// (see `engine::memory`), so a run reuses what earlier runs left.
fn child_peak(threads: usize, path: &Path) -> Option<u64> {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_akslint"));
    cmd.args(["--format", "json", "--no-config"])
        .arg(path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if threads > 0 {
        cmd.env("RAYON_NUM_THREADS", threads.to_string());
    }
    let mut child = cmd.spawn().ok()?;
    let status = format!("/proc/{}/status", child.id());
    let mut peak = None;
    loop {
        if let Some(kib) = std::fs::read_to_string(&status).ok().and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        }) {
            peak = Some(kib);
        }
        if child.try_wait().ok()?.is_some() {
            return peak;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Peak memory per whole run (a child process), in KiB, and the file's
/// size, for the summary.
static PEAKS: Mutex<BTreeMap<String, (u64, u64)>> = Mutex::new(BTreeMap::new());

/// The benchmarks whose peak was measured already.
static PEAKS_DONE: Mutex<std::collections::BTreeSet<String>> =
    Mutex::new(std::collections::BTreeSet::new());

/// The whole run on `threads` workers (0: all cores).
fn run_on(threads: usize, path: &Path) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    pool.install(|| run_akslint(&[path]));
}

/// Floor, and the whole run on 1, 2 and all threads, each with its time and
/// its peak memory above the memory before it.
fn threads(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    path: impl Fn() -> PathBuf,
) {
    for (id, n) in [
        ("floor", None),
        ("run_t1", Some(1)),
        ("run_t2", Some(2)),
        ("run", Some(0)),
    ] {
        let key = format!("{name}/{id}");
        group.bench_function(id, |b| {
            let p = path();
            let size = std::fs::metadata(&p).map_or(0, |m| m.len());
            // The first time only: one child run's peak memory.
            let first = PEAKS_DONE
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(key.clone());
            if let (Some(n), true) = (n, first) {
                if let Some(peak) = child_peak(n, &p) {
                    PEAKS
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .insert(key.clone(), (peak, size));
                }
            }
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    match n {
                        None => floor(&p),
                        Some(n) => run_on(n, &p),
                    }
                }
                let elapsed = start.elapsed();
                record(
                    &key,
                    elapsed / u32::try_from(iters.max(1)).unwrap_or(u32::MAX),
                );
                elapsed
            });
        });
    }
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
    engine_with(Backend::Native)
}

fn engine_with(backend: Backend) -> RuleEngine {
    RuleEngine::new(
        rules::builtin_rules().expect("built-in rules load"),
        &rules::builtin_libs(),
        &serde_json::Map::new(),
        Duration::from_secs(10),
        backend,
        false,
    )
    .expect("built-in rules compile")
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
    let code = akslint::run(args).code();
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
    let filter = eng.type_filter();
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
    if mb >= 100 {
        threads(&mut group, &name, || big_plan(mb));
    } else {
        timed(&mut group, "floor", &format!("{name}/floor"), || {
            floor(&big_plan(mb))
        });
        timed(&mut group, "run", &format!("{name}/run"), || {
            run_akslint(&[&big_plan(mb)]);
        });
    }
    stages(&mut group, || big_plan(mb));
    group.finish();
}

fn like_real(c: &mut Criterion) {
    // Generated only when a benchmark of the group is selected.
    let mut group = c.benchmark_group("likereal100mb");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(30));
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real-plans");
    if corpus.is_dir() {
        threads(&mut group, "likereal100mb", || {
            like_real_plan().expect("the corpus is there")
        });
    }
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

// ------------------------------------------------------------ engines

/// The evaluation of every built-in rule on one input by each backend:
/// what akslint runs by default (the costliest rules in Rust, the others
/// as the RVM program), the RVM program alone (`--engine vm`) and regorus'
/// interpreter (`--engine interpreter`), which must all find the same.
fn engines(c: &mut Criterion, name: &str, path: impl Fn() -> PathBuf) {
    let mut group = c.benchmark_group(format!("engines/{name}"));
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    let src = load::read(Some(&path())).expect("read");
    let mut native = engine_with(Backend::Native);
    let mut vm = engine_with(Backend::Vm);
    let mut interpreter = engine_with(Backend::Interpreter);
    let model = normalize::normalize(&src, &vm.type_filter()).expect("normalize");
    let (a, _) = vm.evaluate(model.to_input());
    let (b, _) = interpreter.evaluate(model.to_input());
    let (n, _) = native.evaluate(model.to_input());
    assert_eq!(a, b, "the VM and the interpreter disagree on {name}");
    assert_eq!(a, n, "the Rust versions and the VM disagree on {name}");
    eprintln!("engines/{name}: {} findings from each backend", a.len());
    group.bench_function("native", |bench| {
        bench.iter_batched(
            || model.to_input(),
            |input| native.evaluate(input),
            BatchSize::LargeInput,
        );
    });
    group.bench_function("vm", |bench| {
        bench.iter_batched(
            || model.to_input(),
            |input| vm.evaluate(input),
            BatchSize::LargeInput,
        );
    });
    group.bench_function("interpreter", |bench| {
        bench.iter_batched(
            || model.to_input(),
            |input| interpreter.evaluate(input),
            BatchSize::LargeInput,
        );
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
    for name in ["plan10mb", "plan100mb", "likereal100mb"] {
        for run in ["run_t1", "run_t2", "run"] {
            let (r, f) = (med(&format!("{name}/{run}")), med(&format!("{name}/floor")));
            if let (Some(r), Some(f)) = (r, f) {
                println!(
                    "  {name}/{run}: run / floor = {:.2}",
                    r.as_secs_f64() / f.as_secs_f64()
                );
            }
        }
    }
    println!(
        "  (run_t1, run_t2: 1 and 2 threads; run: all {} threads)",
        rayon::current_num_threads()
    );
    for (what, (kib, size)) in PEAKS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
    {
        println!(
            "  peak memory of a whole run (child process) {what:<24} {kib:>9} KiB = {:.2}x the file",
            (*kib * 1024) as f64 / (*size).max(1) as f64
        );
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    real(&mut c);
    big(&mut c, 10);
    big(&mut c, 100);
    like_real(&mut c);
    dir1000(&mut c);
    engines(&mut c, "real", || {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example/plan.json")
    });
    engines(&mut c, "plan10mb", || big_plan(10));
    c.final_summary();
    print_ratios();
}
