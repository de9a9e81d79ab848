//! The reconcile loop, a long-running GitOps controller: each cycle fetches the branch, compiles
//! the policy at its tip, plans against the portal and, in `apply` mode, applies the changes
//! (reverting drift made by hand), or only reports them. It never applies an invalid policy:
//! it keeps the last good commit. It backs off on portal errors, logs one JSON line per cycle
//! and stops between operations when asked.

mod cycle;

pub use cycle::{Cycle, CycleLog, Mode, Status};

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Parses an interval such as `60s`, `2m`, `500ms` or `1h`.
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("`{text}` is not an interval like `60s`"))?;
    let d = match unit {
        "ms" => Duration::from_millis(n),
        "s" | "" => Duration::from_secs(n),
        "m" => Duration::from_secs(n * 60),
        "h" => Duration::from_secs(n * 3600),
        _ => {
            return Err(format!(
                "`{text}` is not an interval like `60s` (units: ms, s, m, h)"
            ));
        }
    };
    if d.is_zero() {
        return Err("the interval must be longer than zero".to_string());
    }
    Ok(d)
}

/// Runs cycles every `interval` until `stop` is set (checked between cycles and while
/// waiting, never during an operation), or once with `once`. Consecutive portal errors
/// double the wait, up to ten intervals. Returns the last cycle's log.
pub fn run(
    cycle: &mut Cycle<'_>,
    interval: Duration,
    once: bool,
    stop: &AtomicBool,
    log: &mut dyn Write,
) -> Option<CycleLog> {
    let mut failures = 0u32;
    loop {
        let entry = cycle.run();
        let _ = writeln!(log, "{}", serde_json::to_string(&entry).unwrap_or_default());
        let _ = log.flush();
        failures = if entry.status.failed() {
            failures + 1
        } else {
            0
        };
        let last = Some(entry);
        if once || stop.load(Ordering::SeqCst) {
            return last;
        }
        let wait = interval.saturating_mul(2u32.saturating_pow(failures.min(4)).min(10));
        let until = Instant::now() + wait;
        while Instant::now() < until {
            if stop.load(Ordering::SeqCst) {
                return last;
            }
            std::thread::sleep(
                Duration::from_millis(50).min(until.saturating_duration_since(Instant::now())),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_interval;
    use std::time::Duration;

    #[test]
    fn intervals() {
        assert_eq!(parse_interval("60s"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_interval("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_interval("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_interval("0s").is_err());
        assert!(parse_interval("soon").is_err());
        assert!(parse_interval("5d").is_err());
    }
}
