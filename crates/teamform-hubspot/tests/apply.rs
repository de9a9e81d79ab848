//! The demo policy applied through the simulator: to completion, then no changes; under
//! injected faults; and through a storm of 429s caused by another client of the same app.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests and their helpers stop with a clear message.

mod common;

use common::{Sim, TOKEN, converge, demo, hand_made};
use std::io::{Read, Write};
use std::time::{Duration, Instant};
use teamform_portal::{LiveState, Provider};

#[test]
fn the_demo_policy_applies_and_then_plans_no_changes() {
    let policy = demo();
    let sim = Sim::start(hand_made(&policy), |_| {});
    let mut hubspot = sim.provider(true);
    let journal = sim.dir.path().join("journal");
    let (plan, rounds) = converge(&mut hubspot, &policy, &journal, 3);
    assert!(plan.changes.is_empty(), "{:#?}", plan.changes);
    assert_eq!(rounds, 2, "one apply, then a plan without changes");
    // What HubSpot cannot read back is listed, not pending.
    assert!(plan.unverifiable.iter().any(|u| u.ends_with("permissions")));
    assert!(plan.unverifiable.iter().any(|u| u.starts_with("asset:")));
    // Paced by the headers: no 429 in steady state.
    let log = sim.requests();
    assert!(log.iter().all(|l| l["status"] != 429), "a 429 was hit");
    let portal = sim.portal();
    assert_eq!(portal.users.len(), policy.load.policy.users.len());
}

#[test]
fn without_seat_writes_users_with_seats_stay_manual_steps() {
    let policy = demo();
    let sim = Sim::start(hand_made(&policy), |_| {});
    let mut hubspot = sim.provider(false);
    let journal = sim.dir.path().join("journal");
    let (plan, _) = converge(&mut hubspot, &policy, &journal, 3);
    assert!(plan.changes.iter().all(|o| !o.automatic));
    assert!(!plan.manual_steps.is_empty());
    // Teams are written all the same.
    assert!(!sim.portal().teams.is_empty());
}

#[test]
fn apply_converges_under_a_20_percent_fault_rate() {
    let policy = demo();
    let sim = Sim::start(hand_made(&policy), |c| c.fail_rate = 0.2);
    let mut hubspot = sim.provider(true);
    let journal = sim.dir.path().join("journal");
    let (plan, rounds) = converge(&mut hubspot, &policy, &journal, 8);
    assert!(
        plan.changes.is_empty(),
        "after {rounds} rounds: {:#?}",
        plan.changes
    );
    let portal = sim.portal();
    // Nothing was created twice.
    assert_eq!(portal.users.len(), policy.load.policy.users.len());
    let faults = sim
        .requests()
        .iter()
        .filter(|l| l.get("fault").is_some())
        .count();
    assert!(faults > 0, "faults were injected");
}

/// Another client of the same app, spending the rate limit as fast as it can.
fn hammer(base: &str, until: Instant) {
    let addr = base.trim_start_matches("http://").to_string();
    while Instant::now() < until {
        if let Ok(mut s) = std::net::TcpStream::connect(&addr) {
            let request = format!(
                "GET /settings/users/2026-09-beta/roles HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"
            );
            let _ = s.write_all(request.as_bytes());
            let mut sink = Vec::new();
            let _ = s.read_to_end(&mut sink);
        }
    }
}

#[test]
fn a_429_storm_is_survived() {
    let mut seed = LiveState::default();
    for u in 0..450 {
        seed.users.push(teamform_portal::LiveUser {
            id: format!("{}", 10 + u),
            email: format!("u{u}@acme.example"),
            name: format!("U {u}"),
            role_id: None,
            primary_team_id: None,
            additional_team_ids: Vec::new(),
            super_admin: false,
            seats: Vec::new(),
        });
    }
    let sim = Sim::start(seed, |c| c.rate_limit = 10);
    let base = sim.base.clone();
    let until = Instant::now() + Duration::from_secs(3);
    let other = std::thread::spawn(move || hammer(&base, until));
    std::thread::sleep(Duration::from_millis(300));
    let mut hubspot = sim.provider(false);
    let live = hubspot.read().expect("the read survives the storm");
    let _ = other.join();
    assert_eq!(live.users.len(), 450);
    let storm = sim.requests().iter().filter(|l| l["status"] == 429).count();
    assert!(storm > 10, "there was a storm ({storm} 429s)");
}
