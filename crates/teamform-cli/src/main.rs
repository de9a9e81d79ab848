//! The `teamform` binary: parses arguments and wires the crates together. Logic lives in the
//! library crates; this crate only reads arguments, calls them and prints.

mod cli;
mod commands;
mod exit;
mod files;
mod known;
mod policy;
mod portal;
mod provenance;
mod today;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    portal::set_debug(args.debug);
    let code = commands::run(args);
    std::process::exit(code);
}
