//! Users on one side only: a new user gains all the access the policy gives them, a removed
//! user loses all the access the portal gives them. Their grants come straight from their
//! compiled access ([`super::direct`]), once per distinct [`OneSided`] value (a first plan of
//! a large org has a handful of users per value); the part of those grants that follows from
//! the role alone is made once per side and [`RoleKey`] ([`RoleParts`]), and shared by their
//! lists ([`GrantList`]).

use super::grant_list::GrantList;
use super::grants::{self, GrantChange};
use super::view::View;
use super::{Detail, Job, RoleKey, UserAccessDiff, direct, user_diff};
use std::sync::Arc;
use teamform_compiler::UserId;

/// What determines all the access of a user on one side only (new or removed): the side,
/// super admin, role, direct teams (they name the reasons), and the access they compile to.
#[derive(PartialEq, Eq, Hash)]
pub(super) struct OneSided {
    desired: bool,
    super_admin: bool,
    /// The role and direct teams.
    resolved: teamform_compiler::ResolvedUser,
    crm: [[teamform_model::Scope; 3]; 5],
    asset_types: u32,
}

/// The side of `job`'s user when they are on one side only: its view, the user there, and
/// whether it is the desired side (a new user) or the live one (a removed user).
fn side<'v, 'a>(
    live: &'v View<'a>,
    desired: &'v View<'a>,
    job: &Job<'_>,
) -> Option<(&'v View<'a>, UserId, bool)> {
    match (job.before, job.after) {
        (Some(l), None) => Some((live, l, false)),
        (None, Some(d)) => Some((desired, d, true)),
        _ => None,
    }
}

impl OneSided {
    /// The key of `job` when its user is on one side only.
    pub(super) fn of(live: &View<'_>, desired: &View<'_>, job: &Job<'_>) -> Option<Self> {
        let (view, user, desired_side) = side(live, desired, job)?;
        Some(Self::key(view, user, desired_side))
    }

    /// The key of `user` on `view` (the desired side or not).
    pub(super) fn key(view: &View<'_>, user: UserId, desired_side: bool) -> Self {
        let access = view.user(user);
        OneSided {
            desired: desired_side,
            super_admin: access.super_admin,
            resolved: view.resolved[user.index()].clone(),
            crm: access.crm,
            asset_types: access.asset_types,
        }
    }
}

/// The grants of one-sided users that follow from their role alone ([`direct::role_grants`],
/// sorted), made once per side and [`RoleKey`]: most of a first plan's grants are these.
pub(super) struct RoleParts {
    /// Per job given to [`RoleParts::new`], the position of its part (none for a job on
    /// both sides).
    of_job: Vec<Option<usize>>,
    /// The distinct parts.
    parts: Vec<Arc<[GrantChange]>>,
}

impl RoleParts {
    /// The role parts of `jobs`, each a user on one side only.
    pub(super) fn new(live: &View<'_>, desired: &View<'_>, jobs: &[&Job<'_>]) -> Self {
        let mut distinct: foldhash::HashMap<(bool, RoleKey), usize> = Default::default();
        let mut firsts: Vec<(&View<'_>, UserId)> = Vec::new();
        let of_job = jobs
            .iter()
            .map(|job| {
                let (view, user, desired_side) = side(live, desired, job)?;
                let key = (desired_side, RoleKey::of(view, user));
                Some(*distinct.entry(key).or_insert_with(|| {
                    firsts.push((view, user));
                    firsts.len() - 1
                }))
            })
            .collect();
        let parts = crate::par::map(&firsts, |(view, user)| {
            grants::sorted(direct::role_grants(view, *user)).into()
        });
        RoleParts { of_job, parts }
    }

    /// The part of the job at `at` (in the list given to [`RoleParts::new`]).
    pub(super) fn of(&self, at: usize) -> Arc<[GrantChange]> {
        self.of_job
            .get(at)
            .copied()
            .flatten()
            .and_then(|i| self.parts.get(i))
            .map_or_else(Arc::default, Arc::clone)
    }
}

/// What changes for the user of `job`, on one side only: all their access gained (new) or
/// lost (removed), as grants, `role_part` being their [`RoleParts`] part.
pub(super) fn diff(
    (live, desired): (&View<'_>, &View<'_>),
    (assets, counted): (bool, Option<&(direct::Assets, direct::Assets)>),
    (job, role_part): (&Job<'_>, Arc<[GrantChange]>),
) -> Option<UserAccessDiff> {
    let Some((view, user, desired_side)) = side(live, desired, job) else {
        return user_diff(live, desired, (assets, Detail::Grants), job);
    };
    let counted = counted.map(|c| if desired_side { &c.1 } else { &c.0 });
    let team_part = grants::sorted(direct::team_grants(view, user, counted));
    let held = GrantList::merged(role_part, team_part);
    let (status, grants) = if desired_side {
        let grants = grants::UserGrants {
            gained: held,
            ..Default::default()
        };
        (grants::Status::New, grants)
    } else {
        let grants = grants::UserGrants {
            lost: held,
            ..Default::default()
        };
        (grants::Status::Removed, grants)
    };
    Some(UserAccessDiff {
        user: job.user.to_string(),
        status,
        gained: Vec::new(),
        lost: Vec::new(),
        changed: Vec::new(),
        grants: std::sync::Arc::new(grants),
    })
}
