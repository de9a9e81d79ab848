//! When and how long to wait before trying a request again.
//!
//! A 429, a 5xx and a connection failure are worth another try, after an exponentially
//! growing delay with full jitter, or after the server's `Retry-After` when it sent one. Which
//! of them may be retried blindly depends on the request: a read, an update or a delete can
//! be sent again as it is, but a create that may have succeeded (a 5xx, a timeout, a
//! connection dropped after sending) must first be looked up, which the caller does.

use reqwest::header::HeaderMap;
use std::time::Duration;

/// How many times to try, and how long to wait in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub attempts: u32,
    /// The delay before the first retry; it doubles each time.
    pub base: Duration,
    /// The longest delay between two tries.
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 8,
            base: Duration::from_millis(250),
            cap: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The delay before try `attempt + 1` (`attempt` counts from 1), honouring the server's
    /// `Retry-After` (never waiting less than it asked, plus a little jitter).
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20))
            .min(self.cap);
        // Full jitter: anywhere between nothing and the exponential delay, so that clients
        // that failed together do not come back together.
        let jitter = exp.mul_f64(fastrand::f64());
        match retry_after {
            Some(after) => after + jitter.min(self.base),
            None => jitter.max(Duration::from_millis(1)),
        }
    }
}

/// The `Retry-After` header, in seconds (HubSpot does not send dates).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    value
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

/// What a failed try means for the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The server did not perform it (a 429, or the connection was never made): send again.
    NotDone,
    /// It may or may not have been performed (a 5xx, a timeout, a connection lost after
    /// sending): an idempotent request is sent again, a create is looked up first.
    Unknown,
}

/// Whether an HTTP status is worth another try, and what it says about the request.
pub fn classify_status(status: u16) -> Option<Failure> {
    match status {
        429 => Some(Failure::NotDone),
        500..=599 => Some(Failure::Unknown),
        _ => None,
    }
}

/// What a transport error says about the request: a failed connect never reached the server.
pub fn classify_transport(error: &reqwest::Error) -> Failure {
    if error.is_connect() {
        Failure::NotDone
    } else {
        Failure::Unknown
    }
}

/// Whether a transport error is a refused connection (nothing listening at the address), as
/// the operating system reported it somewhere in the error's chain of causes.
pub fn connection_refused(error: &reqwest::Error) -> bool {
    if !error.is_connect() {
        return false;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(s) = source {
        if s.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
        {
            return true;
        }
        source = s.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn delays_grow_and_stay_under_the_cap() {
        let policy = RetryPolicy {
            attempts: 10,
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
        };
        for attempt in 1..12 {
            let d = policy.delay(attempt, None);
            assert!(d <= Duration::from_secs(1), "{attempt}: {d:?}");
        }
    }

    #[test]
    fn honours_retry_after() {
        let policy = RetryPolicy::default();
        let d = policy.delay(1, Some(Duration::from_secs(2)));
        assert!(d >= Duration::from_secs(2));
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
    }

    #[test]
    fn classifies_statuses() {
        assert_eq!(classify_status(429), Some(Failure::NotDone));
        assert_eq!(classify_status(503), Some(Failure::Unknown));
        assert_eq!(classify_status(400), None);
    }
}
