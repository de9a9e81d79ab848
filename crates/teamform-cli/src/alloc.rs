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
}
