//! Pacing by HubSpot's rate-limit headers, so that a steady stream of requests never runs
//! into a 429.
//!
//! HubSpot's limit is rolling: at most `X-HubSpot-RateLimit-Max` requests in any
//! `X-HubSpot-RateLimit-Interval-Milliseconds`, with `X-HubSpot-RateLimit-Remaining` left
//! (and the same for one second with `-Secondly` / `-Secondly-Remaining` where sent). The
//! pacer remembers when it sent each of its own requests within the interval, learns from
//! every answer how many requests others (other apps on the same token) used, and lets a
//! request go only while its own requests in the interval, plus the others', stay a small
//! reserve below the maximum; otherwise it waits until its oldest request leaves the
//! interval. Whether the server's window is rolling or fixed, no interval then holds more
//! requests than allowed.

use reqwest::header::HeaderMap;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Requests kept in reserve in each limit, for other clients of the same app.
const RESERVE: u64 = 1;

/// One advertised limit and this client's use of it.
#[derive(Debug, Clone)]
struct Limit {
    /// Requests allowed per interval.
    max: u64,
    /// The interval.
    interval: Duration,
    /// Requests in the interval that were not ours, at the last answer.
    others: u64,
    /// When the last answer came: the others' requests have all left the interval one
    /// interval later.
    observed: Instant,
    /// When this client sent its requests of the last interval, oldest first.
    sends: VecDeque<Instant>,
}

impl Limit {
    fn prune(&mut self, now: Instant) {
        while self
            .sends
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= self.interval)
        {
            self.sends.pop_front();
        }
    }

    /// When the next request may go, `None` for now.
    fn wait(&mut self, now: Instant) -> Option<Instant> {
        self.prune(now);
        let others_gone = self.observed + self.interval;
        if now >= others_gone {
            self.others = 0;
        }
        let used = self.sends.len() as u64 + self.others + RESERVE;
        if used < self.max {
            return None;
        }
        // Room comes back when our oldest request leaves the interval, or when the others'
        // requests have all left it, whichever is first.
        let ours = self.sends.front().map(|t| *t + self.interval);
        Some(match ours {
            Some(t) if self.others == 0 || t < others_gone => t,
            _ => others_gone,
        })
    }
}

#[derive(Debug, Default)]
struct State {
    /// The burst limit and the one-second limit, once advertised.
    limits: [Option<Limit>; 2],
    /// No request before this (after a 429's `Retry-After`).
    blocked_until: Option<Instant>,
}

/// The shared pacing state of one client.
#[derive(Debug, Default)]
pub struct Pacer {
    state: Mutex<State>,
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

impl Pacer {
    /// Waits until a request may be sent without running out of any limit, and counts it.
    pub async fn acquire(&self) {
        while let Some(until) = self.try_acquire(Instant::now()) {
            tokio::time::sleep_until(until).await;
        }
    }

    /// Counts a request sent `now`, or says until when to wait.
    fn try_acquire(&self, now: Instant) -> Option<Instant> {
        let Ok(mut state) = self.state.lock() else {
            return None;
        };
        if let Some(until) = state.blocked_until {
            if now < until {
                return Some(until);
            }
            state.blocked_until = None;
        }
        let wait = state
            .limits
            .iter_mut()
            .flatten()
            .filter_map(|l| l.wait(now))
            .max();
        if wait.is_some() {
            return wait;
        }
        for limit in state.limits.iter_mut().flatten() {
            limit.sends.push_back(now);
        }
        None
    }

    /// Learns from an answer's rate-limit headers.
    pub fn observe(&self, headers: &HeaderMap) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let now = Instant::now();
        let burst = header_u64(headers, "x-hubspot-ratelimit-remaining").map(|remaining| {
            let ms = header_u64(headers, "x-hubspot-ratelimit-interval-milliseconds");
            let max = header_u64(headers, "x-hubspot-ratelimit-max");
            (
                max,
                remaining,
                Duration::from_millis(ms.unwrap_or(10_000).max(1)),
            )
        });
        let secondly = header_u64(headers, "x-hubspot-ratelimit-secondly-remaining").map(|r| {
            let max = header_u64(headers, "x-hubspot-ratelimit-secondly");
            (max, r, Duration::from_secs(1))
        });
        for (slot, report) in state.limits.iter_mut().zip([burst, secondly]) {
            let Some((max, remaining, interval)) = report else {
                continue;
            };
            let limit = slot.get_or_insert_with(|| Limit {
                max: 0,
                interval,
                others: 0,
                observed: now,
                sends: VecDeque::new(),
            });
            limit.observed = now;
            limit.interval = interval;
            limit.prune(now);
            let ours = limit.sends.len() as u64;
            limit.max = max.unwrap_or(remaining + ours);
            limit.others = limit.max.saturating_sub(remaining).saturating_sub(ours);
        }
    }

    /// Holds every request until `until`, after a 429, so that none goes out before the time
    /// the server asked for.
    pub fn block_until(&self, until: Instant) {
        if let Ok(mut state) = self.state.lock() {
            state.blocked_until = Some(state.blocked_until.map_or(until, |b| b.max(until)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(max: u64, remaining: u64) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-hubspot-ratelimit-max", HeaderValue::from(max));
        h.insert(
            "x-hubspot-ratelimit-remaining",
            HeaderValue::from(remaining),
        );
        h.insert(
            "x-hubspot-ratelimit-interval-milliseconds",
            HeaderValue::from(10_000u64),
        );
        h
    }

    #[test]
    fn waits_for_its_oldest_request_to_leave_the_interval() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        assert!(pacer.try_acquire(t0).is_none());
        pacer.observe(&headers(4, 3));
        let t1 = t0 + Duration::from_secs(1);
        assert!(pacer.try_acquire(t1).is_none());
        assert!(pacer.try_acquire(t1).is_none());
        // Three of ours in the interval, one in reserve: the fourth waits for the first.
        let wait = pacer.try_acquire(t1);
        assert!(wait.is_some_and(|w| w >= t1 + Duration::from_secs(8)));
    }

    #[test]
    fn counts_other_clients_use() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        pacer.observe(&headers(10, 2));
        // Eight requests were someone else's: one more, then the reserve.
        assert!(pacer.try_acquire(t0).is_none());
        assert!(pacer.try_acquire(t0).is_some());
    }

    #[test]
    fn the_others_use_leaves_the_interval() {
        let pacer = Pacer::default();
        pacer.observe(&headers(10, 0));
        let t0 = Instant::now();
        let wait = pacer.try_acquire(t0).expect("a wait");
        assert!(wait <= t0 + Duration::from_secs(10));
        assert!(pacer.try_acquire(wait).is_none());
    }

    #[test]
    fn a_429_holds_everything() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        pacer.block_until(t0 + Duration::from_secs(2));
        assert_eq!(pacer.try_acquire(t0), Some(t0 + Duration::from_secs(2)));
        assert!(pacer.try_acquire(t0 + Duration::from_secs(2)).is_none());
    }
}
