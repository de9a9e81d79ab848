//! The diff of users: creates, field-level updates (with the fields the portal cannot write
//! as a manual step) and the deletion of users only the portal has. The users are the most
//! numerous objects, so they are diffed in chunks on several threads, in policy order.

use super::{Diff, DiffContext, change, list, op, sorted_list};
use crate::desired::DesiredUser;
use crate::field::Field;
use crate::op::{Action, Op};
use std::borrow::Cow;
use teamform_portal::{Change, LiveUser, ObjectKind, UserField};

/// The ids a user's role and teams bind to (placeholders for objects the plan creates), the
/// additional teams sorted.
fn user_fields(
    cx: &DiffContext<'_>,
    u: &DesiredUser<'_>,
) -> (Option<String>, Option<String>, Vec<String>) {
    let mut teams: Vec<String> = u.teams.iter().map(|t| cx.team_ref(t)).collect();
    teams.sort();
    (
        u.role.map(|r| cx.role_ref(r)),
        u.team.map(|t| cx.team_ref(t)),
        teams,
    )
}

/// Whether the live user already is as desired, so that the diff has nothing for them:
/// the comparisons of [`update`], made on borrowed strings.
fn unchanged(cx: &DiffContext<'_>, u: &DesiredUser<'_>, l: &LiveUser) -> bool {
    if l.name != u.name || l.super_admin != u.super_admin {
        return false;
    }
    if u.role.map(|r| cx.role_ref_str(r)).as_deref() != l.role_id.as_deref() {
        return false;
    }
    if u.team.map(|t| cx.team_ref_str(t)).as_deref() != l.primary_team_id.as_deref() {
        return false;
    }
    if !sorted_list(&l.seats)
        .iter()
        .map(String::as_str)
        .eq(u.seats.iter().copied())
    {
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

/// The name of a role given its policy key, for reviewers.
fn role_name(cx: &DiffContext<'_>, key: Option<&str>) -> Option<String> {
    key.map(|k| cx.role_names.get(k).map_or(k, |n| n).to_string())
}

/// The name of a live role given its id, for reviewers.
fn live_role_name(cx: &DiffContext<'_>, id: Option<&str>) -> Option<String> {
    id.map(|i| {
        cx.live_role_names
            .get(i)
            .map_or_else(|| format!("#{i}"), |n| (*n).to_string())
    })
}

/// The seats as owned strings.
fn seats(u: &DesiredUser<'_>) -> Vec<String> {
    u.seats.iter().map(|s| (*s).to_string()).collect()
}

/// The creation of a user the portal does not have.
fn create(cx: &DiffContext<'_>, u: &DesiredUser<'_>) -> Op {
    let (role_id, team_id, team_ids) = user_fields(cx, u);
    let extra_names: Vec<String> = u.teams.iter().map(|t| cx.team_name_of_key(t)).collect();
    let mut changes = vec![change(Field::Name, None, Some(u.name.to_string()))];
    changes.extend(role_name(cx, u.role).map(|r| change(Field::Role, None, Some(r))));
    changes.extend(
        u.team
            .map(|t| change(Field::Team, None, Some(cx.team_name_of_key(t)))),
    );
    if !u.teams.is_empty() {
        changes.push(change(Field::Teams, None, Some(list(&extra_names))));
    }
    if u.super_admin {
        changes.push(change(Field::SuperAdmin, None, Some("true".to_string())));
    }
    if !u.seats.is_empty() {
        changes.push(change(Field::Seats, None, Some(list(&u.seats))));
    }
    op(
        (ObjectKind::User, Action::Create),
        u.email,
        u.name,
        None,
        changes,
        Change::CreateUser {
            email: u.email.to_string(),
            name: u.name.to_string(),
            role_id,
            primary_team_id: team_id,
            additional_team_ids: team_ids,
            super_admin: u.super_admin,
            seats: seats(u),
        },
        cx.caps.of(ObjectKind::User).create
            && (!u.super_admin || cx.caps.writes(UserField::SuperAdmin))
            && (u.seats.is_empty() || cx.caps.writes(UserField::Seats)),
    )
}

/// The update of a live user that differs from the policy: the fields teamform can write,
/// then (as a manual step) those it cannot.
fn update(cx: &DiffContext<'_>, u: &DesiredUser<'_>, l: &LiveUser, out: &mut Vec<Op>) {
    let (role_id, team_id, team_ids) = user_fields(cx, u);
    let mut changes = Vec::new();
    let mut manual = Vec::new();
    let name = (l.name != u.name).then(|| u.name.to_string());
    if name.is_some() {
        changes.push(change(Field::Name, Some(l.name.clone()), name.clone()));
    }
    let role = (role_id != l.role_id).then(|| role_id.clone());
    if role.is_some() {
        changes.push(change(
            Field::Role,
            live_role_name(cx, l.role_id.as_deref()),
            role_name(cx, u.role),
        ));
    }
    let team = (team_id != l.primary_team_id).then(|| team_id.clone());
    if team.is_some() {
        changes.push(change(
            Field::Team,
            l.primary_team_id.as_deref().map(|i| cx.team_name_of_id(i)),
            u.team.map(|t| cx.team_name_of_key(t)),
        ));
    }
    let live_extra = sorted_list(&l.additional_team_ids);
    let teams = (team_ids != *live_extra).then(|| team_ids.clone());
    if teams.is_some() {
        let before: Vec<String> = live_extra.iter().map(|i| cx.team_name_of_id(i)).collect();
        let after: Vec<String> = u.teams.iter().map(|t| cx.team_name_of_key(t)).collect();
        changes.push(change(
            Field::Teams,
            Some(list(&before)),
            Some(list(&after)),
        ));
    }
    let super_admin = (l.super_admin != u.super_admin).then_some(u.super_admin);
    if super_admin.is_some() {
        let c = change(
            Field::SuperAdmin,
            Some(l.super_admin.to_string()),
            Some(u.super_admin.to_string()),
        );
        if cx.caps.writes(UserField::SuperAdmin) {
            changes.push(c)
        } else {
            manual.push(c)
        }
    }
    let live_seats = sorted_list(&l.seats);
    let seats = (!live_seats
        .iter()
        .map(String::as_str)
        .eq(u.seats.iter().copied()))
    .then(|| seats(u));
    if seats.is_some() {
        let c = change(Field::Seats, Some(list(&live_seats)), Some(list(&u.seats)));
        if cx.caps.writes(UserField::Seats) {
            changes.push(c)
        } else {
            manual.push(c)
        }
    }
    if !changes.is_empty() {
        out.push(op(
            (ObjectKind::User, Action::Update),
            u.email,
            u.name,
            Some(&l.id),
            changes,
            Change::UpdateUser {
                id: l.id.clone(),
                name,
                role_id: role,
                primary_team_id: team,
                additional_team_ids: teams,
                super_admin: super_admin.filter(|_| cx.caps.writes(UserField::SuperAdmin)),
                seats: seats.clone().filter(|_| cx.caps.writes(UserField::Seats)),
            },
            cx.caps.of(ObjectKind::User).update,
        ));
    }
    if !manual.is_empty() {
        out.push(op(
            (ObjectKind::User, Action::Update),
            u.email,
            u.name,
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

/// The operations on users: per desired user in policy order, then the deletions.
pub(super) fn users(cx: &DiffContext<'_>, out: &mut Diff) {
    let live = &cx.live.users;
    let parts = crate::par::parts(&cx.desired.users, 4096, |at, chunk| {
        let mut ops = Vec::with_capacity(chunk.len());
        for (i, u) in chunk.iter().enumerate() {
            match cx.matching.users[at + i].map(|j| &live[j]) {
                None => ops.push(create(cx, u)),
                Some(l) if unchanged(cx, u, l) => {}
                Some(l) => update(cx, u, l, &mut ops),
            }
        }
        ops
    });
    crate::par::append(&mut out.ops, parts);
    let mut bound = vec![false; live.len()];
    for j in cx.matching.users.iter().flatten() {
        bound[*j] = true;
    }
    for (l, _) in live.iter().zip(bound).filter(|(_, b)| !b) {
        out.ops.push(op(
            (ObjectKind::User, Action::Delete),
            &l.email,
            &l.name,
            Some(&l.id),
            vec![change(Field::Email, Some(l.email.clone()), None)],
            Change::DeleteUser { id: l.id.clone() },
            cx.caps.of(ObjectKind::User).delete,
        ));
    }
}
