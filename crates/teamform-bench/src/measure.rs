//! What the benchmark binaries share: a temporary directory, the parse floor they compare
//! against, and the peak memory of the process.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A temporary directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A fresh directory in the system's temporary directory, named after `prefix`.
    pub fn new(prefix: &str) -> std::io::Result<Self> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("{prefix}-{}-{nanos}", std::process::id());
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.0) {
            eprintln!("warning: cannot remove `{}`: {e}", self.0.display());
        }
    }
}

/// The floor: every file read and parsed by the `toml` crate alone, one after the other.
pub fn floor(paths: &[PathBuf]) -> Result<Duration, String> {
    let start = Instant::now();
    let tables = parse_all(paths)?;
    let elapsed = start.elapsed();
    // The tables are dropped outside the measurement, as for the other measurements.
    drop(tables);
    Ok(elapsed)
}

/// Every file read and parsed by the `toml` crate alone, one after the other.
fn parse_all(paths: &[PathBuf]) -> Result<Vec<toml::Table>, String> {
    let mut tables = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let table: toml::Table = toml::from_str(&text)
            .map_err(|e| format!("`{}` does not parse: {e}", path.display()))?;
        tables.push(table);
    }
    Ok(tables)
}

/// Every policy file of `dir` read and parsed by the `toml` crate alone, one after the other
/// (`teamform-bench-floor`).
pub fn parse_dir(dir: &Path) -> Result<Vec<toml::Table>, String> {
    let paths =
        teamform_model::discover(dir).map_err(|e| format!("cannot list the policy: {e}"))?;
    parse_all(&paths)
}

/// The floor measured the way the plans run: a process of its own (`teamform-bench-floor`,
/// built beside the benchmark) that starts, reads and parses every policy file of `dir` and
/// exits, timed from start to exit like [`run_binary`]. It takes all its memory fresh from
/// the system, as the `teamform` processes it is compared with do, while [`floor`] reuses
/// the benchmark's own.
pub fn fresh_floor(dir: &Path) -> Result<Duration, String> {
    let floor = beside("teamform-bench-floor", "teamform-bench")?;
    let ran = run_binary(&floor, dir, &[dir], std::process::Stdio::null())?;
    match ran.code {
        Some(0) => Ok(ran.time),
        code => Err(format!("the floor's process exited with {code:?}")),
    }
}

/// The peak resident memory of the process so far (`VmHWM`), in bytes.
pub fn peak_resident() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// A duration in milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The exit status of a benchmark: success when every target was met, failure when one was
/// missed or the benchmark could not run (its error printed).
pub fn verdict(result: Result<bool, String>) -> std::process::ExitCode {
    match result {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// What one run of a binary took.
pub struct Ran {
    /// From start to exit.
    pub time: Duration,
    /// Its peak resident memory in bytes (`maxrss`; on Linux at least the benchmark's own
    /// at the time it started the command, which shares its memory until it runs the binary).
    pub peak: u64,
    /// Its exit code (none when killed by a signal).
    pub code: Option<i32>,
}

/// Runs `BINARY ARGS` (the `teamform` binary, or `teamform-bench-floor`) in `dir`, standard
/// output to `stdout`, standard error discarded, without colours, and measures it.
pub fn run_binary<S: AsRef<std::ffi::OsStr>>(
    binary: &Path,
    dir: &Path,
    args: &[S],
    stdout: std::process::Stdio,
) -> Result<Ran, String> {
    use wait4::Wait4;
    let start = Instant::now();
    let mut child = std::process::Command::new(binary)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(stdout)
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run `{}`: {e}", binary.display()))?;
    let used = child
        .wait4()
        .map_err(|e| format!("waiting for `{}`: {e}", binary.display()))?;
    Ok(Ran {
        time: start.elapsed(),
        peak: used.rusage.maxrss,
        code: used.status.code(),
    })
}

/// The `teamform` binary built beside the running benchmark (`target/release/teamform`).
pub fn teamform_binary() -> Result<PathBuf, String> {
    beside("teamform", "teamform-cli")
}

/// The binary `name` built beside the running benchmark, by the package `package`.
fn beside(name: &str, package: &str) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let binary = exe.with_file_name(name);
    if !binary.exists() {
        return Err(format!(
            "`{}` is missing: build it with `cargo build --release -p {package}`",
            binary.display()
        ));
    }
    Ok(binary)
}
