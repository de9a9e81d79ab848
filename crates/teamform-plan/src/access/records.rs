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

/// Part of one side's users: a view, less the users whose lowercased email is in `skip`.
#[derive(Clone, Copy)]
pub(crate) struct Part<'v, 'a> {
    /// The users.
    pub view: &'v View<'a>,
    /// The users left out (they are in another part).
    pub skip: Option<&'v HashSet<String>>,
}

/// One side's users who hold a `team` scope, indexed by direct team, and every user by email.
struct Side<'v, 'a> {
    parts: &'v [Part<'v, 'a>],
    by_team: HashMap<TeamId, Vec<(usize, UserId)>>,
    by_email: HashMap<Cow<'a, str>, (usize, UserId)>,
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
    fn new(parts: &'v [Part<'v, 'a>]) -> Self {
        let mut by_team: HashMap<TeamId, Vec<(usize, UserId)>> = HashMap::new();
        let mut by_email = HashMap::new();
        for (p, part) in parts.iter().enumerate() {
            for (i, user) in part.view.users.iter().enumerate() {
                let email = lower(&user.key.value);
                if part.skip.is_some_and(|s| s.contains(email.as_ref())) {
                    continue;
                }
                let u = UserId(i as u32);
                if team_scoped(part.view.user(u)).next().is_some() {
                    for t in direct(part.view, u) {
                        by_team.entry(t).or_default().push((p, u));
                    }
                }
                by_email.insert(email, (p, u));
            }
        }
        Side {
            parts,
            by_team,
            by_email,
        }
    }

    /// The users whose `team` scope reaches records of the direct teams `teams`, each with
    /// the actions it reaches them for, by lowercased email.
    fn reach(&self, teams: &[TeamId]) -> BTreeMap<Cow<'a, str>, BTreeSet<(CrmAction, CrmObject)>> {
        let graph = &self.parts[0].view.compiled.graph;
        let mut out: BTreeMap<Cow<'a, str>, BTreeSet<(CrmAction, CrmObject)>> = BTreeMap::new();
        for t in teams {
            for above in graph.ancestors(*t) {
                for (p, h) in self.by_team.get(&above).into_iter().flatten() {
                    let view = self.parts[*p].view;
                    let email: &'a str = &view.users[h.index()].key.value;
                    out.entry(lower(email))
                        .or_default()
                        .extend(team_scoped(view.user(*h)));
                }
            }
        }
        out
    }

    /// The scope a user (by lowercased email) holds on this side, if they are on it.
    fn scope(&self, email: &str, (action, object): (CrmAction, CrmObject)) -> Scope {
        self.by_email.get(email).map_or(Scope::None, |(p, u)| {
            self.parts[*p].view.user(*u).scope(object, action)
        })
    }

    /// The user's email as written on this side.
    fn written(&self, email: &str) -> Option<&'a str> {
        self.by_email
            .get(email)
            .map(|(p, u)| self.parts[*p].view.users[u.index()].key.value.as_str())
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

/// Who gains and loses team-scope access over the records of each user whose direct teams
/// differ between the sides. The owners are looked for in `live[0]` (the users a plan
/// compares); the holders are every user of each side.
pub(crate) fn records_diff(live: &[Part<'_, '_>], desired: &[Part<'_, '_>]) -> Vec<RecordsAccess> {
    let (Some(live_owners), Some(_)) = (live.first(), desired.first()) else {
        return Vec::new();
    };
    let desired_side = Side::new(desired);
    let mut owners = Vec::new();
    for (i, user) in live_owners.view.users.iter().enumerate() {
        let email = lower(&user.key.value);
        if live_owners.skip.is_some_and(|s| s.contains(email.as_ref())) {
            continue;
        }
        let Some((p, d)) = desired_side.by_email.get(email.as_ref()).copied() else {
            continue;
        };
        let l = UserId(i as u32);
        let dview = desired_side.parts[p].view;
        if team_identities(live_owners.view, l) != team_identities(dview, d) {
            owners.push((email, l, (p, d)));
        }
    }
    if owners.is_empty() {
        return Vec::new();
    }
    let live_side = Side::new(live);
    let mut out = Vec::new();
    for (email, l, (p, d)) in owners {
        let lteams: Vec<TeamId> = direct(live_owners.view, l).collect();
        let dteams: Vec<TeamId> = direct(desired_side.parts[p].view, d).collect();
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
