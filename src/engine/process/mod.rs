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
//!
//! - [`protocol`]: what crosses the pipe;
//! - [`worker`]: one policy process, seen from akslint;
//! - [`serve`]: the policy process itself;
//! - this file: the pool of policy processes of one engine.
mod protocol;
mod serve;
mod worker;

pub use serve::serve;

use std::path::PathBuf;
use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use protocol::{Policy, RequestOut, Response, Setup, Wire};
use worker::{lock, NoAnswer, Worker};

use super::deny::{RawFinding, RuleFailure};
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
            // Not one the watchdog stopped just after it answered.
            Ok(Response::Screened(_) | Response::Evaluated { .. }) if !worker.was_stopped() => {
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
        let all_fail = |reason: String| {
            (
                Vec::new(),
                ids.iter().map(|&id| failed(id, reason.clone())).collect(),
            )
        };
        let reason = match self.call(&request, ids.len()) {
            Ok(Response::Evaluated { findings, failures }) => return (findings, failures),
            // What the policy process could not do (read this input, load
            // the policies) it would not do again: no retry.
            Ok(Response::Failed(reason)) => return all_fail(reason),
            Ok(Response::Screened(_)) => "the policy process answered out of turn".into(),
            // Nothing to retry: the same input cannot be sent again.
            Err(e @ NoAnswer::Unsendable(_)) => return all_fail(e.reason()),
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
