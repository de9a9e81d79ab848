//! Access reviews (`teamform review`): a point-in-time evidence pack of who has access to a
//! portal, built from the policy, the live portal and its activity (`build.rs`; the grants
//! worded once in a table, `table.rs`), with findings that are diagnostics of their own codes
//! (`findings.rs`, TF0400–TF0405), written as `users.csv`, `review.json`, a self-contained
//! `report.html` and a `manifest.json` of SHA-256 sums (`csv.rs`, `lines.rs`, `html/`,
//! `pack.rs`; each file streamed to disk and hashed as it is written); and reviewers' decisions kept as files in the repository
//! (`decisions/`: started, checked with TF0410–TF0415, closed into policy edits).
//!
//! Boundary: building, rendering and checking are pure; `pack::write` and
//! `decisions::load_dir` read and write files; the portal and git are read by the caller.

mod build;
mod csv;
pub mod decisions;
mod findings;
mod html;
mod lines;
pub mod pack;
mod table;
mod types;

pub use build::{Built, Input, build};
pub use csv::users_csv;
pub use html::report_html;
pub use types::*;
