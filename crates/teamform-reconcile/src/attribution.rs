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
use teamform_portal::{Kind, LiveState};

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
            Kind::User => self.users.get(EmailKey::new(&op.key).as_str()).cloned(),
            Kind::Team => self.teams.get(&op.name).cloned(),
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
