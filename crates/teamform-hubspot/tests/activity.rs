//! Reading activity through the simulator: each user's last successful login within the
//! window and the user security events, in the fewest requests (the login history is read
//! newest first and no further than the window; the security history once, by time range).

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests and their helpers stop with a clear message.

mod common;

use common::Sim;
use serde_json::json;
use teamform_portal::activity::{ActivityFile, Instant, LoginAudit};
use teamform_portal::{LiveState, Provider};

const DAY: i64 = 86_400_000;

fn login(n: usize, user: i64, at: Instant, ok: bool) -> LoginAudit {
    serde_json::from_value(json!({
        "id": format!("login-{n}"),
        "loginAt": at.to_string(),
        "loginSucceeded": ok,
        "userId": user,
    }))
    .unwrap()
}

#[test]
fn last_logins_and_user_events_come_from_few_requests_within_the_window() {
    let until = Instant::parse("2026-11-30T00:00:00Z").unwrap();
    let mut activity = ActivityFile::default();
    // 3,000 logins of user 1, one every two hours back from `until` (250 days), and the
    // last successful login of user 2 100 days ago (outside the window), and of user 3 a
    // failed attempt yesterday after a success 10 days ago.
    for n in 0..3000 {
        let at = Instant(until.0 - (n as i64 + 1) * DAY / 12);
        activity.login.push(login(n, 1, at, true));
    }
    activity
        .login
        .push(login(3000, 2, Instant(until.0 - 100 * DAY), true));
    activity
        .login
        .push(login(3001, 3, Instant(until.0 - DAY), false));
    activity
        .login
        .push(login(3002, 3, Instant(until.0 - 10 * DAY), true));
    activity.security = serde_json::from_value(json!([
        { "id": "s1", "createdAt": "2026-11-20T00:00:00Z", "type": "ADD_USER", "userId": 1, "objectId": "3" },
        { "id": "s2", "createdAt": "2026-01-20T00:00:00Z", "type": "ADD_USER", "userId": 1, "objectId": "2" },
        { "id": "s3", "createdAt": "2026-11-21T00:00:00Z", "type": "CHANGE_PASSWORD", "userId": 3 }
    ]))
    .unwrap();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_vec(&activity).unwrap()).unwrap();
    let path = file.path().to_path_buf();
    let sim = Sim::start(LiveState::default(), move |c| c.activity = Some(path));
    let mut provider = sim.provider(true);
    let read = provider.read_activity(until, 90).unwrap();

    assert!(read.available);
    assert_eq!(read.since, Some(until.days_before(90)));
    assert_eq!(
        read.last_login(Some("1"), "one@acme.example"),
        Some(Instant(until.0 - DAY / 12))
    );
    assert_eq!(read.last_login(Some("2"), "two@acme.example"), None);
    assert_eq!(
        read.last_login(Some("3"), "three@acme.example"),
        Some(Instant(until.0 - 10 * DAY))
    );
    assert_eq!(
        read.added.get("3").copied(),
        Instant::parse("2026-11-20T00:00:00Z")
    );
    assert!(!read.added.contains_key("2"), "outside the window");
    let kinds: Vec<&str> = read.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["ADD_USER"]);

    // 90 days are 1,080 logins of user 1: two pages of 1,000 reach past the window, the
    // third is never asked for; the security history is one request.
    let requests = sim.requests();
    let count = |path: &str| requests.iter().filter(|r| r["path"] == path).count();
    assert_eq!(count("/account-info/2026-09/activity/login"), 2);
    assert_eq!(count("/account-info/2026-09/activity/security"), 1);
}

#[test]
fn a_portal_without_activity_answers_empty_not_inactive() {
    let sim = Sim::start(LiveState::default(), |_| {});
    let read = sim
        .provider(true)
        .read_activity(Instant::parse("2026-11-30T00:00:00Z").unwrap(), 90)
        .unwrap();
    // The simulator serves empty histories: available, with no login.
    assert!(read.available);
    assert!(read.last_login_by_id.is_empty());
}

#[test]
fn a_token_without_the_activity_scopes_reads_no_activity() {
    let sim = Sim::start(LiveState::default(), |config| {
        config.activity_scopes = false
    });
    let read = sim
        .provider(true)
        .read_activity(Instant::parse("2026-11-30T00:00:00Z").unwrap(), 90)
        .unwrap();
    // HubSpot's 403 (scopes missing) is no activity to review, not an error nor "inactive".
    assert!(!read.available);
    assert!(read.last_login_by_id.is_empty());
    let requests = sim.requests();
    assert!(
        requests
            .iter()
            .any(|r| r["path"] == "/account-info/2026-09/activity/login" && r["status"] == 403),
        "{requests:?}"
    );
}
