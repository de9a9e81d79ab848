//! The access diff: per user, the effective access gained and lost, comparing the access the
//! live portal grants today with the access the policy grants, each line with its reason.

mod direct;
pub(crate) mod grant_list;
pub mod grants;
mod lines;
mod one_sided;
mod records;
mod view;

pub use records::{HolderGroup, RecordsAccess};

use lines::{Lines, Omit, lines};
use one_sided::{OneSided, RoleParts};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use teamform_compiler::{Compiled, UserId};
use teamform_model::{CrmAction, CrmObject, Policy};
use view::{Identity, View};

/// One access a user gains or loses, and why they hold it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AccessLine {
    /// The access (`edit deals of team Sales France`).
    pub access: String,
    /// Why (`via team sales-fr ← role sales-manager`).
    pub via: String,
}

/// A CRM action whose scope changes kind (owned, team, everything): a promotion widens a
/// scope, it does not lose one access and gain another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScopeChange {
    /// The action on the object (`edit deals`).
    pub access: String,
    /// The scope before (`owned`, `everything`, `team Sales France`, `teams A, B and 3 more`).
    pub before: String,
    /// The scope after.
    pub after: String,
    /// Why the user holds the scope after.
    pub via: String,
}

/// How much of the access diff to compute: the grants always; the expanded lines (one per
/// team and asset, as text) only when they will be shown (`--expand`), as for a first plan
/// of a large org they outweigh everything else.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Detail {
    /// The grants only: [`UserAccessDiff::gained`], `lost` and `changed` stay empty.
    #[default]
    Grants,
    /// The grants and the expanded lines.
    Expanded,
}

/// What changes for one user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UserAccessDiff {
    /// The email.
    pub user: String,
    /// New, removed or changed (`new`, `removed`, `changed` in JSON).
    pub status: grants::Status,
    /// Access gained (with [`Detail::Expanded`] only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gained: Vec<AccessLine>,
    /// Access lost (with [`Detail::Expanded`] only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lost: Vec<AccessLine>,
    /// Scopes that change kind, sorted by access (instead of a loss and a gain; with
    /// [`Detail::Expanded`] only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<ScopeChange>,
    /// The same changes as grants (team subtrees, asset partitions, risk levels), shared by
    /// the users whose access is computed once (see [`OneSided`]).
    #[serde(default, skip_serializing_if = "grants::UserGrants::is_empty")]
    pub grants: std::sync::Arc<grants::UserGrants>,
}

/// A compiled policy, for one side of the comparison.
pub struct Side<'a> {
    /// The policy.
    pub policy: &'a Policy,
    /// Its compilation.
    pub compiled: &'a Compiled,
}

/// The effective access of `user` as lines (access to reason), as plans show them.
pub fn user_access_lines(side: &Side<'_>, user: UserId) -> BTreeMap<String, String> {
    lines(&View::of(side, Identity::Name), user, Omit::default())
        .into_iter()
        .map(|(line, via)| (line.text(), via.text()))
        .collect()
}

/// The grants `user` holds, in the grant view (team subtrees, partitions, account
/// permissions, super admin), each with why and its risk: their whole access, as a new user
/// would gain it. Access reviews list these per user.
pub fn user_holdings(side: &Side<'_>, user: UserId) -> Vec<grants::GrantChange> {
    holdings(&View::of(side, Identity::Name), user)
}

/// [`user_holdings`] on a view.
fn holdings(view: &View<'_>, user: UserId) -> Vec<grants::GrantChange> {
    let held: Vec<_> = lines(view, user, Omit::default()).into_iter().collect();
    let covered = view.user(user).teams.iter().copied().collect();
    let none = foldhash::HashSet::default();
    grants::user_grants((view, &[], &none), (view, &held, &covered), Vec::new())
        .gained
        .into_vec()
}

/// [`user_holdings`] for many users of one side: users with the same [`HoldingsKey`] (super
/// admin flag, role, direct teams and access) hold the same grants, so a caller computes them
/// once per distinct key. The counted assets and the shared names are made once for all.
pub struct Holdings<'a> {
    view: View<'a>,
    names: view::Names,
    assets: direct::Assets,
}

/// What the grants of a user depend on ([`Holdings::key`]): users with equal keys hold the
/// same grants.
#[derive(PartialEq, Eq, Hash)]
pub struct HoldingsKey(OneSided);

/// What the grants of a user that do not depend on their teams ([`Holdings::role_grants`])
/// depend on: super admin status, the role and the CRM scopes.
#[derive(PartialEq, Eq, Hash)]
pub struct RoleKey {
    super_admin: bool,
    role: Option<teamform_compiler::RoleId>,
    crm: [[teamform_model::Scope; 3]; 5],
}

impl RoleKey {
    /// The key of `user` on `view`.
    fn of(view: &View<'_>, user: UserId) -> Self {
        let access = view.user(user);
        RoleKey {
            super_admin: access.super_admin,
            role: view.role(user),
            crm: access.crm,
        }
    }
}

impl<'a> Holdings<'a> {
    /// The holdings of the users of `side`.
    pub fn new(side: &Side<'a>) -> Self {
        let view = View::of(side, Identity::Name);
        Holdings {
            assets: direct::Assets::new(&view),
            names: view::Names::new(view.org),
            view,
        }
    }

    /// What the grants of `user` depend on.
    pub fn key(&self, user: UserId) -> HoldingsKey {
        HoldingsKey(OneSided::key(&self.view, user, true))
    }

    /// What the grants of `user` that do not depend on their teams depend on.
    pub fn role_key(&self, user: UserId) -> RoleKey {
        RoleKey::of(&self.view, user)
    }

    /// The grants `user` holds (the same as [`user_holdings`]).
    pub fn of(&self, user: UserId) -> Vec<grants::GrantChange> {
        let view = self.view.with_names(&self.names);
        direct::holdings(&view, user, Some(&self.assets))
    }

    /// The grants `user` holds through super admin status or their role and CRM scopes alone,
    /// the same for every user with the same [`RoleKey`], in the order of [`Holdings::of`].
    pub fn role_grants(&self, user: UserId) -> Vec<grants::GrantChange> {
        let view = self.view.with_names(&self.names);
        grants::sorted(direct::role_grants(&view, user))
    }

    /// The other grants `user` holds: through their teams (team scopes, assets), in the order
    /// of [`Holdings::of`], which is the two lists merged ([`grants::canonical`]).
    pub fn team_grants(&self, user: UserId) -> Vec<grants::GrantChange> {
        let view = self.view.with_names(&self.names);
        grants::sorted(direct::team_grants(&view, user, Some(&self.assets)))
    }
}

/// For history: given the access lines of one user at each commit, newest first (`None`
/// where the user does not exist), the index of the commit that granted each line held at the
/// newest commit: the oldest commit of the unbroken run of commits holding it.
pub fn granted_at(history: &[Option<BTreeMap<String, String>>]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let Some(Some(now)) = history.first() else {
        return out;
    };
    for line in now.keys() {
        let mut at = 0;
        for (i, lines) in history.iter().enumerate() {
            match lines {
                Some(l) if l.contains_key(line) => at = i,
                _ => break,
            }
        }
        out.insert(line.clone(), at);
    }
    out
}

/// Role contents and team names interned for both sides, so that the summaries of a user's
/// access on the two sides compare as small integers.
#[derive(Default)]
struct Interned<'a> {
    roles: HashMap<crate::Permissions, u32>,
    names: HashMap<&'a str, u32>,
    /// Sets of team names (sorted, distinct): the subtrees of teams.
    sets: HashMap<Vec<u32>, u32>,
    /// Lists of more than two subtree classes (sorted, distinct).
    lists: HashMap<Vec<u32>, u32>,
}

/// One side's roles and teams as interned numbers.
struct Classes {
    roles: Vec<u32>,
    teams: Vec<u32>,
}

/// Per side, the class of each team's subtree (the set of the names of the team and the
/// teams under it), computed when first asked for: a user's covered teams are the union of
/// the subtrees of their direct teams, so a user's covered teams are summarised by a few
/// subtree classes instead of a set built and hashed per user.
struct TeamSets {
    subtrees: Vec<Option<u32>>,
}

impl TeamSets {
    fn new(side: &View<'_>) -> Self {
        TeamSets {
            subtrees: vec![None; side.org.teams.len()],
        }
    }
}

/// The teams a user covers, as the classes of the subtrees of their direct teams, sorted and
/// distinct, without the direct teams under another of their direct teams. Equal summaries
/// mean equal sets of covered teams' names (the union of the same subtrees). Two sides whose
/// trees differ may summarise equal sets differently, which only costs a comparison of that
/// user's lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Covered {
    /// At most two subtrees (`u32::MAX` where there is none), sorted.
    Few([u32; 2]),
    /// More: an interned list ([`Interned::lists`]).
    Many(u32),
}

impl<'a> Interned<'a> {
    fn side(&mut self, side: &View<'a>) -> Classes {
        let roles = side
            .org
            .roles
            .iter()
            .map(|r| {
                let next = self.roles.len() as u32;
                *self
                    .roles
                    .entry(crate::desired::permissions(r))
                    .or_insert(next)
            })
            .collect();
        let teams = side
            .org
            .teams
            .iter()
            .map(|t| {
                let next = self.names.len() as u32;
                let id = match side.identity {
                    Identity::Key => t.key.value.as_str(),
                    Identity::Name => t.name.as_ref().map_or("", |n| n.value.as_str()),
                };
                *self.names.entry(id).or_insert(next)
            })
            .collect();
        Classes { roles, teams }
    }

    /// The class of the set of the names of `team` and the teams under it on `side` (the
    /// same on both sides for the same set of names).
    fn subtree(
        &mut self,
        (side, classes): (&View<'_>, &Classes),
        sets: &mut TeamSets,
        team: teamform_compiler::TeamId,
    ) -> u32 {
        if let Some(c) = sets.subtrees[team.index()] {
            return c;
        }
        let mut names: Vec<u32> = (side.compiled.graph.descendants(team).iter())
            .map(|t| classes.teams[t.index()])
            .collect();
        names.sort_unstable();
        names.dedup();
        let next = self.sets.len() as u32;
        let class = *self.sets.entry(names).or_insert(next);
        sets.subtrees[team.index()] = Some(class);
        class
    }

    /// The teams `user` covers on `side`, summarised ([`Covered`]).
    fn covered(
        &mut self,
        (side, classes): (&View<'_>, &Classes),
        sets: &mut TeamSets,
        user: UserId,
    ) -> Covered {
        let direct = || side.direct_teams(user);
        let tour = side.compiled.graph.tour();
        // A direct team under another direct team adds nothing to the union.
        let under_another =
            |t: teamform_compiler::TeamId| direct().any(|d| d != t && tour.contains(d, t));
        let mut few = [u32::MAX; 2];
        let mut more: Vec<u32> = Vec::new();
        let mut n = 0;
        for t in direct() {
            if under_another(t) {
                continue;
            }
            let c = self.subtree((side, classes), sets, t);
            match n {
                0 | 1 => few[n] = c,
                2 => more.extend([few[0], few[1], c]),
                _ => more.push(c),
            }
            n += 1;
        }
        if more.is_empty() {
            few.sort_unstable();
            if few[0] == few[1] {
                few[1] = u32::MAX;
            }
            return Covered::Few(few);
        }
        more.sort_unstable();
        more.dedup();
        if let [a, b] = more[..] {
            return Covered::Few([a, b]);
        }
        let next = self.lists.len() as u32;
        Covered::Many(*self.lists.entry(more).or_insert(next))
    }
}

/// A cheap summary of what determines a user's access, to skip unchanged users: super admin,
/// the role's contents and the covered teams, as interned numbers.
fn signature(
    side: &View<'_>,
    interned: &mut Interned<'_>,
    classes: &Classes,
    sets: &mut TeamSets,
    user: UserId,
) -> (bool, Option<u32>, Covered) {
    let access = side.user(user);
    let role = side.role(user).map(|r| classes.roles[r.index()]);
    let teams = interned.covered((side, classes), sets, user);
    (access.super_admin, role, teams)
}

/// The managed assets as (type, name) with the set of their partition teams' names, sorted
/// by (type, name) and one per (type, name) (the last listed), to tell whether any moved.
fn asset_view<'p>(
    side: &View<'p>,
    classes: &Classes,
) -> Vec<((teamform_model::AssetType, &'p str), Vec<u32>)> {
    let p = side.org;
    let mut view: Vec<_> = p
        .assets
        .iter()
        .enumerate()
        .rev()
        .map(|(i, a)| {
            let mut teams: Vec<u32> = side.compiled.index.asset_teams[i]
                .iter()
                .map(|t| classes.teams[t.index()])
                .collect();
            teams.sort_unstable();
            teams.dedup();
            let id = match side.identity {
                Identity::Key => a.key.value.as_str(),
                Identity::Name => a.name.as_ref().map_or("", |n| n.value.as_str()),
            };
            ((a.kind, id), teams)
        })
        .collect();
    // Listed last first, so that the stable sort keeps the last listed first of its key.
    view.sort_by(|x, y| x.0.cmp(&y.0));
    view.dedup_by(|later, first| later.0 == first.0);
    view
}

/// An email as a key, by the one rule of [`teamform_email::EmailKey`], without allocating
/// when it is already folded.
pub(crate) fn lower(email: &str) -> Cow<'_, str> {
    teamform_email::EmailKey::new(email).into_cow()
}

/// Compares the access of every user between the live side and the desired side; asset
/// visibility is compared only with `assets` (when the portal can read partitions back).
pub fn access_diff(live: &Side<'_>, desired: &Side<'_>, assets: bool) -> Vec<UserAccessDiff> {
    access_diff_in(live, desired, (assets, Detail::Expanded))
}

/// [`access_diff`], the expanded lines computed only with [`Detail::Expanded`] (plans make
/// them only for `--expand`).
pub fn access_diff_in(
    live: &Side<'_>,
    desired: &Side<'_>,
    (assets, detail): (bool, Detail),
) -> Vec<UserAccessDiff> {
    let (live, desired) = (
        View::of(live, Identity::Name),
        View::of(desired, Identity::Name),
    );
    users_diff(&live, &desired, (assets, detail), None)
}

/// [`access_diff`] for a plan: the live side's bound teams and assets carry the policy's keys
/// and the others keys no policy object has, so teams and assets are compared by key (a
/// renamed team is the same team).
pub(crate) fn plan_access_diff(
    live: &Side<'_>,
    desired: &Side<'_>,
    (assets, detail): (bool, Detail),
) -> Vec<UserAccessDiff> {
    let (live, desired) = (
        View::of(live, Identity::Key),
        View::of(desired, Identity::Key),
    );
    users_diff(&live, &desired, (assets, detail), None)
}

/// [`access_diff`] for the users whose lowercased email is in `only`, where the live side is
/// `users` placed in the org of `desired`: what a plan needs when only users change, as
/// every other user then holds the same access on both sides, and the live org (teams, roles,
/// assets) is the policy's (the caller's promise: the others are not looked at).
pub(crate) fn placed_diff_of(
    users: &[teamform_model::User],
    placed: &teamform_compiler::Placed,
    desired: &Side<'_>,
    assets: (bool, Detail),
    only: &std::collections::HashSet<String>,
) -> Vec<UserAccessDiff> {
    let live = View::placed(desired, users, placed);
    users_diff(&live, &View::of(desired, Identity::Key), assets, Some(only))
}

/// Who gains and loses team-scope access over the records of the users of `owners`
/// (lowercased emails) whose teams change, for a plan (teams compared by key), the whole live
/// side compiled.
pub(crate) fn plan_records_diff(
    live: &Side<'_>,
    desired: &Side<'_>,
    owners: &std::collections::HashSet<String>,
) -> Vec<RecordsAccess> {
    let (live, desired) = (
        View::of(live, Identity::Key),
        View::of(desired, Identity::Key),
    );
    records::records_diff(
        &records::Users {
            org: &live,
            placed: None,
        },
        &records::Users {
            org: &desired,
            placed: None,
        },
        owners,
    )
}

/// [`plan_records_diff`] when only users change: the live side is the changed users (`only`)
/// placed in the policy's org (`users`, `placed`) and every other user as the policy has
/// them.
pub(crate) fn placed_records_diff(
    users: &[teamform_model::User],
    placed: &teamform_compiler::Placed,
    desired: &Side<'_>,
    only: &std::collections::HashSet<String>,
) -> Vec<RecordsAccess> {
    let live = View::placed(desired, users, placed);
    let desired = View::of(desired, Identity::Key);
    records::records_diff(
        &records::Users {
            org: &desired,
            placed: Some((&live, only)),
        },
        &records::Users {
            org: &desired,
            placed: None,
        },
        only,
    )
}

/// [`access_diff`], for every user or for those in `only`; asset visibility compared only
/// with `assets`, the expanded lines computed only with [`Detail::Expanded`].
fn users_diff(
    live: &View<'_>,
    desired: &View<'_>,
    (assets, detail): (bool, Detail),
    only: Option<&std::collections::HashSet<String>>,
) -> Vec<UserAccessDiff> {
    let jobs = jobs(live, desired, assets, only);
    // The grants name teams and roles through shared strings made once per side.
    let names = (view::Names::new(live.org), view::Names::new(desired.org));
    let (live, desired) = (&live.with_names(&names.0), &desired.with_names(&names.1));
    // A user on one side only (new or removed) gains or loses all their access, which
    // depends on nothing but what [`OneSided`] holds: computed once per distinct value (a
    // first plan of a large org has a handful of users per value).
    // The keys and their hashes are made on every thread, then numbered in order.
    let keys: Vec<Option<(u64, OneSided)>> = crate::par::map(&jobs, |job| {
        OneSided::of(live, desired, job).map(|key| (crate::distinct::hash(&key), key))
    });
    let mut distinct = crate::distinct::Distinct::default();
    let mut firsts: Vec<&OneSided> = Vec::new();
    let mut representatives: Vec<&Job<'_>> = Vec::new();
    let mut two_sided: Vec<&Job<'_>> = Vec::new();
    let slot: Vec<Result<usize, usize>> = jobs
        .iter()
        .zip(&keys)
        .map(|(job, key)| match key {
            Some((hash, key)) => Ok(distinct
                .find_or_add(*hash, |at| firsts[at] == key)
                .unwrap_or_else(|next| {
                    firsts.push(key);
                    representatives.push(job);
                    next
                })),
            None => {
                two_sided.push(job);
                Err(two_sided.len() - 1)
            }
        })
        .collect();
    let compute = |job: &&Job<'_>| user_diff(live, desired, (assets, detail), job);
    // Without the expanded lines, a one-sided user's grants come straight from their
    // compiled access: the part of their role, made once per side and role key, and the
    // part of their teams.
    let grants_only = detail == Detail::Grants && !representatives.is_empty();
    let counted =
        (grants_only && assets).then(|| (direct::Assets::new(live), direct::Assets::new(desired)));
    let roles = grants_only.then(|| RoleParts::new(live, desired, &representatives));
    let compute_one = |(at, job): (usize, &&Job<'_>)| match &roles {
        Some(roles) => one_sided::diff(
            (live, desired),
            (assets, counted.as_ref()),
            (job, roles.of(at)),
        ),
        None => user_diff(live, desired, (assets, detail), job),
    };
    let (one, mut two) = (
        crate::par::map_indexed(&representatives, compute_one),
        crate::par::map(&two_sided, compute),
    );
    // A shared result, for each of its users (the grants are shared, not copied), on every
    // thread: a first plan of a large org has a hundred thousand.
    let shared = |(at, job): (usize, &Job<'_>)| match slot[at] {
        Ok(i) => one[i].as_ref().map(|diff| UserAccessDiff {
            user: job.user.to_string(),
            status: diff.status,
            gained: diff.gained.clone(),
            lost: diff.lost.clone(),
            changed: diff.changed.clone(),
            grants: std::sync::Arc::clone(&diff.grants),
        }),
        Err(_) => None,
    };
    let mut out = crate::par::map_indexed(&jobs, shared);
    // A user's own result, already theirs.
    for (at, slot) in slot.iter().enumerate() {
        if let Err(i) = slot {
            out[at] = two[*i].take();
        }
    }
    out.into_iter().flatten().collect()
}

/// The users to compare, in the order of the diff: the desired users (those that may
/// differ from their live counterpart, or have none), then the live users no longer in the
/// policy. Cheap; their access lines are the costly part.
fn jobs<'v>(
    live: &View<'v>,
    desired: &View<'v>,
    assets: bool,
    only: Option<&std::collections::HashSet<String>>,
) -> Vec<Job<'v>> {
    let wanted = |email: &str| only.is_none_or(|o| o.contains(lower(email).as_ref()));
    let mut interned = Interned::default();
    let live_classes = interned.side(live);
    let desired_classes = interned.side(desired);
    let assets_moved = assets
        && only.is_none()
        && asset_view(live, &live_classes) != asset_view(desired, &desired_classes);
    // The live user a desired user is compared with: the last with their email key.
    let mut emails =
        crate::matching::EmailIndex::new(live.users.iter().map(|u| u.key.value.as_str()));
    // Per live user (the last of an email), whether a desired user has that email.
    let mut seen = vec![false; live.users.len()];
    let mut jobs = Vec::new();
    let (mut live_sets, mut desired_sets) = (TeamSets::new(live), TeamSets::new(desired));
    for (i, u) in desired.users.iter().enumerate() {
        if !wanted(&u.key.value) {
            continue;
        }
        let d = UserId(i as u32);
        let (before, same_teams) = match emails.find(&u.key.value) {
            Some(at) => {
                let l = UserId(at as u32);
                seen[l.index()] = true;
                if assets_moved {
                    (Some(l), false)
                } else {
                    let was = signature(live, &mut interned, &live_classes, &mut live_sets, l);
                    let will = signature(
                        desired,
                        &mut interned,
                        &desired_classes,
                        &mut desired_sets,
                        d,
                    );
                    if was == will {
                        continue;
                    }
                    // The same covered teams and the same tools to open assets with, and no
                    // super admin either side: the same assets in sight, and the same lines
                    // of covered teams where both sides have the team scope.
                    let same_tools = live.user(l).asset_types == desired.user(d).asset_types;
                    (Some(l), !was.0 && !will.0 && was.2 == will.2 && same_tools)
                }
            }
            None => (None, false),
        };
        jobs.push(Job {
            user: &u.key.value,
            before,
            after: Some(d),
            same_teams,
        });
    }
    for (i, u) in live.users.iter().enumerate() {
        if !seen[emails.last_of(i)] && wanted(&u.key.value) {
            jobs.push(Job {
                user: &u.key.value,
                before: Some(UserId(i as u32)),
                after: None,
                same_teams: false,
            });
        }
    }
    jobs
}

/// What changes for the user of `job`: their lines on each side, compared.
fn user_diff(
    live: &View<'_>,
    desired: &View<'_>,
    (assets, detail): (bool, Detail),
    job: &Job<'_>,
) -> Option<UserAccessDiff> {
    let omit = match (job.before, job.after) {
        (Some(l), Some(d)) if job.same_teams => same_lines(live, l, desired, d),
        _ => Omit::default(),
    };
    let omit = Omit {
        assets: omit.assets || !assets,
        ..omit
    };
    let before = job.before.map(|l| lines(live, l, omit));
    let status = match (&before, job.after) {
        (_, None) => grants::Status::Removed,
        (Some(_), Some(_)) => grants::Status::Changed,
        (None, Some(_)) => grants::Status::New,
    };
    let after = job.after.map(|d| lines(desired, d, omit));
    entry(
        (job.user, status, detail),
        (live, job.before, before.unwrap_or_default()),
        (desired, job.after, after.unwrap_or_default()),
    )
}

/// For a user who covers the same teams on both sides, with the same tools to open assets
/// with (and is no super admin), the lines
/// that are the same on both sides: asset visibility, and the lines of covered teams of
/// each CRM object and action both sides grant with the team scope.
fn same_lines(live: &View<'_>, l: UserId, desired: &View<'_>, d: UserId) -> Omit {
    let (was, will) = (live.user(l), desired.user(d));
    let mut team_lines = [[false; 3]; 5];
    for (o, object) in teamform_model::CrmObject::ALL.iter().enumerate() {
        for (a, action) in teamform_model::CrmAction::ALL.iter().enumerate() {
            team_lines[o][a] = was.scope(*object, *action) == teamform_model::Scope::Team
                && will.scope(*object, *action) == teamform_model::Scope::Team;
        }
    }
    Omit {
        assets: true,
        team_lines,
    }
}

/// A user whose access lines are compared: a desired user (`after`) with the live user of
/// the same email (`before`), or a live user no longer in the policy (no `after`).
struct Job<'a> {
    user: &'a str,
    before: Option<UserId>,
    after: Option<UserId>,
    /// Whether the user covers the same teams on both sides (and is no super admin).
    same_teams: bool,
}

/// What changes for one user: the lines only after (gained) and only before (lost), each
/// sorted by its text; nothing for a changed user whose lines are the same.
fn entry(
    (user, status, detail): (&str, grants::Status, Detail),
    (live, l, mut before): (&View<'_>, Option<UserId>, Lines<'_>),
    (desired, d, mut after): (&View<'_>, Option<UserId>, Lines<'_>),
) -> Option<UserAccessDiff> {
    let (changed, shifts) = scope_changes((live, &mut before), (desired, &mut after));
    // The lines only after (gained) and only before (lost), once: the expanded view shows
    // them as text, the grants are made from them.
    let gained_lines = grants::listed(&after, |line| !before.contains_key(line));
    let lost_lines = grants::listed(&before, |line| !after.contains_key(line));
    let text = |lines: &[(lines::Line<'_>, lines::Via<'_>)]| {
        let mut out: Vec<AccessLine> = lines
            .iter()
            .map(|(line, via)| AccessLine {
                access: line.text(),
                via: via.text(),
            })
            .collect();
        out.sort_unstable_by(|x, y| x.access.cmp(&y.access));
        out
    };
    if gained_lines.is_empty()
        && lost_lines.is_empty()
        && changed.is_empty()
        && status == grants::Status::Changed
    {
        return None;
    }
    let expanded = detail == Detail::Expanded;
    let (gained, lost, changed) = match expanded {
        true => (text(&gained_lines), text(&lost_lines), changed),
        false => Default::default(),
    };
    // The teams covered on one side only, by identity, under which assets are grouped.
    let covered = |view: &View<'_>, u: Option<UserId>, other: &View<'_>, o: Option<UserId>| {
        let Some(u) = u else {
            return foldhash::HashSet::default();
        };
        let theirs: foldhash::HashSet<&str> = o
            .map(|o| {
                other
                    .user(o)
                    .teams
                    .iter()
                    .map(|t| other.team_id(*t))
                    .collect()
            })
            .unwrap_or_default();
        view.user(u)
            .teams
            .iter()
            .copied()
            .filter(|t| !theirs.contains(view.team_id(*t)))
            .collect()
    };
    let grants = grants::user_grants(
        (live, &lost_lines, &covered(live, l, desired, d)),
        (desired, &gained_lines, &covered(desired, d, live, l)),
        shifts,
    );
    Some(UserAccessDiff {
        user: user.to_string(),
        status,
        gained,
        lost,
        changed,
        grants: std::sync::Arc::new(grants),
    })
}

/// A user's lines that grant a scope, by CRM action and object.
type Grouped<'p> = BTreeMap<(CrmAction, CrmObject), Vec<(lines::Line<'p>, lines::Via<'p>)>>;

/// The lines of `l` that grant a scope, by CRM action and object.
fn grouped<'p>(l: &Lines<'p>) -> Grouped<'p> {
    let mut m: Grouped<'p> = BTreeMap::new();
    for (line, via) in l {
        if let Some(key) = lines::scope_of(line) {
            m.entry(key).or_default().push((*line, *via));
        }
    }
    m
}

/// The CRM actions whose scope changes kind between `before` and `after` (owned, team,
/// everything), taken out of both: each is one [`ScopeChange`]. Team scopes over other teams
/// stay lines gained and lost.
fn scope_changes<'a, 'b>(
    (live, before): (&View<'_>, &mut Lines<'a>),
    (desired, after): (&View<'_>, &mut Lines<'b>),
) -> (Vec<ScopeChange>, Vec<grants::ScopeShift>) {
    let (was, will) = (grouped(before), grouped(after));
    let kind = |l: &lines::Line<'_>| match l {
        lines::Line::All(..) => 0,
        lines::Line::Own(..) => 1,
        _ => 2,
    };
    let mut out = Vec::new();
    let mut shifts = Vec::new();
    for (key, old) in &was {
        let Some(new) = will.get(key) else { continue };
        if kind(&old[0].0) == kind(&new[0].0) {
            continue;
        }
        for (line, _) in old {
            before.remove(line);
        }
        for (line, _) in new {
            after.remove(line);
        }
        let via = new
            .iter()
            .min_by_key(|(line, _)| line.text())
            .map(|(_, via)| via);
        let (old_scope, new_scope) = (grants::scope_of(live, old), grants::scope_of(desired, new));
        let risk = |scope: &grants::GrantScope| {
            grants::Grant::Crm {
                action: key.0,
                object: key.1,
                scope: scope.clone(),
            }
            .risk()
        };
        shifts.push(grants::ScopeShift {
            action: key.0,
            object: key.1,
            risk: risk(&old_scope).max(risk(&new_scope)),
            before: old_scope,
            after: new_scope,
            via: via.map_or(grants::Via::Unassigned, grants::Via::of),
        });
        out.push(ScopeChange {
            access: format!("{} {}", key.0, key.1),
            before: lines::scope_text(old),
            after: lines::scope_text(new),
            via: via.map(|v| v.text()).unwrap_or_default(),
        });
    }
    out.sort_unstable_by(|a, b| a.access.cmp(&b.access));
    shifts.sort_by_cached_key(|c| {
        (
            std::cmp::Reverse(c.risk),
            format!("{} {}", c.action, c.object),
        )
    });
    (out, shifts)
}
