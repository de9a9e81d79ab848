//! Comparing two policies (two git revisions), with no live portal: the older policy is seen
//! as the portal's state, so the changes come out in the same shape as a plan's, and the
//! access diff is computed from both compilations directly (the users `head` leaves alone
//! taken as `base` has them).

use crate::access::{Side, access_diff};
use crate::desired::{DesiredState, desired};
use crate::plan::{Filter, Plan, PlanInput, make_plan};
use teamform_compiler::Compiled;
use teamform_model::LoadResult;
use teamform_portal::{Capabilities, LiveAsset, LiveRole, LiveState, LiveTeam, LiveUser};

/// The state a portal would hold if it matched `desired`, with policy keys as ids.
pub fn state_of(d: &DesiredState<'_>) -> LiveState {
    let teams: std::collections::HashSet<&str> = d.teams.iter().map(|t| t.key).collect();
    let team_id = |key: &str| teams.contains(key).then(|| key.to_string());
    LiveState {
        teams: d
            .teams
            .iter()
            .map(|t| LiveTeam {
                id: t.key.to_string(),
                name: t.name.to_string(),
                parent_id: t.parent.and_then(team_id),
            })
            .collect(),
        roles: d
            .roles
            .iter()
            .map(|r| LiveRole {
                id: r.key.to_string(),
                name: r.name.to_string(),
                permissions: Some(r.permissions.clone()),
            })
            .collect(),
        users: d
            .users
            .iter()
            .map(|u| LiveUser {
                id: u.email.to_string(),
                email: u.email.to_string(),
                name: u.name.to_string(),
                role_id: u.role.map(str::to_string),
                primary_team_id: u.team.and_then(team_id),
                additional_team_ids: u.teams.iter().filter_map(|t| team_id(t)).collect(),
                super_admin: u.super_admin,
                seats: u.seats.iter().map(|s| (*s).to_string()).collect(),
            })
            .collect(),
        assets: d
            .assets
            .iter()
            .map(|a| LiveAsset {
                id: a.reference.clone(),
                kind: a.kind.to_string(),
                name: a.name.to_string(),
                team_ids: Some(a.teams.iter().filter_map(|t| team_id(t)).collect()),
            })
            .collect(),
    }
}

/// What changes from `base` to `head`, as a plan labelled `label` (`BASE..HEAD`).
pub fn compare(
    base: (&LoadResult, &Compiled),
    head: (&LoadResult, &Compiled),
    label: &str,
) -> Plan {
    let live = state_of(&desired(&base.0.policy));
    let mut plan = make_plan(&PlanInput {
        load: head.0,
        compiled: head.1,
        live: &live,
        capabilities: Capabilities::FULL,
        portal: label.to_string(),
        filter: Filter::default(),
        fingerprints: false,
        known: None,
        detail: crate::access::Detail::Grants,
        screens: &teamform_portal::Screens::HUBSPOT,
    });
    // Users `head` leaves alone (`[portal.manage]`) stay as `base` has them: they are not
    // removed, so they are compared as they are.
    let adopted = crate::manage::adopt(&head.0.policy, &live);
    let head = adopted
        .as_ref()
        .map_or((&head.0.policy, head.1), |a| (&a.policy, &a.compiled));
    plan.access = access_diff(
        &Side {
            policy: &base.0.policy,
            compiled: base.1,
        },
        &Side {
            policy: head.0,
            compiled: head.1,
        },
        true,
    );
    plan
}
