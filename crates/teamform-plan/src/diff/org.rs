//! The diff of teams and permission sets: creates, renames, re-parenting, permission changes
//! and the deletion of what only the portal has.

use super::{Diff, DiffContext, change, op, permissions_text};
use crate::field::Field;
use crate::op::Action;
use std::collections::HashSet;
use teamform_portal::{Change, ObjectKind};

pub(super) fn teams(cx: &DiffContext<'_>, out: &mut Diff) {
    let caps = cx.caps.of(ObjectKind::Team);
    let live: foldhash::HashMap<&str, &teamform_portal::LiveTeam> =
        cx.live.teams.iter().map(|t| (t.id.as_str(), t)).collect();
    for t in &cx.desired.teams {
        let parent_name = t.parent.map(|p| cx.team_name_of_key(p));
        match cx.team_ids.get(t.key).and_then(|id| live.get(id)) {
            None => {
                let mut changes = vec![change(Field::Name, None, Some(t.name.to_string()))];
                if let Some(p) = &parent_name {
                    changes.push(change(Field::Parent, None, Some(p.clone())));
                }
                let parent_id = t.parent.map(|p| cx.team_ref(p));
                out.ops.push(op(
                    (ObjectKind::Team, Action::Create),
                    t.key,
                    t.name,
                    None,
                    changes,
                    Change::CreateTeam {
                        name: t.name.to_string(),
                        parent_id,
                    },
                    caps.create,
                ));
            }
            Some(l) => {
                let mut changes = Vec::new();
                let name = (l.name != t.name).then(|| t.name.to_string());
                if let Some(n) = &name {
                    changes.push(change(Field::Name, Some(l.name.clone()), Some(n.clone())));
                }
                let want_parent = t.parent.map(|p| cx.team_ref(p));
                let parent = (want_parent != l.parent_id).then(|| want_parent.clone());
                if parent.is_some() {
                    changes.push(change(
                        Field::Parent,
                        l.parent_id.as_deref().map(|id| cx.team_name_of_id(id)),
                        parent_name.clone(),
                    ));
                }
                if !changes.is_empty() {
                    out.ops.push(op(
                        (ObjectKind::Team, Action::Update),
                        t.key,
                        t.name,
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
    let bound: HashSet<&str> = cx.team_ids.values().copied().collect();
    for l in cx
        .live
        .teams
        .iter()
        .filter(|l| !bound.contains(l.id.as_str()))
    {
        out.ops.push(op(
            (ObjectKind::Team, Action::Delete),
            &l.name,
            &l.name,
            Some(&l.id),
            vec![change(Field::Name, Some(l.name.clone()), None)],
            Change::DeleteTeam { id: l.id.clone() },
            caps.delete,
        ));
    }
}

pub(super) fn roles(cx: &DiffContext<'_>, out: &mut Diff) {
    let caps = cx.caps.of(ObjectKind::Role);
    let live: foldhash::HashMap<&str, &teamform_portal::LiveRole> =
        cx.live.roles.iter().map(|r| (r.id.as_str(), r)).collect();
    for r in &cx.desired.roles {
        match cx.role_ids.get(r.key).and_then(|id| live.get(id)) {
            None => out.ops.push(op(
                (ObjectKind::Role, Action::Create),
                r.key,
                r.name,
                None,
                vec![
                    change(Field::Name, None, Some(r.name.to_string())),
                    change(
                        Field::Permissions,
                        None,
                        Some(permissions_text(&r.permissions)),
                    ),
                ],
                Change::CreateRole {
                    name: r.name.to_string(),
                    permissions: r.permissions.clone(),
                },
                caps.create,
            )),
            Some(l) => {
                let mut changes = Vec::new();
                let name = (l.name != r.name).then(|| r.name.to_string());
                if let Some(n) = &name {
                    changes.push(change(Field::Name, Some(l.name.clone()), Some(n.clone())));
                }
                let permissions = match &l.permissions {
                    Some(p) if *p != r.permissions => {
                        changes.push(change(
                            Field::Permissions,
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
                        (ObjectKind::Role, Action::Update),
                        r.key,
                        r.name,
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
    let bound: HashSet<&str> = cx.role_ids.values().copied().collect();
    for l in cx
        .live
        .roles
        .iter()
        .filter(|l| !bound.contains(l.id.as_str()))
    {
        out.ops.push(op(
            (ObjectKind::Role, Action::Delete),
            &l.name,
            &l.name,
            Some(&l.id),
            vec![change(Field::Name, Some(l.name.clone()), None)],
            Change::DeleteRole { id: l.id.clone() },
            caps.delete,
        ));
    }
}
