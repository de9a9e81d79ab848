//! What the simulator records of the writes made through its API, as HubSpot records changes
//! made in a portal: one audit-log event (`PublicApiUserActionEvent`) per successful write to
//! users or teams, and a security event (`HydratedCriticalAction`) when a user is added or
//! removed, both served by the activity endpoints from then on (`activity.rs`).
//!
//! Who acted is the identity of the token: the private app's token acts as the app (user id
//! 0, no email); a user token (`--user-token EMAIL=TOKEN`) acts as that user, as a person
//! changing the portal by hand in HubSpot's screens would be recorded.

use crate::clock::now_iso;
use crate::state::{App, user_by_email};
use axum::http::Method;
use teamform_portal::activity::{ActingUser, CriticalAction, UserActionEvent};

/// Who sent a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// The private app the simulator's token belongs to.
    App,
    /// A user of the portal, by email.
    User(String),
}

/// What a write changed: the category of the object, the action, and its id when known.
#[derive(Debug, PartialEq, Eq)]
pub struct Write {
    /// `USER` or `TEAM`.
    pub category: &'static str,
    /// `CREATE`, `UPDATE` or `DELETE`.
    pub action: &'static str,
    /// `MEMBERS` for a team's membership.
    pub sub_category: Option<&'static str>,
    /// The object's id (for a create, read from the answer).
    pub target: Option<String>,
}

/// The write a request makes, if it is one the audit log records (users and teams).
pub fn classify(method: &Method, path: &str) -> Option<Write> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let category = match segments.as_slice() {
        ["settings", "teams", ..] => "TEAM",
        ["settings", "users", ..] | ["settings", _, "users", ..] => "USER",
        _ => return None,
    };
    let target = segments.get(3).map(|s| s.to_string());
    let sub_category = (segments.len() > 4 && category == "TEAM").then_some("MEMBERS");
    if target
        .as_deref()
        .is_some_and(|t| ["roles", "teams", "seats"].contains(&t))
    {
        return None;
    }
    let action = match (method.as_str(), &target, sub_category) {
        ("POST", None, _) => "CREATE",
        ("PUT" | "PATCH", Some(_), _) | ("POST" | "DELETE", Some(_), Some(_)) => "UPDATE",
        ("DELETE", Some(_), None) => "DELETE",
        _ => return None,
    };
    Some(Write {
        category,
        action,
        sub_category,
        target,
    })
}

/// Records a successful write by `actor`.
pub fn record(app: &App, actor: &Actor, mut write: Write) {
    // A user named by email (`idProperty=EMAIL`) is recorded under their id.
    if let Some(email) = write.target.clone().filter(|t| t.contains('@')) {
        let id = app
            .store
            .read(|data| user_by_email(data, &email).map(|u| u.id.clone()));
        write.target = id.or(write.target);
    }
    let (user_id, email) = match actor {
        Actor::App => (0, None),
        Actor::User(email) => {
            let id = app.store.read(|data| {
                user_by_email(data, email)
                    .and_then(|u| u.id.parse::<i64>().ok())
                    .unwrap_or(0)
            });
            (id, Some(email.clone()))
        }
    };
    let at = now_iso();
    let mut activity = app.activity.lock().unwrap_or_else(|e| e.into_inner());
    let n = activity.audit.len() + activity.security.len() + 1;
    if write.category == "USER" && write.action != "UPDATE" {
        activity.security.push(CriticalAction {
            id: format!("sim-security-{n}"),
            created_at: at.clone(),
            kind: match write.action {
                "CREATE" => "ADD_USER",
                _ => "REMOVE_USER",
            }
            .to_string(),
            user_id,
            acting_user: email.clone(),
            object_id: write.target.clone(),
            info_url: None,
            country_code: None,
            region_code: None,
            location: None,
            ip_address: None,
        });
    }
    activity.audit.push(UserActionEvent {
        id: format!("sim-audit-{n}"),
        occurred_at: at,
        acting_user: ActingUser {
            user_id,
            user_email: email,
        },
        action: write.action.to_string(),
        category: write.category.to_string(),
        sub_category: write.sub_category.map(str::to_string),
        target_object_id: write.target,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_to_users_and_teams_are_classified() {
        let w = classify(&Method::PUT, "/settings/v3/users/1000012");
        assert_eq!(w.map(|w| (w.category, w.action)), Some(("USER", "UPDATE")));
        let w = classify(&Method::POST, "/settings/users/2026-09-beta");
        assert_eq!(w.map(|w| (w.action, w.target)), Some(("CREATE", None)));
        let w = classify(
            &Method::DELETE,
            "/settings/teams/2026-09-beta/77/members/12",
        );
        assert_eq!(
            w.map(|w| (w.category, w.action, w.sub_category, w.target)),
            Some(("TEAM", "UPDATE", Some("MEMBERS"), Some("77".to_string())))
        );
        assert_eq!(classify(&Method::POST, "/crm/v3/objects/contacts"), None);
        assert_eq!(classify(&Method::GET, "/settings/v3/users/roles"), None);
    }
}
