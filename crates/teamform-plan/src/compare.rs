//! Comparing two policies (two git revisions), with no live portal: the older policy is seen
//! as the portal's state, so the changes come out in the same shape as a plan's, and the
//! access diff is computed from both compilations directly.

use crate::access::{Side, access_diff};
use crate::desired::{DesiredState, desired};
use crate::plan::{Filter, Plan, PlanInput, make_plan};
use teamform_compiler::{Compiled, Options};
use teamform_model::LoadResult;
use teamform_portal::{Capabilities, LiveAsset, LiveRole, LiveState, LiveTeam, LiveUser};

/// The state a portal would hold if it matched `desired`, with policy keys as ids.
pub fn state_of(d: &DesiredState) -> LiveState {
    let name_of = |key: &str| {
        d.teams
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.name.clone())
    };
    let team_id = |key: &str| name_of(key).map(|_| key.to_string());
    LiveState {
        teams: d
            .teams
            .iter()
            .map(|t| LiveTeam {
                id: t.key.clone(),
                name: t.name.clone(),
                parent_id: t.parent.as_deref().and_then(team_id),
            })
            .collect(),
        roles: d
            .roles
            .iter()
            .map(|r| LiveRole {
                id: r.key.clone(),
                name: r.name.clone(),
                permissions: Some(r.permissions.clone()),
            })
            .collect(),
        users: d
            .users
            .iter()
            .map(|u| LiveUser {
                id: u.email.clone(),
                email: u.email.clone(),
                name: u.name.clone(),
                role_id: u.role.clone(),
                primary_team_id: u.team.as_deref().and_then(team_id),
                additional_team_ids: u.teams.iter().filter_map(|t| team_id(t)).collect(),
                super_admin: u.super_admin,
                seats: u.seats.clone(),
            })
            .collect(),
        assets: d
            .assets
            .iter()
            .map(|a| LiveAsset {
                id: a.reference.clone(),
                kind: a.kind.clone(),
                name: a.name.clone(),
                team_ids: Some(a.teams.iter().filter_map(|t| team_id(t)).collect()),
            })
            .collect(),
    }
}

/// What changes from `base` to `head`, as a plan labelled `label` (`BASE..HEAD`).
pub fn compare(
    base: (&LoadResult, &Compiled),
    head: (&LoadResult, &Compiled),
    options: Options,
    label: &str,
) -> Plan {
    let live = state_of(&desired(&base.0.policy));
    let mut plan = make_plan(&PlanInput {
        load: head.0,
        compiled: head.1,
        live: &live,
        capabilities: Capabilities::FULL,
        portal: label.to_string(),
        options,
        filter: Filter::default(),
    });
    plan.access = access_diff(
        &Side {
            policy: &base.0.policy,
            compiled: base.1,
        },
        &Side {
            policy: &head.0.policy,
            compiled: head.1,
        },
        true,
    );
    plan.fingerprints.clear();
    plan
}
