//! The rule engine: the built-in rules run as an RVM program compiled at
//! build time (build.rs), custom policies in regorus' interpreter; both are
//! loaded once, cloned per worker, and evaluated against each input document.
//!
//! - [`vm`]: the compiled program of the built-in rules;
//! - [`interpreter`]: regorus' interpreter, for custom policies;
//! - [`deny`]: the `deny` contract every rule follows;
//! - [`builtins`]: bounded replacements of builtins that could abort;
//! - [`bounded`]: those whose result can be far larger than their arguments;
//! - [`memory`]: the memory budget, the check made before allocating, and
//!   the allocator setting that keeps freed memory for the run;
//! - [`guard`]: panics inside regorus caught per rule;
//! - [`process`]: custom policies in policy processes, so that one that
//!   ends its process (an abort inside regorus) fails alone;
//! - this file: loading, and scheduling the rules over one input.
mod bounded;
mod builtins;
mod deny;
pub(crate) mod guard;
mod interpreter;
pub(crate) mod memory;
mod native;
pub mod process;
pub(crate) mod recursion;
mod vm;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

pub(crate) use builtins::{harden, take_prints};

/// The most whole inputs of one file evaluated at once for its custom
/// policies ([`RuleEngine::evaluate_custom_parallel`]), whatever the number
/// of cores: memory must not grow with them.
const MAX_WHOLE_INPUTS: usize = 2;

/// The most workers that evaluate the slices of one file at once. Each
/// holds its own copy of the program and data (about 1 MB), a slice in
/// flight and what its VM keeps of its last run (a few MB): beyond this,
/// one file's memory would grow with the number of cores (100 MB generated
/// plan, peak at 16 / 32 threads: 188-199 / 295 MB with up to 16 or 32
/// workers, 141-156 / 143-157 MB with 8). Many files still use every core.
pub(crate) const MAX_SLICE_WORKERS: usize = 8;
use deny::{first_line, parse_deny, vm_error};
pub use deny::{RawFinding, RuleFailure};
pub(crate) use guard::guarded;
use interpreter::InterpEval;
use vm::{VmEval, AGGREGATE, AGGREGATE_REST};

pub use crate::cli::Backend;
use crate::error::RunError;
use crate::rules::Rule;

/// How many engine steps pass between two looks at the clock (reading it at
/// every step cost a quarter of the evaluation time).
pub(crate) const TIMER_CHECK_INTERVAL: NonZeroU32 = match NonZeroU32::new(1024) {
    Some(n) => n,
    None => NonZeroU32::MIN,
};

/// Parameters for every rule: metadata defaults, then overrides.
pub(crate) fn merge_params(rules: &[Rule], overrides: &Map<String, Value>) -> Value {
    let mut params = Map::new();
    for r in rules {
        let mut p = r.meta.params.clone();
        if let Some(Value::Object(o)) = overrides.get(&r.meta.id) {
            for (k, v) in o {
                p.insert(k.clone(), v.clone());
            }
        }
        params.insert(r.meta.id.clone(), Value::Object(p));
    }
    serde_json::json!({ "akslint": { "params": params } })
}

/// Policies loaded once; clone it for each worker thread.
#[derive(Clone)]
pub struct RuleEngine {
    rules: Vec<Rule>,
    /// For each rule, whether the VM evaluates it (else the interpreter).
    on_vm: Vec<bool>,
    /// The rules evaluated in Rust (`native`), each also on the VM for the
    /// inputs its Rust version hands back.
    native: Vec<bool>,
    /// The data document (the rules' parameters), for the Rust versions.
    data: Value,
    vm: Option<VmEval>,
    interp: Option<InterpEval>,
    /// Run rule by rule and print each rule's time (`AKSLINT_TIMINGS`).
    timings: bool,
    /// Custom policies set aside at load ([`interpreter::screen`]): an
    /// error for each on every input.
    broken: Vec<RuleFailure>,
    /// The policy processes that evaluate the custom policies (None: they
    /// run in this process).
    pool: Option<Arc<process::Pool>>,
}

impl RuleEngine {
    /// An engine that evaluates every policy in this process.
    pub fn new(
        rules: Vec<Rule>,
        libs: &[(String, String)],
        params: &Map<String, Value>,
        timeout: Duration,
        backend: Backend,
        timings: bool,
    ) -> Result<Self, RunError> {
        Self::with_isolation(rules, libs, params, timeout, backend, timings, None)
    }

    /// An engine that screens and evaluates the custom policies in policy
    /// processes when `isolation` is set ([`process`]).
    pub fn with_isolation(
        rules: Vec<Rule>,
        libs: &[(String, String)],
        params: &Map<String, Value>,
        timeout: Duration,
        backend: Backend,
        timings: bool,
        isolation: Option<&process::Isolation>,
    ) -> Result<Self, RunError> {
        let isolation = isolation.filter(|_| rules.iter().any(|r| !r.builtin));
        let pool_error = |reason: String| RunError::InvalidRule {
            path: "policy process".into(),
            reason,
        };
        let screener = isolation
            .map(|iso| {
                process::Pool::new(iso, &[], Vec::new(), libs, Value::Null, timeout)
                    .map_err(pool_error)
            })
            .transpose()?;
        let (rules, broken) = interpreter::screen(rules, libs, screener.as_ref())?;
        drop(screener);
        let data = merge_params(&rules, params);
        let pool = isolation
            .map(|iso| {
                let ids = (0..rules.len())
                    .filter(|&i| rules.get(i).is_some_and(|r| !r.builtin))
                    .collect();
                process::Pool::new(iso, &rules, ids, libs, data.clone(), timeout)
                    .map(Arc::new)
                    .map_err(pool_error)
            })
            .transpose()?;
        let mut vm = None;
        let mut on_vm = vec![false; rules.len()];
        if matches!(backend, Backend::Vm | Backend::Native) && rules.iter().any(|r| r.builtin) {
            let v = VmEval::new(data.clone(), timeout).map_err(|reason| RunError::InvalidRule {
                path: "built-in rules (RVM program)".into(),
                reason,
            })?;
            for (slot, r) in on_vm.iter_mut().zip(&rules) {
                *slot = r.builtin
                    && v.program
                        .get_entry_point(&format!("{}.deny", r.package))
                        .is_some();
            }
            vm = Some(v);
        }
        let native = rules
            .iter()
            .zip(&on_vm)
            .map(|(r, &vm)| {
                vm && backend == Backend::Native && native::PORTED.contains(&r.meta.id.as_str())
            })
            .collect();
        let interp = if on_vm.iter().all(|v| *v) {
            None
        } else {
            Some(interpreter::load(
                &rules,
                libs,
                regorus::Value::from(data.clone()),
                timeout,
            )?)
        };
        Ok(Self {
            rules,
            on_vm,
            native,
            data,
            vm,
            interp,
            timings,
            broken,
            pool,
        })
    }

    /// The engine of a policy process: `rules` (custom policies, screened
    /// by the parent) in the interpreter.
    fn in_policy_process(
        rules: Vec<Rule>,
        libs: &[(String, String)],
        data: Value,
        timeout: Duration,
    ) -> Result<Self, RunError> {
        let interp = interpreter::load(&rules, libs, regorus::Value::from(data), timeout)?;
        Ok(Self {
            on_vm: vec![false; rules.len()],
            native: vec![false; rules.len()],
            data: Value::Null,
            rules,
            vm: None,
            interp: Some(interp),
            timings: false,
            broken: Vec::new(),
            pool: None,
        })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The resource types the loaded rules read (None: some rule reads all).
    pub fn type_filter(&self) -> crate::plan::TypeFilter {
        let mut set = std::collections::HashSet::new();
        for r in &self.rules {
            if r.meta.resource_types.is_empty() {
                return None;
            }
            set.extend(r.meta.resource_types.iter().cloned());
        }
        Some(set)
    }

    /// Evaluates every rule on one input.
    pub fn evaluate(&mut self, input: regorus::Value) -> (Vec<RawFinding>, Vec<RuleFailure>) {
        let (mut findings, mut failures, rest) = match self.evaluate_aggregate(&input) {
            Some((f, rest)) => (f, Vec::new(), rest),
            None => (Vec::new(), Vec::new(), (0..self.rules.len()).collect()),
        };
        let (mut f, mut e) = self.evaluate_rules(&input, &rest);
        findings.append(&mut f);
        failures.append(&mut e);
        findings.sort_by_key(|f| f.rule);
        failures.extend(self.broken.iter().cloned());
        (findings, failures)
    }

    /// Every built-in rule in one VM run (`data.akslint.builtin.deny`, made
    /// by build.rs): the library's rules are computed once and the VM is
    /// entered once. Only when every built-in rule is loaded and
    /// `AKSLINT_TIMINGS` is not set; None when it does not apply or fails
    /// (the rules are then run one by one, which names the failing one).
    /// Returns the findings and the rules left.
    fn evaluate_aggregate(
        &mut self,
        input: &regorus::Value,
    ) -> Option<(Vec<RawFinding>, Vec<usize>)> {
        // AKSLINT_TIMINGS wants each rule's time: run them one by one.
        if self.timings {
            return None;
        }
        let natives = self.native.iter().filter(|x| **x).count();
        // With every ported rule in Rust, the entry point of the others;
        // with none, the one of every rule; else rule by rule.
        let (entry, expected) = match natives {
            0 => (AGGREGATE, 0),
            n if n == native::PORTED.len() => (AGGREGATE_REST, n),
            _ => return None,
        };
        let v = self.vm.as_mut()?;
        let on_vm = self
            .on_vm
            .iter()
            .zip(&self.native)
            .filter(|(vm, native)| **vm && !**native)
            .count();
        // The program's rules: its entry points less the two aggregates.
        let rules = v.program.entry_points.len().saturating_sub(2);
        if on_vm + expected != rules {
            return None;
        }
        v.vm.set_input(input.clone());
        let vm = &mut v.vm;
        let Some(out) = guarded(|| vm.execute_entry_point_by_name(entry)) else {
            // A builtin panicked: start again from a fresh VM.
            v.reset();
            return None;
        };
        let out = out.ok()?;
        let regorus::Value::Object(by_id) = out else {
            return None;
        };
        let mut findings = Vec::new();
        let mut rest = Vec::new();
        let rust_input = native::Input::new(input);
        for (i, rule) in self.rules.iter().enumerate() {
            if self.native.get(i).copied().unwrap_or(false) {
                match native::deny(&rule.meta.id, i, &rust_input, &self.data) {
                    Some(mut f) => findings.append(&mut f),
                    None => rest.push(i),
                }
                continue;
            }
            if !self.on_vm.get(i).copied().unwrap_or(false) {
                rest.push(i);
                continue;
            }
            let deny = by_id.get(&regorus::Value::from(rule.meta.id.as_str()))?;
            findings.append(&mut parse_deny(i, deny).ok()?);
        }
        Some((findings, rest))
    }

    /// Runs `work` on the items `0..count` across at most `workers` of
    /// rayon's workers: one task per worker, with its own engine clone and
    /// its own `state` (made by `init`), each taking the next item until
    /// none is left, so that the slowest items do not hold up fixed shares.
    /// The results come back in item order.
    fn on_workers<S, T: Send>(
        &self,
        count: usize,
        workers: usize,
        init: impl Fn() -> S + Sync,
        work: impl Fn(&mut RuleEngine, &S, usize) -> T + Sync,
    ) -> Vec<T> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Mutex;
        let next = AtomicUsize::new(0);
        let parts: Mutex<Vec<(usize, T)>> = Mutex::new(Vec::with_capacity(count));
        let workers = rayon::current_num_threads().clamp(1, workers.clamp(1, count.max(1)));
        rayon::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|_| {
                    let mut engine = self.clone();
                    let state = init();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count {
                            break;
                        }
                        let part = work(&mut engine, &state, i);
                        parts
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .push((i, part));
                    }
                });
            }
        });
        let mut parts = parts
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        parts.sort_by_key(|p| p.0);
        parts.into_iter().map(|(_, t)| t).collect()
    }

    /// Evaluates the custom policies of one large file across at most
    /// [`MAX_WHOLE_INPUTS`] of rayon's workers, one policy at a time. A
    /// custom policy may read the whole input, so each of those workers
    /// builds its own whole input with `input` (a shared one would make its
    /// reference counts contended); the number of whole inputs alive at
    /// once does not grow with the number of cores. Results come back in
    /// rule order, with the policies set aside at load.
    pub(crate) fn evaluate_custom_parallel(
        &self,
        input: impl Fn() -> regorus::Value + Sync,
    ) -> (Vec<RawFinding>, Vec<RuleFailure>) {
        let ids: Vec<usize> = (0..self.rules.len())
            .filter(|&i| self.rules.get(i).is_some_and(|r| !r.builtin))
            .collect();
        let workers = ids.len().clamp(1, MAX_WHOLE_INPUTS);
        // In policy processes, each worker sends its whole input once, with
        // its share of the policies; here, policies are taken one by one.
        let per_task = match self.pool {
            Some(_) => ids.len().div_ceil(workers).max(1),
            None => 1,
        };
        let tasks: Vec<&[usize]> = ids.chunks(per_task).collect();
        let parts = self.on_workers(tasks.len(), workers, input, |engine, input, n| {
            tasks
                .get(n)
                .map(|ids| engine.evaluate_rules(input, ids))
                .unwrap_or_default()
        });
        let mut findings = Vec::new();
        let mut failures = Vec::new();
        for (mut f, mut e) in parts {
            findings.append(&mut f);
            failures.append(&mut e);
        }
        failures.extend(self.broken.iter().cloned());
        (findings, failures)
    }

    /// Whether any built-in rule is loaded.
    pub fn has_builtin(&self) -> bool {
        self.rules.iter().any(|r| r.builtin)
    }

    /// Whether any custom policy is loaded (or set aside at load).
    pub fn has_custom(&self) -> bool {
        !self.broken.is_empty() || self.rules.iter().any(|r| !r.builtin)
    }

    /// Every built-in rule on one input (the custom policies are left out).
    pub fn evaluate_builtin(
        &mut self,
        input: regorus::Value,
    ) -> (Vec<RawFinding>, Vec<RuleFailure>) {
        let (mut findings, rest) = match self.evaluate_aggregate(&input) {
            Some((f, rest)) => (f, rest),
            None => (Vec::new(), (0..self.rules.len()).collect()),
        };
        let rest: Vec<usize> = rest
            .into_iter()
            .filter(|&i| self.rules.get(i).is_some_and(|r| r.builtin))
            .collect();
        let (mut f, failures) = self.evaluate_rules(&input, &rest);
        findings.append(&mut f);
        findings.sort_by_key(|f| f.rule);
        (findings, failures)
    }

    /// Evaluates every built-in rule on `count` slices of one input across
    /// rayon's workers (the custom policies are left out: see
    /// [`RuleEngine::evaluate_custom_parallel`]). The built-in rules judge
    /// one resource, or one cluster with what is joined to it, and read the
    /// facts about the whole file from `input.joins`, so the findings of the
    /// slices are those of the whole input (tests/engines.rs checks it on
    /// every fixture and plan). Each worker has its own engine clone and
    /// builds the input of one slice at a time (`input(i)`), so no value is
    /// shared between threads and the inputs alive at once are `workers`
    /// slices, not `workers` whole inputs. Results come back in rule order,
    /// as from `evaluate`; a failure on several slices is reported once.
    pub fn evaluate_sliced(
        &self,
        count: usize,
        input: impl Fn(usize) -> regorus::Value + Sync,
    ) -> (Vec<RawFinding>, Vec<RuleFailure>) {
        let parts = self.on_workers(
            count,
            MAX_SLICE_WORKERS,
            || (),
            |engine, (), i| engine.evaluate_builtin(input(i)),
        );
        // Sized once: grown by doubling, the vector of a large file's
        // findings was copied as it grew, beside the slices' own (+20 MB
        // at the end of the evaluation of the 100 MB like-real plan, +8 MB
        // sized once).
        let mut findings = Vec::with_capacity(parts.iter().map(|(f, _)| f.len()).sum());
        let mut failures: Vec<RuleFailure> = Vec::new();
        for (mut f, e) in parts {
            findings.append(&mut f);
            for e in e {
                if !failures
                    .iter()
                    .any(|x| x.rule_id == e.rule_id && x.reason == e.reason)
                {
                    failures.push(e);
                }
            }
        }
        // Stable: within a rule, the slices' order.
        findings.sort_by_key(|f| f.rule);
        (findings, failures)
    }

    /// Evaluates the rules `ids` on one input, in their order: the custom
    /// policies in policy processes when the engine has them (consecutive
    /// ones in one request), the others here.
    fn evaluate_rules(
        &mut self,
        input: &regorus::Value,
        ids: &[usize],
    ) -> (Vec<RawFinding>, Vec<RuleFailure>) {
        let Some(pool) = self.pool.clone() else {
            return self.evaluate_here(input, ids);
        };
        let custom: Vec<bool> = self.rules.iter().map(|r| !r.builtin).collect();
        let isolated = |i: &usize| custom.get(*i).copied().unwrap_or(false);
        let mut findings = Vec::new();
        let mut failures = Vec::new();
        let mut rest = ids;
        while let Some(first) = rest.first() {
            let here = !isolated(first);
            let n = rest
                .iter()
                .position(|i| isolated(i) == here)
                .unwrap_or(rest.len());
            let (run, tail) = rest.split_at(n);
            rest = tail;
            let (mut f, mut e) = if here {
                self.evaluate_here(input, run)
            } else {
                // Positions in the pool's list of policies, and back.
                let pos: Vec<usize> = run
                    .iter()
                    .filter_map(|i| pool.rules.iter().position(|r| r == i))
                    .collect();
                // A policy whose process ended: its id, and its file
                // named in the reason.
                let failed = |p: usize, reason: String| {
                    let rule = pool.rules.get(p).and_then(|&i| self.rules.get(i));
                    RuleFailure {
                        rule_id: rule.map(|r| r.meta.id.clone()).unwrap_or_default(),
                        reason: match rule {
                            Some(r) => format!("policy {}: {reason}", r.path),
                            None => reason,
                        },
                    }
                };
                let (mut f, e) = pool.evaluate(input, &pos, &failed);
                f.retain_mut(|f| match pool.rules.get(f.rule) {
                    Some(&i) => {
                        f.rule = i;
                        true
                    }
                    None => false,
                });
                (f, e)
            };
            findings.append(&mut f);
            failures.append(&mut e);
        }
        (findings, failures)
    }

    /// A rule's time, with `AKSLINT_TIMINGS`.
    fn print_timing(&self, id: &str, start: std::time::Instant) {
        if self.timings {
            eprintln!(
                "akslint: timing: rule {id} {} µs",
                start.elapsed().as_micros()
            );
        }
    }

    /// Drops the input the interpreter holds (a policy process keeps its
    /// engine, not its last input, between requests).
    fn clear_input(&mut self) {
        if let Some(i) = self.interp.as_mut() {
            i.engine.set_input(regorus::Value::Null);
        }
    }

    /// Evaluates the rules `ids` on one input in this process.
    fn evaluate_here(
        &mut self,
        input: &regorus::Value,
        ids: &[usize],
    ) -> (Vec<RawFinding>, Vec<RuleFailure>) {
        if let Some(i) = self.interp.as_mut() {
            i.engine.set_input(input.clone());
        }
        let mut findings = Vec::new();
        let mut failures = Vec::new();
        let rust_input = native::Input::new(input);
        for &i in ids {
            let Some(rule) = self.rules.get(i) else {
                continue;
            };
            let query = format!("{}.deny", rule.package);
            let on_vm = self.on_vm.get(i).copied().unwrap_or(false);
            let t_rule = std::time::Instant::now();
            let in_rust = self
                .native
                .get(i)
                .copied()
                .unwrap_or(false)
                .then(|| native::deny(&rule.meta.id, i, &rust_input, &self.data))
                .flatten();
            if let Some(mut f) = in_rust {
                self.print_timing(&rule.meta.id, t_rule);
                findings.append(&mut f);
                continue;
            }
            let outcome = match (on_vm, self.vm.as_mut(), self.interp.as_mut()) {
                (true, Some(v), _) => {
                    v.vm.set_input(input.clone());
                    let vm = &mut v.vm;
                    let out = guarded(|| vm.execute_entry_point_by_name(&query));
                    if out.is_none() {
                        v.reset();
                    }
                    out.map(|r| r.map_err(|e| vm_error(&e.to_string())))
                }
                (false, _, Some(it)) => {
                    let engine = &mut it.engine;
                    let out = guarded(|| engine.eval_rule(query));
                    // A lint run shows no `print` output (`akslint test`
                    // does): dropped, so that it does not pile up.
                    drop(take_prints(&mut it.engine));
                    if out.is_none() {
                        // A builtin panicked: the engine's state is suspect, so
                        // start again from the loaded one for the next rules.
                        it.engine = it.pristine.clone();
                        it.engine.set_input(input.clone());
                    }
                    out.map(|r| r.map_err(|e| first_line(&e.to_string())))
                }
                _ => Some(Err("no engine loaded this rule".to_string())),
            };
            self.print_timing(&rule.meta.id, t_rule);
            // A custom policy's error names its file, also when regorus
            // gives no location (a memory or time limit, a panic).
            let blame = |reason: String| {
                if rule.builtin || reason.contains(rule.path.as_str()) {
                    reason
                } else {
                    format!("policy {}: {reason}", rule.path)
                }
            };
            let result = match outcome {
                Some(r) => r.map_err(blame),
                None => {
                    failures.push(RuleFailure {
                        rule_id: rule.meta.id.clone(),
                        reason: blame(
                            "the policy engine panicked while evaluating this rule".into(),
                        ),
                    });
                    continue;
                }
            };
            match result {
                Ok(regorus::Value::Undefined) => {}
                Ok(v) => match parse_deny(i, &v) {
                    Ok(mut f) => findings.append(&mut f),
                    Err(reason) => failures.push(RuleFailure {
                        rule_id: rule.meta.id.clone(),
                        reason,
                    }),
                },
                Err(reason) => failures.push(RuleFailure {
                    rule_id: rule.meta.id.clone(),
                    reason,
                }),
            }
        }
        (findings, failures)
    }
}
