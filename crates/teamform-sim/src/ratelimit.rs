//! HubSpot's rolling rate limit: at most N requests in any ten seconds, advertised on every
//! answer with the `X-HubSpot-RateLimit-Max`, `-Remaining` and `-Interval-Milliseconds`
//! headers, and HubSpot's 429 body (`errorType: RATE_LIMIT`, `policyName:
//! TEN_SECONDLY_ROLLING`) past it.

use crate::clock::correlation_id;
use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The rolling window of HubSpot's burst limit.
pub const INTERVAL: Duration = Duration::from_secs(10);

/// The state of the limit after a request was counted, or refused.
#[derive(Clone, Copy, Debug)]
pub struct Verdict {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// Requests left in the current window.
    pub remaining: u32,
    /// When a refused request could succeed.
    pub retry_after: Duration,
}

/// A sliding-window rate limiter (the times of the requests of the last ten seconds).
#[derive(Debug)]
pub struct RateLimiter {
    max: u32,
    interval: Duration,
    hits: Mutex<VecDeque<Instant>>,
}

impl RateLimiter {
    /// A limiter allowing `max` requests per window; 0 allows everything.
    pub fn new(max: u32) -> Self {
        RateLimiter::per(max, INTERVAL)
    }

    /// A limiter of `max` requests per rolling `interval` (0 disables it).
    pub fn per(max: u32, interval: Duration) -> Self {
        RateLimiter {
            max,
            interval,
            hits: Mutex::new(VecDeque::new()),
        }
    }

    /// Whether the limit is enforced at all.
    pub fn enabled(&self) -> bool {
        self.max > 0
    }

    /// Counts a request (when `consume`) and says whether it is allowed. A refused request is
    /// not counted, as HubSpot does not count them.
    pub fn check(&self, consume: bool) -> Verdict {
        let now = Instant::now();
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        while hits
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.interval)
        {
            hits.pop_front();
        }
        let used = u32::try_from(hits.len()).unwrap_or(u32::MAX);
        if !self.enabled() {
            return Verdict {
                allowed: true,
                remaining: 0,
                retry_after: Duration::ZERO,
            };
        }
        if used >= self.max {
            let retry_after = hits
                .front()
                .map(|t| self.interval.saturating_sub(now.duration_since(*t)))
                .unwrap_or(self.interval);
            return Verdict {
                allowed: false,
                remaining: 0,
                retry_after,
            };
        }
        if consume {
            hits.push_back(now);
        }
        let used = used + u32::from(consume);
        Verdict {
            allowed: true,
            remaining: self.max - used,
            retry_after: Duration::ZERO,
        }
    }

    /// Adds the rate-limit headers to an answer.
    pub fn add_headers(&self, headers: &mut HeaderMap, verdict: Verdict) {
        if !self.enabled() {
            return;
        }
        headers.insert("x-hubspot-ratelimit-max", HeaderValue::from(self.max));
        headers.insert(
            "x-hubspot-ratelimit-remaining",
            HeaderValue::from(verdict.remaining),
        );
        headers.insert(
            "x-hubspot-ratelimit-interval-milliseconds",
            HeaderValue::from(u64::try_from(INTERVAL.as_millis()).unwrap_or(10_000)),
        );
    }
}

/// HubSpot's 429 answer for the ten-second limit, with a `Retry-After` in whole seconds.
pub fn too_many_requests(retry_after: Duration) -> Response {
    let body = json!({
        "status": "error",
        "message": "You have reached your ten_secondly_rolling limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": correlation_id(),
        "policyName": "TEN_SECONDLY_ROLLING",
        "groupName": "teamform-sim:private-app-api-calls",
        "category": "RATE_LIMITS",
    });
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
    response
        .headers_mut()
        .insert("retry-after", HeaderValue::from(secs.max(1)));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_without_counting_refusals() {
        let limiter = RateLimiter::new(2);
        assert_eq!(limiter.check(true).remaining, 1);
        assert_eq!(limiter.check(true).remaining, 0);
        let refused = limiter.check(true);
        assert!(!refused.allowed);
        assert!(refused.retry_after <= INTERVAL);
        assert_eq!(limiter.hits.lock().map(|h| h.len()).unwrap_or(0), 2);
    }
}
