//! Reading the activity an access review needs, in the fewest requests: the login history
//! (newest first, read with the largest page until a page reaches past the window, since the
//! API filters it by user only) and the security events of the window (`fromTimestamp`,
//! `toTimestamp`), both at the same time. HubSpot keeps about 90 days of login history, so a
//! user without a login in the window has not logged in for that long, which is not "never".
//!
//! A portal whose token lacks the activity scopes (403) reads as a portal without activity.

use crate::client::{CallError, Client};
use crate::read::pages;
use teamform_portal::PortalError;
use teamform_portal::activity::{
    Activity, ActivityFile, CriticalAction, Instant, LoginAudit, UserActionEvent,
};

/// The login history.
pub const LOGINS: &str = "/account-info/2026-09/activity/login";
/// The security history.
pub const SECURITY: &str = "/account-info/2026-09/activity/security";
/// The audit logs (Enterprise only).
pub const AUDIT_LOGS: &str = "/account-info/2026-09/activity/audit-logs";
/// The largest page the activity endpoints return.
pub const ACTIVITY_PAGE: usize = 1000;

/// The activity of the `days` days before `until`.
pub async fn read(client: &Client, until: Instant, days: u32) -> Result<Activity, PortalError> {
    let since = until.days_before(days);
    let mut logins = Activity::window(since, until);
    let mut events = Activity::window(since, until);
    let (from, to) = (since.0.to_string(), until.0.to_string());
    let range = [
        ("fromTimestamp", from.as_str()),
        ("toTimestamp", to.as_str()),
    ];
    let read_logins = pages(
        client,
        LOGINS,
        ACTIVITY_PAGE,
        &[],
        |page: Vec<LoginAudit>| {
            let mut older = false;
            for login in &page {
                logins.add_login(login);
                older |= Instant::parse(&login.login_at).is_some_and(|at| at < since);
            }
            // Newest first: once a page reaches before the window, the rest is older still.
            !older
        },
    );
    let read_events = pages(
        client,
        SECURITY,
        ACTIVITY_PAGE,
        &range,
        |page: Vec<CriticalAction>| {
            page.iter().for_each(|e| events.add_event(e));
            true
        },
    );
    let (l, e) = tokio::join!(read_logins, read_events);
    for result in [l, e] {
        match result {
            Ok(()) => {}
            Err(e) if e.status() == Some(403) => return Ok(Activity::default()),
            Err(e) => return Err(CallError::into_portal(e)),
        }
    }
    logins.added = events.added;
    logins.events = events.events;
    logins.finish();
    Ok(logins)
}

/// Who changed what between `since` and `until`: the security events and the audit-log
/// events, read at the same time. Audit logs need Enterprise and security events the activity
/// scopes: either answered 403 is left empty, so changes go unattributed rather than fail.
pub async fn read_changes(
    client: &Client,
    since: Instant,
    until: Instant,
) -> Result<ActivityFile, PortalError> {
    let mut file = ActivityFile::default();
    let (from, to) = (since.0.to_string(), until.0.to_string());
    let range = [
        ("fromTimestamp", from.as_str()),
        ("toTimestamp", to.as_str()),
    ];
    let (after, before) = (since.to_string(), until.to_string());
    let window = [
        ("occurredAfter", after.as_str()),
        ("occurredBefore", before.as_str()),
    ];
    let mut security = Vec::new();
    let mut audit = Vec::new();
    let read_security = pages(
        client,
        SECURITY,
        ACTIVITY_PAGE,
        &range,
        |page: Vec<CriticalAction>| {
            security.extend(page);
            true
        },
    );
    let read_audit = pages(
        client,
        AUDIT_LOGS,
        ACTIVITY_PAGE,
        &window,
        |page: Vec<UserActionEvent>| {
            audit.extend(page);
            true
        },
    );
    let (s, a) = tokio::join!(read_security, read_audit);
    for result in [s, a] {
        match result {
            Ok(()) => {}
            Err(e) if e.status() == Some(403) => {}
            Err(e) => return Err(CallError::into_portal(e)),
        }
    }
    file.security = security;
    file.audit = audit;
    Ok(file)
}
