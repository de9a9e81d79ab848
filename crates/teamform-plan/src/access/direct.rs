//! A user's whole access as grants, straight from the compiled access: what a new user gains
//! or a removed user loses, and what an access review lists. No expanded lines are made: a
//! `team` scope is grouped by the direct team it is reached through, once for all the CRM
//! actions that have it, and assets are grouped from the compiler's visibility answer.
//!
//! It gives the grants that [`super::grants::user_grants`] makes from the user's lines
//! (the plan's property test compares the two on random policies, and `tests/holdings.rs` on
//! the demo policy); the lines stay the exact answer behind `--expand`.

use super::grants::{self, ActionOn, Grant, GrantChange, GrantScope, Via};
use super::view::View;
use foldhash::{HashMap, HashSet};
use std::collections::{BTreeMap, BTreeSet};
use teamform_compiler::{AssetId, TeamId, UserId};
use teamform_model::{CrmAction, CrmObject, Scope};

/// The grants `user` holds on `view`, each with why and its risk, sorted as the access diff
/// sorts them; asset visibility only with `assets`.
pub(crate) fn holdings(view: &View<'_>, user: UserId, assets: bool) -> Vec<GrantChange> {
    let access = view.user(user);
    let mut out: Vec<GrantChange> = Vec::new();
    let push = |out: &mut Vec<GrantChange>, grant: Grant, via: Via| {
        let risk = grant.risk();
        out.push(GrantChange { grant, via, risk });
    };
    if access.super_admin {
        push(&mut out, Grant::SuperAdmin, Via::SuperAdmin);
        return out;
    }
    let Some(role_id) = view.role[user.index()] else {
        return out;
    };
    let p = view.org;
    let role = &p.roles[role_id.index()];
    let role_key = role.key.value.as_str();
    let by_role = || Via::Role {
        role: role_key.to_string(),
    };
    // The direct team through which each covered team is reached: the first direct team
    // (primary, then additional) whose subtree holds it.
    let mut reached: HashMap<TeamId, &str> = HashMap::default();
    let direct = view.team[user.index()]
        .into_iter()
        .chain(view.teams[user.index()].iter().copied());
    for d in direct {
        for t in view.compiled.graph.descendants(d) {
            reached
                .entry(t)
                .or_insert_with(|| p.teams[d.index()].key.value.as_str());
        }
    }
    // The CRM actions with each scope kind; the team scope's actions share the covered teams.
    let mut team_actions: BTreeMap<CrmAction, Vec<CrmObject>> = BTreeMap::new();
    for &object in CrmObject::ALL.iter() {
        for &action in CrmAction::ALL.iter() {
            let scope = match access.scope(object, action) {
                Scope::None => continue,
                Scope::Everything => GrantScope::Everything,
                Scope::Owned => GrantScope::Owned,
                Scope::Team => {
                    team_actions.entry(action).or_default().push(object);
                    continue;
                }
            };
            push(
                &mut out,
                Grant::Crm {
                    action,
                    object,
                    scope,
                },
                by_role(),
            );
        }
    }
    if !team_actions.is_empty() && !access.teams.is_empty() {
        // The covered teams by the reason they are held for: a direct team, or the role alone.
        let mut by_team: BTreeMap<Option<&str>, HashSet<TeamId>> = BTreeMap::new();
        for t in access.teams.iter() {
            by_team
                .entry(reached.get(t).copied())
                .or_default()
                .insert(*t);
        }
        let by_via: BTreeMap<Via, HashSet<TeamId>> = by_team
            .into_iter()
            .map(|(team, set)| {
                let via = match team {
                    Some(d) => Via::TeamRole {
                        team: d.to_string(),
                        role: role_key.to_string(),
                    },
                    None => by_role(),
                };
                (via, set)
            })
            .collect();
        let access_on: Vec<ActionOn> = team_actions
            .into_iter()
            .map(|(action, mut objects)| {
                objects.sort_unstable();
                ActionOn { action, objects }
            })
            .collect();
        for (via, set) in by_via {
            let teams = grants::subtrees(view, &set)
                .into_iter()
                .map(|(_, s)| s)
                .collect();
            push(
                &mut out,
                Grant::TeamRecords {
                    access: access_on.clone(),
                    teams,
                },
                via,
            );
        }
    }
    let tools: BTreeSet<_> = role
        .tools
        .iter()
        .flat_map(|tool| tool.actions.iter().map(|a| (a.value, tool.tool)))
        .collect();
    for (action, tool) in tools {
        push(&mut out, Grant::Tool { action, tool }, by_role());
    }
    let permissions: BTreeSet<_> = role
        .account
        .iter()
        .filter(|(_, v)| v.value)
        .map(|(flag, _)| *flag)
        .collect();
    for permission in permissions {
        push(&mut out, Grant::Account { permission }, by_role());
    }
    if assets {
        let c = view.compiled;
        // The reason as the direct team's key (none for an asset of no team reached).
        let seen: Vec<(AssetId, Option<&str>)> = access
            .visible_assets(&c.graph, &c.index)
            .into_iter()
            .map(|asset| {
                // Of the direct teams through which the asset's teams are reached, the first
                // by key (as the lines name it).
                let via = c.index.asset_teams[asset.index()]
                    .iter()
                    .filter_map(|t| reached.get(t).copied())
                    .min();
                (asset, via)
            })
            .collect();
        let covered: HashSet<TeamId> = access.teams.iter().copied().collect();
        grants::push_assets(view, &seen, &covered, &mut out, |via| match via {
            Some(team) => Via::Team {
                team: team.to_string(),
            },
            None => Via::Unassigned,
        });
    }
    grants::sorted(out)
}
