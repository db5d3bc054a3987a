//! The panic guard: a panic inside regorus (a builtin on odd input) is
//! caught where a policy runs and reported as that rule's error.
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    /// Set while a policy runs (a thread-local because the panic hook, which
    /// reads it, is process-wide and takes no arguments): a panic there is caught and reported as a
    /// rule error, so the panic hook stays quiet.
    pub(crate) static IN_POLICY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with panics caught and the panic hook quiet.
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    IN_POLICY.with(|p| p.set(true));
    let out = catch_unwind(AssertUnwindSafe(f)).ok();
    IN_POLICY.with(|p| p.set(false));
    out
}
