//! The reconcile loop, a long-running GitOps controller: each cycle fetches the branch, compiles
//! the policy at its tip, plans against the portal and, in `apply` mode, applies the changes
//! (reverting drift made by hand), or only reports them. It never applies an invalid policy:
//! it keeps the last good commit. It backs off on portal errors, logs one JSON line per event
//! and stops between rounds when asked.
//!
//! - [`fleet`]: one portal or a directory of portals, reconciled at the same time, each on its
//!   own ([`cycle`](Cycle): one portal's cycle).
//! - [`metrics`] and [`serve`]: Prometheus metrics, `/healthz`, `/readyz`.
//! - [`attribution`](attribute): who changed what the plan finds different.
//! - [`notify`]: webhook and GitHub issue notifications, announced once.

mod attribution;
mod cycle;
pub mod fleet;
mod member;
pub mod metrics;
pub mod notify;
pub mod serve;

pub use attribution::{Attribution, LastIds, attribute};
pub use cycle::{ATTRIBUTION_DAYS, Cycle, CycleLog, Mode, Opener, Status};
pub use fleet::{Fleet, Layout, Open, Settings, Source};

use std::time::Duration;

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
