//! Matching the policy's objects with the live ones: users by email, teams and roles by a
//! pinned portal id, else by name, else by their former name; assets by pinned id, else by
//! type and name.

use crate::desired::DesiredState;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
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

/// Binds by pinned id, then exact name, then former name; each live object binds once.
fn bind<'a>(
    wanted: impl Iterator<Item = (&'a str, Option<&'a str>, &'a str, Option<&'a str>)> + Clone,
    live: impl Iterator<Item = (&'a str, &'a str)>,
) -> BTreeMap<String, String> {
    let live: Vec<(&str, &str)> = live.collect();
    let ids: HashSet<&str> = live.iter().map(|(id, _)| *id).collect();
    let mut by_name: HashMap<&str, &str> = HashMap::new();
    for (id, name) in &live {
        by_name.entry(name).or_insert(id);
    }
    let mut taken: HashSet<&str> = HashSet::new();
    let mut out = BTreeMap::new();
    for (key, pinned, _, _) in wanted.clone() {
        if let Some(id) = pinned.filter(|id| ids.contains(id)) {
            taken.insert(id);
            out.insert(key.to_string(), id.to_string());
        }
    }
    for pass in 0..2 {
        for (key, _, name, previously) in wanted.clone() {
            if out.contains_key(key) {
                continue;
            }
            let look = if pass == 0 { Some(name) } else { previously };
            if let Some(id) = look.and_then(|n| by_name.get(n))
                && !taken.contains(*id)
            {
                taken.insert(id);
                out.insert(key.to_string(), id.to_string());
            }
        }
    }
    out
}

/// An email lowercased, without allocating when it already is.
fn lower(email: &str) -> Cow<'_, str> {
    if email
        .bytes()
        .any(|b| !b.is_ascii() || b.is_ascii_uppercase())
    {
        Cow::Owned(email.to_lowercase())
    } else {
        Cow::Borrowed(email)
    }
}

/// Matches `desired` with `live`.
pub fn bindings(desired: &DesiredState, live: &LiveState) -> Bindings {
    let teams = bind(
        desired.teams.iter().map(|t| {
            (
                t.key.as_str(),
                t.id.as_deref(),
                t.name.as_str(),
                t.previously.as_deref(),
            )
        }),
        live.teams.iter().map(|t| (t.id.as_str(), t.name.as_str())),
    );
    let roles = bind(
        desired.roles.iter().map(|r| {
            (
                r.key.as_str(),
                r.id.as_deref(),
                r.name.as_str(),
                r.previously.as_deref(),
            )
        }),
        live.roles.iter().map(|r| (r.id.as_str(), r.name.as_str())),
    );
    // Users are the most numerous: matched on a thread of their own.
    std::thread::scope(|s| {
        let users = s.spawn(|| user_bindings(desired, live));
        let assets = asset_bindings(desired, live);
        Bindings {
            teams,
            roles,
            users: users
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            assets,
        }
    })
}

/// Users by email, whatever the case.
fn user_bindings(desired: &DesiredState, live: &LiveState) -> BTreeMap<String, String> {
    let live_users: HashMap<Cow<'_, str>, &str> = live
        .users
        .iter()
        .map(|u| (lower(&u.email), u.id.as_str()))
        .collect();
    desired
        .users
        .iter()
        .filter_map(|u| {
            live_users
                .get(&lower(&u.email))
                .map(|id| (u.email.clone(), id.to_string()))
        })
        .collect()
}

/// Assets by pinned id, else by type and name.
fn asset_bindings(desired: &DesiredState, live: &LiveState) -> BTreeMap<String, String> {
    let asset_names: Vec<(String, &str)> = live
        .assets
        .iter()
        .map(|a| (format!("{}\u{0}{}", a.kind, a.name), a.id.as_str()))
        .collect();
    let wanted_names: Vec<(String, &str, Option<&str>)> = desired
        .assets
        .iter()
        .map(|a| {
            (
                format!("{}\u{0}{}", a.kind, a.name),
                a.reference.as_str(),
                a.id.as_deref(),
            )
        })
        .collect();
    bind(
        wanted_names
            .iter()
            .map(|(n, r, id)| (*r, *id, n.as_str(), None)),
        asset_names.iter().map(|(n, id)| (*id, n.as_str())),
    )
}
