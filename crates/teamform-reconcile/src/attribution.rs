//! Drift attribution: who changed an object the plan finds different, and when, from the
//! portal's security activity and audit logs ([`Provider::read_changes`]). An object is
//! matched to the events whose target is its portal id; the latest one names the author. An
//! object created by the plan because someone deleted it by hand has no id any more: its id is
//! the one the previous cycle read ([`LastIds`]).
//!
//! [`Provider::read_changes`]: teamform_portal::Provider::read_changes

use serde::Serialize;
use std::collections::HashMap;
use teamform_email::EmailKey;
use teamform_plan::Op;
use teamform_portal::activity::{ActivityFile, Instant};
use teamform_portal::{LiveState, ObjectKind};

/// Who changed one object, and when.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Attribution {
    /// The object's address (`user:EMAIL`, `team:KEY`).
    pub object: String,
    /// Its portal id.
    pub id: String,
    /// The email of who changed it; none for a change made through the API by a private app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The id of who changed it (0 for a private app).
    pub by_id: i64,
    /// When (RFC 3339).
    pub at: String,
    /// What the portal recorded: an audit-log action (`UPDATE`, `DELETE`...) or a security
    /// event's type (`REMOVE_USER`...).
    pub event: String,
}

/// The portal ids of the users (by folded email) and teams (by name) read by the last cycle.
#[derive(Clone, Debug, Default)]
pub struct LastIds {
    users: HashMap<String, String>,
    teams: HashMap<String, String>,
}

impl LastIds {
    /// The ids of `live`.
    pub fn of(live: &LiveState) -> LastIds {
        LastIds {
            users: (live.users.iter())
                .map(|u| (EmailKey::new(&u.email).as_str().to_string(), u.id.clone()))
                .collect(),
            teams: (live.teams.iter())
                .map(|t| (t.name.clone(), t.id.clone()))
                .collect(),
        }
    }

    /// The id of the object `op` changes: its own, else the one last read.
    fn id(&self, op: &Op) -> Option<String> {
        if let Some(id) = &op.portal_id {
            return Some(id.clone());
        }
        match op.kind {
            ObjectKind::User => self.users.get(EmailKey::new(&op.key).as_str()).cloned(),
            ObjectKind::Team => self.teams.get(&op.name).cloned(),
            _ => None,
        }
    }
}

/// The latest recorded change of each object `ops` changes, where the portal recorded one.
pub fn attribute(ops: &[&Op], last: &LastIds, events: &ActivityFile) -> Vec<Attribution> {
    // Each event as (target, when, by id, by email, what), from both sources.
    let audit = events.audit.iter().filter_map(|e| {
        Some((
            e.target_object_id.clone()?,
            Instant::parse(&e.occurred_at)?,
            e.acting_user.user_id,
            e.acting_user.user_email.clone(),
            e.action.clone(),
            e.occurred_at.clone(),
        ))
    });
    let security = events.security.iter().filter_map(|e| {
        Some((
            e.object_id.clone()?,
            Instant::parse(&e.created_at)?,
            e.user_id,
            e.acting_user.clone(),
            e.kind.clone(),
            e.created_at.clone(),
        ))
    });
    let mut latest: HashMap<String, (Instant, i64, Option<String>, String, String)> =
        HashMap::new();
    for (target, at, by_id, by, what, text) in audit.chain(security) {
        let slot =
            latest
                .entry(target)
                .or_insert((at, by_id, by.clone(), what.clone(), text.clone()));
        if at > slot.0 {
            *slot = (at, by_id, by, what, text);
        }
    }
    let mut out: Vec<Attribution> = ops
        .iter()
        .filter_map(|op| {
            let id = last.id(op)?;
            let (_, by_id, by, event, at) = latest.get(&id)?.clone();
            Some(Attribution {
                object: op.address().to_string(),
                id,
                by,
                by_id,
                at,
                event,
            })
        })
        .collect();
    out.sort_by(|a, b| a.object.cmp(&b.object));
    out.dedup_by(|a, b| a.object == b.object);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use teamform_plan::Action;
    use teamform_portal::activity::{ActingUser, CriticalAction, UserActionEvent};
    use teamform_portal::{Change, LiveUser};

    fn op(action: Action, key: &str, id: Option<&str>) -> Op {
        Op {
            action,
            kind: ObjectKind::User,
            key: key.to_string(),
            name: String::new(),
            portal_id: id.map(str::to_string),
            changes: Vec::new(),
            automatic: true,
            change: Change::DeleteTeam { id: String::new() },
            depends_on: Vec::new(),
            confirm: None,
        }
    }

    fn audit(id: &str, target: &str, by: i64, email: &str, at: &str) -> UserActionEvent {
        UserActionEvent {
            id: id.to_string(),
            occurred_at: at.to_string(),
            acting_user: ActingUser {
                user_id: by,
                user_email: Some(email.to_string()),
            },
            action: "UPDATE".to_string(),
            category: "USER".to_string(),
            sub_category: None,
            target_object_id: Some(target.to_string()),
        }
    }

    #[test]
    fn the_latest_change_of_each_object_names_its_author() {
        let events = ActivityFile {
            audit: vec![
                audit("1", "7", 1, "ana@acme.example", "2026-11-20T10:00:00Z"),
                audit("2", "7", 2, "bob@acme.example", "2026-11-21T10:00:00Z"),
                audit("3", "8", 1, "ana@acme.example", "2026-11-19T10:00:00Z"),
            ],
            ..ActivityFile::default()
        };
        let updated = op(Action::Update, "lea@acme.example", Some("7"));
        let untouched = op(Action::Update, "tom@acme.example", Some("9"));
        let found = attribute(&[&updated, &untouched], &LastIds::default(), &events);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].object, "user:lea@acme.example");
        assert_eq!(found[0].by.as_deref(), Some("bob@acme.example"));
        assert_eq!(found[0].at, "2026-11-21T10:00:00Z");
    }

    #[test]
    fn a_user_removed_by_hand_is_found_by_the_id_last_read() {
        let mut live = LiveState::default();
        live.users.push(LiveUser {
            id: "12".to_string(),
            email: "Lea@Acme.example".to_string(),
            name: "Léa".to_string(),
            role_id: None,
            primary_team_id: None,
            additional_team_ids: Vec::new(),
            super_admin: false,
            seats: Vec::new(),
        });
        let events = ActivityFile {
            security: vec![CriticalAction {
                id: "s1".to_string(),
                created_at: "2026-11-22T08:00:00Z".to_string(),
                kind: "REMOVE_USER".to_string(),
                user_id: 3,
                acting_user: Some("max@acme.example".to_string()),
                object_id: Some("12".to_string()),
                info_url: None,
                country_code: None,
                region_code: None,
                location: None,
                ip_address: None,
            }],
            ..ActivityFile::default()
        };
        let recreate = op(Action::Create, "lea@acme.example", None);
        let found = attribute(&[&recreate], &LastIds::of(&live), &events);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].event, "REMOVE_USER");
        assert_eq!(found[0].by.as_deref(), Some("max@acme.example"));
        assert_eq!(found[0].id, "12");
    }
}
