//! Diffing the desired state against the live state into operations (not yet ordered).

mod assets;
mod org;
mod users;

use crate::desired::DesiredState;
use crate::field::Field;
use crate::matching::Matching;
use crate::op::{Action, FieldChange, Op, placeholder};
use std::borrow::Cow;
use teamform_portal::{Capabilities, Change, LiveState, ObjectKind, Permissions};

/// What the diff produced.
#[derive(Debug, Default)]
pub struct Diff {
    /// The operations, unordered.
    pub ops: Vec<Op>,
    /// What the portal cannot read back, so cannot be verified (`role:KEY permissions`).
    pub unverifiable: Vec<String>,
}

/// What every part of the diff looks things up in.
struct DiffContext<'a> {
    desired: &'a DesiredState<'a>,
    live: &'a LiveState,
    matching: &'a Matching,
    caps: Capabilities,
    /// Bound team and role keys to live ids.
    team_ids: foldhash::HashMap<&'a str, &'a str>,
    role_ids: foldhash::HashMap<&'a str, &'a str>,
    /// Live ids to names.
    live_team_names: foldhash::HashMap<&'a str, &'a str>,
    live_role_names: foldhash::HashMap<&'a str, &'a str>,
    /// Policy keys to names.
    team_names: foldhash::HashMap<&'a str, &'a str>,
    role_names: foldhash::HashMap<&'a str, &'a str>,
}

impl DiffContext<'_> {
    /// The live id of a team, or the placeholder of the team the plan creates.
    fn team_ref(&self, key: &str) -> String {
        self.team_ref_str(key).into_owned()
    }

    fn role_ref(&self, key: &str) -> String {
        self.role_ref_str(key).into_owned()
    }

    /// [`DiffContext::team_ref`], allocating only for a placeholder.
    fn team_ref_str(&self, key: &str) -> Cow<'_, str> {
        self.team_ids.get(key).map_or_else(
            || Cow::Owned(placeholder(ObjectKind::Team, key)),
            |id| Cow::Borrowed(*id),
        )
    }

    /// [`DiffContext::role_ref`], allocating only for a placeholder.
    fn role_ref_str(&self, key: &str) -> Cow<'_, str> {
        self.role_ids.get(key).map_or_else(
            || Cow::Owned(placeholder(ObjectKind::Role, key)),
            |id| Cow::Borrowed(*id),
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

fn change(field: Field, before: Option<String>, after: Option<String>) -> FieldChange {
    FieldChange {
        field,
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

/// A list of names for reviewers, `(none)` when empty.
fn list<S: AsRef<str>>(names: &[S]) -> String {
    if names.is_empty() {
        "(none)".to_string()
    } else {
        let names: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
        names.join(", ")
    }
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

/// Computes the operations that make `live` equal `desired`, given their matching.
pub fn diff(
    desired: &DesiredState<'_>,
    live: &LiveState,
    matching: &Matching,
    caps: Capabilities,
) -> Diff {
    let cx = DiffContext {
        desired,
        live,
        matching,
        caps,
        team_ids: by_key(&matching.bound.teams),
        role_ids: by_key(&matching.bound.roles),
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
        team_names: desired.teams.iter().map(|t| (t.key, t.name)).collect(),
        role_names: desired.roles.iter().map(|r| (r.key, r.name)).collect(),
    };
    let mut out = Diff::default();
    // At most one operation per object of either side, but for a user's manual step: sized
    // once, so that the operations of a large org are not moved each time the list grows.
    out.ops.reserve(
        (desired.teams.len() + live.teams.len())
            + (desired.roles.len() + live.roles.len())
            + (desired.users.len() + live.users.len())
            + (desired.assets.len() + live.assets.len()),
    );
    org::teams(&cx, &mut out);
    org::roles(&cx, &mut out);
    users::users(&cx, &mut out);
    assets::assets(&cx, &mut out);
    out
}

/// A map of keys to ids, borrowed.
fn by_key(m: &std::collections::BTreeMap<String, String>) -> foldhash::HashMap<&str, &str> {
    m.iter().map(|(k, id)| (k.as_str(), id.as_str())).collect()
}

/// An operation from its parts.
fn op(
    (kind, action): (ObjectKind, Action),
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
        confirm: None,
    }
}
