//! Diffing the desired state against the live state into operations (not yet ordered).

use crate::desired::{DesiredAsset, DesiredState, DesiredUser};
use crate::matching::Bindings;
use crate::op::{Action, FieldChange, Op, placeholder};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use teamform_portal::{Capabilities, Change, Kind, LiveState, Permissions};

/// What the diff produced.
#[derive(Debug, Default)]
pub struct Diff {
    /// The operations, unordered.
    pub ops: Vec<Op>,
    /// What the portal cannot read back, so cannot be verified (`role:KEY permissions`).
    pub unverifiable: Vec<String>,
    /// Steps to do by hand that the portal cannot confirm (not operations of the plan).
    pub checklist: Vec<Op>,
}

struct Cx<'a> {
    desired: &'a DesiredState,
    live: &'a LiveState,
    bindings: &'a Bindings,
    caps: Capabilities,
    live_team_names: HashMap<&'a str, &'a str>,
    live_role_names: HashMap<&'a str, &'a str>,
    team_names: HashMap<&'a str, &'a str>,
    role_names: HashMap<&'a str, &'a str>,
}

impl Cx<'_> {
    fn team_ref(&self, key: &str) -> String {
        self.bindings
            .teams
            .get(key)
            .cloned()
            .unwrap_or_else(|| placeholder(Kind::Team, key))
    }

    fn role_ref(&self, key: &str) -> String {
        self.bindings
            .roles
            .get(key)
            .cloned()
            .unwrap_or_else(|| placeholder(Kind::Role, key))
    }

    /// [`Cx::team_ref`], allocating only for a placeholder.
    fn team_ref_str(&self, key: &str) -> Cow<'_, str> {
        self.bindings.teams.get(key).map_or_else(
            || Cow::Owned(placeholder(Kind::Team, key)),
            |id| Cow::Borrowed(id.as_str()),
        )
    }

    /// [`Cx::role_ref`], allocating only for a placeholder.
    fn role_ref_str(&self, key: &str) -> Cow<'_, str> {
        self.bindings.roles.get(key).map_or_else(
            || Cow::Owned(placeholder(Kind::Role, key)),
            |id| Cow::Borrowed(id.as_str()),
        )
    }

    fn team_name_of_key(&self, key: &str) -> String {
        self.team_names.get(key).map_or(key, |n| n).to_string()
    }

    fn team_name_of_id(&self, id: &str) -> String {
        self.live_team_names
            .get(id)
            .map_or_else(|| format!("#{id}"), |n| (*n).to_string())
    }
}

fn change(field: &str, before: Option<String>, after: Option<String>) -> FieldChange {
    FieldChange {
        field: field.to_string(),
        before,
        after,
    }
}

/// Shows a permission set's contents one line per grant, for reviewers (and for `similar`).
pub fn permissions_text(p: &Permissions) -> String {
    let mut lines = Vec::new();
    for (object, c) in &p.crm {
        lines.push(format!(
            "crm.{object}: view={} edit={} delete={}",
            c.view, c.edit, c.delete
        ));
    }
    for (tool, actions) in &p.tools {
        let list: Vec<&str> = actions.iter().map(String::as_str).collect();
        lines.push(format!("tools.{tool}: {}", list.join(", ")));
    }
    for flag in &p.account {
        lines.push(format!("account.{flag}: true"));
    }
    if lines.is_empty() {
        "(no access)".to_string()
    } else {
        lines.join("\n")
    }
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".to_string()
    } else {
        names.join(", ")
    }
}

/// Computes the operations that make `live` equal `desired`.
pub fn diff(
    desired: &DesiredState,
    live: &LiveState,
    bindings: &Bindings,
    caps: Capabilities,
) -> Diff {
    let cx = Cx {
        desired,
        live,
        bindings,
        caps,
        live_team_names: live
            .teams
            .iter()
            .map(|t| (t.id.as_str(), t.name.as_str()))
            .collect(),
        live_role_names: live
            .roles
            .iter()
            .map(|r| (r.id.as_str(), r.name.as_str()))
            .collect(),
        team_names: desired
            .teams
            .iter()
            .map(|t| (t.key.as_str(), t.name.as_str()))
            .collect(),
        role_names: desired
            .roles
            .iter()
            .map(|r| (r.key.as_str(), r.name.as_str()))
            .collect(),
    };
    let mut out = Diff::default();
    teams(&cx, &mut out);
    roles(&cx, &mut out);
    users(&cx, &mut out);
    assets(&cx, &mut out);
    out
}

fn op(
    (kind, action): (Kind, Action),
    key: &str,
    name: &str,
    id: Option<&str>,
    changes: Vec<FieldChange>,
    change: Change,
    automatic: bool,
) -> Op {
    Op {
        action,
        kind,
        key: key.to_string(),
        name: name.to_string(),
        portal_id: id.map(str::to_string),
        changes,
        automatic,
        change,
        depends_on: Vec::new(),
    }
}

fn teams(cx: &Cx<'_>, out: &mut Diff) {
    let caps = cx.caps.teams;
    let live: HashMap<&str, &teamform_portal::LiveTeam> =
        cx.live.teams.iter().map(|t| (t.id.as_str(), t)).collect();
    for t in &cx.desired.teams {
        let parent_name = t.parent.as_deref().map(|p| cx.team_name_of_key(p));
        match cx
            .bindings
            .teams
            .get(&t.key)
            .and_then(|id| live.get(id.as_str()))
        {
            None => {
                let mut changes = vec![change("name", None, Some(t.name.clone()))];
                if let Some(p) = &parent_name {
                    changes.push(change("parent", None, Some(p.clone())));
                }
                let parent_id = t.parent.as_deref().map(|p| cx.team_ref(p));
                out.ops.push(op(
                    (Kind::Team, Action::Create),
                    &t.key,
                    &t.name,
                    None,
                    changes,
                    Change::CreateTeam {
                        name: t.name.clone(),
                        parent_id,
                    },
                    caps.create,
                ));
            }
            Some(l) => {
                let mut changes = Vec::new();
                let name = (l.name != t.name).then(|| t.name.clone());
                if let Some(n) = &name {
                    changes.push(change("name", Some(l.name.clone()), Some(n.clone())));
                }
                let want_parent = t.parent.as_deref().map(|p| cx.team_ref(p));
                let parent = (want_parent != l.parent_id).then(|| want_parent.clone());
                if parent.is_some() {
                    changes.push(change(
                        "parent",
                        l.parent_id.as_deref().map(|id| cx.team_name_of_id(id)),
                        parent_name.clone(),
                    ));
                }
                if !changes.is_empty() {
                    out.ops.push(op(
                        (Kind::Team, Action::Update),
                        &t.key,
                        &t.name,
                        Some(&l.id),
                        changes,
                        Change::UpdateTeam {
                            id: l.id.clone(),
                            name,
                            parent_id: parent,
                        },
                        caps.update,
                    ));
                }
            }
        }
    }
    let bound: HashSet<&str> = cx.bindings.teams.values().map(String::as_str).collect();
    for l in cx
        .live
        .teams
        .iter()
        .filter(|l| !bound.contains(l.id.as_str()))
    {
        out.ops.push(op(
            (Kind::Team, Action::Delete),
            &l.name,
            &l.name,
            Some(&l.id),
            vec![change("name", Some(l.name.clone()), None)],
            Change::DeleteTeam { id: l.id.clone() },
            caps.delete,
        ));
    }
}

fn roles(cx: &Cx<'_>, out: &mut Diff) {
    let caps = cx.caps.roles;
    let live: HashMap<&str, &teamform_portal::LiveRole> =
        cx.live.roles.iter().map(|r| (r.id.as_str(), r)).collect();
    for r in &cx.desired.roles {
        match cx
            .bindings
            .roles
            .get(&r.key)
            .and_then(|id| live.get(id.as_str()))
        {
            None => out.ops.push(op(
                (Kind::Role, Action::Create),
                &r.key,
                &r.name,
                None,
                vec![
                    change("name", None, Some(r.name.clone())),
                    change("permissions", None, Some(permissions_text(&r.permissions))),
                ],
                Change::CreateRole {
                    name: r.name.clone(),
                    permissions: r.permissions.clone(),
                },
                caps.create,
            )),
            Some(l) => {
                let mut changes = Vec::new();
                let name = (l.name != r.name).then(|| r.name.clone());
                if let Some(n) = &name {
                    changes.push(change("name", Some(l.name.clone()), Some(n.clone())));
                }
                let permissions = match &l.permissions {
                    Some(p) if *p != r.permissions => {
                        changes.push(change(
                            "permissions",
                            Some(permissions_text(p)),
                            Some(permissions_text(&r.permissions)),
                        ));
                        Some(r.permissions.clone())
                    }
                    Some(_) => None,
                    None => {
                        out.unverifiable.push(format!("role:{} permissions", r.key));
                        None
                    }
                };
                if !changes.is_empty() {
                    out.ops.push(op(
                        (Kind::Role, Action::Update),
                        &r.key,
                        &r.name,
                        Some(&l.id),
                        changes,
                        Change::UpdateRole {
                            id: l.id.clone(),
                            name,
                            permissions,
                        },
                        caps.update,
                    ));
                }
            }
        }
    }
    let bound: HashSet<&str> = cx.bindings.roles.values().map(String::as_str).collect();
    for l in cx
        .live
        .roles
        .iter()
        .filter(|l| !bound.contains(l.id.as_str()))
    {
        out.ops.push(op(
            (Kind::Role, Action::Delete),
            &l.name,
            &l.name,
            Some(&l.id),
            vec![change("name", Some(l.name.clone()), None)],
            Change::DeleteRole { id: l.id.clone() },
            caps.delete,
        ));
    }
}

fn user_fields(cx: &Cx<'_>, u: &DesiredUser) -> (Option<String>, Option<String>, Vec<String>) {
    (
        u.role.as_deref().map(|r| cx.role_ref(r)),
        u.team.as_deref().map(|t| cx.team_ref(t)),
        {
            let mut v: Vec<String> = u.teams.iter().map(|t| cx.team_ref(t)).collect();
            v.sort();
            v
        },
    )
}

/// A list sorted, borrowed when it already is.
fn sorted_list(v: &[String]) -> Cow<'_, [String]> {
    if v.is_sorted() {
        Cow::Borrowed(v)
    } else {
        let mut v = v.to_vec();
        v.sort();
        Cow::Owned(v)
    }
}

/// Whether the live user already is as desired, so that the diff has nothing for them:
/// the comparisons of [`users`], made on borrowed strings.
fn user_unchanged(cx: &Cx<'_>, u: &DesiredUser, l: &teamform_portal::LiveUser) -> bool {
    if l.name != u.name || l.super_admin != u.super_admin {
        return false;
    }
    if u.role.as_deref().map(|r| cx.role_ref_str(r)).as_deref() != l.role_id.as_deref() {
        return false;
    }
    if u.team.as_deref().map(|t| cx.team_ref_str(t)).as_deref() != l.primary_team_id.as_deref() {
        return false;
    }
    if *sorted_list(&l.seats) != *u.seats {
        return false;
    }
    if u.teams.len() != l.additional_team_ids.len() {
        return false;
    }
    if u.teams.is_empty() {
        return true;
    }
    let mut want: Vec<Cow<'_, str>> = u.teams.iter().map(|t| cx.team_ref_str(t)).collect();
    want.sort();
    let live = sorted_list(&l.additional_team_ids);
    want.iter()
        .map(|w| w.as_ref())
        .eq(live.iter().map(String::as_str))
}

fn users(cx: &Cx<'_>, out: &mut Diff) {
    let caps = cx.caps.users;
    let live: HashMap<&str, &teamform_portal::LiveUser> =
        cx.live.users.iter().map(|u| (u.id.as_str(), u)).collect();
    let role_name = |key: &Option<String>| {
        key.as_deref()
            .map(|k| cx.role_names.get(k).map_or(k, |n| n).to_string())
    };
    let live_role_name = |id: &Option<String>| {
        id.as_deref().map(|i| {
            cx.live_role_names
                .get(i)
                .map_or_else(|| format!("#{i}"), |n| (*n).to_string())
        })
    };
    for u in &cx.desired.users {
        let bound = cx
            .bindings
            .users
            .get(&u.email)
            .and_then(|id| live.get(id.as_str()));
        if bound.is_some_and(|l| user_unchanged(cx, u, l)) {
            continue;
        }
        let (role_id, team_id, team_ids) = user_fields(cx, u);
        let extra_names: Vec<String> = u.teams.iter().map(|t| cx.team_name_of_key(t)).collect();
        match bound {
            None => {
                let mut changes = vec![change("name", None, Some(u.name.clone()))];
                changes.extend(role_name(&u.role).map(|r| change("role", None, Some(r))));
                changes.extend(
                    u.team
                        .as_deref()
                        .map(|t| change("team", None, Some(cx.team_name_of_key(t)))),
                );
                if !u.teams.is_empty() {
                    changes.push(change("teams", None, Some(list(&extra_names))));
                }
                if u.super_admin {
                    changes.push(change("super_admin", None, Some("true".to_string())));
                }
                if !u.seats.is_empty() {
                    changes.push(change("seats", None, Some(list(&u.seats))));
                }
                out.ops.push(op(
                    (Kind::User, Action::Create),
                    &u.email,
                    &u.name,
                    None,
                    changes,
                    Change::CreateUser {
                        email: u.email.clone(),
                        name: u.name.clone(),
                        role_id,
                        primary_team_id: team_id,
                        additional_team_ids: team_ids,
                        super_admin: u.super_admin,
                        seats: u.seats.clone(),
                    },
                    caps.create
                        && (!u.super_admin || cx.caps.super_admin)
                        && (u.seats.is_empty() || cx.caps.seats),
                ));
            }
            Some(l) => {
                let mut changes = Vec::new();
                let mut manual = Vec::new();
                let name = (l.name != u.name).then(|| u.name.clone());
                if name.is_some() {
                    changes.push(change("name", Some(l.name.clone()), Some(u.name.clone())));
                }
                let role = (role_id != l.role_id).then(|| role_id.clone());
                if role.is_some() {
                    changes.push(change(
                        "role",
                        live_role_name(&l.role_id),
                        role_name(&u.role),
                    ));
                }
                let team = (team_id != l.primary_team_id).then(|| team_id.clone());
                if team.is_some() {
                    changes.push(change(
                        "team",
                        l.primary_team_id.as_deref().map(|i| cx.team_name_of_id(i)),
                        u.team.as_deref().map(|t| cx.team_name_of_key(t)),
                    ));
                }
                let mut live_extra = l.additional_team_ids.clone();
                live_extra.sort();
                let teams = (team_ids != live_extra).then(|| team_ids.clone());
                if teams.is_some() {
                    let before: Vec<String> =
                        live_extra.iter().map(|i| cx.team_name_of_id(i)).collect();
                    changes.push(change(
                        "teams",
                        Some(list(&before)),
                        Some(list(&extra_names)),
                    ));
                }
                let super_admin = (l.super_admin != u.super_admin).then_some(u.super_admin);
                if super_admin.is_some() {
                    let c = change(
                        "super_admin",
                        Some(l.super_admin.to_string()),
                        Some(u.super_admin.to_string()),
                    );
                    if cx.caps.super_admin {
                        changes.push(c)
                    } else {
                        manual.push(c)
                    }
                }
                let mut live_seats = l.seats.clone();
                live_seats.sort();
                let seats = (live_seats != u.seats).then(|| u.seats.clone());
                if seats.is_some() {
                    let c = change("seats", Some(list(&live_seats)), Some(list(&u.seats)));
                    if cx.caps.seats {
                        changes.push(c)
                    } else {
                        manual.push(c)
                    }
                }
                if !changes.is_empty() {
                    out.ops.push(op(
                        (Kind::User, Action::Update),
                        &u.email,
                        &u.name,
                        Some(&l.id),
                        changes,
                        Change::UpdateUser {
                            id: l.id.clone(),
                            name,
                            role_id: role,
                            primary_team_id: team,
                            additional_team_ids: teams,
                            super_admin: super_admin.filter(|_| cx.caps.super_admin),
                            seats: seats.clone().filter(|_| cx.caps.seats),
                        },
                        caps.update,
                    ));
                }
                if !manual.is_empty() {
                    out.ops.push(op(
                        (Kind::User, Action::Update),
                        &u.email,
                        &u.name,
                        Some(&l.id),
                        manual,
                        Change::UpdateUser {
                            id: l.id.clone(),
                            name: None,
                            role_id: None,
                            primary_team_id: None,
                            additional_team_ids: None,
                            super_admin,
                            seats,
                        },
                        false,
                    ));
                }
            }
        }
    }
    let bound: HashSet<&str> = cx.bindings.users.values().map(String::as_str).collect();
    for l in cx
        .live
        .users
        .iter()
        .filter(|l| !bound.contains(l.id.as_str()))
    {
        out.ops.push(op(
            (Kind::User, Action::Delete),
            &l.email,
            &l.name,
            Some(&l.id),
            vec![change("email", Some(l.email.clone()), None)],
            Change::DeleteUser { id: l.id.clone() },
            caps.delete,
        ));
    }
}

/// Whether the live asset already is as desired (and its teams can be read), so that the
/// diff has nothing for it: the comparisons of [`assets`], made on borrowed strings.
fn asset_unchanged(cx: &Cx<'_>, a: &DesiredAsset, l: &teamform_portal::LiveAsset) -> bool {
    let Some(ids) = &l.team_ids else {
        return false;
    };
    if l.name != a.name || ids.len() != a.teams.len() {
        return false;
    }
    let mut want: Vec<Cow<'_, str>> = a.teams.iter().map(|t| cx.team_ref_str(t)).collect();
    want.sort();
    let live = sorted_list(ids);
    want.iter()
        .map(|w| w.as_ref())
        .eq(live.iter().map(String::as_str))
}

fn assets(cx: &Cx<'_>, out: &mut Diff) {
    let caps = cx.caps.assets;
    if !caps.read {
        // Partitions the portal cannot read back: a checklist to do by hand, never a pending
        // change that could not be seen done.
        for a in &cx.desired.assets {
            let names: Vec<String> = a.teams.iter().map(|t| cx.team_name_of_key(t)).collect();
            out.unverifiable
                .push(format!("asset:{} teams", a.reference));
            out.checklist.push(op(
                (Kind::Asset, Action::Update),
                &a.reference,
                &a.name,
                None,
                vec![change("teams", None, Some(list(&names)))],
                Change::UpdateAsset {
                    id: String::new(),
                    name: None,
                    team_ids: None,
                },
                false,
            ));
        }
        return;
    }
    let live: HashMap<&str, &teamform_portal::LiveAsset> =
        cx.live.assets.iter().map(|a| (a.id.as_str(), a)).collect();
    for a in &cx.desired.assets {
        let bound = cx
            .bindings
            .assets
            .get(&a.reference)
            .and_then(|id| live.get(id.as_str()));
        if bound.is_some_and(|l| asset_unchanged(cx, a, l)) {
            continue;
        }
        let mut team_ids: Vec<String> = a.teams.iter().map(|t| cx.team_ref(t)).collect();
        team_ids.sort();
        let names: Vec<String> = a.teams.iter().map(|t| cx.team_name_of_key(t)).collect();
        match bound {
            None => out.ops.push(op(
                (Kind::Asset, Action::Create),
                &a.reference,
                &a.name,
                None,
                vec![
                    change("name", None, Some(a.name.clone())),
                    change("teams", None, Some(list(&names))),
                ],
                Change::CreateAsset {
                    kind: a.kind.clone(),
                    name: a.name.clone(),
                    team_ids,
                },
                caps.create,
            )),
            Some(l) => {
                let mut changes = Vec::new();
                let name = (l.name != a.name).then(|| a.name.clone());
                if name.is_some() {
                    changes.push(change("name", Some(l.name.clone()), Some(a.name.clone())));
                }
                let teams = match &l.team_ids {
                    None => {
                        out.unverifiable
                            .push(format!("asset:{} teams", a.reference));
                        None
                    }
                    Some(ids) => {
                        let mut ids = ids.clone();
                        ids.sort();
                        (ids != team_ids).then(|| {
                            let before: Vec<String> =
                                ids.iter().map(|i| cx.team_name_of_id(i)).collect();
                            changes.push(change("teams", Some(list(&before)), Some(list(&names))));
                            team_ids.clone()
                        })
                    }
                };
                if !changes.is_empty() {
                    out.ops.push(op(
                        (Kind::Asset, Action::Update),
                        &a.reference,
                        &a.name,
                        Some(&l.id),
                        changes,
                        Change::UpdateAsset {
                            id: l.id.clone(),
                            name,
                            team_ids: teams,
                        },
                        caps.update,
                    ));
                }
            }
        }
    }
}
