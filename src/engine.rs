//! The rule engine: the built-in rules run as an RVM program compiled at
//! build time (build.rs), custom policies in regorus' interpreter; both are
//! loaded once, cloned per worker, and evaluated against each input document.
use std::num::NonZeroU32;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

use regorus::rvm::program::{DeserializationResult, Program};
use regorus::rvm::vm::RegoVM;
use regorus::utils::limits::ExecutionTimerConfig;
use serde_json::{Map, Value};

use crate::error::RunError;
use crate::finding::{Status, Step};
use crate::rules::Rule;

thread_local! {
    /// Set while a policy runs: a panic there is caught and reported as a
    /// rule error, so the panic hook stays quiet.
    pub static IN_POLICY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with panics caught and the panic hook quiet.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    IN_POLICY.with(|p| p.set(true));
    let out = catch_unwind(AssertUnwindSafe(f)).ok();
    IN_POLICY.with(|p| p.set(false));
    out
}

/// The most elements `numbers.range` and `numbers.range_step` may produce.
/// regorus allocates the whole array up front: `numbers.range(1, 2000000000)`
/// would ask for tens of gigabytes and abort the process, so akslint
/// replaces both builtins with bounded versions that fail cleanly instead.
pub const MAX_RANGE: u64 = 1_000_000;

fn range_elements(name: &str, from: i64, to: i64, step: i64) -> anyhow::Result<regorus::Value> {
    if step == 0 {
        anyhow::bail!("{name}: step must not be zero");
    }
    let span =
        u64::try_from((i128::from(to) - i128::from(from)).unsigned_abs()).unwrap_or(u64::MAX);
    let count = span / step.unsigned_abs() + 1;
    if count > MAX_RANGE {
        anyhow::bail!("{name}: {count} elements exceed akslint's limit of {MAX_RANGE}");
    }
    // Large ranges built in a loop add up: check the engine's memory budget
    // before each (regorus itself checks only every so many steps). Small
    // ones, the common case, skip the check: it reads allocator statistics.
    if count >= 10_000 {
        regorus::utils::limits::flush_thread_memory_counters();
        regorus::utils::limits::check_global_memory_limit()
            .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    }
    let mut out = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    let mut v = from;
    let ascending = to >= from;
    let step = if ascending { step.abs() } else { -step.abs() };
    while (ascending && v <= to) || (!ascending && v >= to) {
        out.push(regorus::Value::from(v));
        match v.checked_add(step) {
            Some(n) => v = n,
            None => break,
        }
    }
    Ok(regorus::Value::from(out))
}

fn int_arg(args: &[regorus::Value], i: usize) -> Option<i64> {
    match args.get(i) {
        Some(regorus::Value::Number(n)) if n.is_integer() => n.as_i64(),
        _ => None,
    }
}

fn bounded_range(args: Vec<regorus::Value>) -> anyhow::Result<regorus::Value> {
    match (int_arg(&args, 0), int_arg(&args, 1)) {
        (Some(a), Some(b)) => range_elements("numbers.range", a, b, 1),
        _ => Ok(regorus::Value::Undefined),
    }
}

fn bounded_range_step(args: Vec<regorus::Value>) -> anyhow::Result<regorus::Value> {
    match (int_arg(&args, 0), int_arg(&args, 1), int_arg(&args, 2)) {
        (Some(a), Some(b), Some(s)) if s > 0 => range_elements("numbers.range_step", a, b, s),
        (Some(_), Some(_), Some(_)) => anyhow::bail!("numbers.range_step: step must be positive"),
        _ => Ok(regorus::Value::Undefined),
    }
}

/// Installs the bounded builtins on an engine.
pub fn harden(engine: &mut regorus::Engine) -> Result<(), String> {
    engine
        .add_extension("numbers.range".into(), 2, Box::new(bounded_range))
        .map_err(|e| e.to_string())?;
    engine
        .add_extension("numbers.range_step".into(), 3, Box::new(bounded_range_step))
        .map_err(|e| e.to_string())
}

/// `AKSLINT_TIMINGS` is set: print the time of each stage of each file and
/// of each rule to stderr (a diagnostic for slow runs and slow policies).
pub fn timings() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("AKSLINT_TIMINGS").is_some_and(|v| !v.is_empty()))
}

/// What a rule's `deny` set says about one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFinding {
    pub rule: usize,
    pub message: String,
    pub resource: String,
    pub attribute: Vec<Step>,
    pub status: Status,
}

/// A rule that failed to evaluate on one input.
#[derive(Debug, Clone)]
pub struct RuleFailure {
    pub rule_id: String,
    pub reason: String,
}

/// How many engine steps pass between two looks at the clock (reading it at
/// every step cost a quarter of the evaluation time).
const TIMER_CHECK_INTERVAL: NonZeroU32 = match NonZeroU32::new(1024) {
    Some(n) => n,
    None => NonZeroU32::MIN,
};

/// Loads one policy with the libraries into a fresh engine and evaluates its
/// `deny` on an empty input.
fn check_alone(rule: &Rule, libs: &[(String, String)]) -> Result<(), RunError> {
    let invalid = |reason: String| RunError::InvalidRule {
        path: rule.path.clone(),
        reason,
    };
    let mut engine = regorus::Engine::new();
    engine.set_rego_v0(false);
    harden(&mut engine).map_err(invalid)?;
    for (path, src) in libs {
        engine
            .add_policy(path.clone(), src.clone())
            .map_err(|e| invalid(first_line(&e.to_string())))?;
    }
    engine
        .add_policy(rule.path.clone(), rule.source.clone())
        .map_err(|e| invalid(e.to_string()))?;
    engine
        .add_data(regorus::Value::from(merge_params(
            std::slice::from_ref(rule),
            &Map::new(),
        )))
        .map_err(|e| invalid(e.to_string()))?;
    engine.set_input(regorus::Value::from(serde_json::json!({
        "format": 1, "file": "", "kind": "plan", "terraform_version": null,
        "resources": [], "by_type": {}, "pools": []
    })));
    engine.set_execution_timer_config(ExecutionTimerConfig {
        limit: Duration::from_secs(5),
        check_interval: NonZeroU32::MIN,
    });
    match guarded(|| engine.eval_rule(format!("{}.deny", rule.package))) {
        Some(Ok(_)) => Ok(()),
        Some(Err(e)) => Err(invalid(first_line(&e.to_string()))),
        None => Err(invalid(
            "the policy engine panicked while loading it".into(),
        )),
    }
}

/// Parameters for every rule: metadata defaults, then overrides.
pub fn merge_params(rules: &[Rule], overrides: &Map<String, Value>) -> Value {
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

/// How the built-in rules are evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Backend {
    /// The RVM program compiled from the rules at build time (regorus'
    /// register VM): several times faster than the interpreter.
    #[default]
    Vm,
    /// regorus' tree-walking interpreter, the reference semantics. Custom
    /// policies always run on it.
    Interpreter,
}

/// The entry point of the program that evaluates every built-in rule.
const AGGREGATE: &str = "data.akslint.builtin.deny";

/// The built-in rules compiled into one RVM program by build.rs, with an
/// entry point `data.<package>.deny` per rule, and [`AGGREGATE`].
static BUILTIN_PROGRAM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin.rvm"));

/// Loads the compiled built-in program. Each engine clone (one per worker
/// thread) loads its own copy (about 0.2 ms): the VM clones literals as it
/// runs, and literals shared between threads turn every clone into
/// contended atomic reference counting (measured: 44% more CPU time for
/// 1,000 plans on two threads).
fn builtin_program() -> Result<Arc<Program>, String> {
    match Program::deserialize_binary(BUILTIN_PROGRAM) {
        Ok(DeserializationResult::Complete(p)) => Ok(Arc::new(p)),
        Ok(DeserializationResult::Partial(_)) => {
            Err("the compiled built-in rules are incomplete".to_string())
        }
        Err(e) => Err(e),
    }
}

/// The VM side of an engine: the program, its data, and a VM loaded with both.
struct VmEval {
    program: Arc<Program>,
    /// The data document (rule parameters) as JSON: each clone converts its
    /// own, for the same reason as the program.
    data: Value,
    timeout: Duration,
    vm: RegoVM,
}

impl VmEval {
    fn new(data: Value, timeout: Duration) -> Result<Self, String> {
        let program = builtin_program()?;
        let vm = Self::load(&program, &data, timeout)?;
        Ok(Self {
            program,
            data,
            timeout,
            vm,
        })
    }

    fn load(program: &Arc<Program>, data: &Value, timeout: Duration) -> Result<RegoVM, String> {
        let mut vm = RegoVM::new();
        vm.load_program(program.clone());
        vm.set_data(regorus::Value::from(data.clone()))
            .map_err(|e| e.to_string())?;
        // The time limit bounds a rule, not a step count (regorus' default
        // of 25,000 instructions is too few for a large plan). Builtin
        // errors stay non-strict (undefined), the VM's default: strict mode
        // would also make comparisons across types errors, which the
        // interpreter does not; the built-in rules guard their builtin
        // arguments by type, and tests/engines.rs checks both agree.
        vm.set_max_instructions(usize::MAX);
        vm.set_execution_timer_config(Some(ExecutionTimerConfig {
            limit: timeout,
            check_interval: TIMER_CHECK_INTERVAL,
        }));
        Ok(vm)
    }

    /// Starts again from a fresh VM (after a panic).
    fn reset(&mut self) {
        if let Ok(vm) = Self::load(&self.program, &self.data, self.timeout) {
            self.vm = vm;
        }
    }
}

impl Clone for VmEval {
    /// A VM with its own copy of the program and data. The program loaded
    /// once already; should it fail now, the clone shares this one's.
    fn clone(&self) -> Self {
        let program = builtin_program().unwrap_or_else(|_| self.program.clone());
        Self {
            vm: Self::load(&program, &self.data, self.timeout).unwrap_or_default(),
            program,
            data: self.data.clone(),
            timeout: self.timeout,
        }
    }
}

/// The interpreter side of an engine.
#[derive(Clone)]
struct InterpEval {
    engine: regorus::Engine,
    /// The engine as loaded, to start again from after a panic in a builtin.
    pristine: regorus::Engine,
}

/// Policies loaded once; clone it for each worker thread.
#[derive(Clone)]
pub struct RuleEngine {
    rules: Vec<Rule>,
    /// For each rule, whether the VM evaluates it (else the interpreter).
    on_vm: Vec<bool>,
    vm: Option<VmEval>,
    interp: Option<InterpEval>,
}

impl RuleEngine {
    pub fn new(
        rules: Vec<Rule>,
        libs: &[(String, String)],
        params: &Map<String, Value>,
        timeout: Duration,
        backend: Backend,
    ) -> Result<Self, RunError> {
        let data = merge_params(&rules, params);
        let mut vm = None;
        let mut on_vm = vec![false; rules.len()];
        if backend == Backend::Vm && rules.iter().any(|r| r.builtin) {
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
        let interp = if on_vm.iter().all(|v| *v) {
            None
        } else {
            Some(Self::interpreter(
                &rules,
                libs,
                regorus::Value::from(data),
                timeout,
            )?)
        };
        Ok(Self {
            rules,
            on_vm,
            vm,
            interp,
        })
    }

    fn interpreter(
        rules: &[Rule],
        libs: &[(String, String)],
        data: regorus::Value,
        timeout: Duration,
    ) -> Result<InterpEval, RunError> {
        let mut engine = regorus::Engine::new();
        engine.set_rego_v0(false);
        harden(&mut engine).map_err(|reason| RunError::InvalidRule {
            path: "numbers.range".into(),
            reason,
        })?;
        engine.set_execution_timer_config(ExecutionTimerConfig {
            limit: timeout,
            check_interval: TIMER_CHECK_INTERVAL,
        });
        for (path, src) in libs {
            engine
                .add_policy(path.clone(), src.clone())
                .map_err(|e| RunError::InvalidRule {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
        }
        for r in rules {
            engine
                .add_policy(r.path.clone(), r.source.clone())
                .map_err(|e| RunError::InvalidRule {
                    path: r.path.clone(),
                    reason: e.to_string(),
                })?;
        }
        // A custom policy that regorus cannot schedule would fail every rule
        // at evaluation: try each alone now, and blame it by name.
        for r in rules.iter().filter(|r| !r.builtin) {
            check_alone(r, libs)?;
        }
        engine.add_data(data).map_err(|e| RunError::InvalidRule {
            path: "data".into(),
            reason: e.to_string(),
        })?;
        Ok(InterpEval {
            pristine: engine.clone(),
            engine,
        })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The resource types the loaded rules read (None: some rule reads all).
    pub fn type_filter(&self) -> crate::normalize::TypeFilter {
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
        if timings() {
            return None;
        }
        let v = self.vm.as_mut()?;
        let on_vm = self.on_vm.iter().filter(|x| **x).count();
        if on_vm != v.program.entry_points.len().saturating_sub(1) {
            return None;
        }
        v.vm.set_input(input.clone());
        let vm = &mut v.vm;
        let Some(out) = guarded(|| vm.execute_entry_point_by_name(AGGREGATE)) else {
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
        for (i, rule) in self.rules.iter().enumerate() {
            if !self.on_vm.get(i).copied().unwrap_or(false) {
                rest.push(i);
                continue;
            }
            let deny = by_id.get(&regorus::Value::from(rule.meta.id.as_str()))?;
            findings.append(&mut parse_deny(i, deny).ok()?);
        }
        Some((findings, rest))
    }

    /// Evaluates the rules across rayon's workers, one rule at a time: for
    /// one large file, where a single engine would leave the other cores
    /// idle. Each worker has its own engine clone and its own input, made by
    /// `input` (a shared one would make its reference counts contended).
    /// Results come back in rule order, as from `evaluate`.
    pub fn evaluate_parallel(
        &self,
        input: impl Fn() -> regorus::Value + Sync,
    ) -> (Vec<RawFinding>, Vec<RuleFailure>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Mutex;
        type Part = (usize, (Vec<RawFinding>, Vec<RuleFailure>));
        let next = AtomicUsize::new(0);
        let parts: Mutex<Vec<Part>> = Mutex::new(Vec::with_capacity(self.rules.len()));
        let workers = rayon::current_num_threads().clamp(1, self.rules.len().max(1));
        // One task per worker, each taking the next rule until none is left:
        // the slowest rules do not hold up fixed shares of the others.
        rayon::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|_| {
                    let mut engine = self.clone();
                    let input = input();
                    loop {
                        let id = next.fetch_add(1, Ordering::Relaxed);
                        if id >= self.rules.len() {
                            break;
                        }
                        let part = engine.evaluate_rules(&input, &[id]);
                        parts
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .push((id, part));
                    }
                });
            }
        });
        let mut parts = parts
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        parts.sort_by_key(|p| p.0);
        let mut findings = Vec::new();
        let mut failures = Vec::new();
        for (_, (mut f, mut e)) in parts {
            findings.append(&mut f);
            failures.append(&mut e);
        }
        (findings, failures)
    }

    fn evaluate_rules(
        &mut self,
        input: &regorus::Value,
        ids: &[usize],
    ) -> (Vec<RawFinding>, Vec<RuleFailure>) {
        if let Some(i) = self.interp.as_mut() {
            i.engine.set_input(input.clone());
        }
        let mut findings = Vec::new();
        let mut failures = Vec::new();
        for &i in ids {
            let Some(rule) = self.rules.get(i) else {
                continue;
            };
            let query = format!("{}.deny", rule.package);
            let on_vm = self.on_vm.get(i).copied().unwrap_or(false);
            let t_rule = std::time::Instant::now();
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
            if timings() {
                eprintln!(
                    "akslint: timing: rule {} {} µs",
                    rule.meta.id,
                    t_rule.elapsed().as_micros()
                );
            }
            let result = match outcome {
                Some(r) => r,
                None => {
                    failures.push(RuleFailure {
                        rule_id: rule.meta.id.clone(),
                        reason: "the policy engine panicked while evaluating this rule".into(),
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

/// A VM error on one line, without the values some of them carry
/// (`value=...`, `Cannot add Number(..) and String(..)`: input values).
fn vm_error(s: &str) -> String {
    let line = first_line(s);
    let cut = [
        " (", ": ", "{", "\"", "Number(", "String(", "Array(", "Object(", "Set(", "Bool(",
    ]
    .iter()
    .filter_map(|m| line.find(m))
    .min()
    .unwrap_or(line.len());
    line.get(..cut).unwrap_or_default().trim_end().to_string()
}

/// An evaluation error on one line: regorus errors span several lines
/// (location, source excerpt, message), and often begin with a blank one.
fn first_line(s: &str) -> String {
    let parts: Vec<&str> = s
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.chars().all(|c| matches!(c, '|' | '^' | ' ' | '-')))
        // regorus lists the variables in scope after "scopes": input values.
        .map(|l| l.split(" scopes").next().unwrap_or_default())
        .collect();
    parts.join(" ").chars().take(400).collect()
}

fn parse_deny(rule: usize, v: &regorus::Value) -> Result<Vec<RawFinding>, String> {
    let items: Vec<&regorus::Value> = match v {
        regorus::Value::Set(s) => s.iter().collect(),
        regorus::Value::Array(a) => a.iter().collect(),
        _ => return Err("`deny` is not a set".to_string()),
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let regorus::Value::Object(o) = item else {
            return Err("a `deny` element is not an object".to_string());
        };
        let get = |k: &str| o.get(&regorus::Value::from(k));
        let message = match get("msg") {
            Some(regorus::Value::String(s)) => s.to_string(),
            _ => return Err("a `deny` element has no string `msg`".to_string()),
        };
        let resource = match get("resource") {
            Some(regorus::Value::String(s)) => s.to_string(),
            _ => return Err("a `deny` element has no string `resource`".to_string()),
        };
        let attribute = match get("attribute") {
            Some(regorus::Value::Array(a)) => a
                .iter()
                .map(|s| match s {
                    regorus::Value::String(k) => Ok(Step::Key(k.to_string())),
                    regorus::Value::Number(n) => n
                        .as_u64()
                        .map(Step::Index)
                        .ok_or_else(|| "an attribute index is not a whole number".to_string()),
                    _ => Err("an attribute step is neither string nor number".to_string()),
                })
                .collect::<Result<Vec<_>, _>>()?,
            None | Some(regorus::Value::Null) => Vec::new(),
            Some(_) => return Err("a `deny` element's `attribute` is not an array".to_string()),
        };
        let status = match get("status") {
            None | Some(regorus::Value::Null) => Status::Fail,
            Some(regorus::Value::String(s)) if &**s == "fail" => Status::Fail,
            Some(regorus::Value::String(s)) if &**s == "unknown" => Status::Unknown,
            Some(_) => return Err("a `deny` element's `status` is not fail or unknown".to_string()),
        };
        out.push(RawFinding {
            rule,
            message,
            resource,
            attribute,
            status,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(query: &str) -> anyhow::Result<regorus::Value> {
        let mut engine = regorus::Engine::new();
        harden(&mut engine).unwrap();
        engine.add_policy(
            "t.rego".into(),
            format!("package t\nimport rego.v1\nx := {query}\n"),
        )?;
        engine.eval_rule("data.t.x".into())
    }

    #[test]
    fn vm_errors_carry_no_values() {
        for (raw, shown) in [
            ("Cannot add Number(1) and String(\"secret\")", "Cannot add"),
            (
                "Register 3 does not contain an array (value=String(\"x\"), pc=7)",
                "Register 3 does not contain an array",
            ),
            ("Cannot iterate over Object({})", "Cannot iterate over"),
            (
                "Execution exceeded time limit (elapsed=2s, limit=1s, pc=9)",
                "Execution exceeded time limit",
            ),
        ] {
            assert_eq!(vm_error(raw), shown);
        }
    }

    #[test]
    fn bounded_range_keeps_the_builtin_semantics() {
        assert_eq!(eval("numbers.range(1, 3)").unwrap().to_string(), "[1,2,3]");
        assert_eq!(eval("numbers.range(3, 1)").unwrap().to_string(), "[3,2,1]");
        assert_eq!(
            eval("numbers.range_step(1, 6, 2)").unwrap().to_string(),
            "[1,3,5]"
        );
        assert_eq!(
            eval("count(numbers.range(1, 100000))").unwrap().to_string(),
            "100000"
        );
    }

    #[test]
    fn absurd_ranges_fail_instead_of_aborting() {
        let err = eval("count(numbers.range(1, 2000000000))")
            .unwrap_err()
            .to_string();
        assert!(err.contains("akslint's limit"), "{err}");
        assert!(eval("numbers.range_step(1, 9000000000000, 1)").is_err());
    }
}
