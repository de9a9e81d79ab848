//! What an access review needs of a portal's activity: each user's last successful login and
//! when they were added, within the window the portal keeps history for, and the security
//! events about users' access.

use super::{ActivityFile, CriticalAction, Instant, LoginAudit};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use teamform_email::EmailKey;

/// How many days of login history HubSpot keeps (about 90): a user with no login in the
/// window has not logged in for that long, which is not the same as never.
pub const RETENTION_DAYS: u32 = 90;

/// The security events about users' access that a review keeps.
pub const USER_EVENTS: &[&str] = &[
    "ADD_USER",
    "REMOVE_USER",
    "DEACTIVATE_USER",
    "REACTIVATE_USER",
    "ADD_ADMIN_USER",
    "REMOVE_ADMIN_USER",
    "ADD_ADMIN_PERMISSIONS",
    "REMOVE_ADMIN_PERMISSIONS",
    "REMOVE_TWO_FACTOR_AUTHENTICATION",
    "IMPERSONATE_USER",
    "EXPORT",
    "CONTACT_DATA_EXPORT",
    "EXPORT_USERS",
];

/// A portal's activity as a review reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// Whether the provider could read activity at all (a portal without activity APIs
    /// says nothing about logins, which is not the same as nobody logging in).
    pub available: bool,
    /// The start of the window the activity covers.
    pub since: Option<Instant>,
    /// When it was read.
    pub until: Option<Instant>,
    /// The last successful login, by user id.
    pub last_login_by_id: BTreeMap<String, Instant>,
    /// The last successful login of logins that carry only an email, by folded email.
    pub last_login_by_email: BTreeMap<String, Instant>,
    /// When each user was added (`ADD_USER` events, by the added user's id).
    pub added: BTreeMap<String, Instant>,
    /// The security events of [`USER_EVENTS`] in the window, oldest first.
    pub events: Vec<CriticalAction>,
}

impl Activity {
    /// An empty summary covering `since` to `until`, ready for [`Activity::add_login`] and
    /// [`Activity::add_event`].
    pub fn window(since: Instant, until: Instant) -> Activity {
        Activity {
            available: true,
            since: Some(since),
            until: Some(until),
            ..Activity::default()
        }
    }

    /// Summarises the records of `file` between `since` and `until`.
    pub fn from_file(file: &ActivityFile, since: Instant, until: Instant) -> Activity {
        let mut a = Activity::window(since, until);
        for login in &file.login {
            a.add_login(login);
        }
        for event in &file.security {
            a.add_event(event);
        }
        a.finish();
        a
    }

    fn in_window(&self, at: Instant) -> bool {
        self.since.is_none_or(|s| at >= s) && self.until.is_none_or(|u| at <= u)
    }

    /// Counts one login record: successful ones in the window move the user's last login.
    pub fn add_login(&mut self, login: &LoginAudit) {
        let Some(at) = Instant::parse(&login.login_at) else {
            return;
        };
        if !login.login_succeeded || !self.in_window(at) {
            return;
        }
        let slot = match (&login.user_id, &login.email) {
            (Some(id), _) => self.last_login_by_id.entry(id.to_string()),
            (None, Some(email)) => self
                .last_login_by_email
                .entry(EmailKey::new(email).as_str().to_string()),
            (None, None) => return,
        };
        let last = slot.or_insert(at);
        *last = (*last).max(at);
    }

    /// Counts one security event: those of [`USER_EVENTS`] in the window are kept, and an
    /// `ADD_USER` dates its user's creation.
    pub fn add_event(&mut self, event: &CriticalAction) {
        let Some(at) = Instant::parse(&event.created_at) else {
            return;
        };
        if !self.in_window(at) || !USER_EVENTS.contains(&event.kind.as_str()) {
            return;
        }
        if event.kind == "ADD_USER"
            && let Some(id) = &event.object_id
        {
            let added = self.added.entry(id.clone()).or_insert(at);
            *added = (*added).max(at);
        }
        self.events.push(event.clone());
    }

    /// Puts the events in time order (then by id), whatever order they were read in.
    pub fn finish(&mut self) {
        self.events.sort_by_key(|e| {
            (
                Instant::parse(&e.created_at).unwrap_or(Instant(0)),
                e.id.clone(),
            )
        });
    }

    /// The last successful login in the window of the user with `id` and `email`.
    pub fn last_login(&self, id: Option<&str>, email: &str) -> Option<Instant> {
        let by_id = id.and_then(|id| self.last_login_by_id.get(id)).copied();
        let by_email = self
            .last_login_by_email
            .get(EmailKey::new(email).as_str())
            .copied();
        by_id.max(by_email)
    }

    /// The security events per user id, oldest first: each event under the user it affects
    /// (its object) and the user it names, once each.
    pub fn events_by_user(&self) -> HashMap<String, Vec<&CriticalAction>> {
        let mut out: HashMap<String, Vec<&CriticalAction>> = HashMap::new();
        for e in &self.events {
            let user = e.user_id.to_string();
            if let Some(object) = e.object_id.as_ref().filter(|o| **o != user) {
                out.entry(object.clone()).or_default().push(e);
            }
            out.entry(user).or_default().push(e);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login(id: &str, user: i64, at: &str, ok: bool) -> LoginAudit {
        LoginAudit {
            id: id.into(),
            login_at: at.into(),
            login_succeeded: ok,
            user_id: Some(user),
            email: None,
            country_code: None,
            region_code: None,
            location: None,
            ip_address: None,
            user_agent: None,
        }
    }

    #[test]
    fn the_last_successful_login_in_the_window_counts() {
        let file = ActivityFile {
            login: vec![
                login("1", 7, "2026-10-01T08:00:00Z", true),
                login("2", 7, "2026-11-01T08:00:00Z", true),
                login("3", 7, "2026-11-20T08:00:00Z", false),
                login("4", 8, "2026-01-01T08:00:00Z", true),
            ],
            ..ActivityFile::default()
        };
        let until = Instant::parse("2026-11-30T00:00:00Z").unwrap();
        let a = Activity::from_file(&file, until.days_before(RETENTION_DAYS), until);
        assert_eq!(
            a.last_login(Some("7"), "x@example.com")
                .map(|i| i.to_string()),
            Some("2026-11-01T08:00:00Z".into())
        );
        assert_eq!(a.last_login(Some("8"), "y@example.com"), None);
    }
}
