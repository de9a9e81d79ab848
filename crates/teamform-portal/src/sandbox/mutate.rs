//! Performing one change on the sandbox's data, with a portal's rules: references must exist,
//! a team with child teams or members cannot be deleted, and every change is idempotent (a
//! create of an existing name returns the existing object, a delete of a missing id succeeds).

use super::SandboxFile;
use crate::{Change, LiveAsset, LiveRole, LiveTeam, LiveUser, Outcome, PortalError};

fn team_exists(data: &SandboxFile, id: &str) -> Result<(), PortalError> {
    if data.state.teams.iter().any(|t| t.id == id) {
        Ok(())
    } else {
        Err(PortalError::Rejected(format!("no team has id `{id}`")))
    }
}

fn role_exists(data: &SandboxFile, id: &str) -> Result<(), PortalError> {
    if data.state.roles.iter().any(|r| r.id == id) {
        Ok(())
    } else {
        Err(PortalError::Rejected(format!(
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

/// Applies `change` to `data`.
pub(super) fn apply(data: &mut SandboxFile, change: &Change) -> Result<Outcome, PortalError> {
    match change {
        Change::CreateTeam { name, parent_id } => {
            if let Some(t) = data.state.teams.iter().find(|t| &t.name == name) {
                return Ok(created(t.id.clone()));
            }
            if let Some(p) = parent_id {
                team_exists(data, p)?;
            }
            let id = data.new_id();
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
                team_exists(data, p)?;
                if p == id {
                    return Err(PortalError::Rejected(format!(
                        "team `{id}` cannot be its own parent"
                    )));
                }
            }
            let team = data
                .state
                .teams
                .iter_mut()
                .find(|t| &t.id == id)
                .ok_or_else(|| PortalError::Rejected(format!("no team has id `{id}`")))?;
            if let Some(n) = name {
                team.name = n.clone();
            }
            if let Some(p) = parent_id {
                team.parent_id = p.clone();
            }
            Ok(Outcome::default())
        }
        Change::DeleteTeam { id } => {
            if !data.state.teams.iter().any(|t| &t.id == id) {
                return Ok(Outcome::default());
            }
            if data
                .state
                .teams
                .iter()
                .any(|t| t.parent_id.as_ref() == Some(id))
            {
                return Err(PortalError::Rejected(format!(
                    "team `{id}` has child teams and cannot be deleted"
                )));
            }
            if data.state.users.iter().any(|u| {
                u.primary_team_id.as_ref() == Some(id) || u.additional_team_ids.contains(id)
            }) {
                return Err(PortalError::Rejected(format!(
                    "team `{id}` has members and cannot be deleted"
                )));
            }
            data.state.teams.retain(|t| &t.id != id);
            for a in &mut data.state.assets {
                if let Some(ids) = &mut a.team_ids {
                    ids.retain(|t| t != id);
                }
            }
            Ok(Outcome::default())
        }
        Change::CreateRole { name, permissions } => {
            if let Some(r) = data.state.roles.iter().find(|r| &r.name == name) {
                return Ok(created(r.id.clone()));
            }
            let id = data.new_id();
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
            let role = data
                .state
                .roles
                .iter_mut()
                .find(|r| &r.id == id)
                .ok_or_else(|| PortalError::Rejected(format!("no permission set has id `{id}`")))?;
            if let Some(n) = name {
                role.name = n.clone();
            }
            if let Some(p) = permissions {
                role.permissions = Some(p.clone());
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
                return Err(PortalError::Rejected(format!(
                    "permission set `{id}` is assigned to users and cannot be deleted"
                )));
            }
            data.state.roles.retain(|r| &r.id != id);
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
            if let Some(u) = data
                .state
                .users
                .iter()
                .find(|u| u.email.eq_ignore_ascii_case(email))
            {
                return Ok(created(u.id.clone()));
            }
            if let Some(r) = role_id {
                role_exists(data, r)?;
            }
            for t in primary_team_id.iter().chain(additional_team_ids) {
                team_exists(data, t)?;
            }
            let id = data.new_id();
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
                role_exists(data, r)?;
            }
            let teams = primary_team_id
                .iter()
                .flatten()
                .chain(additional_team_ids.iter().flatten());
            for t in teams {
                team_exists(data, t)?;
            }
            let user = data
                .state
                .users
                .iter_mut()
                .find(|u| &u.id == id)
                .ok_or_else(|| PortalError::Rejected(format!("no user has id `{id}`")))?;
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
            data.state.users.retain(|u| &u.id != id);
            Ok(Outcome::default())
        }
        Change::CreateAsset {
            kind,
            name,
            team_ids,
        } => {
            if let Some(a) = data
                .state
                .assets
                .iter()
                .find(|a| &a.kind == kind && &a.name == name)
            {
                return Ok(created(a.id.clone()));
            }
            for t in team_ids {
                team_exists(data, t)?;
            }
            let id = data.new_id();
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
                team_exists(data, t)?;
            }
            let asset = data
                .state
                .assets
                .iter_mut()
                .find(|a| &a.id == id)
                .ok_or_else(|| PortalError::Rejected(format!("no asset has id `{id}`")))?;
            if let Some(n) = name {
                asset.name = n.clone();
            }
            if let Some(t) = team_ids {
                asset.team_ids = Some(sorted(t.clone()));
            }
            Ok(Outcome::default())
        }
        Change::DeleteAsset { id } => {
            data.state.assets.retain(|a| &a.id != id);
            Ok(Outcome::default())
        }
    }
}
