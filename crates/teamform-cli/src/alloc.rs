//! The allocator, and how it hands memory back to the system.
//!
//! A large plan makes and frees millions of small values and touches hundreds of megabytes
//! once; mimalloc does both with less work than the system's allocator. By default mimalloc
//! hands memory freed for a second back to the system ("purging"); a command that then needs
//! memory again touches fresh pages, which the kernel clears first, 2 MiB at a time where
//! transparent huge pages are on. A plan of a 100,000-user org spent up to a third of its
//! time there (`BENCHMARKS.md`). Commands that run for seconds keep what they free for their
//! own reuse instead; those that run for hours (the language server, `watch`, `sim`,
//! `reconcile`) hand it back as usual, so an idle server does not hold its peak.
//!
//! Commands that run for seconds also take their memory in small pages ([`small_pages`]),
//! unless `MIMALLOC_ALLOW_THP` is set, which then decides as mimalloc documents it.

/// The allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`: milliseconds before freed memory is handed back, `-1`
/// for never. Its number in the `mi_option_e` enum of `mimalloc.h` (version 3, bundled by
/// `libmimalloc-sys` 0.1.49, whose version `Cargo.toml` pins), which that crate does not name.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps freed memory for this process's reuse until it exits. Called on the main thread
/// before any other thread starts, as mimalloc's options are not synchronized.
pub fn keep_freed_memory() {
    // SAFETY: `mi_option_set` stores an option's value; its only requirement is that no other
    // thread sets or reads options at the same time, and no other thread exists yet.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, -1);
    }
}

/// Whether to take small pages: unless `MIMALLOC_ALLOW_THP` is set (mimalloc's own switch for
/// huge pages, which it read at start-up), for a machine where huge pages serve better.
pub fn small_pages_wanted() -> bool {
    std::env::var_os("MIMALLOC_ALLOW_THP").is_none()
}

/// Asks the kernel for small pages only (`PR_SET_THP_DISABLE`); `false` where it cannot.
///
/// mimalloc asks for transparent huge pages on its memory (`MADV_HUGEPAGE`). The kernel clears
/// a 2 MiB page whole when it is first touched, and takes it from its largest free blocks; on
/// a virtual machine those are the blocks it has handed back to the host (free page
/// reporting), which the host must supply again while the kernel clears them. On the
/// benchmark's VM a plan's system time swung between 0.1 and 2 s from one run to the next;
/// with small pages it stays near 0.3 s (`BENCHMARKS.md`). The setting holds for this process
/// and what it starts.
#[cfg(target_os = "linux")]
pub fn small_pages() -> bool {
    let (yes, unused) = (1 as libc::c_ulong, 0 as libc::c_ulong);
    // SAFETY: `prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)` sets a flag of the calling process and
    // reads no memory of ours.
    #[allow(unsafe_code)]
    let status = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, yes, unused, unused, unused) };
    status == 0
}

/// Asks the kernel for small pages only: not available here.
#[cfg(not(target_os = "linux"))]
pub fn small_pages() -> bool {
    false
}

/// The value of mimalloc's purge delay, for tests.
#[cfg(test)]
fn purge_delay() -> std::os::raw::c_long {
    // SAFETY: as for `keep_freed_memory`; the test's thread is the only one setting options.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_get(PURGE_DELAY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freed_memory_is_kept_once_asked() {
        // mimalloc's default delay for this option is a second (a different option would not
        // read 1000 by default).
        assert_eq!(purge_delay(), 1000);
        keep_freed_memory();
        assert_eq!(purge_delay(), -1);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn small_pages_are_asked_for() {
        let unused = 0 as libc::c_ulong;
        // SAFETY: `prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0)` returns a flag of the process.
        #[allow(unsafe_code)]
        let disabled =
            || unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, unused, unused, unused, unused) };
        assert!(small_pages());
        assert_eq!(disabled(), 1);
    }
}
