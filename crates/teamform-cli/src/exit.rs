//! The exit codes, defined in one place.

/// Success (and no changes, with `--detailed-exitcode`).
pub const SUCCESS: i32 = 0;
/// An invalid policy or a usage error.
pub const INVALID: i32 = 1;
/// Changes pending (`plan --detailed-exitcode`).
pub const CHANGES: i32 = 2;
/// Refused: a stale or edited plan, a guardrail, manual steps outstanding.
pub const REFUSED: i32 = 3;
/// The portal could not be read or written, or does not match the policy after apply.
pub const PORTAL: i32 = 4;

/// Hands `value` to the end of the process without freeing it: the large values of a
/// one-shot command (a policy, its compilation and a plan of a whole org: millions of small
/// allocations) take a quarter of a second to free, which the operating system does at once
/// when the process exits. Only for plain data (no files, locks or connections to close).
pub fn keep_until_exit<T>(value: T) {
    std::mem::forget(value);
}
