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
//! Managed users keep their memberships of ignored teams. What the policy does not declare
//! but what is left alone depends on (the teams its users are members of, and their parents;
//! the roles they hold) is kept too: the portal refuses to remove a team with members or a
//! permission set assigned to users. A plan says how many users, teams and roles were left
//! alone, and why ([`LeftAlone`]).

use crate::desired::desired;
use crate::live_policy::LiveOrg;
use crate::matching::bindings;
use crate::op::Op;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use teamform_compiler::{Compiled, compile_access};
use teamform_email::EmailKey;
use teamform_model::{Ownership, Policy, Sp, UsersMode};
use teamform_portal::{Change, LiveState, ObjectKind};

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
    /// Teams the policy does not declare that hold users or teams left alone (as members or
    /// child teams), so that removing them would fail.
    pub holding_teams: usize,
    /// Roles the policy does not declare that users left alone hold, so that removing them
    /// would fail.
    pub holding_roles: usize,
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
    /// The live ids of the roles left alone.
    role_ids: HashSet<String>,
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
    let declared: HashSet<EmailKey<'_>> = policy
        .users
        .iter()
        .map(|u| EmailKey::new(&u.key.value))
        .collect();
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
    // A team an ignore glob matches is never touched, even when the policy is bound to it
    // (by a pinned id: a name or former name that matches is TF0144); only the undeclared
    // ones are adopted, the declared ones are the policy's own.
    let ignored: HashSet<&str> = live
        .teams
        .iter()
        .filter(|t| own.ignores_team(&t.name))
        .map(|t| t.id.as_str())
        .collect();
    left_alone.ignored_teams = ignored.len();
    let undeclared: HashSet<&str> = ignored
        .iter()
        .copied()
        .filter(|t| !bound_teams.contains(t))
        .collect();
    let ignored_ids: HashSet<String> = undeclared.iter().map(|t| (*t).to_string()).collect();
    let kept = holding(live, &user_ids, &bound_teams, undeclared);
    left_alone.holding_teams = kept.len() - ignored_ids.len();
    let mut team_ids = kept.clone();
    team_ids.extend(ignored.iter().map(|t| (*t).to_string()));

    let bound_roles: HashSet<&str> = bound.roles.values().map(String::as_str).collect();
    let role_ids: HashSet<String> = live
        .users
        .iter()
        .filter(|u| user_ids.contains(&u.id))
        .filter_map(|u| u.role_id.clone())
        .filter(|r| !bound_roles.contains(r.as_str()))
        .collect();
    left_alone.holding_roles = role_ids.len();

    let reserved: Vec<&str> = policy.teams.iter().map(|t| t.key.value.as_str()).collect();
    let mut org = LiveOrg::new(live, &bound, true, &|_| None, &reserved);
    let team_key: foldhash::HashMap<&str, String> = live
        .teams
        .iter()
        .zip(&org.policy.teams)
        .map(|(l, t)| (l.id.as_str(), t.key.value.clone()))
        .collect();
    let kept_teams: Vec<teamform_model::Team> = live
        .teams
        .iter()
        .zip(&org.policy.teams)
        .filter(|(l, _)| kept.contains(&l.id))
        .map(|(_, t)| t.clone())
        .collect();
    let kept_roles: Vec<teamform_model::Role> = live
        .roles
        .iter()
        .zip(&org.policy.roles)
        .filter(|(l, _)| role_ids.contains(&l.id))
        .map(|(_, r)| r.clone())
        .collect();
    org.add_users(&|u| user_ids.contains(&u.id));

    let mut adopted = policy.clone();
    keep_ignored_memberships(&mut adopted, live, &ignored_ids, &team_key);
    adopted.teams.extend(kept_teams);
    adopted.roles.extend(kept_roles);
    adopted.users.extend(std::mem::take(&mut org.policy.users));
    let compiled = compile_access(&adopted);
    Some(Adopted {
        policy: adopted,
        compiled,
        left_alone,
        user_ids,
        team_ids,
        role_ids,
        own,
    })
}

/// The ignored teams and the undeclared teams that hold users or teams left alone, so that
/// the plan does not remove them: the portal refuses to remove a team with members or child
/// teams.
fn holding(
    live: &LiveState,
    users: &HashSet<String>,
    bound: &HashSet<&str>,
    ignored: HashSet<&str>,
) -> HashSet<String> {
    let mut keep = ignored;
    for u in live.users.iter().filter(|u| users.contains(&u.id)) {
        for t in u.primary_team_id.iter().chain(&u.additional_team_ids) {
            if !bound.contains(t.as_str()) {
                keep.insert(t);
            }
        }
    }
    let parent: foldhash::HashMap<&str, &str> = live
        .teams
        .iter()
        .filter_map(|t| Some((t.id.as_str(), t.parent_id.as_deref()?)))
        .collect();
    // Each team is pushed once (when first kept), so a cycle in the live tree ends.
    let mut todo: Vec<&str> = keep.iter().copied().collect();
    while let Some(t) = todo.pop() {
        if let Some(p) = parent.get(t)
            && !bound.contains(p)
            && keep.insert(p)
        {
            todo.push(p);
        }
    }
    let known: HashSet<&str> = live.teams.iter().map(|t| t.id.as_str()).collect();
    keep.into_iter()
        .filter(|t| known.contains(t))
        .map(str::to_string)
        .collect()
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
        for id in l
            .additional_team_ids
            .iter()
            .filter(|t| ignored.contains(*t))
        {
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
            Change::UpdateRole { id, .. } | Change::DeleteRole { id } => Some(id),
            _ => None,
        };
        match (op.kind, id) {
            (ObjectKind::User, Some(id)) => self.user_ids.contains(id),
            (ObjectKind::Team, Some(id)) => self.team_ids.contains(id),
            (ObjectKind::Role, Some(id)) => self.role_ids.contains(id),
            // A creation is of something the portal does not have: never left alone, but
            // for a user an ignore glob matches (the policy declaring them is TF0143).
            (ObjectKind::User, None) => self.own.ignores_user(&op.key),
            _ => false,
        }
    }
}
