//! The request bodies of the users API (`UserProvisionRequest`, `PublicUserUpdate`) and the
//! rules HubSpot applies to them: known role and team ids, no primary team among the additional
//! ones, super-admin status read-only.

use crate::errors::ApiError;
use crate::state::team;
use serde::Deserialize;
use teamform_portal::sandbox::SandboxFile;

/// The fields of `UserProvisionRequest` and `PublicUserUpdate`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserFields {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role_id: Option<String>,
    pub primary_team_id: Option<String>,
    pub secondary_team_ids: Option<Vec<String>>,
    pub seat_names: Option<Vec<String>>,
    pub send_welcome_email: Option<bool>,
    pub super_admin: Option<bool>,
}

/// An empty id means none.
pub fn non_empty(id: Option<String>) -> Option<Option<String>> {
    id.map(|s| Some(s.trim().to_string()).filter(|s| !s.is_empty()))
}

/// Checks that the role and teams named exist, as HubSpot does, naming the field at fault.
pub fn check_refs(
    data: &SandboxFile,
    role: Option<&str>,
    teams: &[(&str, &str)],
) -> Result<(), ApiError> {
    if let Some(role) = role
        && !data.state.roles.iter().any(|r| r.id == role)
    {
        return Err(ApiError::invalid(
            "roleId",
            format!(
                "Role {role} does not exist in this account: roleId must be the id of a role listed by GET /settings/v3/users/roles"
            ),
        ));
    }
    for (field, id) in teams {
        if team(data, id).is_none() {
            return Err(ApiError::invalid(
                field,
                format!(
                    "Team {id} does not exist in this account: {field} must name teams listed by GET /settings/v3/users/teams"
                ),
            ));
        }
    }
    Ok(())
}

/// The team references of a request, each with the field it came from.
pub fn team_refs<'a>(
    primary: Option<&'a str>,
    secondary: &'a [String],
) -> Vec<(&'static str, &'a str)> {
    let mut refs: Vec<(&str, &str)> = primary.map(|p| ("primaryTeamId", p)).into_iter().collect();
    refs.extend(secondary.iter().map(|s| ("secondaryTeamIds", s.as_str())));
    refs
}

/// Additional teams: sorted, without duplicates or the primary team.
pub fn secondaries(mut ids: Vec<String>, primary: Option<&String>) -> Vec<String> {
    ids.retain(|t| Some(t) != primary);
    ids.sort();
    ids.dedup();
    ids
}

/// Refuses a change of super-admin status, which HubSpot's API cannot make.
pub fn read_only_super_admin(requested: Option<bool>, current: bool) -> Result<(), ApiError> {
    match requested {
        Some(wanted) if wanted != current => Err(ApiError::invalid(
            "superAdmin",
            "superAdmin is read-only: super-admin status cannot be granted or revoked through the API",
        )),
        _ => Ok(()),
    }
}
