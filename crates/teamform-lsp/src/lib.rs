//! The teamform language server: the only crate that speaks the Language Server Protocol.
//!
//! It opens the policy directory of the editor's workspace folder, loads and compiles every
//! policy file with the same pipeline as the CLI (`teamform_model::load_sources`, then
//! `teamform_compiler::compile`), and keeps the diagnostics of every file up to date as the
//! user types: buffers open in the editor are compiled from their unsaved text. On top of the
//! compiled policy it answers hovers, go to definition, find references, completion and
//! "did you mean" quick fixes.
//!
//! The server is synchronous: one thread reads messages (from `lsp-server`), the main loop
//! applies every message that has already arrived before compiling, so that a burst of
//! keystrokes is compiled once, for the newest text, and diagnostics that became stale while
//! they were computed are never published.
//!
//! Modules:
//! - [`position`]: byte offsets to LSP positions (UTF-16) and back;
//! - `workspace`: paths and URIs, and finding the policy directory;
//! - `project`: the files of one policy (open buffers and files on disk) and its compilation;
//! - `convert`: compiler diagnostics to LSP diagnostics, in one place;
//! - `symbols`: every key and reference of a policy with its span;
//! - `fields`: the field names of each table, for completion;
//! - `hover`, `navigate`, `complete`, `actions`: the answers, routed by `requests`;
//! - `publish`: sending the diagnostics that changed;
//! - `server`: the handshake and the message loop.

mod actions;
mod complete;
mod convert;
mod fields;
mod hover;
mod navigate;
pub mod position;
mod project;
mod publish;
mod requests;
mod server;
mod symbols;
mod today;
mod workspace;

pub use server::run;

/// The error type of the server's entry points.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Runs the language server over standard input and output until the client asks it to exit.
pub fn run_stdio() -> Result<(), Error> {
    let (connection, io_threads) = lsp_server::Connection::stdio();
    run(&connection)?;
    drop(connection);
    io_threads.join()?;
    Ok(())
}
