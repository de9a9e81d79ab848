//! One side of the access diff as it is read: an org (teams, roles, assets and their
//! compilation) and users with their roles, teams and access in that org. The users are the
//! org's own ([`Side`]), or other users placed in it (the live portal's users, when only
//! users change: the live org is then the policy's).

use super::Side;
use std::sync::Arc;
use teamform_compiler::{Compiled, Placed, ResolvedUser, RoleId, TeamId, UserAccess, UserId};
use teamform_model::{Policy, User};

/// What makes a team or an asset the same on both sides of a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Identity {
    /// Its name: for two policies, whose keys may differ for the same objects (an import, two
    /// revisions).
    Name,
    /// Its policy key: for a plan, where the live side's bound objects carry the policy's keys
    /// (so a renamed team is the same team) and the others keys no policy object has.
    Key,
}

/// One side of the comparison.
#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    /// What makes a team or an asset the same on both sides.
    pub identity: Identity,
    /// The org: teams, roles and assets (its users are not read).
    pub org: &'a Policy,
    /// Its compilation: the graph and the assets' teams.
    pub compiled: &'a Compiled,
    /// The users.
    pub users: &'a [User],
    /// Per user, what their role and teams resolve to.
    pub resolved: &'a [ResolvedUser],
    /// Per user, the effective access.
    pub access: &'a [UserAccess],
    /// The org's names as shared strings, when they were made ([`View::with_names`]).
    pub names: Option<&'a Names>,
}

impl<'a> View<'a> {
    /// A compiled policy with its own users.
    pub(crate) fn of(side: &Side<'a>, identity: Identity) -> Self {
        let c = side.compiled;
        View {
            identity,
            org: side.policy,
            compiled: c,
            users: &side.policy.users,
            resolved: &c.index.resolved_users,
            access: &c.access.users,
            names: None,
        }
    }

    /// `users` placed in the org of `side` (compared by key: the org is the policy's).
    pub(crate) fn placed(side: &Side<'a>, users: &'a [User], placed: &'a Placed) -> Self {
        View {
            identity: Identity::Key,
            org: side.policy,
            compiled: side.compiled,
            users,
            resolved: &placed.resolved_users,
            access: &placed.access.users,
            names: None,
        }
    }

    /// This view, its grants naming teams and roles with `names` (made from its org).
    pub(crate) fn with_names<'b>(&self, names: &'b Names) -> View<'b>
    where
        'a: 'b,
    {
        debug_assert_eq!(names.team_keys.len(), self.org.teams.len());
        View {
            names: Some(names),
            ..*self
        }
    }

    /// The key of team `t`, as grants hold it.
    pub(crate) fn team_key(&self, t: TeamId) -> Arc<str> {
        match self.names {
            Some(n) => Arc::clone(&n.team_keys[t.index()]),
            None => Arc::from(self.org.teams[t.index()].key.value.as_str()),
        }
    }

    /// The name of team `t` (its key when it has none), as grants hold it.
    pub(crate) fn team_name(&self, t: TeamId) -> Arc<str> {
        match self.names {
            Some(n) => Arc::clone(&n.team_names[t.index()]),
            None => Arc::from(Names::name_of(&self.org.teams[t.index()])),
        }
    }

    /// The key of role `r`, as grants hold it.
    pub(crate) fn role_key(&self, r: RoleId) -> Arc<str> {
        match self.names {
            Some(n) => Arc::clone(&n.role_keys[r.index()]),
            None => Arc::from(self.org.roles[r.index()].key.value.as_str()),
        }
    }

    /// The identity of team `t`: its key or its name (its key when it has none).
    pub(crate) fn team_id(&self, t: TeamId) -> &'a str {
        let team = &self.org.teams[t.index()];
        match (self.identity, &team.name) {
            (Identity::Name, Some(name)) => &name.value,
            _ => &team.key.value,
        }
    }

    /// The role of `user`, when it resolves.
    pub(crate) fn role(&self, user: UserId) -> Option<RoleId> {
        self.resolved[user.index()].role
    }

    /// The direct teams of `user`: the primary team (when it resolves), then the additional
    /// teams.
    pub(crate) fn direct_teams(&self, user: UserId) -> impl Iterator<Item = TeamId> + 'a {
        let r = &self.resolved[user.index()];
        r.team.into_iter().chain(r.teams.iter().copied())
    }

    /// The access of `user`.
    pub(crate) fn user(&self, user: UserId) -> &'a UserAccess {
        &self.access[user.index()]
    }

    /// The direct team through which each team `user` covers is reached: the first direct
    /// team (primary, then additional) whose subtree holds it. Reasons name it.
    pub(crate) fn reached(&self, user: UserId) -> Reached<'a> {
        Reached {
            tour: self.compiled.graph.tour(),
            direct: self.direct_teams(user).collect(),
        }
    }
}

/// The direct teams of a user, to find through which one a covered team is reached (see
/// [`View::reached`]): a user has a few direct teams, and the tour says which subtree holds a
/// team without listing the subtrees.
pub(crate) struct Reached<'a> {
    tour: &'a teamform_compiler::Tour,
    direct: Vec<TeamId>,
}

impl Reached<'_> {
    /// The first direct team whose subtree holds `team`.
    pub(crate) fn get(&self, team: &TeamId) -> Option<&TeamId> {
        self.direct.iter().find(|d| self.tour.contains(**d, *team))
    }
}

/// The keys and names of an org's teams and roles, each made once as a shared string: the
/// grants of a large org name the same few thousand teams and roles millions of times, and
/// each then holds a pointer rather than a string of its own (made, copied and freed).
pub(crate) struct Names {
    team_keys: Vec<Arc<str>>,
    team_names: Vec<Arc<str>>,
    role_keys: Vec<Arc<str>>,
}

impl Names {
    /// The names of `org`'s teams and roles.
    pub(crate) fn new(org: &Policy) -> Self {
        Names {
            team_keys: org
                .teams
                .iter()
                .map(|t| Arc::from(t.key.value.as_str()))
                .collect(),
            team_names: org
                .teams
                .iter()
                .map(|t| Arc::from(Self::name_of(t)))
                .collect(),
            role_keys: org
                .roles
                .iter()
                .map(|r| Arc::from(r.key.value.as_str()))
                .collect(),
        }
    }

    /// The name of `team`, or its key when it has none.
    fn name_of(team: &teamform_model::Team) -> &str {
        team.name.as_ref().map_or(&team.key.value, |n| &n.value)
    }
}
