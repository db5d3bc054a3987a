//! Custom policies in policy processes: child processes of akslint's own
//! executable, fed over a pipe.
//!
//! The engine bounds what it can see coming (recursion at load, the size of
//! what a builtin returns, time), but regorus can still end the process
//! where no error can be returned: an allocation that fails while it writes
//! an error message about a shared structure of 2^40 elements, a stack that
//! overflows in some path of the interpreter, a panic in a `Drop`. A custom
//! policy is code from the user's repository; the process it may take down
//! is a policy process, never the run. When one ends without answering,
//! each policy of the request is evaluated again alone in a new policy
//! process, so that the one that ended it gets the error (naming it and
//! the file) and the others their findings.
//!
//! Only the akslint executable serves (`main.rs` calls [`enable`]); a
//! program using the library evaluates custom policies in its own process.
//!
//! The protocol is JSON values, one per line: a [`Setup`] first, then
//! requests, each answered by one [`Response`]. A policy process keeps its
//! engine between requests (not the input) and serves one request at a
//! time. At most [`MAX_PROCESSES`] run at once (fewer with fewer threads),
//! each with an equal share of the memory budget, so that together they
//! stay within it (a cgroup limit is shared by the whole process tree).
//!
//! A policy process that does not answer in time (`--policy-timeout` per
//! policy, plus time to read the input) is killed and counts as ended. One
//! dies with akslint (Linux: `PR_SET_PDEATHSIG`; elsewhere, when its input
//! closes).
//!
//! Not carried over: what a policy `print`s (regorus' standard error in the
//! policy process is read only to tell why it ended), and the per-policy
//! lines of `AKSLINT_TIMINGS`.
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::deny::{RawFinding, RuleFailure};
use super::RuleEngine;
use crate::rules::Rule;

/// The first argument that makes akslint serve as a policy process.
pub const SERVE_ARG: &str = "__akslint-policy-process";

/// The most policy processes of one engine alive at once.
const MAX_PROCESSES: usize = 4;

/// Time a policy process has to answer beyond `--policy-timeout` per
/// policy: starting, reading the input (plus a second per 10 MB sent).
const ANSWER_SLACK: Duration = Duration::from_secs(10);

/// The executable policy processes run, once [`enable`] has set it.
static EXE: OnceLock<PathBuf> = OnceLock::new();

/// Lets `akslint check` evaluate custom policies in policy processes of
/// this executable. Called by akslint's `main` only: another program
/// linking the library cannot serve.
pub fn enable() {
    if let Ok(exe) = std::env::current_exe() {
        let _ = EXE.set(exe);
    }
}

/// How policy processes are set up: the executable and the memory budget
/// they share (MiB).
#[derive(Clone, Debug)]
pub struct Isolation {
    exe: PathBuf,
    memory_limit_mb: u64,
}

impl Isolation {
    /// Policy processes, when [`enable`] was called.
    pub(crate) fn enabled(memory_limit_mb: u64) -> Option<Self> {
        EXE.get().map(|exe| Self {
            exe: exe.clone(),
            memory_limit_mb,
        })
    }
}

/// A custom policy as sent to a policy process (its metadata is parsed
/// again there, as at load).
#[derive(Serialize, Deserialize, Clone, Debug)]
struct Policy {
    path: String,
    source: String,
}

/// What a policy process needs before its first request.
#[derive(Serialize, Deserialize)]
struct Setup {
    /// The akslint process that started it (it ends when that one does).
    parent: u32,
    libs: Vec<(String, String)>,
    data: serde_json::Value,
    timeout: Duration,
    /// Its share of the memory budget.
    memory_limit_mb: u64,
    /// The policies `Eval` requests refer to, by position.
    policies: Vec<Policy>,
}

#[derive(Serialize)]
enum RequestOut<'a> {
    Screen(&'a Policy),
    Eval { ids: &'a [usize], input: Wire<'a> },
}

#[derive(Deserialize)]
enum RequestIn {
    Screen(Policy),
    Eval {
        ids: Vec<usize>,
        input: regorus::Value,
    },
}

/// An input as sent: regorus' own serialization writes numbers in decimal,
/// so a float with an integral value past 2^53 (`1e16`) would come back an
/// integer and `±1.7976931348623157e308` would not be written at all; here
/// such a float is written as one. The input holds no
/// sets, no undefined values and only string keys; anything else is
/// written as regorus writes it (sets as arrays), except an undefined
/// value, which is an error.
struct Wire<'a>(&'a regorus::Value);

impl Serialize for Wire<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use regorus::Value;
        use serde::ser::{Error, SerializeMap, SerializeSeq};
        /// 2^53: up to it, regorus treats an integral float as an integer.
        const SAFE: f64 = 9_007_199_254_740_992.0;
        match self.0 {
            // regorus gives a float value for every float, and for an
            // integer only up to 2^53: past it, or with a fraction, the
            // number is a float, and is written as one.
            Value::Number(n) => match (n.as_f64(), n.as_i64(), n.as_u64()) {
                (Some(f), _, _) if f.fract() != 0.0 || f.abs() > SAFE => s.serialize_f64(f),
                (_, Some(i), _) => s.serialize_i64(i),
                (_, _, Some(u)) => s.serialize_u64(u),
                _ => self.0.serialize(s),
            },
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a.iter() {
                    seq.serialize_element(&Wire(v))?;
                }
                seq.end()
            }
            Value::Object(o) if o.keys().all(|k| matches!(k, Value::String(_))) => {
                let mut map = s.serialize_map(Some(o.len()))?;
                for (k, v) in o.iter() {
                    map.serialize_entry(&Wire(k), &Wire(v))?;
                }
                map.end()
            }
            Value::Undefined => Err(S::Error::custom("an undefined value in the input")),
            other => other.serialize(s),
        }
    }
}

#[derive(Serialize, Deserialize)]
enum Response {
    /// The screening of a policy at load: `Err((path, reason))` stops the
    /// run, `Ok(Err(reason))` sets the policy aside.
    Screened(Result<Result<(), String>, (String, String)>),
    Evaluated {
        findings: Vec<RawFinding>,
        failures: Vec<RuleFailure>,
    },
    /// The policy process could not do what was asked (it could not read
    /// the request, or a policy that loaded in the parent did not load
    /// there): the reason, for every policy. It ends after saying so.
    Failed(String),
}

/// Why a request got no answer.
enum NoAnswer {
    /// The policy process ended (or was stopped): the reason.
    Ended(String),
    /// The request could not be written (a value the protocol cannot
    /// carry): the policy process is fine, the request is not.
    Unsendable(String),
}

impl NoAnswer {
    fn reason(self) -> String {
        match self {
            NoAnswer::Ended(r) => r,
            NoAnswer::Unsendable(r) => {
                format!("the input could not be sent to a policy process: {r}")
            }
        }
    }
}

/// Counts the bytes written through it (the answer deadline grows with
/// the size of the request).
struct Counting<W> {
    inner: W,
    written: Arc<AtomicU64>,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// One running policy process.
struct Worker {
    child: Arc<Mutex<Child>>,
    input: BufWriter<Counting<ChildStdin>>,
    written: Arc<AtomicU64>,
    output: serde_json::Deserializer<serde_json::de::IoRead<BufReader<ChildStdout>>>,
    /// Drains the process' standard error (its tail is read only to tell
    /// why it ended; never printed, since a policy controls it).
    stderr: Option<JoinHandle<Vec<u8>>>,
    /// Set when the watchdog killed it for not answering in time.
    stopped: Arc<AtomicBool>,
}

/// How much of a policy process' standard error is kept.
const STDERR_TAIL: usize = 16 * 1024;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Worker {
    fn spawn(exe: &PathBuf, setup: &[u8]) -> Result<Self, String> {
        let mut child = Command::new(exe)
            .arg(SERVE_ARG)
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start a policy process: {e}"))?;
        let (Some(stdin), Some(stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("could not start a policy process: no pipes".into());
        };
        let stderr = std::thread::Builder::new()
            .name("akslint-policy-stderr".into())
            .spawn(move || {
                let mut tail = Vec::new();
                let mut buf = [0u8; 8192];
                while let Ok(n) = stderr.read(&mut buf) {
                    let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
                        break;
                    };
                    tail.extend_from_slice(chunk);
                    if tail.len() > 2 * STDERR_TAIL {
                        tail.drain(..tail.len() - STDERR_TAIL);
                    }
                }
                tail
            })
            .ok();
        let written = Arc::new(AtomicU64::new(0));
        let mut worker = Self {
            child: Arc::new(Mutex::new(child)),
            input: BufWriter::with_capacity(
                1 << 16,
                Counting {
                    inner: stdin,
                    written: written.clone(),
                },
            ),
            written,
            output: serde_json::Deserializer::from_reader(BufReader::with_capacity(
                1 << 16,
                stdout,
            )),
            stderr,
            stopped: Arc::new(AtomicBool::new(false)),
        };
        let sent = worker
            .input
            .write_all(setup)
            .and_then(|()| worker.input.write_all(b"\n"))
            .and_then(|()| worker.input.flush());
        match sent {
            Ok(()) => Ok(worker),
            Err(_) => Err(worker.end()),
        }
    }

    /// Sends one request and reads its answer, under a watchdog that kills
    /// the process when the answer is later than `allowed` (plus a second
    /// per 10 MB sent).
    fn call(&mut self, request: &RequestOut, allowed: Duration) -> Result<Response, NoAnswer> {
        let (done, wait) = std::sync::mpsc::channel::<()>();
        let watchdog = {
            let child = self.child.clone();
            let stopped = self.stopped.clone();
            let written = self.written.clone();
            let start = Instant::now();
            let base = written.load(Ordering::Relaxed);
            std::thread::Builder::new()
                .name("akslint-policy-watchdog".into())
                .spawn(move || {
                    // Until the answer comes (the sender is dropped).
                    while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                        wait.recv_timeout(Duration::from_millis(100))
                    {
                        let sent = written.load(Ordering::Relaxed).saturating_sub(base);
                        let limit = allowed + Duration::from_secs(sent / 10_000_000);
                        if start.elapsed() > limit {
                            stopped.store(true, Ordering::Relaxed);
                            let _ = lock(&child).kill();
                            break;
                        }
                    }
                })
                .ok()
        };
        let answer = self.exchange(request);
        drop(done);
        if let Some(w) = watchdog {
            let _ = w.join();
        }
        answer
    }

    fn exchange(&mut self, request: &RequestOut) -> Result<Response, NoAnswer> {
        let sent = serde_json::to_writer(&mut self.input, request)
            .map_err(|e| if e.is_io() { None } else { Some(e.to_string()) })
            .and_then(|()| {
                self.input
                    .write_all(b"\n")
                    .and_then(|()| self.input.flush())
                    .map_err(|_| None)
            });
        match sent {
            Ok(()) => {}
            // Half a request is in the pipe: this process cannot be used
            // again.
            Err(Some(reason)) => {
                let _ = self.end();
                return Err(NoAnswer::Unsendable(reason));
            }
            // It stopped reading: it may have said why before it ended.
            Err(None) => {}
        }
        match Response::deserialize(&mut self.output) {
            Ok(response) => Ok(response),
            Err(_) => Err(NoAnswer::Ended(self.end())),
        }
    }

    /// Ends the process (killed if it still runs) and says why it ended.
    fn end(&mut self) -> String {
        let status = {
            let mut child = lock(&self.child);
            let _ = child.kill();
            child.wait().ok()
        };
        let tail = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        if self.stopped.load(Ordering::Relaxed) {
            return "the policy process evaluating it did not answer in time \
                    (--policy-timeout per policy, plus time to read the input) and was stopped"
                .to_string();
        }
        why_it_ended(status, &String::from_utf8_lossy(&tail))
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing its input ends a policy process that is waiting for a
        // request; kill it in case it is not.
        let _ = self.input.flush();
        let mut child = lock(&self.child);
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Why a policy process ended without answering: from its exit status,
/// and for an abort, from the message Rust's runtime prints before it
/// aborts (nothing of its standard error is repeated: a policy controls
/// it).
fn why_it_ended(status: Option<ExitStatus>, stderr: &str) -> String {
    // The runtime's message is the last one of either kind (a note may
    // follow it).
    let last = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("memory allocation of ") || l.contains("has overflowed its stack"))
        .unwrap_or("");
    let what = match status {
        Some(s) => match signal_of(s) {
            Some(6) if last.starts_with("memory allocation of") => {
                "ran out of memory (an allocation failed)".to_string()
            }
            Some(6) if last.contains("has overflowed its stack") => {
                "overflowed its stack".to_string()
            }
            Some(sig) => format!("was ended by signal {sig}"),
            None => match s.code() {
                Some(code) => format!("exited with status {code} without answering"),
                None => "ended without answering".to_string(),
            },
        },
        None => "ended without answering".to_string(),
    };
    format!("the policy process evaluating it {what}")
}

#[cfg(unix)]
fn signal_of(status: ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.signal()
}

#[cfg(not(unix))]
fn signal_of(_: ExitStatus) -> Option<i32> {
    None
}

/// The policy processes of one engine: the setup each gets, the engine's
/// rule index of each policy, the idle processes and how many are alive.
pub(super) struct Pool {
    exe: PathBuf,
    setup: Vec<u8>,
    /// `rules[i]`: the engine's index of the policy process' policy `i`.
    pub(super) rules: Vec<usize>,
    timeout: Duration,
    max: usize,
    /// The idle processes, and how many processes are alive.
    state: Mutex<(Vec<Worker>, usize)>,
    freed: Condvar,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").field("rules", &self.rules).finish()
    }
}

impl Pool {
    /// A pool for the custom policies `ids` of `rules` (none is started
    /// yet).
    pub(super) fn new(
        isolation: &Isolation,
        rules: &[Rule],
        ids: Vec<usize>,
        libs: &[(String, String)],
        data: serde_json::Value,
        timeout: Duration,
    ) -> Result<Self, String> {
        let max = rayon::current_num_threads().clamp(1, MAX_PROCESSES);
        let policies = ids
            .iter()
            .filter_map(|&i| rules.get(i))
            .map(|r| Policy {
                path: r.path.clone(),
                source: r.source.clone(),
            })
            .collect();
        let setup = serde_json::to_vec(&Setup {
            parent: std::process::id(),
            libs: libs.to_vec(),
            data,
            timeout,
            memory_limit_mb: (isolation.memory_limit_mb / max as u64).max(1),
            policies,
        })
        .map_err(|e| e.to_string())?;
        Ok(Self {
            exe: isolation.exe.clone(),
            setup,
            rules: ids,
            timeout,
            max,
            state: Mutex::new((Vec::new(), 0)),
            freed: Condvar::new(),
        })
    }

    /// An idle policy process, or a new one when fewer than `max` are
    /// alive; else waits for one.
    fn take(&self) -> Result<Worker, String> {
        let mut state = lock(&self.state);
        loop {
            if let Some(w) = state.0.pop() {
                return Ok(w);
            }
            if state.1 < self.max {
                state.1 += 1;
                drop(state);
                return Worker::spawn(&self.exe, &self.setup).inspect_err(|_| self.gone());
            }
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// A policy process ended.
    fn gone(&self) {
        lock(&self.state).1 -= 1;
        self.freed.notify_one();
    }

    /// Runs one request on a policy process, which goes back to the pool
    /// if it answered and is still serving.
    fn call(&self, request: &RequestOut, policies: usize) -> Result<Response, NoAnswer> {
        let mut worker = self.take().map_err(NoAnswer::Ended)?;
        let allowed = self.timeout.saturating_mul(policies as u32 + 1) + ANSWER_SLACK;
        let response = worker.call(request, allowed);
        match &response {
            Ok(Response::Screened(_) | Response::Evaluated { .. }) => {
                lock(&self.state).0.push(worker);
                self.freed.notify_one();
            }
            // A process that failed a request has ended, or cannot go on.
            _ => {
                drop(worker);
                self.gone();
            }
        }
        response
    }

    /// Screens one custom policy at load, in a policy process (see
    /// `interpreter::screen`).
    pub(super) fn screen(&self, rule: &Rule) -> Result<Result<(), String>, (String, String)> {
        let policy = Policy {
            path: rule.path.clone(),
            source: rule.source.clone(),
        };
        let request = RequestOut::Screen(&policy);
        // A second try in a new process, in case something else ended the
        // first.
        let answer = match self.call(&request, 1) {
            Err(NoAnswer::Ended(_)) => self.call(&request, 1),
            other => other,
        };
        match answer {
            Ok(Response::Screened(verdict)) => verdict,
            Ok(Response::Failed(reason)) => Ok(Err(reason)),
            Ok(Response::Evaluated { .. }) => {
                Ok(Err("the policy process answered out of turn".into()))
            }
            Err(e) => Ok(Err(e.reason())),
        }
    }

    /// Evaluates the policies `ids` (positions in [`Pool::rules`]) on one
    /// input. When the process ends without answering, each policy is
    /// evaluated again alone, so that only the one that ended it fails (a
    /// policy alone gets a second try in a new process, in case something
    /// else ended the first). Findings carry the pool's positions; the
    /// caller maps them back.
    pub(super) fn evaluate(
        &self,
        input: &regorus::Value,
        ids: &[usize],
        failed: &dyn Fn(usize, String) -> RuleFailure,
    ) -> (Vec<RawFinding>, Vec<RuleFailure>) {
        self.evaluate_tries(input, ids, failed, 2)
    }

    fn evaluate_tries(
        &self,
        input: &regorus::Value,
        ids: &[usize],
        failed: &dyn Fn(usize, String) -> RuleFailure,
        tries: usize,
    ) -> (Vec<RawFinding>, Vec<RuleFailure>) {
        let request = RequestOut::Eval {
            ids,
            input: Wire(input),
        };
        let reason = match self.call(&request, ids.len()) {
            Ok(Response::Evaluated { findings, failures }) => return (findings, failures),
            Ok(Response::Failed(reason)) => reason,
            Ok(Response::Screened(_)) => "the policy process answered out of turn".into(),
            // Nothing to retry: the same input cannot be sent again.
            Err(e @ NoAnswer::Unsendable(_)) => {
                let reason = e.reason();
                return (
                    Vec::new(),
                    ids.iter().map(|&id| failed(id, reason.clone())).collect(),
                );
            }
            Err(NoAnswer::Ended(reason)) => reason,
        };
        match ids {
            [id] if tries <= 1 => (Vec::new(), vec![failed(*id, reason)]),
            [_] => self.evaluate_tries(input, ids, failed, tries - 1),
            _ => {
                let mut findings = Vec::new();
                let mut failures = Vec::new();
                for id in ids {
                    let (mut f, mut e) =
                        self.evaluate_tries(input, std::slice::from_ref(id), failed, tries);
                    findings.append(&mut f);
                    failures.append(&mut e);
                }
                (findings, failures)
            }
        }
    }
}

/// The policy process: reads the setup, then answers requests until its
/// input ends. Its standard output carries only the answers.
pub fn serve() -> std::process::ExitCode {
    // A panic inside regorus is caught per policy (guard.rs); say nothing.
    std::panic::set_hook(Box::new(|_| {}));
    super::memory::keep_freed_memory();
    #[cfg(target_os = "linux")]
    let _ = rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL));
    let stdin = BufReader::with_capacity(1 << 16, std::io::stdin().lock());
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    // One deserializer for the whole stream: each value is read up to its
    // last byte, the line break before the next one is skipped as space.
    // The input nests as deep as the plan (at most `plan::MAX_DEPTH`, more
    // than serde_json's default limit, checked when the plan was read).
    let mut messages = serde_json::Deserializer::from_reader(stdin);
    messages.disable_recursion_limit();
    let Ok(setup) = Setup::deserialize(&mut messages) else {
        return std::process::ExitCode::from(2);
    };
    // The parent ended before the death signal was set: end too.
    #[cfg(target_os = "linux")]
    if rustix::process::getppid().map(|p| p.as_raw_nonzero().get() as u32) != Some(setup.parent) {
        return std::process::ExitCode::from(2);
    }
    super::memory::set_budget_mb(setup.memory_limit_mb);
    let mut engine: Option<Result<RuleEngine, String>> = None;
    loop {
        let request = match RequestIn::deserialize(&mut messages) {
            Ok(request) => request,
            Err(e) if e.is_eof() => break,
            Err(e) => {
                // The stream cannot be followed past a value it cannot read.
                // serde_json's position is in the pipe, not in any file.
                let text = e.to_string();
                let text = match text.rfind(" at line ") {
                    Some(at) => text.get(..at).unwrap_or(&text),
                    None => &text,
                };
                let _ = answer(
                    &mut out,
                    &Response::Failed(format!(
                        "the policy process could not read its input ({} MiB, its share of the \
                         memory budget): {text}",
                        setup.memory_limit_mb
                    )),
                );
                break;
            }
        };
        let response = match request {
            RequestIn::Screen(p) => match crate::rules::load_rule(&p.path, &p.source, false) {
                Ok(rule) => Response::Screened(
                    super::interpreter::check_alone(&rule, &setup.libs).map_err(|e| match e {
                        crate::error::RunError::InvalidRule { path, reason } => (path, reason),
                        other => (p.path.clone(), other.to_string()),
                    }),
                ),
                Err(e) => Response::Screened(Err((p.path.clone(), e.to_string()))),
            },
            RequestIn::Eval { ids, input } => {
                let engine = engine.get_or_insert_with(|| load(&setup));
                match engine {
                    Ok(engine) => {
                        let (findings, failures) = engine.evaluate_rules(&input, &ids);
                        // The input is not kept until the next request.
                        drop(input);
                        engine.clear_input();
                        Response::Evaluated { findings, failures }
                    }
                    Err(reason) => Response::Failed(reason.clone()),
                }
            }
        };
        let failed = matches!(response, Response::Failed(_));
        if answer(&mut out, &response).is_err() || failed {
            break;
        }
    }
    std::process::ExitCode::SUCCESS
}

/// Writes one answer, on a line of its own.
fn answer(out: &mut impl Write, response: &Response) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, response)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// A policy process' engine: the setup's policies in the interpreter.
fn load(setup: &Setup) -> Result<RuleEngine, String> {
    let rules = setup
        .policies
        .iter()
        .map(|p| crate::rules::load_rule(&p.path, &p.source, false))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    RuleEngine::in_policy_process(rules, &setup.libs, setup.data.clone(), setup.timeout)
        .map_err(|e| e.to_string())
}
