//! The `teamform` binary: parses arguments and wires the crates together. Logic lives in the
//! library crates; this crate only reads arguments, calls them and prints.

// Standard output goes through `output` (`out!`, `outln!`), which handles a closed pipe.
#![deny(clippy::print_stdout)]

// First, so that its `out!` and `outln!` can be used in every module below.
#[macro_use]
mod output;
mod alloc;
mod cli;
mod commands;
mod error;
mod exit;
mod files;
mod known;
mod policy;
mod portal;
mod provenance;
mod today;

use clap::Parser;

fn main() {
    std::process::exit(run());
}

/// Parses the arguments, runs the command and returns the exit code. This is the one place
/// that prints a command's error and turns it, or the command's exit status, into an exit
/// code (see [`error`]): a usage error exits 1 ([`exit::INVALID`]), never clap's 2, which
/// `plan --detailed-exitcode` uses for "changes pending"; `--help` and `--version` exit 0.
fn run() -> i32 {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) => {
            // Help and version go to standard output, errors to standard error; a closed
            // pipe (`teamform --help | head -1`) is not a failure.
            let _ = e.print();
            return if e.use_stderr() {
                exit::INVALID
            } else {
                exit::SUCCESS
            };
        }
    };
    if !args.command.runs_for_hours() {
        alloc::keep_freed_memory();
        if alloc::small_pages_wanted() {
            alloc::small_pages();
        }
    }
    portal::set_debug(args.command.portal().is_some_and(|p| p.debug));
    let code = match commands::run(args) {
        Ok(status) => status.code(),
        Err(e) => {
            e.print();
            e.code()
        }
    };
    if output::failed() && code == exit::SUCCESS {
        exit::INVALID
    } else {
        code
    }
}
