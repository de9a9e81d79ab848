//! A connection refused before the API base ever answered is reported at once, naming the
//! host; once the portal has answered, a refused connection is a fault during the run and is
//! retried.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests and their helpers stop with a clear message.

mod common;

use common::{Sim, TOKEN};
use std::time::Duration;
use teamform_hubspot::{HubSpot, Options, RetryPolicy, Token};
use teamform_portal::{LiveState, PortalErrorKind, Provider};

/// A loopback address where nothing listens: a port the system handed out, closed again.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    format!("http://{address}")
}

#[test]
fn a_refused_first_connection_fails_at_once_with_the_host() {
    let base = closed_port();
    // The default retry policy: without the early stop, eight tries per list and seconds of
    // backoff.
    let mut hubspot =
        HubSpot::with_options(&base, Token::new(TOKEN).expect("token"), Options::default())
            .expect("provider");
    let error = hubspot.read().expect_err("nothing listens");
    assert_eq!(error.kind(), PortalErrorKind::Transport, "{error}");
    // The operating system's refusal is kept as the error's cause, under the HTTP client's.
    let mut refused = false;
    let mut cause = std::error::Error::source(&error);
    while let Some(c) = cause {
        refused |= c
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused);
        cause = c.source();
    }
    assert!(refused, "{error:?}");
    let error = error.to_string();
    // The three lists are read at once; each is tried once.
    assert_eq!(hubspot.requests_sent(), 3, "{error}");
    let host = base.trim_start_matches("http://");
    assert!(
        error.contains(&format!("cannot reach HubSpot at {host}")),
        "{error}"
    );
    assert!(error.contains("the connection was refused"), "{error}");
    assert!(error.contains("--api-base"), "{error}");
    assert!(!error.contains("gave up"), "{error}");
    assert!(!error.contains(TOKEN), "{error}");
}

#[test]
fn a_refused_connection_after_an_answer_is_retried() {
    let sim = Sim::start(LiveState::default(), |_| {});
    let options = Options {
        retry: RetryPolicy {
            attempts: 3,
            base: Duration::from_millis(5),
            cap: Duration::from_millis(20),
        },
        ..common::quick(true)
    };
    let mut hubspot = HubSpot::with_options(&sim.base, Token::new(TOKEN).expect("token"), options)
        .expect("provider");
    hubspot.read().expect("the simulator answers");
    let before = hubspot.requests_sent();
    // The portal goes away during the run.
    drop(sim);
    let error = hubspot.read().expect_err("the portal is gone").to_string();
    assert!(error.contains("gave up after 3 tries"), "{error}");
    assert!(!error.contains("cannot reach"), "{error}");
    assert_eq!(hubspot.requests_sent() - before, 9, "{error}");
    assert!(!error.contains(TOKEN), "{error}");
}
