//! The rule engine: policies parsed once into a regorus engine, cloned per
//! worker, evaluated against each input document.
use std::num::NonZeroU32;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

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

/// Policies loaded once; clone it for each worker thread.
#[derive(Clone)]
pub struct RuleEngine {
    engine: regorus::Engine,
    /// The engine as loaded, to start again from after a panic in a builtin.
    pristine: regorus::Engine,
    rules: Vec<Rule>,
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

impl RuleEngine {
    pub fn new(
        rules: Vec<Rule>,
        libs: &[(String, String)],
        params: &Map<String, Value>,
        timeout: Duration,
    ) -> Result<Self, RunError> {
        let mut engine = regorus::Engine::new();
        engine.set_rego_v0(false);
        engine.set_execution_timer_config(ExecutionTimerConfig {
            limit: timeout,
            check_interval: NonZeroU32::MIN,
        });
        for (path, src) in libs {
            engine
                .add_policy(path.clone(), src.clone())
                .map_err(|e| RunError::InvalidRule {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
        }
        for r in &rules {
            engine
                .add_policy(r.path.clone(), r.source.clone())
                .map_err(|e| RunError::InvalidRule {
                    path: r.path.clone(),
                    reason: e.to_string(),
                })?;
        }
        let data = merge_params(&rules, params);
        engine
            .add_data(regorus::Value::from(data))
            .map_err(|e| RunError::InvalidRule {
                path: "data".into(),
                reason: e.to_string(),
            })?;
        Ok(Self {
            pristine: engine.clone(),
            engine,
            rules,
        })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Evaluates every rule on one input.
    pub fn evaluate(&mut self, input: regorus::Value) -> (Vec<RawFinding>, Vec<RuleFailure>) {
        self.engine.set_input(input.clone());
        let mut findings = Vec::new();
        let mut failures = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let query = format!("{}.deny", rule.package);
            let engine = &mut self.engine;
            let result = match guarded(|| engine.eval_rule(query)) {
                Some(r) => r,
                None => {
                    // A builtin panicked: the engine's state is suspect, so
                    // start again from the loaded one for the next rules.
                    self.engine = self.pristine.clone();
                    self.engine.set_input(input.clone());
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
                Err(e) => failures.push(RuleFailure {
                    rule_id: rule.meta.id.clone(),
                    reason: first_line(&e.to_string()),
                }),
            }
        }
        (findings, failures)
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect()
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
