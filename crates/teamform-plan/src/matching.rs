//! Matching the policy's objects with the live ones: users by email, teams and roles by a
//! pinned portal id, else by name, else by their former name; assets by pinned id, else by
//! type and name.

use crate::desired::DesiredState;
use std::collections::BTreeMap;
use std::hash::Hash;
use teamform_email::EmailKey;
use teamform_portal::LiveState;

/// Policy keys bound to live portal ids.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Bindings {
    /// Team key to id.
    pub teams: BTreeMap<String, String>,
    /// Role key to id.
    pub roles: BTreeMap<String, String>,
    /// User email to id.
    pub users: BTreeMap<String, String>,
    /// Asset `TYPE.KEY` to id.
    pub assets: BTreeMap<String, String>,
}

/// The matching of the policy's objects with the live ones: the bindings of teams, roles and
/// assets, and the users (the most numerous) as positions, turned into [`Bindings::users`]
/// only for the plan ([`Matching::bindings`]).
#[derive(Clone, Debug, Default)]
pub struct Matching {
    /// The bindings, but for `users`, left empty.
    pub bound: Bindings,
    /// Per desired user (in policy order), the position of the live user of the same email
    /// (whatever the case), if any.
    pub users: Vec<Option<usize>>,
}

impl Matching {
    /// The bindings of users (email to id).
    pub fn user_bindings(
        &self,
        desired: &DesiredState<'_>,
        live: &LiveState,
    ) -> BTreeMap<String, String> {
        desired
            .users
            .iter()
            .zip(&self.users)
            .filter_map(|(u, l)| Some((u.email.to_string(), live.users[(*l)?].id.clone())))
            .collect()
    }

    /// The bindings, users included.
    pub fn bindings(&self, desired: &DesiredState<'_>, live: &LiveState) -> Bindings {
        Bindings {
            users: self.user_bindings(desired, live),
            ..self.bound.clone()
        }
    }
}

/// Binds by pinned id, then exact name (`N`: a name, or a type and a name), then former
/// name; each policy key and each live object binds once.
fn bind<'a, N: Hash + Eq + Copy>(
    wanted: impl Iterator<Item = (&'a str, Option<&'a str>, N, Option<N>)> + Clone,
    live: impl Iterator<Item = (&'a str, N)>,
) -> BTreeMap<String, String> {
    let live: Vec<(&str, N)> = live.collect();
    let ids: foldhash::HashSet<&str> = live.iter().map(|(id, _)| *id).collect();
    let mut by_name: foldhash::HashMap<N, &str> = foldhash::HashMap::default();
    for (id, name) in &live {
        by_name.entry(*name).or_insert(id);
    }
    let mut taken: foldhash::HashSet<&str> = foldhash::HashSet::default();
    let mut keys: foldhash::HashSet<&str> = foldhash::HashSet::default();
    let mut out: Vec<(&str, &str)> = Vec::new();
    for (key, pinned, _, _) in wanted.clone() {
        if let Some(id) = pinned.filter(|id| ids.contains(id))
            && keys.insert(key)
        {
            taken.insert(id);
            out.push((key, id));
        }
    }
    for pass in 0..2 {
        for (key, _, name, previously) in wanted.clone() {
            if keys.contains(key) {
                continue;
            }
            let look = if pass == 0 { Some(name) } else { previously };
            if let Some(id) = look.and_then(|n| by_name.get(&n))
                && !taken.contains(*id)
            {
                taken.insert(id);
                keys.insert(key);
                out.push((key, id));
            }
        }
    }
    out.into_iter()
        .map(|(key, id)| (key.to_string(), id.to_string()))
        .collect()
}

/// Matches `desired` with `live`.
pub fn matching(desired: &DesiredState<'_>, live: &LiveState) -> Matching {
    let teams = bind(
        desired
            .teams
            .iter()
            .map(|t| (t.key, t.id, t.name, t.previously)),
        live.teams.iter().map(|t| (t.id.as_str(), t.name.as_str())),
    );
    let roles = bind(
        desired
            .roles
            .iter()
            .map(|r| (r.key, r.id, r.name, r.previously)),
        live.roles.iter().map(|r| (r.id.as_str(), r.name.as_str())),
    );
    // Users are the most numerous: matched on a thread of their own.
    std::thread::scope(|s| {
        let users = s.spawn(|| user_positions(desired, live));
        let assets = asset_bindings(desired, live);
        Matching {
            bound: Bindings {
                teams,
                roles,
                users: BTreeMap::new(),
                assets,
            },
            users: users
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e)),
        }
    })
}

/// Matches `desired` with `live`, as bindings.
pub fn bindings(desired: &DesiredState<'_>, live: &LiveState) -> Bindings {
    matching(desired, live).bindings(desired, live)
}

/// Users by email key (HubSpot's rule: without case): per desired user, the live user's
/// position (the last live user with that email).
fn user_positions(desired: &DesiredState<'_>, live: &LiveState) -> Vec<Option<usize>> {
    let live_users: foldhash::HashMap<EmailKey<'_>, usize> = live
        .users
        .iter()
        .enumerate()
        .map(|(i, u)| (EmailKey::new(&u.email), i))
        .collect();
    desired
        .users
        .iter()
        .map(|u| live_users.get(&EmailKey::new(u.email)).copied())
        .collect()
}

/// Assets by pinned id, else by type and name.
fn asset_bindings(desired: &DesiredState<'_>, live: &LiveState) -> BTreeMap<String, String> {
    bind(
        desired
            .assets
            .iter()
            .map(|a| (a.reference.as_str(), a.id, (a.kind, a.name), None)),
        live.assets
            .iter()
            .map(|a| (a.id.as_str(), (a.kind.as_str(), a.name.as_str()))),
    )
}
