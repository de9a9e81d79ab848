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
use std::collections::{HashMap, HashSet};
use teamform_compiler::{TeamId, UserAccess, UserId};
use teamform_model::{CrmAction, CrmObject, Scope};

/// Users who gain or lose the same access over one owner's records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HolderGroup {
    /// The holders' emails, sorted.
    pub users: Vec<String>,
    /// The actions on the owner's records (`edit contacts`), sorted.
    pub access: Vec<String>,
}

/// For one user whose teams change, who gains and loses team-scope access over their records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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

/// A holder of a `team` scope found on a side: their id (see [`Emails`]), their email as
/// written on the side, the actions.
type Holder<'a> = (u32, &'a str, Actions);

/// The users of both sides numbered by lowercased email, so that the work per owner compares
/// numbers, not strings.
struct Emails<'a> {
    ids: foldhash::HashMap<Cow<'a, str>, u32>,
    emails: Vec<Cow<'a, str>>,
    /// When both sides share one org (a plan that changes only users), the users it changes
    /// (lowercased emails); every other user holds the same record on both sides.
    only: Option<&'a HashSet<String>>,
    /// Per id, whether the user may hold another record on the other side.
    changed: Vec<bool>,
}

impl<'a> Emails<'a> {
    /// The id of a user by their email as written.
    fn id(&mut self, written: &'a str) -> u32 {
        let email = lower(written);
        if let Some(id) = self.ids.get(email.as_ref()) {
            return *id;
        }
        let id = self.emails.len() as u32;
        self.changed
            .push(self.only.is_none_or(|o| o.contains(email.as_ref())));
        self.emails.push(email.clone());
        self.ids.insert(email, id);
        id
    }
}

/// A side, with the placed users indexed, and memos: the holders whose direct teams include a
/// team (the upper teams are visited for every owner below them), and the actions a user
/// holds over everything.
struct Side<'v, 'a> {
    users: &'v Users<'v, 'a>,
    /// The placed users by lowercased email, and by direct team.
    placed_by_email: HashMap<Cow<'a, str>, UserId>,
    placed_by_team: HashMap<TeamId, Vec<UserId>>,
    /// The org's users who stand aside for placed ones.
    replaced: HashSet<UserId>,
    holders: HashMap<TeamId, Vec<Holder<'a>>>,
    everything: Vec<Option<Actions>>,
}

/// A set of CRM actions on objects, one bit per (action, object).
type Actions = u16;

/// The users a side's `team` scopes reach over one owner's records, by id (see [`Emails`]):
/// as written, and the actions; dense, reused from owner to owner.
#[derive(Default)]
struct Reach<'a> {
    actions: Vec<Actions>,
    written: Vec<&'a str>,
    touched: Vec<u32>,
}

impl<'a> Reach<'a> {
    /// Empties it for the next owner.
    fn clear(&mut self) {
        for id in self.touched.drain(..) {
            self.actions[id as usize] = 0;
        }
    }

    /// Adds `actions` of the user `id`, written `written`.
    fn add(&mut self, id: u32, written: &'a str, actions: Actions) {
        let i = id as usize;
        if i >= self.actions.len() {
            self.actions.resize(i + 1, 0);
            self.written.resize(i + 1, "");
        }
        if self.actions[i] == 0 {
            self.touched.push(id);
            self.written[i] = written;
        }
        self.actions[i] |= actions;
    }

    /// The actions of the user `id`.
    fn get(&self, id: u32) -> Actions {
        self.actions.get(id as usize).copied().unwrap_or(0)
    }
}

/// Every (action, object) with its bit.
fn pairs() -> impl Iterator<Item = (Actions, (CrmAction, CrmObject))> {
    CrmObject::ALL
        .iter()
        .flat_map(|o| CrmAction::ALL.iter().map(move |a| (*a, *o)))
        .enumerate()
        .map(|(i, pair)| (1 << i, pair))
}

/// The CRM actions over which `access` holds `scope` (none for a super admin's `team`).
fn scoped(access: &UserAccess, scope: Scope) -> Actions {
    if access.super_admin && scope == Scope::Team {
        return 0;
    }
    pairs()
        .filter(|(_, (a, o))| access.scope(*o, *a) == scope)
        .fold(0, |m, (bit, _)| m | bit)
}

/// The actions of a set, as shown (`edit contacts`), sorted.
fn texts(actions: Actions) -> Vec<String> {
    let mut out: Vec<String> = pairs()
        .filter(|(bit, _)| actions & bit != 0)
        .map(|(_, (a, o))| format!("{a} {o}"))
        .collect();
    out.sort_unstable();
    out
}

impl<'v, 'a> Side<'v, 'a> {
    fn new(users: &'v Users<'v, 'a>) -> Self {
        let mut placed_by_email = HashMap::new();
        let mut placed_by_team: HashMap<TeamId, Vec<UserId>> = HashMap::new();
        let mut replaced = HashSet::new();
        if let Some((view, only)) = users.placed {
            for (i, user) in view.users.iter().enumerate() {
                let u = UserId(i as u32);
                placed_by_email.insert(lower(&user.key.value), u);
                for t in view.direct_teams(u) {
                    placed_by_team.entry(t).or_default().push(u);
                }
            }
            replaced = only
                .iter()
                .filter_map(|e| users.org.compiled.index.user(e))
                .collect();
        }
        Side {
            users,
            placed_by_email,
            placed_by_team,
            replaced,
            holders: HashMap::new(),
            everything: Vec::new(),
        }
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

    /// The holders of a `team` scope whose direct teams include `team`.
    fn holders(&mut self, team: TeamId, emails: &mut Emails<'a>) -> &[Holder<'a>] {
        let (org, placed) = (self.users.org, self.users.placed);
        let (replaced, placed_by_team) = (&self.replaced, &self.placed_by_team);
        self.holders.entry(team).or_insert_with(|| {
            let members = org
                .compiled
                .graph
                .members
                .get(team.index())
                .into_iter()
                .flatten()
                .map(|(u, _)| *u)
                .filter(|u| !replaced.contains(u))
                .map(|u| (org, u));
            let others = placed.into_iter().flat_map(|(view, _)| {
                placed_by_team
                    .get(&team)
                    .into_iter()
                    .flatten()
                    .map(move |u| (view, *u))
            });
            members
                .chain(others)
                .filter_map(|(view, h)| {
                    let actions = scoped(view.user(h), Scope::Team);
                    let email: &'a str = &view.users[h.index()].key.value;
                    (actions != 0).then(|| (emails.id(email), email, actions))
                })
                .collect()
        })
    }

    /// Fills `out` with the users whose `team` scope reaches records of the direct teams
    /// `teams`: as written on this side, and the actions it reaches them for.
    fn reach(&mut self, teams: &[TeamId], emails: &mut Emails<'a>, out: &mut Reach<'a>) {
        out.clear();
        let graph = &self.users.org.compiled.graph;
        for t in teams {
            for above in graph.ancestors(*t) {
                for (id, written, actions) in self.holders(above, emails) {
                    out.add(*id, written, *actions);
                }
            }
        }
    }

    /// The actions over which a user (by id) holds the `everything` scope on this side.
    fn everything(&mut self, id: u32, emails: &Emails<'_>) -> Actions {
        let i = id as usize;
        if let Some(Some(a)) = self.everything.get(i) {
            return *a;
        }
        let a = emails.emails.get(i).map_or(0, |email| {
            self.find(email)
                .map_or(0, |(view, u)| scoped(view.user(u), Scope::Everything))
        });
        if i >= self.everything.len() {
            self.everything.resize(i + 1, None);
        }
        self.everything[i] = Some(a);
        a
    }
}

/// Holders who gain (lose) an action from `from` to `to`, grouped by the actions, unless they
/// hold it over everything on the `other` side, which already reaches every record; never the
/// owner themselves.
fn changes(
    owner: Option<u32>,
    from: &Reach<'_>,
    to: &Reach<'_>,
    (other, emails): (&mut Side<'_, '_>, &Emails<'_>),
) -> Vec<HolderGroup> {
    // Few distinct sets of actions: a list is faster than a map.
    let mut groups: Vec<(Actions, Vec<&str>)> = Vec::new();
    for &holder in &to.touched {
        let mut new = to.get(holder) & !from.get(holder);
        if new == 0 || Some(holder) == owner {
            continue;
        }
        // A user with the same record on both sides holds the same scopes there: a `team`
        // scope here is no `everything` scope there.
        if emails.changed[holder as usize] {
            new &= !other.everything(holder, emails);
        }
        if new == 0 {
            continue;
        }
        let written = to.written[holder as usize];
        match groups.iter_mut().find(|(a, _)| *a == new) {
            Some((_, users)) => users.push(written),
            None => groups.push((new, vec![written])),
        }
    }
    let mut out: Vec<HolderGroup> = groups
        .into_iter()
        .map(|(actions, mut users)| {
            users.sort_unstable();
            HolderGroup {
                users: users.into_iter().map(str::to_string).collect(),
                access: texts(actions),
            }
        })
        .collect();
    out.sort_unstable_by(|a, b| a.access.cmp(&b.access));
    out
}

/// The direct teams of a user as identities (keys or names), sorted, to compare sides.
fn team_identities(view: &View<'_>, u: UserId) -> Vec<String> {
    let mut out: Vec<String> = view
        .direct_teams(u)
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
    // Both sides share one org when the live side is the changed users placed in it.
    let only = match (live.placed, std::ptr::eq(live.org, desired.org)) {
        (Some((_, only)), true) => Some(only),
        _ => None,
    };
    let mut emails = Emails {
        ids: foldhash::HashMap::default(),
        emails: Vec::new(),
        only,
        changed: Vec::new(),
    };
    let mut desired_side = Side::new(desired);
    let mut live_side = Side::new(live);
    let mut moved = Vec::new();
    for email in owners {
        let Some((lview, l)) = live_side.find(email) else {
            continue;
        };
        let Some((dview, d)) = desired_side.find(email) else {
            continue;
        };
        if team_identities(lview, l) != team_identities(dview, d) {
            moved.push((email.as_str(), (lview, l), (dview, d)));
        }
    }
    let mut out = Vec::new();
    let (mut was, mut will) = (Reach::default(), Reach::default());
    for (email, (lview, l), (dview, d)) in moved {
        let lteams: Vec<TeamId> = lview.direct_teams(l).collect();
        let dteams: Vec<TeamId> = dview.direct_teams(d).collect();
        live_side.reach(&lteams, &mut emails, &mut was);
        desired_side.reach(&dteams, &mut emails, &mut will);
        let owner = emails.ids.get(email).copied();
        let gained = changes(owner, &was, &will, (&mut live_side, &emails));
        let lost = changes(owner, &will, &was, (&mut desired_side, &emails));
        if gained.is_empty() && lost.is_empty() {
            continue;
        }
        let owner = dview.users[d.index()].key.value.clone();
        out.push(RecordsAccess {
            owner,
            gained,
            lost,
        });
    }
    out.sort_by(|a, b| a.owner.cmp(&b.owner));
    out
}
