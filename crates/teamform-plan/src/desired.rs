//! The desired state: what the compiled policy says the portal must hold, keyed by policy
//! keys and in portal terms (names, permission contents).

use std::collections::BTreeSet;
use teamform_model::{Policy, Role, Scope};
use teamform_portal::{CrmPermission, Permissions};

/// A team the policy wants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesiredTeam<'a> {
    /// The policy key.
    pub key: &'a str,
    /// The name.
    pub name: &'a str,
    /// The parent's key.
    pub parent: Option<&'a str>,
    /// A pinned portal id.
    pub id: Option<&'a str>,
    /// A former name.
    pub previously: Option<&'a str>,
}

/// A permission set the policy wants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesiredRole<'a> {
    /// The policy key.
    pub key: &'a str,
    /// The name.
    pub name: &'a str,
    /// The contents.
    pub permissions: Permissions,
    /// A pinned portal id.
    pub id: Option<&'a str>,
    /// A former name.
    pub previously: Option<&'a str>,
}

/// A user the policy wants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesiredUser<'a> {
    /// The email (the key).
    pub email: &'a str,
    /// The name.
    pub name: &'a str,
    /// The role's key.
    pub role: Option<&'a str>,
    /// The primary team's key.
    pub team: Option<&'a str>,
    /// The additional teams' keys, sorted, without the primary team.
    pub teams: Vec<&'a str>,
    /// Super admin.
    pub super_admin: bool,
    /// Seats, sorted.
    pub seats: Vec<&'static str>,
}

/// An asset partition the policy wants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesiredAsset<'a> {
    /// `TYPE.KEY`.
    pub reference: String,
    /// The type.
    pub kind: &'static str,
    /// The name.
    pub name: &'a str,
    /// The teams' keys, sorted.
    pub teams: Vec<&'a str>,
    /// A pinned portal id.
    pub id: Option<&'a str>,
}

/// Everything the policy wants, borrowed from the policy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DesiredState<'a> {
    /// Teams, in policy order.
    pub teams: Vec<DesiredTeam<'a>>,
    /// Roles.
    pub roles: Vec<DesiredRole<'a>>,
    /// Users.
    pub users: Vec<DesiredUser<'a>>,
    /// Assets.
    pub assets: Vec<DesiredAsset<'a>>,
}

fn text(v: &Option<teamform_model::Sp<String>>) -> Option<&str> {
    v.as_ref().map(|s| s.value.as_str())
}

/// A role's contents in portal terms, normalised (no entry for no access).
pub fn permissions(role: &Role) -> Permissions {
    let mut p = Permissions::default();
    for grant in &role.crm {
        let view = grant.view.as_ref().map_or(Scope::None, |s| s.value);
        let edit = grant.edit.as_ref().map_or(Scope::None, |s| s.value);
        let delete = grant.delete.as_ref().is_some_and(|d| d.value);
        if view != Scope::None || edit != Scope::None || delete {
            p.crm.insert(
                grant.object.to_string(),
                CrmPermission {
                    view: view.to_string(),
                    edit: edit.to_string(),
                    delete,
                },
            );
        }
    }
    for tool in &role.tools {
        let actions: BTreeSet<String> = tool.actions.iter().map(|a| a.value.to_string()).collect();
        if !actions.is_empty() {
            p.tools.insert(tool.tool.to_string(), actions);
        }
    }
    p.account = role
        .account
        .iter()
        .filter(|(_, v)| v.value)
        .map(|(k, _)| k.to_string())
        .collect();
    p
}

/// The keys of a list, sorted and distinct.
fn sorted(v: &[teamform_model::Sp<String>]) -> Vec<&str> {
    let mut out: Vec<&str> = v.iter().map(|s| s.value.as_str()).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The desired state of a (valid) policy.
pub fn desired(policy: &Policy) -> DesiredState<'_> {
    DesiredState {
        teams: policy
            .teams
            .iter()
            .map(|t| DesiredTeam {
                key: &t.key.value,
                name: text(&t.name).unwrap_or(&t.key.value),
                parent: text(&t.parent),
                id: text(&t.id),
                previously: text(&t.previously),
            })
            .collect(),
        roles: policy
            .roles
            .iter()
            .map(|r| DesiredRole {
                key: &r.key.value,
                name: text(&r.name).unwrap_or(&r.key.value),
                permissions: permissions(r),
                id: text(&r.id),
                previously: text(&r.previously),
            })
            .collect(),
        users: crate::par::map(&policy.users, desired_user),
        assets: policy
            .assets
            .iter()
            .map(|a| DesiredAsset {
                reference: a.reference(),
                kind: a.kind.as_str(),
                name: text(&a.name).unwrap_or(&a.key.value),
                teams: sorted(&a.teams),
                id: text(&a.id),
            })
            .collect(),
    }
}

/// One user as the policy wants them.
fn desired_user(u: &teamform_model::User) -> DesiredUser<'_> {
    let primary = text(&u.team);
    let mut teams = sorted(&u.teams);
    teams.retain(|t| Some(*t) != primary);
    let mut seats: Vec<&'static str> = u.seats.iter().map(|s| s.value.as_str()).collect();
    seats.sort_unstable();
    seats.dedup();
    DesiredUser {
        email: &u.key.value,
        name: text(&u.name).unwrap_or_default(),
        role: text(&u.role),
        team: primary,
        teams,
        super_admin: u.is_super_admin(),
        seats,
    }
}
