//! The exit codes, defined in one place.

/// Success (and no changes, with `--detailed-exitcode`).
pub const SUCCESS: i32 = 0;
/// An invalid policy or a usage error.
pub const INVALID: i32 = 1;
