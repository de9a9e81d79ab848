//! `teamform-bench-floor DIR`: the parse floor as a process of its own, for the benchmarks
//! that time `teamform` in its own processes (`measure::fresh_floor`). It reads and parses
//! every policy file of `DIR` with the `toml` crate, as `measure::floor` does, and exits at
//! once, leaving the tables to the exit as `teamform` leaves its state.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: teamform-bench-floor DIR");
        return ExitCode::from(2);
    };
    match teamform_bench::measure::parse_dir(Path::new(&dir)) {
        // Destructors do not run on exit: the tables are not freed, as intended.
        Ok(_tables) => std::process::exit(0),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
