//! Removals because access expired: the users (and memberships of additional teams) taken out
//! of the policy by `teamform_model::expire` whose removal the plan makes carry the reason
//! "expired on DATE",
//! on the operation (so every renderer shows it) and in [`Plan::expirations`] (so `reconcile`
//! can log the expirations it carried out).

use crate::op::FieldChange;
use crate::plan::Plan;
use foldhash::HashMap;
use serde::{Deserialize, Serialize};
use teamform_email::EmailKey;
use teamform_model::Expired;
use teamform_portal::Change;

/// A user the plan removes (or takes out of an additional team) because it expired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Expiration {
    /// The user's email.
    pub user: String,
    /// The additional team whose membership expired; absent when the user's access did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// The date their access expired on (`2026-11-30`).
    pub date: String,
}

/// Marks the removals of `expired` users (and the changes of users whose membership of an
/// additional team expired) in `plan` with their reason.
pub fn mark_expired(plan: &mut Plan, expired: &[Expired]) {
    if expired.is_empty() {
        return;
    }
    // The plan's removals and changes of users by email, found once: a large org has
    // thousands of expired users and a first plan hundreds of thousands of operations.
    let mut deletes: HashMap<EmailKey<'_>, usize> = HashMap::default();
    let mut updates: HashMap<EmailKey<'_>, usize> = HashMap::default();
    for (i, o) in plan.changes.iter().enumerate() {
        let found = match o.change {
            Change::DeleteUser { .. } => &mut deletes,
            Change::UpdateUser { .. } => &mut updates,
            _ => continue,
        };
        // The first operation of an email is the one marked.
        found.entry(EmailKey::new(&o.key)).or_insert(i);
    }
    let marks: Vec<(usize, &Expired)> = expired
        .iter()
        .filter_map(|e| {
            let found = match e.team {
                None => &deletes,
                Some(_) => &updates,
            };
            found.get(&EmailKey::new(&e.email)).map(|i| (*i, e))
        })
        .collect();
    for (i, e) in marks {
        let op = &mut plan.changes[i];
        let date = e.date.to_string();
        let reason = match &e.team {
            None => format!("expired on {date}"),
            Some(team) => format!("membership of team `{team}` expired on {date}"),
        };
        op.changes.push(FieldChange {
            field: crate::field::Field::Reason,
            before: None,
            after: Some(reason),
        });
        plan.expirations.push(Expiration {
            user: op.key.clone(),
            team: e.team.clone(),
            date,
        });
    }
}
