//! The access diff: per user, the effective access gained and lost, comparing the access the
//! live portal grants today with the access the policy grants, each line with its reason.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use teamform_compiler::{AssetId, Compiled, UserId};
use teamform_model::{CrmAction, CrmObject, Policy, Scope};

/// One access a user gains or loses, and why they hold it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLine {
    /// The access (`edit deals of team Sales France`).
    pub access: String,
    /// Why (`via team sales-fr ← role sales-manager`).
    pub via: String,
}

/// What changes for one user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAccessDiff {
    /// The email.
    pub user: String,
    /// `new`, `removed` or `changed`.
    pub status: String,
    /// Access gained.
    pub gained: Vec<AccessLine>,
    /// Access lost.
    pub lost: Vec<AccessLine>,
}

/// A compiled policy, for one side of the comparison.
pub struct Side<'a> {
    /// The policy.
    pub policy: &'a Policy,
    /// Its compilation.
    pub compiled: &'a Compiled,
}

/// The assets a user can see, found through the compiler's team to assets index instead of
/// testing every asset: what `Access::visible_assets` gives, in the same order.
fn visible_assets(side: &Side<'_>, user: UserId) -> Vec<AssetId> {
    let c = side.compiled;
    let access = c.access.user(user);
    if access.super_admin {
        return (0..c.index.asset_teams.len())
            .map(|a| AssetId(a as u32))
            .collect();
    }
    let mut out = c.graph.unassigned.clone();
    for t in access.teams.iter() {
        if let Some(assets) = c.graph.team_assets.get(t.index()) {
            out.extend_from_slice(assets);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The effective access of `user` as lines, keyed by the access; asset visibility only with
/// `assets` (when the portal can read partitions back).
fn lines(side: &Side<'_>, user: UserId, assets: bool) -> BTreeMap<String, String> {
    let p = side.policy;
    let c = side.compiled;
    let access = c.access.user(user);
    let mut out = BTreeMap::new();
    if access.super_admin {
        out.insert(
            "super admin: every record, tool, setting and asset".to_string(),
            "super admin".to_string(),
        );
        return out;
    }
    let Some(role_id) = c.index.user_role[user.index()] else {
        return out;
    };
    let role = &p.roles[role_id.index()];
    let via_role = format!("via role {}", role.key.value);
    let team_name = |t: teamform_compiler::TeamId| {
        let team = &p.teams[t.index()];
        team.name
            .as_ref()
            .map_or(&team.key.value, |n| &n.value)
            .as_str()
    };
    // The direct team through which each covered team is reached.
    let mut reached: HashMap<teamform_compiler::TeamId, &str> = HashMap::new();
    let direct = c.index.user_team[user.index()]
        .into_iter()
        .chain(c.index.user_teams[user.index()].iter().copied());
    for d in direct {
        for t in c.graph.descendants(d) {
            reached
                .entry(t)
                .or_insert_with(|| p.teams[d.index()].key.value.as_str());
        }
    }
    // Per covered team, its name and the reason, the same for every object and action.
    let mut team_lines: Option<Vec<(&str, String)>> = None;
    for object in CrmObject::ALL {
        for action in CrmAction::ALL {
            match access.scope(*object, *action) {
                Scope::None => {}
                Scope::Everything => {
                    out.insert(format!("{action} all {object}"), via_role.clone());
                }
                Scope::Owned => {
                    out.insert(format!("{action} own {object}"), via_role.clone());
                }
                Scope::Team => {
                    let teams = team_lines.get_or_insert_with(|| {
                        access
                            .teams
                            .iter()
                            .map(|t| {
                                let via = reached
                                    .get(t)
                                    .map_or_else(String::new, |d| format!("via team {d} ← "));
                                (team_name(*t), format!("{via}role {}", role.key.value))
                            })
                            .collect()
                    });
                    for (name, via) in teams.iter() {
                        out.insert(format!("{action} {object} of team {name}"), via.clone());
                    }
                }
            }
        }
    }
    for tool in &role.tools {
        for a in &tool.actions {
            out.insert(format!("{} in {}", a.value, tool.tool), via_role.clone());
        }
    }
    for (flag, v) in &role.account {
        if v.value {
            out.insert(format!("account: {flag}"), via_role.clone());
        }
    }
    let visible = if assets {
        visible_assets(side, user)
    } else {
        Vec::new()
    };
    // The reason per direct team, made once.
    let mut via_team: HashMap<&str, String> = HashMap::new();
    for asset in visible {
        let a = &p.assets[asset.index()];
        let name = a.name.as_ref().map_or(&a.key.value, |n| &n.value);
        let via = match c.index.asset_teams[asset.index()]
            .iter()
            .find_map(|t| reached.get(t))
        {
            Some(d) => via_team
                .entry(d)
                .or_insert_with(|| format!("via team {d}"))
                .clone(),
            None => "unassigned: every team sees it".to_string(),
        };
        out.insert(format!("see {} {name}", a.kind), via);
    }
    out
}

/// The effective access of `user` as lines (access to reason), as plans show them.
pub fn user_access_lines(side: &Side<'_>, user: UserId) -> BTreeMap<String, String> {
    lines(side, user, true)
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
    /// Sets of team names (sorted, distinct).
    sets: HashMap<Vec<u32>, u32>,
}

/// One side's roles and teams as interned numbers.
struct Classes {
    roles: Vec<u32>,
    teams: Vec<u32>,
}

/// Per side, the class of each distinct set of covered teams (the compiler shares one
/// `Arc<[TeamId]>` between the users with the same teams), keyed by its address and length.
#[derive(Default)]
struct TeamSets {
    by_arc: HashMap<(usize, usize), u32>,
}

impl<'a> Interned<'a> {
    fn side(&mut self, side: &Side<'a>) -> Classes {
        let roles = side
            .policy
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
            .policy
            .teams
            .iter()
            .map(|t| {
                let next = self.names.len() as u32;
                *self
                    .names
                    .entry(t.name.as_ref().map_or("", |n| n.value.as_str()))
                    .or_insert(next)
            })
            .collect();
        Classes { roles, teams }
    }

    /// The class of the set of the names of `teams` (the same on both sides for the same
    /// set of names).
    fn team_set(
        &mut self,
        classes: &Classes,
        sets: &mut TeamSets,
        teams: &std::sync::Arc<[teamform_compiler::TeamId]>,
    ) -> u32 {
        let key = (
            std::sync::Arc::as_ptr(teams) as *const teamform_compiler::TeamId as usize,
            teams.len(),
        );
        if let Some(&c) = sets.by_arc.get(&key) {
            return c;
        }
        let mut names: Vec<u32> = teams.iter().map(|t| classes.teams[t.index()]).collect();
        names.sort_unstable();
        names.dedup();
        let next = self.sets.len() as u32;
        let class = *self.sets.entry(names).or_insert(next);
        sets.by_arc.insert(key, class);
        class
    }
}

/// A cheap summary of what determines a user's access, to skip unchanged users: super admin,
/// the role's contents and the set of the covered teams' names, as interned numbers.
fn signature(
    side: &Side<'_>,
    interned: &mut Interned<'_>,
    classes: &Classes,
    sets: &mut TeamSets,
    user: UserId,
) -> (bool, Option<u32>, u32) {
    let c = side.compiled;
    let access = c.access.user(user);
    let role = c.index.user_role[user.index()].map(|r| classes.roles[r.index()]);
    let teams = interned.team_set(classes, sets, &access.teams);
    (access.super_admin, role, teams)
}

/// The managed assets as (type, name) to the set of their partition teams' names, to tell
/// whether any moved.
fn asset_view<'p>(
    side: &Side<'p>,
    classes: &Classes,
) -> BTreeMap<(teamform_model::AssetType, &'p str), Vec<u32>> {
    let p = side.policy;
    p.assets
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut teams: Vec<u32> = side.compiled.index.asset_teams[i]
                .iter()
                .map(|t| classes.teams[t.index()])
                .collect();
            teams.sort_unstable();
            teams.dedup();
            (
                (a.kind, a.name.as_ref().map_or("", |n| n.value.as_str())),
                teams,
            )
        })
        .collect()
}

/// An email lowercased, without allocating when it already is.
pub(crate) fn lower(email: &str) -> Cow<'_, str> {
    if email
        .bytes()
        .any(|b| !b.is_ascii() || b.is_ascii_uppercase())
    {
        Cow::Owned(email.to_lowercase())
    } else {
        Cow::Borrowed(email)
    }
}

/// Compares the access of every user between the live side and the desired side; asset
/// visibility is compared only with `assets` (when the portal can read partitions back).
pub fn access_diff(live: &Side<'_>, desired: &Side<'_>, assets: bool) -> Vec<UserAccessDiff> {
    users_diff(live, desired, assets, None)
}

/// [`access_diff`] for the users whose lowercased email is in `only`: what a plan needs when
/// only users change, as every other user then holds the same access on both sides and no
/// asset changed partition (the caller's promise: the access of the others is not looked at).
pub fn access_diff_of(
    live: &Side<'_>,
    desired: &Side<'_>,
    assets: bool,
    only: &std::collections::HashSet<String>,
) -> Vec<UserAccessDiff> {
    users_diff(live, desired, assets, Some(only))
}

/// [`access_diff`], for every user or for those in `only`.
fn users_diff(
    live: &Side<'_>,
    desired: &Side<'_>,
    assets: bool,
    only: Option<&std::collections::HashSet<String>>,
) -> Vec<UserAccessDiff> {
    let wanted = |email: &str| only.is_none_or(|o| o.contains(lower(email).as_ref()));
    let mut interned = Interned::default();
    let live_classes = interned.side(live);
    let desired_classes = interned.side(desired);
    let assets_moved = assets
        && only.is_none()
        && asset_view(live, &live_classes) != asset_view(desired, &desired_classes);
    // Lowercased email to the live user (the last one with it), and whether a desired user
    // has that email.
    let mut live_users: HashMap<Cow<'_, str>, (UserId, bool)> = live
        .policy
        .users
        .iter()
        .enumerate()
        .map(|(i, u)| (lower(&u.key.value), (UserId(i as u32), false)))
        .collect();
    // First which users to compare (cheap), then their access lines (the costly part, on
    // several threads), in the same order.
    let mut jobs = Vec::new();
    let (mut live_sets, mut desired_sets) = (TeamSets::default(), TeamSets::default());
    for (i, u) in desired.policy.users.iter().enumerate() {
        if !wanted(&u.key.value) {
            continue;
        }
        let d = UserId(i as u32);
        let before = match live_users.get_mut(&lower(&u.key.value)) {
            Some((l, seen)) => {
                *seen = true;
                if !assets_moved
                    && signature(live, &mut interned, &live_classes, &mut live_sets, *l)
                        == signature(
                            desired,
                            &mut interned,
                            &desired_classes,
                            &mut desired_sets,
                            d,
                        )
                {
                    continue;
                }
                Some(*l)
            }
            None => None,
        };
        jobs.push(Job {
            user: &u.key.value,
            before,
            after: Some(d),
        });
    }
    for (i, u) in live.policy.users.iter().enumerate() {
        let seen = live_users
            .get(&lower(&u.key.value))
            .is_some_and(|(_, seen)| *seen);
        if !seen && wanted(&u.key.value) {
            jobs.push(Job {
                user: &u.key.value,
                before: Some(UserId(i as u32)),
                after: None,
            });
        }
    }
    crate::par::map(&jobs, |job| {
        let before = job.before.map(|l| lines(live, l, assets));
        let status = match (&before, job.after) {
            (_, None) => "removed",
            (Some(_), Some(_)) => "changed",
            (None, Some(_)) => "new",
        };
        let after = job.after.map(|d| lines(desired, d, assets));
        entry(
            job.user,
            status,
            before.unwrap_or_default(),
            after.unwrap_or_default(),
        )
    })
    .into_iter()
    .flatten()
    .collect()
}

/// A user whose access lines are compared: a desired user (`after`) with the live user of
/// the same email (`before`), or a live user no longer in the policy (no `after`).
struct Job<'a> {
    user: &'a str,
    before: Option<UserId>,
    after: Option<UserId>,
}

/// What changes for one user: the lines only after (gained) and only before (lost), each
/// in order; nothing for a changed user whose lines are the same.
fn entry(
    user: &str,
    status: &str,
    before: BTreeMap<String, String>,
    after: BTreeMap<String, String>,
) -> Option<UserAccessDiff> {
    let line = |(access, via): (String, String)| AccessLine { access, via };
    let (mut gained, mut lost) = (Vec::new(), Vec::new());
    let mut b = before.into_iter().peekable();
    let mut a = after.into_iter().peekable();
    loop {
        let order = match (b.peek(), a.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some((kb, _)), Some((ka, _))) => kb.cmp(ka),
        };
        match order {
            std::cmp::Ordering::Less => lost.extend(b.next().map(line)),
            std::cmp::Ordering::Greater => gained.extend(a.next().map(line)),
            std::cmp::Ordering::Equal => {
                b.next();
                a.next();
            }
        }
    }
    if gained.is_empty() && lost.is_empty() && status == "changed" {
        return None;
    }
    Some(UserAccessDiff {
        user: user.to_string(),
        status: status.to_string(),
        gained,
        lost,
    })
}
