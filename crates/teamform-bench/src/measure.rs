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
    let mut tables = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let table: toml::Table = toml::from_str(&text)
            .map_err(|e| format!("`{}` does not parse: {e}", path.display()))?;
        tables.push(table);
    }
    let elapsed = start.elapsed();
    // The tables are dropped outside the measurement, as for the other measurements.
    drop(tables);
    Ok(elapsed)
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
