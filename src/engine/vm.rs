//! The VM side of an engine: the built-in rules compiled into one RVM
//! program at build time (build.rs).
use std::sync::Arc;
use std::time::Duration;

use regorus::rvm::program::{DeserializationResult, Program};
use regorus::rvm::vm::RegoVM;
use regorus::utils::limits::ExecutionTimerConfig;
use serde_json::Value;

use super::TIMER_CHECK_INTERVAL;

/// The entry point of the program that evaluates every built-in rule.
pub(super) const AGGREGATE: &str = "data.akslint.builtin.deny";

/// The entry point of the program that evaluates every built-in rule
/// without a Rust version (`native::PORTED`).
pub(super) const AGGREGATE_REST: &str = "data.akslint.builtin.rest";

/// The built-in rules compiled into one RVM program by build.rs, with an
/// entry point `data.<package>.deny` per rule, [`AGGREGATE`] and
/// [`AGGREGATE_REST`].
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
pub(super) struct VmEval {
    pub(super) program: Arc<Program>,
    /// The data document (rule parameters) as JSON: each clone converts its
    /// own, for the same reason as the program.
    data: Value,
    timeout: Duration,
    pub(super) vm: RegoVM,
}

impl VmEval {
    pub(super) fn new(data: Value, timeout: Duration) -> Result<Self, String> {
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
    pub(super) fn reset(&mut self) {
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
