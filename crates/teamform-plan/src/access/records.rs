//! Who can act on whose records. When a user's teams change (the owner), the users whose
//! `team` scope reaches the owner's records change too: the manager of the team they join
//! gains edit over their contacts, the manager of the team they leave loses it. The access
//! diff of each user shows only what that user may do; this shows, per owner, who gains and
//! loses team-scope access over their records, holders with the same access grouped.
//!
//! A `team` scope of a holder reaches the records of an owner when one of the owner's direct
//! teams (primary or additional) is among the teams the scope covers (the holder's direct
//! teams and their descendants), as `who-can --owned-by` answers.

use super::lower;
use super::view::View;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use teamform_compiler::{TeamId, UserAccess, UserId};
use teamform_model::{CrmAction, CrmObject, Scope};

/// Users who gain or lose the same access over one owner's records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolderGroup {
    /// The holders' emails, sorted.
    pub users: Vec<String>,
    /// The actions on the owner's records (`edit contacts`), sorted.
    pub access: Vec<String>,
}

/// For one user whose teams change, who gains and loses team-scope access over their records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordsAccess {
    /// The owner's email.
    pub owner: String,
    /// Holders who may act on the owner's records after the change and not before.
    pub gained: Vec<HolderGroup>,
    /// Holders who may no longer.
    pub lost: Vec<HolderGroup>,
}

/// One side's users: the users of a compiled org, or, for a plan that changes only users,
/// the policy's users but for the changed ones (`only`), which are `placed` (the live users
/// placed in the policy's org) instead. Users are found by team (the org's members) and by
/// email (the org's index), never by scanning every user.
pub(crate) struct Users<'v, 'a> {
    /// The org and its users.
    pub org: &'v View<'a>,
    /// The changed users, placed in the org, and their lowercased emails.
    pub placed: Option<(&'v View<'a>, &'v HashSet<String>)>,
}

/// A user of a side: the view they are read from and their position in it.
type Found<'v, 'a> = (&'v View<'a>, UserId);

/// A side, with the placed users indexed.
struct Side<'v, 'a> {
    users: &'v Users<'v, 'a>,
    /// The placed users by lowercased email, and by direct team.
    placed_by_email: HashMap<Cow<'a, str>, UserId>,
    placed_by_team: HashMap<TeamId, Vec<UserId>>,
}

/// The direct teams of a user of a view (primary and additional).
fn direct(view: &View<'_>, u: UserId) -> impl Iterator<Item = TeamId> {
    view.team[u.index()]
        .into_iter()
        .chain(view.teams[u.index()].iter().copied())
}

/// The CRM actions over which `access` holds the `team` scope.
fn team_scoped(access: &UserAccess) -> impl Iterator<Item = (CrmAction, CrmObject)> + '_ {
    CrmObject::ALL.iter().flat_map(move |o| {
        CrmAction::ALL
            .iter()
            .filter(move |a| !access.super_admin && access.scope(*o, **a) == Scope::Team)
            .map(move |a| (*a, *o))
    })
}

impl<'v, 'a> Side<'v, 'a> {
    fn new(users: &'v Users<'v, 'a>) -> Self {
        let mut placed_by_email = HashMap::new();
        let mut placed_by_team: HashMap<TeamId, Vec<UserId>> = HashMap::new();
        if let Some((view, _)) = users.placed {
            for (i, user) in view.users.iter().enumerate() {
                let u = UserId(i as u32);
                placed_by_email.insert(lower(&user.key.value), u);
                for t in direct(view, u) {
                    placed_by_team.entry(t).or_default().push(u);
                }
            }
        }
        Side {
            users,
            placed_by_email,
            placed_by_team,
        }
    }

    /// Whether a user of the org stands aside for a placed one.
    fn replaced(&self, email: &str) -> bool {
        self.users
            .placed
            .is_some_and(|(_, only)| only.contains(lower(email).as_ref()))
    }

    /// The user with `email` (lowercased) on this side.
    fn find(&self, email: &str) -> Option<Found<'v, 'a>> {
        match self.users.placed {
            Some((view, only)) if only.contains(email) => {
                self.placed_by_email.get(email).map(|u| (view, *u))
            }
            _ => {
                let org = self.users.org;
                org.compiled.index.user(email).map(|u| (org, u))
            }
        }
    }

    /// The users whose direct teams include `team`.
    fn members(&self, team: TeamId) -> Vec<Found<'v, 'a>> {
        let org = self.users.org;
        let mut out: Vec<Found<'v, 'a>> = org
            .compiled
            .graph
            .members
            .get(team.index())
            .into_iter()
            .flatten()
            .map(|(u, _)| *u)
            .filter(|u| !self.replaced(&org.users[u.index()].key.value))
            .map(|u| (org, u))
            .collect();
        if let Some((view, _)) = self.users.placed {
            out.extend(
                self.placed_by_team
                    .get(&team)
                    .into_iter()
                    .flatten()
                    .map(|u| (view, *u)),
            );
        }
        out
    }

    /// The users whose `team` scope reaches records of the direct teams `teams`, each with
    /// the actions it reaches them for, by lowercased email.
    fn reach(&self, teams: &[TeamId]) -> BTreeMap<Cow<'a, str>, BTreeSet<(CrmAction, CrmObject)>> {
        let graph = &self.users.org.compiled.graph;
        let mut out: BTreeMap<Cow<'a, str>, BTreeSet<(CrmAction, CrmObject)>> = BTreeMap::new();
        for t in teams {
            for above in graph.ancestors(*t) {
                for (view, h) in self.members(above) {
                    let mut actions = team_scoped(view.user(h)).peekable();
                    if actions.peek().is_none() {
                        continue;
                    }
                    let email: &'a str = &view.users[h.index()].key.value;
                    out.entry(lower(email)).or_default().extend(actions);
                }
            }
        }
        out
    }

    /// The scope a user (by lowercased email) holds on this side, if they are on it.
    fn scope(&self, email: &str, (action, object): (CrmAction, CrmObject)) -> Scope {
        self.find(email)
            .map_or(Scope::None, |(view, u)| view.user(u).scope(object, action))
    }

    /// The user's email as written on this side.
    fn written(&self, email: &str) -> Option<&'a str> {
        self.find(email)
            .map(|(view, u)| view.users[u.index()].key.value.as_str())
    }
}

/// The direct teams of a user as identities (keys or names), sorted, to compare sides.
fn team_identities(view: &View<'_>, u: UserId) -> Vec<String> {
    let mut out: Vec<String> = direct(view, u)
        .map(|t| view.team_id(t).to_string())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Who gains and loses team-scope access over the records of each of `owners` (lowercased
/// emails: the users a plan changes) whose direct teams differ between the sides.
pub(crate) fn records_diff(
    live: &Users<'_, '_>,
    desired: &Users<'_, '_>,
    owners: &HashSet<String>,
) -> Vec<RecordsAccess> {
    if owners.is_empty() {
        return Vec::new();
    }
    let desired_side = Side::new(desired);
    let live_side = Side::new(live);
    let mut moved = Vec::new();
    for email in owners {
        let (Some((lview, l)), Some((dview, d))) =
            (live_side.find(email), desired_side.find(email))
        else {
            continue;
        };
        if team_identities(lview, l) != team_identities(dview, d) {
            moved.push((Cow::Borrowed(email.as_str()), (lview, l), (dview, d)));
        }
    }
    let mut out = Vec::new();
    for (email, (lview, l), (dview, d)) in moved {
        let lteams: Vec<TeamId> = direct(lview, l).collect();
        let dteams: Vec<TeamId> = direct(dview, d).collect();
        let (was, will) = (live_side.reach(&lteams), desired_side.reach(&dteams));
        // Holders who gain (lose) an action, unless they hold it over everything on the
        // other side, which already reaches every record.
        let changes = |from: &BTreeMap<Cow<'_, str>, BTreeSet<(CrmAction, CrmObject)>>,
                       to: &BTreeMap<Cow<'_, str>, BTreeSet<(CrmAction, CrmObject)>>,
                       other: &Side<'_, '_>,
                       shown: &Side<'_, '_>| {
            let mut groups: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
            for (holder, actions) in to {
                if *holder == email {
                    continue;
                }
                let before = from.get(holder);
                let mut access: Vec<String> = actions
                    .iter()
                    .filter(|a| !before.is_some_and(|b| b.contains(*a)))
                    .filter(|a| other.scope(holder, **a) != Scope::Everything)
                    .map(|(action, object)| format!("{action} {object}"))
                    .collect();
                if access.is_empty() {
                    continue;
                }
                access.sort_unstable();
                let written = shown.written(holder).unwrap_or(holder).to_string();
                groups.entry(access).or_default().push(written);
            }
            groups
                .into_iter()
                .map(|(access, mut users)| {
                    users.sort_unstable();
                    HolderGroup { users, access }
                })
                .collect::<Vec<_>>()
        };
        let gained = changes(&was, &will, &live_side, &desired_side);
        let lost = changes(&will, &was, &desired_side, &live_side);
        if gained.is_empty() && lost.is_empty() {
            continue;
        }
        let owner = desired_side.written(&email).unwrap_or(&email).to_string();
        out.push(RecordsAccess {
            owner,
            gained,
            lost,
        });
    }
    out.sort_by(|a, b| a.owner.cmp(&b.owner));
    out
}
