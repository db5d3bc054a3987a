//! The policy process: akslint's executable started with
//! [`super::SERVE_ARG`].
use std::io::{BufReader, BufWriter, Write};

use serde::Deserialize;

use super::protocol::{RequestIn, Response, Setup};
use crate::engine::RuleEngine;

/// The policy process: reads the setup, then answers requests until its
/// input ends. Its standard output carries only the answers.
pub fn serve() -> std::process::ExitCode {
    // A panic inside regorus is caught per policy (guard.rs); say nothing.
    std::panic::set_hook(Box::new(|_| {}));
    crate::engine::memory::keep_freed_memory();
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
    crate::engine::memory::set_budget_mb(setup.memory_limit_mb);
    let mut engine: Option<Result<RuleEngine, String>> = None;
    loop {
        // The input is read without a limit (akslint built it without one
        // and holds it already), then the share binds what the policies
        // allocate beyond it.
        regorus::set_global_memory_limit(None);
        let request = RequestIn::deserialize(&mut messages);
        regorus::flush_thread_memory_counters();
        let in_use = regorus_mimalloc::global_allocation_stats_snapshot().allocated;
        regorus::set_global_memory_limit(Some(
            in_use.saturating_add(setup.memory_limit_mb.saturating_mul(1024 * 1024)),
        ));
        let request = match request {
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
                    crate::engine::interpreter::check_alone(&rule, &setup.libs).map_err(
                        |e| match e {
                            crate::error::RunError::InvalidRule { path, reason } => (path, reason),
                            other => (p.path.clone(), other.to_string()),
                        },
                    ),
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
