//! A user's whole access as grants, straight from the compiled access: what a new user gains
//! or a removed user loses, and what an access review lists. No expanded lines are made: a
//! `team` scope is grouped by the direct team it is reached through, once for all the CRM
//! actions that have it, and assets are grouped from the compiler's visibility answer.
//!
//! It gives the grants that [`super::grants::user_grants`] makes from the user's lines
//! (the plan's property test compares the two on random policies, and `tests/holdings.rs` on
//! the demo policy); the lines stay the exact answer behind `--expand`.

use super::grants::{self, ActionOn, Grant, GrantChange, GrantScope, Unit, Via};
use super::view::View;
use foldhash::HashSet;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use teamform_compiler::{AssetId, TeamId, UserAccess, UserId};
use teamform_model::{AssetType, CrmAction, CrmObject, Scope};

/// The grants `user` holds on `view`, each with why and its risk, sorted as the access diff
/// sorts them; asset visibility only with `assets` (the view's [`Assets`]).
pub(crate) fn holdings(view: &View<'_>, user: UserId, assets: Option<&Assets>) -> Vec<GrantChange> {
    let mut out = role_grants(view, user);
    out.extend(team_grants(view, user, assets));
    grants::sorted(out)
}

/// The grants of `user` that follow from super admin status or their role and CRM scopes
/// alone (users with the same three hold the same): super admin, CRM actions over everything
/// or owned records, tool actions and account permissions; unsorted.
pub(crate) fn role_grants(view: &View<'_>, user: UserId) -> Vec<GrantChange> {
    let access = view.user(user);
    let mut out: Vec<GrantChange> = Vec::new();
    if access.super_admin {
        push(&mut out, Grant::SuperAdmin, Via::SuperAdmin);
        return out;
    }
    let Some(role_id) = view.role(user) else {
        return out;
    };
    let role = &view.org.roles[role_id.index()];
    let role_key = view.role_key(role_id);
    let by_role = || Via::Role {
        role: Arc::clone(&role_key),
    };
    for &object in CrmObject::ALL.iter() {
        for &action in CrmAction::ALL.iter() {
            let scope = match access.scope(object, action) {
                Scope::Everything => GrantScope::Everything,
                Scope::Owned => GrantScope::Owned,
                Scope::None | Scope::Team => continue,
            };
            let grant = Grant::Crm {
                action,
                object,
                scope,
            };
            push(&mut out, grant, by_role());
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
    out
}

/// The grants of `user` that follow from their teams: CRM actions over the records of team
/// subtrees, grouped by the direct team they are reached through, and (with `assets`) asset
/// visibility per partition; unsorted. A super admin's grants are all in [`role_grants`].
pub(crate) fn team_grants(
    view: &View<'_>,
    user: UserId,
    assets: Option<&Assets>,
) -> Vec<GrantChange> {
    let access = view.user(user);
    let mut out: Vec<GrantChange> = Vec::new();
    if access.super_admin {
        return out;
    }
    let Some(role_id) = view.role(user) else {
        return out;
    };
    let role_key = view.role_key(role_id);
    let reached = view.reached(user);
    // The CRM actions with a team scope share the covered teams.
    let mut team_actions: BTreeMap<CrmAction, Vec<CrmObject>> = BTreeMap::new();
    for &object in CrmObject::ALL.iter() {
        for &action in CrmAction::ALL.iter() {
            if access.scope(object, action) == Scope::Team {
                team_actions.entry(action).or_default().push(object);
            }
        }
    }
    if !team_actions.is_empty() && !access.teams.is_empty() {
        // The covered teams by the reason they are held for: a direct team, or the role alone.
        let mut by_team: BTreeMap<Option<TeamId>, HashSet<TeamId>> = BTreeMap::new();
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
                        team: view.team_key(d),
                        role: Arc::clone(&role_key),
                    },
                    None => Via::Role {
                        role: Arc::clone(&role_key),
                    },
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
            let grant = Grant::TeamRecords {
                access: access_on.clone(),
                teams,
            };
            push(&mut out, grant, via);
        }
    }
    if let Some(index) = assets {
        let bits = index.covered(access);
        let seen = index.units(access, &reached, &bits);
        let covered: HashSet<TeamId> = access.teams.iter().copied().collect();
        grants::push_assets(view, seen, &covered, &mut out, |via| match via {
            Some(team) => Via::Team {
                team: view.team_key(team),
            },
            None => Via::Unassigned,
        });
    }
    out
}

/// Pushes `grant`, held for `via`, with its risk.
fn push(out: &mut Vec<GrantChange>, grant: Grant, via: Via) {
    let risk = grant.risk();
    out.push(GrantChange { grant, via, risk });
}

/// An asset of several teams: its type and its distinct teams in the order of their keys.
type Shared = (AssetId, AssetType, std::sync::Arc<[TeamId]>);

/// The assets of one org counted once for all its users: per team, its assets of that team
/// alone, by type; the assets of several teams, under each of their teams; the assets of no
/// team, by type. A user's visible assets are then counted per covered team and type, and
/// only the assets of several teams are looked at one by one.
pub(crate) struct Assets {
    /// Per team, per type: how many assets of that team alone, and one of them.
    single: Vec<Vec<(AssetType, usize, AssetId)>>,
    /// Per team, its assets of several teams, each with its type and its distinct teams in
    /// the order of their keys.
    shared: Vec<Vec<Shared>>,
    /// The assets of no team, per type: how many, and one of them.
    unassigned: Vec<(AssetType, usize, AssetId)>,
    /// Per team, its rank in the order of the teams' keys.
    rank: Vec<u32>,
}

impl Assets {
    /// Counts the assets of `view`'s org.
    pub(crate) fn new(view: &View<'_>) -> Self {
        let index = &view.compiled.index;
        let teams = view.org.teams.len();
        let mut by_key: Vec<usize> = (0..teams).collect();
        by_key.sort_by(|a, b| {
            view.org.teams[*a]
                .key
                .value
                .cmp(&view.org.teams[*b].key.value)
        });
        let mut rank = vec![0u32; teams];
        for (r, t) in by_key.into_iter().enumerate() {
            rank[t] = r as u32;
        }
        let mut single: Vec<Vec<(AssetType, usize, AssetId)>> = vec![Vec::new(); teams];
        let mut shared: Vec<Vec<Shared>> = vec![Vec::new(); teams];
        let mut unassigned: Vec<(AssetType, usize, AssetId)> = Vec::new();
        let count = |list: &mut Vec<(AssetType, usize, AssetId)>, kind, asset| match list
            .iter_mut()
            .find(|(k, _, _)| *k == kind)
        {
            Some((_, n, _)) => *n += 1,
            None => list.push((kind, 1, asset)),
        };
        for (i, teams_of) in index.asset_teams.iter().enumerate() {
            let asset = AssetId(i as u32);
            let kind = index.asset_kind[i];
            let mut distinct: Vec<TeamId> = teams_of.clone();
            distinct.sort_unstable_by_key(|t| rank[t.index()]);
            distinct.dedup();
            match distinct.as_slice() {
                [] => count(&mut unassigned, kind, asset),
                [one] => count(&mut single[one.index()], kind, asset),
                many => {
                    let many: std::sync::Arc<[TeamId]> = many.into();
                    for t in many.iter() {
                        shared[t.index()].push((asset, kind, many.clone()));
                    }
                }
            }
        }
        Assets {
            single,
            shared,
            unassigned,
            rank,
        }
    }

    /// The covered teams of `access` as bits, for [`Assets::units`] (a set per distinct user:
    /// no hashing per asset).
    fn covered(&self, access: &UserAccess) -> Vec<u64> {
        let mut bits = vec![0u64; self.rank.len().div_ceil(64)];
        for t in access.teams.iter() {
            bits[t.index() / 64] |= 1 << (t.index() % 64);
        }
        bits
    }

    /// The assets `access` sees, as units counted under a team (of the asset's teams, the
    /// first by key among the covered ones, `covered` being [`Assets::covered`]) with the
    /// direct team they are reached through (`reached`; of several, the first by key): the
    /// same assets as [`teamform_compiler::UserAccess::visible_assets`], with the reason the
    /// lines give. Made as they are read: a user covering a large subtree has thousands.
    fn units<'s>(
        &'s self,
        access: &'s UserAccess,
        reached: &'s super::view::Reached<'_>,
        covered: &'s [u64],
    ) -> impl Iterator<Item = Unit<Option<TeamId>>> + 's {
        let is_covered = move |t: &TeamId| covered[t.index() / 64] & (1 << (t.index() % 64)) != 0;
        let unassigned = self
            .unassigned
            .iter()
            .filter(move |(kind, _, _)| access.may_use(*kind))
            .map(|(_, count, sample)| Unit {
                team: None,
                via: None,
                count: *count,
                sample: *sample,
            });
        let of_teams = access.teams.iter().flat_map(move |t| {
            let via = reached.get(t).copied();
            let single = self.single[t.index()]
                .iter()
                .filter(move |(kind, _, _)| access.may_use(*kind))
                .map(move |(_, count, sample)| Unit {
                    team: Some(*t),
                    via,
                    count: *count,
                    sample: *sample,
                });
            let shared = self.shared[t.index()]
                .iter()
                .filter_map(move |(asset, kind, teams)| {
                    // Counted once, under the first of its covered teams.
                    let mut mine = teams.iter().copied().filter(is_covered);
                    if mine.next() != Some(*t) || !access.may_use(*kind) {
                        return None;
                    }
                    let via = teams
                        .iter()
                        .filter_map(|x| reached.get(x).copied())
                        .min_by_key(|d| self.rank[d.index()]);
                    Some(Unit {
                        team: Some(*t),
                        via,
                        count: 1,
                        sample: *asset,
                    })
                });
            single.chain(shared)
        });
        unassigned.chain(of_teams)
    }
}
