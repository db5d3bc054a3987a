//! The interpreter side of an engine: regorus' tree-walking interpreter,
//! which runs custom policies (and the built-in rules with
//! `--engine interpreter`, the reference semantics).
use std::num::NonZeroU32;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;
use serde_json::Map;

use super::builtins::harden;
use super::deny::first_line;
use super::guard::guarded;
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
