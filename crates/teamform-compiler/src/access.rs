//! Effective access: per user, per CRM object and action, the scope they hold, and the teams
//! that a `team` scope covers (primary + additional teams and all their descendants).

use crate::graph::OrgGraph;
use crate::resolve::{AssetId, Index, RoleId, TeamId, UserId};
use std::sync::Arc;
use teamform_model::{
    AssetType, CrmAction, CrmObject, Policy, Scope, ToolAction, User, asset_tool,
};

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
    /// The asset types (bits in `AssetType::ALL` order) whose tool the user's role may view:
    /// seeing an asset takes the tool permission on its type and the asset's partition.
    pub asset_types: u32,
}

impl UserAccess {
    /// Whether the user's role may view the tool of assets of type `kind`.
    pub fn may_use(&self, kind: AssetType) -> bool {
        self.super_admin || self.asset_types & (1 << kind as u32) != 0
    }

    /// The scope of `action` on `object`.
    pub fn scope(&self, object: CrmObject, action: CrmAction) -> Scope {
        self.crm[object as usize][action as usize]
    }

    /// The assets this access sees, in policy order: those of no team and those of a covered
    /// team, of a type whose tool the role may view (every asset for a super admin). The one
    /// answer of "which assets", found through the graph's team-to-assets index rather than
    /// by testing every asset; it agrees with [`Access::can_see_asset`] (tested).
    pub fn visible_assets(&self, graph: &OrgGraph, index: &Index) -> Vec<AssetId> {
        if self.super_admin {
            return (0..index.asset_teams.len())
                .map(|a| AssetId(a as u32))
                .collect();
        }
        let mut out = graph.unassigned.clone();
        for t in self.teams.iter() {
            if let Some(assets) = graph.team_assets.get(t.index()) {
                out.extend_from_slice(assets);
            }
        }
        out.retain(|a| self.may_use(index.asset_kind[a.index()]));
        out.sort_unstable();
        out.dedup();
        out
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

    /// Whether `user` can see `asset`, as HubSpot applies it: super admins see all; others
    /// need `view` in the tool of the asset's type (none for CRM views) *and* the asset
    /// partitioned to one of their teams, or to none.
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
        if !access.may_use(index.asset_kind[asset.index()]) {
            return false;
        }
        let teams = &index.asset_teams[asset.index()];
        if graph.asset_unassigned[asset.index()] {
            return true;
        }
        teams.iter().any(|t| access.teams.binary_search(t).is_ok())
    }

    /// The assets `user` can see, in policy order (see [`UserAccess::visible_assets`]).
    pub fn visible_assets(&self, graph: &OrgGraph, index: &Index, user: UserId) -> Vec<AssetId> {
        self.user(user).visible_assets(graph, index)
    }
}

/// Computes everyone's effective access, users in parallel. Team closures are computed once
/// per team (and thread) and shared between users with the same teams.
pub(crate) fn compute(policy: &Policy, index: &Index, graph: &OrgGraph) -> Access {
    use rayon::prelude::*;
    let users = policy
        .users
        .par_iter()
        .enumerate()
        .map_init(
            || AccessTables::new(policy, graph),
            |cx, (u, user)| {
                cx.user(
                    user,
                    index.resolved_users[u].role,
                    index.resolved_users[u].team,
                    &index.resolved_users[u].teams,
                )
            },
        )
        .collect();
    Access { users }
}

/// What computing users' access shares: the roles' scope matrices and the team closures.
pub(crate) struct AccessTables<'a> {
    graph: &'a OrgGraph,
    role_matrices: Vec<[[Scope; 3]; 5]>,
    role_asset_types: Vec<u32>,
    closures: Vec<Option<Arc<[TeamId]>>>,
    combined: foldhash::HashMap<Vec<TeamId>, Arc<[TeamId]>>,
    empty: Arc<[TeamId]>,
}

impl<'a> AccessTables<'a> {
    /// For the teams and roles of `policy`, organised in `graph`.
    pub(crate) fn new(policy: &Policy, graph: &'a OrgGraph) -> Self {
        let role_matrices = policy
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
        let role_asset_types = policy
            .roles
            .iter()
            .map(|role| {
                AssetType::ALL
                    .iter()
                    .filter(|kind| {
                        asset_tool(**kind).is_none_or(|tool| {
                            role.tool(tool).is_some_and(|g| {
                                g.actions.iter().any(|a| a.value == ToolAction::View)
                            })
                        })
                    })
                    .fold(0u32, |bits, kind| bits | (1 << *kind as u32))
            })
            .collect();
        AccessTables {
            graph,
            role_matrices,
            role_asset_types,
            closures: vec![None; policy.teams.len()],
            combined: foldhash::HashMap::default(),
            empty: Arc::from(Vec::new()),
        }
    }

    /// The access of `user`, of the role and teams given (resolved).
    pub(crate) fn user(
        &mut self,
        user: &User,
        role: Option<RoleId>,
        team: Option<TeamId>,
        additional: &[TeamId],
    ) -> UserAccess {
        let mut direct: Vec<TeamId> = team.into_iter().collect();
        direct.extend(additional.iter().copied());
        let (graph, closures) = (self.graph, &mut self.closures);
        let teams = match direct.as_slice() {
            [] => self.empty.clone(),
            [one] => closure(graph, closures, *one),
            _ => self
                .combined
                .entry(direct.clone())
                .or_insert_with(|| {
                    let mut all: Vec<TeamId> = direct
                        .iter()
                        .flat_map(|t| closure(graph, closures, *t).to_vec())
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
            role.map_or([[Scope::None; 3]; 5], |r| self.role_matrices[r.index()])
        };
        let no_tools = AssetType::ALL
            .iter()
            .filter(|k| asset_tool(**k).is_none())
            .fold(0u32, |bits, kind| bits | (1 << *kind as u32));
        let asset_types = if super_admin {
            u32::MAX
        } else {
            role.map_or(no_tools, |r| self.role_asset_types[r.index()])
        };
        UserAccess {
            teams,
            crm,
            super_admin,
            asset_types,
        }
    }
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
