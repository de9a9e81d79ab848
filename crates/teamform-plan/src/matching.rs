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
        let pairs: Vec<(&str, &str)> = (desired.users.iter().zip(&self.users))
            .filter_map(|(u, l)| Some((u.email, live.users[(*l)?].id.as_str())))
            .collect();
        // Copying 100,000 emails and ids is most of it: in chunks on the machine's threads.
        let owned = crate::par::chunks(&pairs, 8192, |_, chunk| {
            (chunk.iter())
                .map(|(email, id)| (email.to_string(), id.to_string()))
                .collect()
        });
        owned.into_iter().collect()
    }

    /// The bindings, users included.
    pub fn bindings(&self, desired: &DesiredState<'_>, live: &LiveState) -> Bindings {
        Bindings {
            users: self.user_bindings(desired, live),
            ..self.bound.clone()
        }
    }
}

/// An empty map with room for `n` entries (growing a map of 50,000 assets from empty costs
/// more than filling it).
fn sized<K, V>(n: usize) -> foldhash::HashMap<K, V> {
    foldhash::HashMap::with_capacity_and_hasher(n, Default::default())
}

/// Binds by pinned id, then exact name (`N`: a name, or a type and a name), then former
/// name; each policy key and each live object (by id) binds once.
fn bind<'a, N: Hash + Eq + Copy>(
    wanted: impl Iterator<Item = (&'a str, Option<&'a str>, N, Option<N>)> + Clone,
    live: impl Iterator<Item = (&'a str, N)>,
) -> BTreeMap<String, String> {
    let live: Vec<(&str, N)> = live.collect();
    // Objects are numbered once, by the first of their id (live) or key (wanted), so that
    // what is bound is marked in vectors instead of sets of strings.
    let mut by_id: foldhash::HashMap<&str, usize> = sized(live.len());
    let live_slot: Vec<usize> = (live.iter().enumerate())
        .map(|(i, (id, _))| *by_id.entry(*id).or_insert(i))
        .collect();
    let mut by_name: foldhash::HashMap<N, usize> = sized(live.len());
    for (i, (_, name)) in live.iter().enumerate() {
        by_name.entry(*name).or_insert(i);
    }
    let mut first_key: foldhash::HashMap<&str, usize> = sized(wanted.clone().count());
    let key_slot: Vec<usize> = (wanted.clone().enumerate())
        .map(|(i, (key, ..))| *first_key.entry(key).or_insert(i))
        .collect();
    let mut taken = vec![false; live.len()];
    let mut keys = vec![false; key_slot.len()];
    let mut out: Vec<(&str, &str)> = Vec::new();
    for ((key, pinned, _, _), &k) in wanted.clone().zip(&key_slot) {
        if let Some(&at) = pinned.and_then(|id| by_id.get(id))
            && !keys[k]
        {
            keys[k] = true;
            taken[at] = true;
            out.push((key, live[at].0));
        }
    }
    for pass in 0..2 {
        for ((key, _, name, previously), &k) in wanted.clone().zip(&key_slot) {
            if keys[k] {
                continue;
            }
            let look = if pass == 0 { Some(name) } else { previously };
            if let Some(&at) = look.and_then(|n| by_name.get(&n))
                && !taken[live_slot[at]]
            {
                taken[live_slot[at]] = true;
                keys[k] = true;
                out.push((key, live[at].0));
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
    let mut index = EmailIndex::new(live.users.iter().map(|u| u.email.as_str()));
    desired.users.iter().map(|u| index.find(u.email)).collect()
}

/// Finds users of one list in another by email key, the last of the list with a key: first
/// at the position after the previous find (two lists of the same portal or policy are often
/// in the same order, and the same email as written has the same key), else by key.
pub(crate) struct EmailIndex<'a> {
    emails: Vec<&'a str>,
    by_key: foldhash::HashMap<EmailKey<'a>, usize>,
    /// Per position, the last position with the same key.
    last: Vec<usize>,
    next: usize,
}

impl<'a> EmailIndex<'a> {
    /// The index of `emails`, in their order.
    pub(crate) fn new(emails: impl Iterator<Item = &'a str>) -> Self {
        let emails: Vec<&str> = emails.collect();
        let mut by_key = sized(emails.len());
        let mut last = vec![0; emails.len()];
        for (i, email) in emails.iter().enumerate().rev() {
            last[i] = *by_key.entry(EmailKey::new(email)).or_insert(i);
        }
        EmailIndex {
            emails,
            by_key,
            last,
            next: 0,
        }
    }

    /// The position of the last email with the key of `email`.
    pub(crate) fn find(&mut self, email: &str) -> Option<usize> {
        let at = match self.emails.get(self.next) {
            Some(e) if *e == email => self.next,
            _ => *self.by_key.get(&EmailKey::new(email))?,
        };
        self.next = at + 1;
        Some(self.last[at])
    }

    /// The last position with the key of the email at `at`.
    pub(crate) fn last_of(&self, at: usize) -> usize {
        self.last[at]
    }
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
