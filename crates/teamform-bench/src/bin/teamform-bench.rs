//! `teamform-bench`: generates the large organisation ([`OrgSize::large`]) into a temporary
//! directory and measures, best of three runs each:
//!
//! - the floor: reading every file and parsing it into a `toml::Table` on one thread;
//! - `load_dir` alone;
//! - `load_dir` and `compile` (which includes everyone's effective access).
//!
//! It prints the times with their ratio to the floor and the peak resident memory, and exits
//! with a failure if loading and compiling take more than 1.5 times the floor or the peak is
//! above 1 GiB. Run it with `cargo run --release -p teamform-bench --bin teamform-bench`.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use teamform_bench::measure::{TempDir, floor, ms, peak_resident};
use teamform_bench::{OrgSize, generate, write};
use teamform_compiler::{Options, compile};
use teamform_model::{Date, discover, load_dir};

/// The most that loading and compiling may take, as a multiple of the floor.
const MAX_RATIO: f64 = 1.5;
/// The most resident memory the process may use.
const MAX_PEAK_BYTES: u64 = 1024 * 1024 * 1024;
/// How many times each measurement runs; the best run counts.
const RUNS: usize = 3;

/// The best times of each measurement.
#[derive(Default)]
struct Best {
    floor: Option<Duration>,
    load: Option<Duration>,
    full: Option<Duration>,
    compile_part: Option<Duration>,
}

fn keep_min(slot: &mut Option<Duration>, d: Duration) {
    *slot = Some(slot.map_or(d, |s| s.min(d)));
}

fn measure(dir: &Path, best: &mut Best) -> Result<(), String> {
    let paths = discover(dir).map_err(|e| format!("cannot list `{}`: {e}", dir.display()))?;
    let options = Options {
        today: Date {
            year: 2026,
            month: 11,
            day: 25,
        },
    };
    for run in 1..=RUNS {
        keep_min(&mut best.floor, floor(&paths)?);

        let start = Instant::now();
        let loaded = load_dir(dir);
        keep_min(&mut best.load, start.elapsed());
        drop(loaded);

        let start = Instant::now();
        let loaded = load_dir(dir);
        let loaded_at = Instant::now();
        let compiled = compile(&loaded, options);
        let end = Instant::now();
        keep_min(&mut best.full, end - start);
        keep_min(&mut best.compile_part, end - loaded_at);
        if !compiled.diagnostics.is_empty() {
            return Err(format!(
                "the generated policy has {} diagnostics, the first: {}",
                compiled.diagnostics.len(),
                compiled.diagnostics[0].message
            ));
        }
        eprintln!(
            "run {run}/{RUNS}: {} users, {} teams, {} assets compiled",
            compiled.access.users.len(),
            loaded.policy.teams.len(),
            loaded.policy.assets.len()
        );
    }
    Ok(())
}

fn run() -> Result<bool, String> {
    let size = OrgSize::large();
    let dir = TempDir::new("teamform-bench")
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let files = generate(&size, 1);
    write(dir.path(), &files)
        .map_err(|e| format!("cannot write `{}`: {e}", dir.path().display()))?;
    let bytes: usize = files.iter().map(|(_, text)| text.len()).sum();
    eprintln!(
        "generated {} files ({:.1} MiB) in {}: {size:?}",
        files.len(),
        bytes as f64 / (1024.0 * 1024.0),
        dir.path().display()
    );
    drop(files);

    let mut best = Best::default();
    measure(dir.path(), &mut best)?;
    let (Some(floor), Some(load), Some(full), Some(compile_part)) =
        (best.floor, best.load, best.full, best.compile_part)
    else {
        return Err("nothing was measured".to_string());
    };
    let peak = peak_resident();

    let ratio = |d: Duration| d.as_secs_f64() / floor.as_secs_f64();
    println!("threads: {}", rayon::current_num_threads());
    println!("| measurement (best of {RUNS}) | ms | × floor |");
    println!("|---|---:|---:|");
    let rows = [
        ("floor: read + `toml::from_str::<Table>`, 1 thread", floor),
        ("`load_dir`", load),
        ("`load_dir` + `compile` (incl. effective access)", full),
        ("of which `compile`", compile_part),
    ];
    for (name, d) in rows {
        println!("| {name} | {:.0} | {:.2} |", ms(d), ratio(d));
    }
    match peak {
        Some(p) => println!(
            "peak resident memory (VmHWM): {:.0} MiB",
            p as f64 / 1048576.0
        ),
        None => println!("peak resident memory: unknown (no /proc/self/status)"),
    }

    let mut ok = true;
    if ratio(full) > MAX_RATIO {
        println!(
            "FAIL: load + compile took {:.2}× the floor, more than {MAX_RATIO}×",
            ratio(full)
        );
        ok = false;
    }
    if peak.is_some_and(|p| p > MAX_PEAK_BYTES) {
        println!("FAIL: the peak resident memory is above 1 GiB");
        ok = false;
    }
    Ok(ok)
}

fn main() -> ExitCode {
    teamform_bench::measure::verdict(run())
}
