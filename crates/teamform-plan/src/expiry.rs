//! Removals because access expired: the users (and memberships of additional teams) taken out
//! of the policy by `teamform_model::expire` whose removal the plan makes carry the reason
//! "expired on DATE",
//! on the operation (so every renderer shows it) and in [`Plan::expirations`] (so `reconcile`
//! can log the expirations it carried out).

use crate::op::FieldChange;
use crate::plan::Plan;
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
    for e in expired {
        let key = EmailKey::new(&e.email);
        let Some(op) = plan.changes.iter_mut().find(|o| {
            let kind = match e.team {
                None => matches!(o.change, Change::DeleteUser { .. }),
                Some(_) => matches!(o.change, Change::UpdateUser { .. }),
            };
            kind && EmailKey::new(&o.key) == key
        }) else {
            continue;
        };
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
