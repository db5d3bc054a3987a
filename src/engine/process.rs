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
//! engine between requests and serves one request at a time; the pool keeps
//! the idle ones for the next request (so there are at most as many as
//! rayon's workers).
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::deny::{RawFinding, RuleFailure};
use super::RuleEngine;
use crate::rules::Rule;

/// The first argument that makes akslint serve as a policy process.
pub const SERVE_ARG: &str = "__akslint-policy-process";

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
/// (bytes per policy process, as in the parent).
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
    libs: Vec<(String, String)>,
    data: serde_json::Value,
    timeout: Duration,
    memory_limit_mb: u64,
    /// The policies `Eval` requests refer to, by position.
    policies: Vec<Policy>,
}

#[derive(Serialize)]
enum RequestOut<'a> {
    Screen(&'a Policy),
    Eval {
        ids: &'a [usize],
        input: &'a regorus::Value,
    },
}

#[derive(Deserialize)]
enum RequestIn {
    Screen(Policy),
    Eval {
        ids: Vec<usize>,
        input: regorus::Value,
    },
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
    /// The policy process could not do what was asked (a policy that
    /// loaded in the parent and not here): the reason, for every policy.
    Failed(String),
}

/// One running policy process.
struct Worker {
    child: Child,
    input: BufWriter<ChildStdin>,
    output: serde_json::Deserializer<serde_json::de::IoRead<BufReader<ChildStdout>>>,
    /// Drains the process' standard error (kept: the tail, read only to
    /// tell why it ended; never printed, since a policy controls it).
    stderr: Option<JoinHandle<Vec<u8>>>,
}

/// How much of a policy process' standard error is kept.
const STDERR_TAIL: usize = 16 * 1024;

impl Worker {
    fn spawn(exe: &PathBuf, setup: &[u8]) -> Result<Self, String> {
        let mut child = Command::new(exe)
            .arg(SERVE_ARG)
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
        let mut worker = Self {
            child,
            input: BufWriter::with_capacity(1 << 16, stdin),
            output: serde_json::Deserializer::from_reader(BufReader::with_capacity(
                1 << 16,
                stdout,
            )),
            stderr,
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

    /// Sends one request and reads its answer; on any failure, the reason
    /// the process ended (it is then gone).
    fn call(&mut self, request: &RequestOut) -> Result<Response, String> {
        let sent = serde_json::to_writer(&mut self.input, request)
            .map_err(std::io::Error::from)
            .and_then(|()| self.input.write_all(b"\n"))
            .and_then(|()| self.input.flush());
        if sent.is_err() {
            return Err(self.end());
        }
        Response::deserialize(&mut self.output).map_err(|_| self.end())
    }

    /// Ends the process (killed if it still runs) and says why it ended.
    fn end(&mut self) -> String {
        let _ = self.child.kill();
        let status = self.child.wait().ok();
        let tail = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        why_it_ended(status, &String::from_utf8_lossy(&tail))
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing its input ends a policy process that is waiting for a
        // request; kill it in case it is not.
        let _ = self.input.flush();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Why a policy process ended without answering, from its exit status and
/// the messages Rust's runtime prints before aborting (the rest of its
/// standard error is not repeated: a policy controls it).
fn why_it_ended(status: Option<ExitStatus>, stderr: &str) -> String {
    let what = if stderr.contains("memory allocation of") {
        "ran out of memory (an allocation failed)".to_string()
    } else if stderr.contains("has overflowed its stack") {
        "overflowed its stack".to_string()
    } else {
        match status {
            Some(s) => match signal_of(s) {
                Some(sig) => format!("was ended by signal {sig}"),
                None => match s.code() {
                    Some(code) => format!("exited with status {code} without answering"),
                    None => "ended without answering".to_string(),
                },
            },
            None => "ended without answering".to_string(),
        }
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
/// rule index of each policy, and the idle processes.
pub(super) struct Pool {
    exe: PathBuf,
    setup: Vec<u8>,
    /// `rules[i]`: the engine's index of the policy process' policy `i`.
    pub(super) rules: Vec<usize>,
    idle: Mutex<Vec<Worker>>,
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
        let policies = ids
            .iter()
            .filter_map(|&i| rules.get(i))
            .map(|r| Policy {
                path: r.path.clone(),
                source: r.source.clone(),
            })
            .collect();
        let setup = serde_json::to_vec(&Setup {
            libs: libs.to_vec(),
            data,
            timeout,
            memory_limit_mb: isolation.memory_limit_mb,
            policies,
        })
        .map_err(|e| e.to_string())?;
        Ok(Self {
            exe: isolation.exe.clone(),
            setup,
            rules: ids,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// Runs one request on an idle policy process (or a new one), which
    /// goes back to the pool if it answered.
    fn call(&self, request: &RequestOut) -> Result<Response, String> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut worker = match idle {
            Some(w) => w,
            None => Worker::spawn(&self.exe, &self.setup)?,
        };
        let response = worker.call(request)?;
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(worker);
        Ok(response)
    }

    /// Screens one custom policy at load, in a policy process (see
    /// `interpreter::screen`).
    pub(super) fn screen(&self, rule: &Rule) -> Result<Result<(), String>, (String, String)> {
        let policy = Policy {
            path: rule.path.clone(),
            source: rule.source.clone(),
        };
        match self.call(&RequestOut::Screen(&policy)) {
            Ok(Response::Screened(verdict)) => verdict,
            Ok(Response::Failed(reason)) => Ok(Err(reason)),
            Ok(Response::Evaluated { .. }) => {
                Ok(Err("the policy process answered out of turn".into()))
            }
            Err(reason) => Ok(Err(reason)),
        }
    }

    /// Evaluates the policies `ids` (positions in [`Pool::rules`]) on one
    /// input. When the process ends without answering, each policy is
    /// evaluated again alone, so that only the one that ended it fails.
    /// Findings carry the pool's positions; the caller maps them back.
    pub(super) fn evaluate(
        &self,
        input: &regorus::Value,
        ids: &[usize],
        failed: &dyn Fn(usize, String) -> RuleFailure,
    ) -> (Vec<RawFinding>, Vec<RuleFailure>) {
        let reason = match self.call(&RequestOut::Eval { ids, input }) {
            Ok(Response::Evaluated { findings, failures }) => return (findings, failures),
            Ok(Response::Failed(reason)) => reason,
            Ok(Response::Screened(_)) => "the policy process answered out of turn".into(),
            Err(reason) => reason,
        };
        match ids {
            [id] => (Vec::new(), vec![failed(*id, reason)]),
            _ => {
                let mut findings = Vec::new();
                let mut failures = Vec::new();
                for id in ids {
                    let (mut f, mut e) = self.evaluate(input, std::slice::from_ref(id), failed);
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
    super::memory::set_budget_mb(setup.memory_limit_mb);
    let mut engine: Option<Result<RuleEngine, String>> = None;
    loop {
        let request = match RequestIn::deserialize(&mut messages) {
            Ok(request) => request,
            Err(e) if e.is_eof() => break,
            Err(e) => {
                // The stream cannot be followed past a value it cannot read.
                let _ = answer(
                    &mut out,
                    &Response::Failed(format!("the policy process could not read a request: {e}")),
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
                        Response::Evaluated { findings, failures }
                    }
                    Err(reason) => Response::Failed(reason.clone()),
                }
            }
        };
        if answer(&mut out, &response).is_err() {
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
