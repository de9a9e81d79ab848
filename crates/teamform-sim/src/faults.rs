//! Fault injection: a fraction of requests answered with a 500, 502 or 503, a 429 burst, or a
//! dropped connection, chosen by a seedable generator so that a test sees the same faults in the
//! same order on every run.

use crate::clock::splitmix;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// One injected fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// A server error with this status (500, 502 or 503).
    ServerError(u16),
    /// A 429, as if the rate limit had been reached.
    TooManyRequests,
    /// The connection is closed without an answer.
    Drop,
}

impl Fault {
    /// The name written to the request log.
    pub fn name(self) -> &'static str {
        match self {
            Fault::ServerError(500) => "500",
            Fault::ServerError(502) => "502",
            Fault::ServerError(_) => "503",
            Fault::TooManyRequests => "429",
            Fault::Drop => "dropped",
        }
    }
}

/// The kinds of fault, drawn with equal chances.
const KINDS: [Fault; 5] = [
    Fault::ServerError(500),
    Fault::ServerError(502),
    Fault::ServerError(503),
    Fault::TooManyRequests,
    Fault::Drop,
];

/// The fault injector: a rate and a SplitMix64 stream.
#[derive(Debug)]
pub struct Faults {
    rate: f64,
    state: Mutex<u64>,
}

impl Faults {
    /// An injector failing `rate` of the requests, seeded with `seed` (or the clock).
    pub fn new(rate: f64, seed: Option<u64>) -> Self {
        let seed = seed.unwrap_or_else(|| {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos();
            u64::try_from(nanos % u128::from(u64::MAX)).unwrap_or(0)
        });
        Faults {
            rate,
            state: Mutex::new(seed),
        }
    }

    fn next(&self) -> u64 {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        *state = state.wrapping_add(1);
        splitmix(*state)
    }

    /// Whether this request fails, and how. Without faults configured, the stream is not used.
    pub fn draw(&self) -> Option<Fault> {
        if self.rate <= 0.0 {
            return None;
        }
        // The top 53 bits give a uniform fraction in [0, 1).
        let fraction = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        if fraction >= self.rate {
            return None;
        }
        let index = usize::try_from(self.next() % KINDS.len() as u64).unwrap_or(0);
        KINDS.get(index).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_faults() {
        let a = Faults::new(1.0, Some(7));
        let b = Faults::new(1.0, Some(7));
        let left: Vec<_> = (0..50).map(|_| a.draw()).collect();
        let right: Vec<_> = (0..50).map(|_| b.draw()).collect();
        assert_eq!(left, right);
        assert!(left.iter().all(Option::is_some));
        assert!(left.contains(&Some(Fault::Drop)));
    }

    #[test]
    fn no_rate_no_fault() {
        let f = Faults::new(0.0, Some(1));
        assert!((0..100).all(|_| f.draw().is_none()));
    }
}
