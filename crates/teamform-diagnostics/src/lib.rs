//! Diagnostics for teamform: where a problem is (spans over a source map), what it is (one
//! `Diagnostic` type with a stable code), what each code means (the registry with its docs),
//! and how it is shown (one renderer per output format).
//!
//! This crate does no I/O beyond writing rendered output to a caller's sink.

mod code;
mod diagnostic;
pub mod render;
mod source;
mod suggest;

pub use code::{CODES, Code, CodeDoc};
pub use diagnostic::{Diagnostic, Label, Severity, Suggestion};
pub use source::{FileId, LineCol, SourceFile, SourceMap, Span};
pub use suggest::{apply_suggestions, did_you_mean};
