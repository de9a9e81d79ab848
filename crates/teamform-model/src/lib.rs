//! The policy language as typed data: every `*.toml` file under a policy directory is parsed
//! (in parallel), read into typed entities that keep the span of every value, and merged into
//! one [`Policy`].
//!
//! Loading never fails: it returns the policy together with the diagnostics found on the way
//! (syntax errors, unknown fields, wrong types, duplicate definitions). Only [`load_dir`] does
//! I/O; [`load_sources`] is pure, so editors can load unsaved buffers.

mod expire;
mod file;
pub mod follow;
mod load;
mod manage;
mod merge;
mod parts;
pub mod read;
mod schema;
pub mod table;
mod types;
mod vocab;

pub use expire::{Expired, expire};
pub use file::{FileRefusal, MAX_FILE_BYTES, read_policy_file};
pub use load::{
    LoadResult, ParsedFile, TESTS_DIR, discover, load_dir, load_parsed, load_sources, parse_one,
};
pub use manage::{Manage, Ownership, UsersMode, glob_error};
pub use schema::json_schema;
pub use types::*;
pub use vocab::*;
