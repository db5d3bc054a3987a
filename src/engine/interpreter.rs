//! The interpreter side of an engine: regorus' tree-walking interpreter,
//! which runs custom policies (and the built-in rules with
//! `--engine interpreter`, the reference semantics).
use std::num::NonZeroU32;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;
use serde_json::Map;

use super::builtins::harden;
use super::deny::first_line;
use super::deny::RuleFailure;
use super::guard::guarded;
use super::recursion;
use super::{merge_params, TIMER_CHECK_INTERVAL};
use crate::error::RunError;
use crate::rules::Rule;

/// The interpreter side of an engine.
#[derive(Clone)]
pub(super) struct InterpEval {
    pub(super) engine: regorus::Engine,
    /// The engine as loaded, to start again from after a panic in a builtin.
    pub(super) pristine: regorus::Engine,
}

/// Custom policies that cannot run are set aside before the engine loads:
/// a function that recurses (it would overflow the stack), or a `deny` that
/// fails whatever the input (regorus cannot schedule it, or it raises an
/// error on an empty input). Each becomes an error for that policy on every
/// input file, and the other rules still run. A syntax error, or recursion
/// in a library, stops the run. With `processes`, each policy's trial
/// evaluation runs in a policy process.
pub(super) fn screen(
    rules: Vec<Rule>,
    libs: &[(String, String)],
    processes: Option<&super::process::Pool>,
) -> Result<(Vec<Rule>, Vec<RuleFailure>), RunError> {
    if !rules.iter().any(|r| !r.builtin) {
        return Ok((rules, Vec::new()));
    }
    recursion::check(libs).map_err(|(path, reason)| RunError::InvalidRule { path, reason })?;
    let mut kept = Vec::with_capacity(rules.len());
    let mut broken = Vec::new();
    for rule in rules {
        if rule.builtin {
            kept.push(rule);
            continue;
        }
        let mut sources = libs.to_vec();
        sources.push((rule.path.clone(), rule.source.clone()));
        let verdict = match recursion::check(&sources) {
            Err((path, reason)) if path != rule.path => {
                return Err(RunError::InvalidRule { path, reason });
            }
            Err((_, reason)) => Err(reason),
            Ok(()) => match processes {
                Some(pool) => pool
                    .screen(&rule)
                    .map_err(|(path, reason)| RunError::InvalidRule { path, reason })?,
                None => check_alone(&rule, libs)?,
            },
        };
        match verdict {
            Ok(()) => kept.push(rule),
            Err(reason) => broken.push(RuleFailure {
                rule_id: rule.meta.id.clone(),
                reason: format!("policy {} ({}): {reason}", rule.meta.id, rule.path),
            }),
        }
    }
    Ok((kept, broken))
}

/// Loads one policy with the libraries into a fresh engine and evaluates its
/// `deny` on an empty input: a load error stops the run (outer error); an
/// evaluation error is this policy's alone (inner error).
pub(super) fn check_alone(
    rule: &Rule,
    libs: &[(String, String)],
) -> Result<Result<(), String>, RunError> {
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
    Ok(
        match guarded(|| engine.eval_rule(format!("{}.deny", rule.package))) {
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(first_line(&e.to_string())),
            None => Err("the policy engine panicked while loading it".into()),
        },
    )
}

pub(super) fn load(
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
    engine.add_data(data).map_err(|e| RunError::InvalidRule {
        path: "data".into(),
        reason: e.to_string(),
    })?;
    Ok(InterpEval {
        pristine: engine.clone(),
        engine,
    })
}
