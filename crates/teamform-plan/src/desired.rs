//! The desired state: what the compiled policy says the portal must hold, keyed by policy
//! keys and in portal terms (names, permission contents).

use std::collections::BTreeSet;
use teamform_model::{Policy, Role, Scope};
use teamform_portal::{CrmPermission, Permissions};

/// A team the policy wants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesiredTeam {
    /// The policy key.
    pub key: String,
    /// The name.
    pub name: String,
    /// The parent's key.
    pub parent: Option<String>,
    /// A pinned portal id.
    pub id: Option<String>,
    /// A former name.
    pub previously: Option<String>,
}

/// A permission set the policy wants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesiredRole {
    /// The policy key.
    pub key: String,
    /// The name.
    pub name: String,
    /// The contents.
    pub permissions: Permissions,
    /// A pinned portal id.
    pub id: Option<String>,
    /// A former name.
    pub previously: Option<String>,
}

/// A user the policy wants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesiredUser {
    /// The email (the key).
    pub email: String,
    /// The name.
    pub name: String,
    /// The role's key.
    pub role: Option<String>,
    /// The primary team's key.
    pub team: Option<String>,
    /// The additional teams' keys, sorted.
    pub teams: Vec<String>,
    /// Super admin.
    pub super_admin: bool,
    /// Seats, sorted.
    pub seats: Vec<String>,
}

/// An asset partition the policy wants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesiredAsset {
    /// `TYPE.KEY`.
    pub reference: String,
    /// The type.
    pub kind: String,
    /// The name.
    pub name: String,
    /// The teams' keys, sorted.
    pub teams: Vec<String>,
    /// A pinned portal id.
    pub id: Option<String>,
}

/// Everything the policy wants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DesiredState {
    /// Teams, in policy order.
    pub teams: Vec<DesiredTeam>,
    /// Roles.
    pub roles: Vec<DesiredRole>,
    /// Users.
    pub users: Vec<DesiredUser>,
    /// Assets.
    pub assets: Vec<DesiredAsset>,
}

fn text(v: &Option<teamform_model::Sp<String>>) -> Option<String> {
    v.as_ref().map(|s| s.value.clone())
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

/// The desired state of a (valid) policy.
pub fn desired(policy: &Policy) -> DesiredState {
    let sorted = |v: &[teamform_model::Sp<String>]| {
        let set: BTreeSet<String> = v.iter().map(|s| s.value.clone()).collect();
        set.into_iter().collect::<Vec<_>>()
    };
    DesiredState {
        teams: policy
            .teams
            .iter()
            .map(|t| DesiredTeam {
                key: t.key.value.clone(),
                name: text(&t.name).unwrap_or_else(|| t.key.value.clone()),
                parent: text(&t.parent),
                id: text(&t.id),
                previously: text(&t.previously),
            })
            .collect(),
        roles: policy
            .roles
            .iter()
            .map(|r| DesiredRole {
                key: r.key.value.clone(),
                name: text(&r.name).unwrap_or_else(|| r.key.value.clone()),
                permissions: permissions(r),
                id: text(&r.id),
                previously: text(&r.previously),
            })
            .collect(),
        users: policy
            .users
            .iter()
            .map(|u| {
                let primary = text(&u.team);
                let mut teams = sorted(&u.teams);
                teams.retain(|t| Some(t) != primary.as_ref());
                let seats: BTreeSet<String> = u.seats.iter().map(|s| s.value.to_string()).collect();
                DesiredUser {
                    email: u.key.value.clone(),
                    name: text(&u.name).unwrap_or_default(),
                    role: text(&u.role),
                    team: primary,
                    teams,
                    super_admin: u.is_super_admin(),
                    seats: seats.into_iter().collect(),
                }
            })
            .collect(),
        assets: policy
            .assets
            .iter()
            .map(|a| DesiredAsset {
                reference: a.reference(),
                kind: a.kind.to_string(),
                name: text(&a.name).unwrap_or_else(|| a.key.value.clone()),
                teams: sorted(&a.teams),
                id: text(&a.id),
            })
            .collect(),
    }
}
