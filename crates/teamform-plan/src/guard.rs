//! The guardrails enforced at apply: removals beyond the allowed share need an explicit
//! acknowledgement, super admins never drop below the minimum, protected users are never
//! removed. `plan` evaluates the same checks, so that a refusal shows in review, before the
//! merge, not at apply.

use crate::{Action, Plan};
use std::collections::BTreeSet;
use teamform_email::EmailKey;
use teamform_portal::{Change, LiveState, ObjectKind};

/// The guardrails of the policy, as apply needs them.
#[derive(Clone, Debug, Default)]
pub struct Guardrails {
    /// The share of live users (or teams) that may be removed without acknowledgement.
    pub max_removal_ratio: Option<f64>,
    /// The fewest super admins the portal may be left with.
    pub min_super_admins: Option<u32>,
    /// Users never removed.
    pub protected_users: Vec<String>,
    /// Whether removals may leave CRM records without an owner (`--allow-orphaned-records`).
    pub allow_orphaned_records: bool,
}

impl From<&teamform_model::Guardrails> for Guardrails {
    /// The guardrails a policy sets, as apply enforces them.
    fn from(g: &teamform_model::Guardrails) -> Self {
        Guardrails {
            max_removal_ratio: g.max_removal_ratio.as_ref().map(|r| r.value),
            min_super_admins: g.min_super_admins.as_ref().map(|m| m.value),
            protected_users: g.protected_users.iter().map(|u| u.value.clone()).collect(),
            allow_orphaned_records: false,
        }
    }
}

/// Checks the plan against the guardrails; `allow_removals` is `--allow-removals N`. Returns
/// every reason to refuse.
pub fn check_guardrails(
    plan: &Plan,
    live: &LiveState,
    g: &Guardrails,
    allow_removals: Option<usize>,
) -> Vec<String> {
    let mut refusals = crate::offboard::orphan_refusals(plan, g.allow_orphaned_records);
    let deletes = |kind: ObjectKind| {
        plan.changes
            .iter()
            .filter(|o| o.kind == kind && o.action == Action::Delete)
            .count()
    };
    let (users, teams) = (deletes(ObjectKind::User), deletes(ObjectKind::Team));
    let total = users + teams;
    if let Some(ratio) = g.max_removal_ratio {
        let over = |n: usize, of: usize| of > 0 && (n as f64) / (of as f64) > ratio;
        if (over(users, live.users.len()) || over(teams, live.teams.len()))
            && allow_removals != Some(total)
        {
            refusals.push(format!(
                "the plan removes {users} of {} users and {teams} of {} teams, more than `max_removal_ratio = {ratio}` allows; if this is intended, run again with `--allow-removals {total}`",
                live.users.len(),
                live.teams.len()
            ));
        }
    }
    let protected: BTreeSet<EmailKey<'_>> =
        g.protected_users.iter().map(|u| EmailKey::new(u)).collect();
    for op in &plan.changes {
        if op.kind == ObjectKind::User
            && op.action == Action::Delete
            && protected.contains(&EmailKey::new(&op.key))
        {
            refusals.push(format!("the plan removes protected user `{}`", op.key));
        }
    }
    if let Some(min) = g.min_super_admins {
        let mut admins: BTreeSet<String> = live
            .users
            .iter()
            .filter(|u| u.super_admin)
            .map(|u| u.id.clone())
            .collect();
        for op in &plan.changes {
            match &op.change {
                Change::DeleteUser { id } => {
                    admins.remove(id);
                }
                Change::UpdateUser {
                    id,
                    super_admin: Some(false),
                    ..
                } => {
                    admins.remove(id);
                }
                Change::UpdateUser {
                    id,
                    super_admin: Some(true),
                    ..
                } => {
                    admins.insert(id.clone());
                }
                Change::CreateUser {
                    email,
                    super_admin: true,
                    ..
                } => {
                    admins.insert(format!("new:{email}"));
                }
                _ => {}
            }
        }
        if (admins.len() as u64) < u64::from(min) {
            refusals.push(format!(
                "the plan would leave {} super admin(s), fewer than `min_super_admins = {min}`",
                admins.len()
            ));
        }
    }
    refusals
}
