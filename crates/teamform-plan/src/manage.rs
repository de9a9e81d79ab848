//! Ownership modes in a plan (`[portal.manage]`): the users and teams of the portal that the
//! policy leaves alone are adopted into the desired state *as they are live*, so that
//!
//! - the diff has nothing to do for them (and, as a guarantee that does not depend on that,
//!   every operation on them is dropped: [`Adopted::hands_off`]);
//! - the access diff still accounts for what they hold: their assignments are the same on
//!   both sides, so they show a change only when the org under them changes (a role they
//!   hold is edited, a team above them moves);
//! - the guardrails count them (they are in the live state the guardrails read).
//!
//! Managed users keep their memberships of ignored teams. A plan says how many users and
//! teams were left alone, and why ([`LeftAlone`]).

use crate::desired::desired;
use crate::live_policy::LiveOrg;
use crate::matching::bindings;
use crate::op::Op;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use teamform_compiler::{Compiled, compile_access};
use teamform_email::EmailKey;
use teamform_model::{Ownership, Policy, Sp, UsersMode};
use teamform_portal::{Change, Kind, LiveState};

/// How many of the portal's users and teams a plan left alone, by reason.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct LeftAlone {
    /// Users the policy does not declare (`users = "declared"`).
    pub undeclared_users: usize,
    /// Users an `ignore_users` glob matches.
    pub ignored_users: usize,
    /// Teams an `ignore_teams` glob matches.
    pub ignored_teams: usize,
}

impl LeftAlone {
    /// Whether nothing was left alone.
    pub fn is_empty(&self) -> bool {
        *self == LeftAlone::default()
    }

    /// The users left alone, whatever the reason.
    pub fn users(&self) -> usize {
        self.undeclared_users + self.ignored_users
    }
}

/// The policy with what it leaves alone adopted as it is live, compiled.
pub struct Adopted {
    /// The policy and the adopted users and teams.
    pub policy: Policy,
    /// Its compilation (access only: the policy was checked before).
    pub compiled: Compiled,
    /// The counts for the plan.
    pub left_alone: LeftAlone,
    /// The live ids of the users left alone.
    user_ids: HashSet<String>,
    /// The live ids of the teams left alone.
    team_ids: HashSet<String>,
    /// The modes.
    own: Ownership,
}

/// Why a live user is left alone, if they are.
fn user_reason(own: &Ownership, declared: &HashSet<EmailKey<'_>>, email: &str) -> Option<bool> {
    if own.ignores_user(email) {
        Some(true)
    } else if own.users == UsersMode::Declared && !declared.contains(&EmailKey::new(email)) {
        Some(false)
    } else {
        None
    }
}

/// The policy with the users and teams it leaves alone adopted, or `None` when it manages
/// everything (then nothing is adopted, nothing costs anything).
pub fn adopt(policy: &Policy, live: &LiveState) -> Option<Adopted> {
    let own = Ownership::of(policy);
    if own.manages_everything() {
        return None;
    }
    let declared: HashSet<EmailKey<'_>> =
        policy.users.iter().map(|u| EmailKey::new(&u.key.value)).collect();
    let mut left_alone = LeftAlone::default();
    let mut user_ids = HashSet::new();
    for u in &live.users {
        match user_reason(&own, &declared, &u.email) {
            Some(true) => left_alone.ignored_users += 1,
            Some(false) => left_alone.undeclared_users += 1,
            None => continue,
        }
        user_ids.insert(u.id.clone());
    }
    let bound = bindings(&desired(policy), live);
    let bound_teams: HashSet<&str> = bound.teams.values().map(String::as_str).collect();
    let team_ids: HashSet<String> = live
        .teams
        .iter()
        .filter(|t| !bound_teams.contains(t.id.as_str()) && own.ignores_team(&t.name))
        .map(|t| t.id.clone())
        .collect();
    left_alone.ignored_teams = team_ids.len();

    let reserved: Vec<&str> = policy.teams.iter().map(|t| t.key.value.as_str()).collect();
    let mut org = LiveOrg::new(live, &bound, true, &|_| None, &reserved);
    let team_key: foldhash::HashMap<&str, String> = live
        .teams
        .iter()
        .zip(&org.policy.teams)
        .map(|(l, t)| (l.id.as_str(), t.key.value.clone()))
        .collect();
    let ignored_teams: Vec<teamform_model::Team> = live
        .teams
        .iter()
        .zip(&org.policy.teams)
        .filter(|(l, _)| team_ids.contains(&l.id))
        .map(|(_, t)| t.clone())
        .collect();
    org.add_users(&|u| user_ids.contains(&u.id));

    let mut adopted = policy.clone();
    keep_ignored_memberships(&mut adopted, live, &team_ids, &team_key);
    adopted.teams.extend(ignored_teams);
    adopted.users.extend(std::mem::take(&mut org.policy.users));
    let compiled = compile_access(&adopted);
    Some(Adopted {
        policy: adopted,
        compiled,
        left_alone,
        user_ids,
        team_ids,
        own,
    })
}

/// Managed users keep the ignored teams they are members of, as additional teams.
fn keep_ignored_memberships(
    policy: &mut Policy,
    live: &LiveState,
    ignored: &HashSet<String>,
    team_key: &foldhash::HashMap<&str, String>,
) {
    if ignored.is_empty() {
        return;
    }
    let by_email: foldhash::HashMap<EmailKey<'_>, &teamform_portal::LiveUser> = live
        .users
        .iter()
        .map(|u| (EmailKey::new(&u.email), u))
        .collect();
    for user in &mut policy.users {
        let Some(l) = by_email.get(&EmailKey::new(&user.key.value)) else {
            continue;
        };
        for id in l.additional_team_ids.iter().filter(|t| ignored.contains(*t)) {
            if let Some(key) = team_key.get(id.as_str())
                && user.team.as_ref().is_none_or(|t| t.value != *key)
                && !user.teams.iter().any(|t| t.value == *key)
            {
                user.teams.push(Sp::new(key.clone(), user.key.span));
            }
        }
    }
}

impl Adopted {
    /// Drops every operation on a user or team left alone, and what depends on it (nothing
    /// should: the adopted objects are as they are live; this is the guarantee).
    pub fn hands_off(&self, ops: &mut Vec<Op>) {
        ops.retain(|op| !self.touches(op));
    }

    /// Whether `op` creates, changes or removes a user or team left alone.
    fn touches(&self, op: &Op) -> bool {
        let id = match &op.change {
            Change::UpdateUser { id, .. } | Change::DeleteUser { id } => Some(id),
            Change::UpdateTeam { id, .. } | Change::DeleteTeam { id } => Some(id),
            _ => None,
        };
        match (op.kind, id) {
            (Kind::User, Some(id)) => self.user_ids.contains(id),
            (Kind::Team, Some(id)) => self.team_ids.contains(id),
            // A creation is of something the portal does not have: never left alone, but
            // for a user an ignore glob matches (the policy declaring them is TF0143).
            (Kind::User, None) => self.own.ignores_user(&op.key),
            _ => false,
        }
    }
}
