//! Performing one change on the sandbox's data, with a portal's rules: references must exist,
//! a team with child teams or members cannot be deleted, and every change is idempotent (a
//! create of an existing name returns the existing object, a delete of a missing id succeeds).
//!
//! Lookups go through an [`Index`] (hash maps to positions, kept in sync with every change)
//! instead of scanning every object, so that a batch of creates is not quadratic.

use super::SandboxFile;
use crate::{Change, LiveAsset, LiveRole, LiveTeam, LiveUser, Outcome, PortalError};
use std::borrow::Borrow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;
use teamform_email::EmailKey;

/// Keys to the position of the first object with that key, as a scan would find it.
#[derive(Debug)]
struct Keys<K>(HashMap<K, usize>);

impl<K: Hash + Eq> PartialEq for Keys<K> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<K: Hash + Eq> Keys<K> {
    fn new(keys: impl Iterator<Item = K>) -> Self {
        let mut map = HashMap::new();
        for (i, k) in keys.enumerate() {
            map.entry(k).or_insert(i);
        }
        Keys(map)
    }

    fn get<Q>(&self, key: &Q) -> Option<usize>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.get(key).copied()
    }

    /// The object at `pos` now has `key` (it was added, or renamed).
    fn add(&mut self, key: K, pos: usize) {
        match self.0.entry(key) {
            Entry::Occupied(mut o) => {
                if *o.get() > pos {
                    o.insert(pos);
                }
            }
            Entry::Vacant(v) => {
                v.insert(pos);
            }
        }
    }

    /// The object at `pos` no longer has `key`; `find` gives the first object that has it.
    fn drop_key(&mut self, key: K, pos: usize, find: impl FnOnce(&K) -> Option<usize>) {
        if self.get(&key) == Some(pos) {
            match find(&key) {
                Some(n) => {
                    self.0.insert(key, n);
                }
                None => {
                    self.0.remove(&key);
                }
            }
        }
    }

    /// The object at `pos` left its vector: the ones after it move down by one.
    fn shift(&mut self, pos: usize) {
        for v in self.0.values_mut() {
            if *v > pos {
                *v -= 1;
            }
        }
    }
}

/// One kind of object: positions by id and by the name that creates look up.
#[derive(Debug)]
struct Table<N> {
    ids: Keys<String>,
    names: Keys<N>,
}

impl<N: Hash + Eq> PartialEq for Table<N> {
    fn eq(&self, other: &Self) -> bool {
        self.ids == other.ids && self.names == other.names
    }
}

impl<N: Hash + Eq> Table<N> {
    fn new<T>(items: &[T], id: impl Fn(&T) -> &str, name: impl Fn(&T) -> N) -> Self {
        Table {
            ids: Keys::new(items.iter().map(|t| id(t).to_string())),
            names: Keys::new(items.iter().map(name)),
        }
    }

    fn contains(&self, id: &str) -> bool {
        self.ids.get(id).is_some()
    }

    /// An object added at the end of `items`.
    fn push(&mut self, id: String, name: N, pos: usize) {
        self.ids.add(id, pos);
        self.names.add(name, pos);
    }

    /// Removes every object with `id` from `items`, keeping the positions right.
    fn remove<T>(
        &mut self,
        items: &mut Vec<T>,
        id: &str,
        id_of: impl Fn(&T) -> &str,
        name_of: impl Fn(&T) -> N,
        named: impl Fn(&T, &N) -> bool,
    ) {
        let Some(pos) = self.ids.get(id) else {
            return;
        };
        let name = name_of(&items[pos]);
        let before = items.len();
        items.retain(|t| id_of(t) != id);
        if before - items.len() == 1 {
            self.ids.0.remove(id);
            self.ids.shift(pos);
            let first = self.names.get(&name) == Some(pos);
            if first {
                self.names.0.remove(&name);
            }
            self.names.shift(pos);
            if first && let Some(n) = items.iter().position(|t| named(t, &name)) {
                self.names.0.insert(name, n);
            }
        } else {
            // Several objects had that id: rare, start again.
            *self = Table::new(items, id_of, name_of);
        }
    }
}

/// Positions of the sandbox's objects by id and by the names creates look up (teams and roles
/// by name, users by email key, assets by type and name), in step with the data.
#[derive(Debug, PartialEq)]
pub(super) struct Index {
    teams: Table<String>,
    roles: Table<String>,
    users: Table<EmailKey<'static>>,
    assets: Table<(String, String)>,
}

fn team_id(t: &LiveTeam) -> &str {
    &t.id
}
fn team_name(t: &LiveTeam) -> String {
    t.name.clone()
}
fn team_named(t: &LiveTeam, n: &String) -> bool {
    &t.name == n
}
fn role_id(r: &LiveRole) -> &str {
    &r.id
}
fn role_name(r: &LiveRole) -> String {
    r.name.clone()
}
fn role_named(r: &LiveRole, n: &String) -> bool {
    &r.name == n
}
fn user_id(u: &LiveUser) -> &str {
    &u.id
}
fn user_email(u: &LiveUser) -> EmailKey<'static> {
    EmailKey::new(&u.email).into_owned()
}
fn user_emailed(u: &LiveUser, e: &EmailKey<'static>) -> bool {
    EmailKey::new(&u.email) == *e
}
fn asset_id(a: &LiveAsset) -> &str {
    &a.id
}
fn asset_name(a: &LiveAsset) -> (String, String) {
    (a.kind.clone(), a.name.clone())
}
fn asset_named(a: &LiveAsset, n: &(String, String)) -> bool {
    a.kind == n.0 && a.name == n.1
}

impl Index {
    pub(super) fn new(data: &SandboxFile) -> Self {
        let s = &data.state;
        Index {
            teams: Table::new(&s.teams, team_id, team_name),
            roles: Table::new(&s.roles, role_id, role_name),
            users: Table::new(&s.users, user_id, user_email),
            assets: Table::new(&s.assets, asset_id, asset_name),
        }
    }
}

fn team_exists(index: &Index, id: &str) -> Result<(), PortalError> {
    if index.teams.contains(id) {
        Ok(())
    } else {
        Err(PortalError::rejected(format!("no team has id `{id}`")))
    }
}

fn role_exists(index: &Index, id: &str) -> Result<(), PortalError> {
    if index.roles.contains(id) {
        Ok(())
    } else {
        Err(PortalError::rejected(format!(
            "no permission set has id `{id}`"
        )))
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

fn created(id: String) -> Outcome {
    Outcome {
        created_id: Some(id),
    }
}

/// Applies `change` to `data`, keeping `index` in step.
pub(super) fn apply(
    data: &mut SandboxFile,
    index: &mut Index,
    change: &Change,
) -> Result<Outcome, PortalError> {
    match change {
        Change::CreateTeam { name, parent_id } => {
            if let Some(n) = index.teams.names.get(name.as_str()) {
                return Ok(created(data.state.teams[n].id.clone()));
            }
            if let Some(p) = parent_id {
                team_exists(index, p)?;
            }
            let id = data.new_id();
            let pos = data.state.teams.len();
            index.teams.push(id.clone(), name.clone(), pos);
            data.state.teams.push(LiveTeam {
                id: id.clone(),
                name: name.clone(),
                parent_id: parent_id.clone(),
            });
            Ok(created(id))
        }
        Change::UpdateTeam {
            id,
            name,
            parent_id,
        } => {
            if let Some(Some(p)) = parent_id {
                team_exists(index, p)?;
                if p == id {
                    return Err(PortalError::rejected(format!(
                        "team `{id}` cannot be its own parent"
                    )));
                }
                if is_below(data, index, p, id) {
                    return Err(PortalError::rejected(format!(
                        "team `{p}` is below team `{id}`, so it cannot be its parent"
                    )));
                }
            }
            let pos = index
                .teams
                .ids
                .get(id.as_str())
                .ok_or_else(|| PortalError::rejected(format!("no team has id `{id}`")))?;
            let team = &mut data.state.teams[pos];
            if let Some(p) = parent_id {
                team.parent_id = p.clone();
            }
            if let Some(n) = name {
                let old = std::mem::replace(&mut team.name, n.clone());
                let teams = &data.state.teams;
                index
                    .teams
                    .names
                    .drop_key(old, pos, |k| teams.iter().position(|t| team_named(t, k)));
                index.teams.names.add(n.clone(), pos);
            }
            Ok(Outcome::default())
        }
        Change::DeleteTeam { id } => {
            if !index.teams.contains(id) {
                return Ok(Outcome::default());
            }
            if data
                .state
                .teams
                .iter()
                .any(|t| t.parent_id.as_ref() == Some(id))
            {
                return Err(PortalError::rejected(format!(
                    "team `{id}` has child teams and cannot be deleted"
                )));
            }
            if data.state.users.iter().any(|u| {
                u.primary_team_id.as_ref() == Some(id) || u.additional_team_ids.contains(id)
            }) {
                return Err(PortalError::rejected(format!(
                    "team `{id}` has members and cannot be deleted"
                )));
            }
            index
                .teams
                .remove(&mut data.state.teams, id, team_id, team_name, team_named);
            for a in &mut data.state.assets {
                if let Some(ids) = &mut a.team_ids {
                    ids.retain(|t| t != id);
                }
            }
            Ok(Outcome::default())
        }
        Change::CreateRole { name, permissions } => {
            if let Some(n) = index.roles.names.get(name.as_str()) {
                return Ok(created(data.state.roles[n].id.clone()));
            }
            let id = data.new_id();
            let pos = data.state.roles.len();
            index.roles.push(id.clone(), name.clone(), pos);
            data.state.roles.push(LiveRole {
                id: id.clone(),
                name: name.clone(),
                permissions: Some(permissions.clone()),
            });
            Ok(created(id))
        }
        Change::UpdateRole {
            id,
            name,
            permissions,
        } => {
            let pos =
                index.roles.ids.get(id.as_str()).ok_or_else(|| {
                    PortalError::rejected(format!("no permission set has id `{id}`"))
                })?;
            let role = &mut data.state.roles[pos];
            if let Some(p) = permissions {
                role.permissions = Some(p.clone());
            }
            if let Some(n) = name {
                let old = std::mem::replace(&mut role.name, n.clone());
                let roles = &data.state.roles;
                index
                    .roles
                    .names
                    .drop_key(old, pos, |k| roles.iter().position(|r| role_named(r, k)));
                index.roles.names.add(n.clone(), pos);
            }
            Ok(Outcome::default())
        }
        Change::DeleteRole { id } => {
            if data
                .state
                .users
                .iter()
                .any(|u| u.role_id.as_ref() == Some(id))
            {
                return Err(PortalError::rejected(format!(
                    "permission set `{id}` is assigned to users and cannot be deleted"
                )));
            }
            index
                .roles
                .remove(&mut data.state.roles, id, role_id, role_name, role_named);
            Ok(Outcome::default())
        }
        Change::CreateUser {
            email,
            name,
            role_id,
            primary_team_id,
            additional_team_ids,
            super_admin,
            seats,
        } => {
            let key = EmailKey::new(email).into_owned();
            if let Some(n) = index.users.names.get(&key) {
                return Ok(created(data.state.users[n].id.clone()));
            }
            if let Some(r) = role_id {
                role_exists(index, r)?;
            }
            for t in primary_team_id.iter().chain(additional_team_ids) {
                team_exists(index, t)?;
            }
            let id = data.new_id();
            let pos = data.state.users.len();
            index.users.push(id.clone(), key, pos);
            data.state.users.push(LiveUser {
                id: id.clone(),
                email: email.clone(),
                name: name.clone(),
                role_id: role_id.clone(),
                primary_team_id: primary_team_id.clone(),
                additional_team_ids: sorted(additional_team_ids.clone()),
                super_admin: *super_admin,
                seats: sorted(seats.clone()),
            });
            Ok(created(id))
        }
        Change::UpdateUser {
            id,
            name,
            role_id,
            primary_team_id,
            additional_team_ids,
            super_admin,
            seats,
        } => {
            if let Some(Some(r)) = role_id {
                role_exists(index, r)?;
            }
            let teams = primary_team_id
                .iter()
                .flatten()
                .chain(additional_team_ids.iter().flatten());
            for t in teams {
                team_exists(index, t)?;
            }
            let pos = index
                .users
                .ids
                .get(id.as_str())
                .ok_or_else(|| PortalError::rejected(format!("no user has id `{id}`")))?;
            let user = &mut data.state.users[pos];
            if let Some(n) = name {
                user.name = n.clone();
            }
            if let Some(r) = role_id {
                user.role_id = r.clone();
            }
            if let Some(t) = primary_team_id {
                user.primary_team_id = t.clone();
            }
            if let Some(t) = additional_team_ids {
                user.additional_team_ids = sorted(t.clone());
            }
            if let Some(s) = super_admin {
                user.super_admin = *s;
            }
            if let Some(s) = seats {
                user.seats = sorted(s.clone());
            }
            Ok(Outcome::default())
        }
        Change::DeleteUser { id } => {
            index
                .users
                .remove(&mut data.state.users, id, user_id, user_email, user_emailed);
            Ok(Outcome::default())
        }
        Change::CreateAsset {
            kind,
            name,
            team_ids,
        } => {
            let key = (kind.clone(), name.clone());
            if let Some(n) = index.assets.names.get(&key) {
                return Ok(created(data.state.assets[n].id.clone()));
            }
            for t in team_ids {
                team_exists(index, t)?;
            }
            let id = data.new_id();
            let pos = data.state.assets.len();
            index.assets.push(id.clone(), key, pos);
            data.state.assets.push(LiveAsset {
                id: id.clone(),
                kind: kind.clone(),
                name: name.clone(),
                team_ids: Some(sorted(team_ids.clone())),
            });
            Ok(created(id))
        }
        Change::UpdateAsset { id, name, team_ids } => {
            for t in team_ids.iter().flatten() {
                team_exists(index, t)?;
            }
            let pos = index
                .assets
                .ids
                .get(id.as_str())
                .ok_or_else(|| PortalError::rejected(format!("no asset has id `{id}`")))?;
            let asset = &mut data.state.assets[pos];
            if let Some(t) = team_ids {
                asset.team_ids = Some(sorted(t.clone()));
            }
            if let Some(n) = name {
                let old = std::mem::replace(&mut asset.name, n.clone());
                let new = (asset.kind.clone(), n.clone());
                let assets = &data.state.assets;
                index.assets.names.drop_key((new.0.clone(), old), pos, |k| {
                    assets.iter().position(|a| asset_named(a, k))
                });
                index.assets.names.add(new, pos);
            }
            Ok(Outcome::default())
        }
        Change::DeleteAsset { id } => {
            index.assets.remove(
                &mut data.state.assets,
                id,
                asset_id,
                asset_name,
                asset_named,
            );
            Ok(Outcome::default())
        }
        Change::ReassignRecords {
            object,
            from_id,
            to_id,
        } => {
            if !index.users.contains(to_id) {
                return Err(PortalError::rejected(format!(
                    "cannot give records to user `{to_id}`: no user has that id"
                )));
            }
            super::records::reassign(&mut data.records, *object, from_id, to_id);
            Ok(Outcome::default())
        }
    }
}

/// Whether team `team` is below team `above` (a descendant of it), following parents; a
/// portal refuses a parent that would make a team its own descendant. A loop of parents in
/// a file out of shape ends the walk.
fn is_below(data: &SandboxFile, index: &Index, team: &str, above: &str) -> bool {
    let mut current = Some(team);
    for _ in 0..=data.state.teams.len() {
        let Some(t) = current else {
            return false;
        };
        if t == above {
            return true;
        }
        current = index
            .teams
            .ids
            .get(t)
            .and_then(|pos| data.state.teams[pos].parent_id.as_deref());
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(o: &Result<Outcome, PortalError>) -> String {
        o.as_ref()
            .ok()
            .and_then(|o| o.created_id.clone())
            .unwrap_or_default()
    }

    /// The index kept in step with the changes is the one built afresh from the data.
    #[test]
    fn index_stays_in_step_with_the_data() {
        let mut data = SandboxFile::default();
        // Duplicates a scan would meet: the first one wins, in the index too.
        for (i, email) in ["a@x.io", "B@x.io", "b@X.io", "c@x.io"].iter().enumerate() {
            data.state.users.push(LiveUser {
                id: format!("u{i}"),
                email: (*email).to_string(),
                name: String::new(),
                role_id: None,
                primary_team_id: None,
                additional_team_ids: Vec::new(),
                super_admin: false,
                seats: Vec::new(),
            });
        }
        data.state.users[3].id = "u0".to_string();
        let mut index = Index::new(&data);
        let mut run = |data: &mut SandboxFile, c: Change| {
            let out = apply(data, &mut index, &c);
            assert!(out.is_ok(), "{c:?}: {out:?}");
            assert_eq!(index, Index::new(data), "after {c:?}");
            id(&out)
        };
        let team = |name: &str, parent_id: Option<String>| Change::CreateTeam {
            name: name.to_string(),
            parent_id,
        };
        let a = run(&mut data, team("A", None));
        let b = run(&mut data, team("B", Some(a.clone())));
        let c = run(&mut data, team("C", None));
        assert_eq!(run(&mut data, team("B", None)), b);
        let rename = |id: &str, name: &str| Change::UpdateTeam {
            id: id.to_string(),
            name: Some(name.to_string()),
            parent_id: None,
        };
        run(&mut data, rename(&c, "A"));
        assert_eq!(run(&mut data, team("A", None)), a);
        run(&mut data, rename(&a, "D"));
        assert_eq!(run(&mut data, team("A", None)), c);
        run(&mut data, Change::DeleteTeam { id: b.clone() });
        run(&mut data, Change::DeleteTeam { id: a.clone() });
        let user = |email: &str| Change::CreateUser {
            email: email.to_string(),
            name: String::new(),
            role_id: None,
            primary_team_id: Some(c.clone()),
            additional_team_ids: Vec::new(),
            super_admin: false,
            seats: Vec::new(),
        };
        assert_eq!(run(&mut data, user("b@x.IO")), "u1");
        run(
            &mut data,
            Change::DeleteUser {
                id: "u1".to_string(),
            },
        );
        assert_eq!(run(&mut data, user("b@x.IO")), "u2");
        run(
            &mut data,
            Change::DeleteUser {
                id: "u0".to_string(),
            },
        );
        assert_eq!(data.state.users.len(), 1);
        let new = run(&mut data, user("a@x.io"));
        assert!(!new.is_empty() && new != "u0");
        let asset = |name: &str| Change::CreateAsset {
            kind: "form".to_string(),
            name: name.to_string(),
            team_ids: vec![c.clone()],
        };
        let f = run(&mut data, asset("F"));
        let g = run(&mut data, asset("G"));
        run(
            &mut data,
            Change::UpdateAsset {
                id: g.clone(),
                name: Some("F".to_string()),
                team_ids: None,
            },
        );
        run(&mut data, Change::DeleteAsset { id: f });
        assert_eq!(run(&mut data, asset("F")), g);
        let role = |name: &str| Change::CreateRole {
            name: name.to_string(),
            permissions: Default::default(),
        };
        let r = run(&mut data, role("R"));
        run(&mut data, Change::DeleteRole { id: r.clone() });
        assert_ne!(run(&mut data, role("R")), r);
    }
}
