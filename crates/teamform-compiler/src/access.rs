//! Effective access: per user, per CRM object and action, the scope they hold, and the teams
//! that a `team` scope covers (primary + additional teams and all their descendants).

use crate::graph::OrgGraph;
use crate::resolve::{AssetId, Index, TeamId, UserId};
use std::collections::HashMap;
use std::sync::Arc;
use teamform_model::{CrmAction, CrmObject, Policy, Scope};

/// The effective access of one user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserAccess {
    /// The teams whose records a `team` scope covers, sorted: the primary and additional teams
    /// and all their descendants.
    pub teams: Arc<[TeamId]>,
    /// The scope per CRM object (in `CrmObject::ALL` order) and action (`CrmAction::ALL`).
    pub crm: [[Scope; 3]; 5],
    /// Whether the user is a super admin (everything, everywhere).
    pub super_admin: bool,
}

impl UserAccess {
    /// The scope of `action` on `object`.
    pub fn scope(&self, object: CrmObject, action: CrmAction) -> Scope {
        self.crm[object as usize][action as usize]
    }
}

/// The effective access of every user, by [`UserId`].
#[derive(Clone, Debug, Default)]
pub struct Access {
    /// Per user.
    pub users: Vec<UserAccess>,
}

impl Access {
    /// The access of `user`.
    pub fn user(&self, user: UserId) -> &UserAccess {
        &self.users[user.index()]
    }

    /// Whether `user` can see `asset`: super admins see all; others see the assets partitioned
    /// to one of their teams and every unassigned asset.
    pub fn can_see_asset(
        &self,
        graph: &OrgGraph,
        index: &Index,
        user: UserId,
        asset: AssetId,
    ) -> bool {
        let access = self.user(user);
        if access.super_admin {
            return true;
        }
        let teams = &index.asset_teams[asset.index()];
        if graph.asset_unassigned[asset.index()] {
            return true;
        }
        teams.iter().any(|t| access.teams.binary_search(t).is_ok())
    }

    /// The assets `user` can see, in policy order.
    pub fn visible_assets(&self, graph: &OrgGraph, index: &Index, user: UserId) -> Vec<AssetId> {
        (0..index.asset_teams.len())
            .map(|a| AssetId(a as u32))
            .filter(|a| self.can_see_asset(graph, index, user, *a))
            .collect()
    }
}

/// Computes everyone's effective access. Team closures are computed once per team and shared
/// between users with the same teams.
pub(crate) fn compute(policy: &Policy, index: &Index, graph: &OrgGraph) -> Access {
    let mut closures: Vec<Option<Arc<[TeamId]>>> = vec![None; policy.teams.len()];
    let mut combined: HashMap<Vec<TeamId>, Arc<[TeamId]>> = HashMap::new();
    let empty: Arc<[TeamId]> = Arc::from(Vec::new());
    let role_matrices: Vec<[[Scope; 3]; 5]> = policy
        .roles
        .iter()
        .map(|role| {
            let mut m = [[Scope::None; 3]; 5];
            for grant in &role.crm {
                for action in CrmAction::ALL {
                    m[grant.object as usize][*action as usize] = grant.scope(*action);
                }
            }
            m
        })
        .collect();
    let users = policy
        .users
        .iter()
        .enumerate()
        .map(|(u, user)| {
            let mut direct: Vec<TeamId> = index.user_team[u].into_iter().collect();
            direct.extend(index.user_teams[u].iter().copied());
            let teams = match direct.as_slice() {
                [] => empty.clone(),
                [one] => closure(graph, &mut closures, *one),
                _ => combined
                    .entry(direct.clone())
                    .or_insert_with(|| {
                        let mut all: Vec<TeamId> = direct
                            .iter()
                            .flat_map(|t| closure(graph, &mut closures, *t).to_vec())
                            .collect();
                        all.sort_unstable();
                        all.dedup();
                        Arc::from(all)
                    })
                    .clone(),
            };
            let super_admin = user.is_super_admin();
            let crm = if super_admin {
                [[Scope::Everything; 3]; 5]
            } else {
                index.user_role[u].map_or([[Scope::None; 3]; 5], |r| role_matrices[r.index()])
            };
            UserAccess {
                teams,
                crm,
                super_admin,
            }
        })
        .collect();
    Access { users }
}

fn closure(graph: &OrgGraph, cache: &mut [Option<Arc<[TeamId]>>], team: TeamId) -> Arc<[TeamId]> {
    if let Some(c) = &cache[team.index()] {
        return c.clone();
    }
    let mut all = graph.descendants(team);
    all.sort_unstable();
    let arc: Arc<[TeamId]> = Arc::from(all);
    cache[team.index()] = Some(arc.clone());
    arc
}
