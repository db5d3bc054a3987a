//! The policy engine's memory budget, and the check that the bounded
//! builtins ([`super::bounded`]) make before they allocate.
//!
//! regorus compares the bytes live in its allocator with its budget only
//! after an allocation succeeded: a builtin whose result doubles a string
//! asks the operating system for the whole result at once, and when that
//! fails (an address-space or cgroup limit, or the machine's memory) the
//! process aborts before the budget is ever compared. So:
//!
//! - the default budget respects the process's real limits (half of
//!   `RLIMIT_AS` and of the cgroup's memory limit, at most 8 GiB);
//! - the builtins whose result can be much larger than their arguments
//!   compute its size first and fail with an error when the bytes in use
//!   plus that size would pass the budget, or when the address space left
//!   under `RLIMIT_AS` could not hold it.

/// Bytes a result may need before [`reserve`] looks at the allocator: the
/// check reads allocator statistics (and `/proc`), too costly for the small
/// results of every `sprintf`.
const CHECK_FROM: u64 = 1 << 20;

/// Address space an allocation may take beyond its own size: mimalloc (the
/// allocator regorus installs) reserves its arenas 1 GiB at a time, and a
/// large allocation can reserve a fresh one besides its own mapping.
const ARENA_SLACK: u64 = 1 << 30;

const MIB: u64 = 1024 * 1024;

/// Gives the policy engine its memory budget, in MiB (the settings'
/// `memory_limit_mb`).
pub(crate) fn set_budget_mb(mb: u64) {
    regorus::set_global_memory_limit(Some(mb.saturating_mul(1024 * 1024)));
}

/// The default budget when `AKSLINT_MEMORY_LIMIT_MB` is not set, in MiB:
/// `cap_mb`, or half of the process's memory limit when that is lower
/// ([`process_limit`]), and never below 64 MiB.
pub(crate) fn default_budget_mb(cap_mb: u64) -> u64 {
    match process_limit() {
        Some(bytes) => (bytes / 2 / MIB).clamp(64, cap_mb.max(64)),
        None => cap_mb,
    }
}

/// The lowest of the process's limits on memory, in bytes: `RLIMIT_AS`
/// (`ulimit -v`) and the cgroup's memory limit (v2 `memory.max`, v1
/// `memory.limit_in_bytes`). None when neither is set.
pub(crate) fn process_limit() -> Option<u64> {
    [address_space_limit(), cgroup_limit()]
        .into_iter()
        .flatten()
        .min()
}

/// `RLIMIT_AS` (the soft limit, the one the kernel enforces), if finite.
#[cfg(unix)]
pub(crate) fn address_space_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::As).current
}

#[cfg(not(unix))]
pub(crate) fn address_space_limit() -> Option<u64> {
    None
}

/// Limits at or above this mean "no limit" (cgroup v1 writes
/// 9223372036854771712 for an unlimited group).
const UNLIMITED: u64 = 1 << 60;

/// The memory limit of the cgroup this process is in, if any.
fn cgroup_limit() -> Option<u64> {
    let membership = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    cgroup_limit_from(&membership, |path| std::fs::read_to_string(path).ok())
}

/// [`cgroup_limit`] on the text of `/proc/self/cgroup`, reading the limit
/// files through `read` (tests pass a map).
fn cgroup_limit_from(membership: &str, read: impl Fn(&str) -> Option<String>) -> Option<u64> {
    let parse = |text: Option<String>| -> Option<u64> {
        text?.trim().parse::<u64>().ok().filter(|v| *v < UNLIMITED)
    };
    let mut limits = Vec::new();
    for line in membership.lines() {
        let mut fields = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let path = path.trim_end_matches('/');
        if controllers.is_empty() {
            // cgroup v2: the group's own limit, else the root's view (in a
            // container the group is often mounted as the root).
            limits.push(
                parse(read(&format!("/sys/fs/cgroup{path}/memory.max")))
                    .or_else(|| parse(read("/sys/fs/cgroup/memory.max"))),
            );
        } else if controllers.split(',').any(|c| c == "memory") {
            limits.push(
                parse(read(&format!(
                    "/sys/fs/cgroup/memory{path}/memory.limit_in_bytes"
                )))
                .or_else(|| parse(read("/sys/fs/cgroup/memory/memory.limit_in_bytes"))),
            );
        }
    }
    limits.into_iter().flatten().min()
}

/// The process's mapped address space in bytes (Linux: `/proc/self/statm`).
fn address_space_in_use() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages = statm.split_whitespace().next()?.parse::<u64>().ok()?;
    #[cfg(unix)]
    let page = rustix::param::page_size() as u64;
    #[cfg(not(unix))]
    let page = 4096;
    Some(pages.saturating_mul(page))
}

/// Fails, naming `builtin`, when a result of `bytes` would pass the policy
/// engine's memory budget (bytes live in regorus' allocator plus `bytes`)
/// or would not fit in the address space `RLIMIT_AS` leaves.
pub(crate) fn reserve(builtin: &str, bytes: u64) -> anyhow::Result<()> {
    if bytes < CHECK_FROM {
        return Ok(());
    }
    if let Some(limit) = regorus::global_memory_limit() {
        regorus::flush_thread_memory_counters();
        let in_use = regorus_mimalloc::global_allocation_stats_snapshot().allocated;
        if in_use.saturating_add(bytes) > limit {
            anyhow::bail!(
                "{builtin}: its result needs about {} MiB, more than the policy memory limit \
                 of {} MiB allows ({} MiB already in use; AKSLINT_MEMORY_LIMIT_MB sets it)",
                bytes.div_ceil(MIB),
                limit / MIB,
                in_use / MIB
            );
        }
    }
    if let (Some(limit), Some(mapped)) = (address_space_limit(), address_space_in_use()) {
        if mapped.saturating_add(bytes).saturating_add(ARENA_SLACK) > limit {
            anyhow::bail!(
                "{builtin}: its result needs about {} MiB, more than the process's \
                 address-space limit (ulimit -v) of {} MiB leaves ({} MiB mapped)",
                bytes.div_ceil(MIB),
                limit / MIB,
                mapped / MIB
            );
        }
    }
    Ok(())
}

/// mimalloc's `mi_option_purge_delay` (the index of `mi_option_t` in the
/// vendored `mimalloc.h`, version 2.2.6).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

#[allow(unsafe_code)]
mod mi {
    extern "C" {
        // Public mimalloc API, compiled into regorus-mimalloc-sys.
        pub(super) fn mi_option_set_default(option: std::ffi::c_int, value: std::ffi::c_long);
        pub(super) fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
        pub(super) fn mi_collect(force: bool);
        #[cfg(test)]
        pub(super) fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
    }
}

/// Tells the allocator never to give freed memory back to the operating
/// system during the run (mimalloc's `purge_delay = -1`), unless
/// `MIMALLOC_PURGE_DELAY` says otherwise. By default mimalloc returns freed
/// pages after 10 ms and faults them in again on the next allocation: on a
/// 100 MB plan that was 7,000 to 11,000 transparent-huge-page faults, each
/// zeroing 2 MiB, about a quarter of the run's CPU time (`perf`), against
/// about 1,000 faults without purging. For small inputs, whose peak is
/// small anyway, that is the better trade; a large input switches to
/// [`for_large_input`].
pub(crate) fn keep_freed_memory() {
    #[allow(unsafe_code)]
    // SAFETY: mi_option_set_default only stores a value in mimalloc's
    // option table (it does not override a value set from the environment);
    // the index is checked against the header by a test.
    unsafe {
        mi::mi_option_set_default(MI_OPTION_PURGE_DELAY, -1);
    }
}

/// Inputs from this size on run in the large-input memory mode.
pub(crate) const LARGE_INPUT: u64 = 8 * 1024 * 1024;

/// For a run with a large input: freed memory goes back to the operating
/// system at once (`purge_delay = 0`, unless `MIMALLOC_PURGE_DELAY`, in
/// any case, or its former name `MIMALLOC_RESET_DELAY` is set), and
/// (Linux) the process uses no transparent huge pages, whose 2 MiB granules kept freed and sparsely used memory resident. What the
/// stages free (the file's text, the values parsed while normalizing, each
/// worker's slice inputs) is then not kept beside what the next stage
/// allocates. 100 MB plan of real resources, peak RSS at 1 / 2 / 16
/// threads: 340 / 350 / 445 MB kept, 278 / 278 / 281 MB returned, for the
/// same CPU time (docs/performance.md). Call before the workers start.
pub(crate) fn for_large_input() {
    // mimalloc reads its options in any case, and this one under its
    // former name too.
    let set_by_user = std::env::vars_os().any(|(k, _)| {
        k.to_str().is_some_and(|k| {
            k.eq_ignore_ascii_case("MIMALLOC_PURGE_DELAY")
                || k.eq_ignore_ascii_case("MIMALLOC_RESET_DELAY")
        })
    });
    if !set_by_user {
        #[allow(unsafe_code)]
        // SAFETY: mi_option_set stores one value in mimalloc's option
        // table, read at each purge decision; the index is checked against
        // the header by a test.
        unsafe {
            mi::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        }
    }
    #[cfg(target_os = "linux")]
    {
        // Best effort: an older kernel without the flag keeps its pages.
        let _ = rustix::thread::disable_transparent_huge_pages(true);
    }
}

/// Gives what the run freed back to the allocator, and (in the large-input
/// mode) to the operating system: on this thread and on every worker.
/// Memory one thread frees that another allocated (the values normalized
/// in parallel, freed by the thread that runs the rules) waits in its
/// owner's heap until that thread next allocates or collects; idle workers
/// kept it resident.
pub(crate) fn collect_freed() {
    let collect = || {
        #[allow(unsafe_code)]
        // SAFETY: mi_collect only walks the calling thread's own heap.
        unsafe {
            mi::mi_collect(true);
        }
    };
    rayon::broadcast(|_| collect());
    collect();
}

/// mimalloc's purge delay now (a test checks the option index).
#[cfg(test)]
fn purge_delay() -> std::ffi::c_long {
    #[allow(unsafe_code)]
    // SAFETY: reads mimalloc's option table.
    unsafe {
        mi::mi_option_get(MI_OPTION_PURGE_DELAY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn limit(membership: &str, files: &[(&str, &str)]) -> Option<u64> {
        let files: HashMap<&str, &str> = files.iter().copied().collect();
        cgroup_limit_from(membership, |p| files.get(p).map(|s| s.to_string()))
    }

    #[test]
    fn cgroup_v2_limit_is_read_from_the_group() {
        assert_eq!(
            limit(
                "0::/user.slice/build.scope\n",
                &[(
                    "/sys/fs/cgroup/user.slice/build.scope/memory.max",
                    "2147483648\n"
                )]
            ),
            Some(2_147_483_648)
        );
        // In a container the group is the root.
        assert_eq!(
            limit("0::/\n", &[("/sys/fs/cgroup/memory.max", "1073741824\n")]),
            Some(1_073_741_824)
        );
        assert_eq!(
            limit("0::/\n", &[("/sys/fs/cgroup/memory.max", "max\n")]),
            None
        );
    }

    #[test]
    fn cgroup_v1_limit_and_unlimited() {
        let v1 = "12:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n";
        assert_eq!(
            limit(
                v1,
                &[(
                    "/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes",
                    "536870912"
                )]
            ),
            Some(536_870_912)
        );
        assert_eq!(
            limit(
                v1,
                &[(
                    "/sys/fs/cgroup/memory/memory.limit_in_bytes",
                    "9223372036854771712"
                )]
            ),
            None
        );
        assert_eq!(limit("", &[]), None);
    }

    #[test]
    fn small_results_are_not_checked() {
        assert!(reserve("t", 1000).is_ok());
    }

    #[test]
    fn freed_memory_is_kept_then_returned_for_a_large_input() {
        // mimalloc's default purge delay is 10 ms; the index names that
        // option if it reads 10 before and -1 after.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            let before = purge_delay();
            keep_freed_memory();
            assert!(before == 10 || before == -1, "{before}");
            assert_eq!(purge_delay(), -1);
            // One test: the option is global to the test process.
            for_large_input();
            assert_eq!(purge_delay(), 0);
        }
        #[cfg(target_os = "linux")]
        {
            for_large_input();
            assert_eq!(
                rustix::thread::transparent_huge_pages_are_disabled().ok(),
                Some(true)
            );
        }
    }
}
