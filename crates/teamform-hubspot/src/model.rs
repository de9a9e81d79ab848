//! HubSpot's request and response bodies, field by field as in the OpenAPI specifications
//! (`users-2026-09-beta.json`, `teams-2026-09-beta.json`), and their translation to and from
//! the portal-neutral live state.
//!
//! The `2026-09-beta` users API is the one that carries a user's `primaryTeamId` and
//! `secondaryTeamIds` on both read and write, and the `2026-09-beta` teams API is the one
//! that carries `parentTeamId`; the teams list of the users API has no parents.

use serde::{Deserialize, Serialize};
use teamform_portal::{LiveRole, LiveTeam, LiveUser};

/// The users API, version `2026-09-beta`.
pub const USERS: &str = "/settings/users/2026-09-beta";
/// The permission sets (roles) list of the users API.
pub const ROLES: &str = "/settings/users/2026-09-beta/roles";
/// The teams API, version `2026-09-beta`.
pub const TEAMS: &str = "/settings/teams/2026-09-beta";
/// The largest page HubSpot serves for users and teams.
pub const PAGE_LIMIT: usize = 100;

/// A page of a forward-paged collection (`CollectionResponse...ForwardPaging`).
#[derive(Debug, Deserialize)]
pub struct Page<T> {
    /// The objects of this page.
    pub results: Vec<T>,
    /// The cursor to the next page, absent on the last one.
    #[serde(default)]
    pub paging: Option<Paging>,
}

impl<T> Page<T> {
    /// The cursor of the next page, if there is one.
    pub fn next_after(&self) -> Option<String> {
        self.paging
            .as_ref()
            .and_then(|p| p.next.as_ref())
            .map(|n| n.after.clone())
            .filter(|a| !a.is_empty())
    }
}

/// `ForwardPaging`.
#[derive(Debug, Deserialize)]
pub struct Paging {
    /// `NextPage`.
    #[serde(default)]
    pub next: Option<NextPage>,
}

/// `NextPage`.
#[derive(Debug, Deserialize)]
pub struct NextPage {
    /// The cursor.
    pub after: String,
}

/// A collection without paging (`CollectionResponse...NoPaging`).
#[derive(Debug, Deserialize)]
pub struct All<T> {
    /// Every object.
    pub results: Vec<T>,
}

/// `PublicUser`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiUser {
    /// The user id.
    pub id: String,
    /// The login email.
    pub email: String,
    /// The first name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// The last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// The single role (permission set) id.
    #[serde(default)]
    pub role_id: Option<String>,
    /// The role ids (required by the specification; the first is used when `roleId` is
    /// missing).
    #[serde(default)]
    pub role_ids: Vec<String>,
    /// The primary team.
    #[serde(default)]
    pub primary_team_id: Option<String>,
    /// The additional teams.
    #[serde(default)]
    pub secondary_team_ids: Vec<String>,
    /// The paid seats.
    #[serde(default)]
    pub seat_names: Vec<String>,
    /// Whether the user is a super admin.
    #[serde(default)]
    pub super_admin: bool,
}

/// `PublicPermissionSet`.
#[derive(Debug, Deserialize)]
pub struct ApiRole {
    /// The id.
    pub id: String,
    /// The name.
    pub name: String,
}

/// `TeamResponse`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiTeam {
    /// The id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The parent team.
    #[serde(default)]
    pub parent_team_id: Option<String>,
}

/// `UserProvisionRequest`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserCreate<'a> {
    /// The login email.
    pub email: &'a str,
    /// The first name.
    pub first_name: &'a str,
    /// The last name.
    pub last_name: &'a str,
    /// The role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_id: Option<&'a str>,
    /// The primary team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_team_id: Option<&'a str>,
    /// The additional teams.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub secondary_team_ids: &'a [String],
    /// The paid seats, when seats are written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat_names: Option<&'a [String]>,
    /// Whether HubSpot emails the new user an invitation.
    pub send_welcome_email: bool,
}

/// `PublicUserUpdate`: only the fields present are changed.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserUpdate<'a> {
    /// The first name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<&'a str>,
    /// The last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<&'a str>,
    /// The role (an empty id takes the role away).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_id: Option<&'a str>,
    /// The primary team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_team_id: Option<&'a str>,
    /// The additional teams, replacing the current ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secondary_team_ids: Option<&'a [String]>,
    /// The paid seats, replacing the current ones, when seats are written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seat_names: Option<&'a [String]>,
}

impl UserUpdate<'_> {
    /// Whether the update changes nothing.
    pub fn is_empty(&self) -> bool {
        self.first_name.is_none()
            && self.last_name.is_none()
            && self.role_id.is_none()
            && self.primary_team_id.is_none()
            && self.secondary_team_ids.is_none()
            && self.seat_names.is_none()
    }
}

/// `TeamCreateRequest`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamCreate<'a> {
    /// The name.
    pub name: &'a str,
    /// The parent team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_team_id: Option<&'a str>,
    /// The members (required; teamform adds members through the users API).
    pub members: [(); 0],
}

/// `TeamUpdateRequest`: both fields are required, `parentTeamId` null for a root team.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamUpdate<'a> {
    /// The name.
    pub name: &'a str,
    /// The parent team.
    pub parent_team_id: Option<&'a str>,
}

/// HubSpot's `Error` body.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiErrorBody {
    /// The error category (`VALIDATION_ERROR`...).
    #[serde(default)]
    pub category: String,
    /// A human-readable message.
    #[serde(default)]
    pub message: String,
    /// The request's correlation id, for HubSpot support.
    #[serde(default)]
    pub correlation_id: String,
}

/// Splits a person's name into HubSpot's first and last names at the first space, so that
/// joining them back gives the same name.
pub fn split_name(name: &str) -> (&str, &str) {
    let name = name.trim();
    name.split_once(' ').unwrap_or((name, ""))
}

/// Joins HubSpot's first and last names into one name.
pub fn join_name(first: Option<&str>, last: Option<&str>) -> String {
    let parts = [first.unwrap_or("").trim(), last.unwrap_or("").trim()];
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

impl From<ApiUser> for LiveUser {
    fn from(u: ApiUser) -> LiveUser {
        let role_id = u
            .role_id
            .filter(|r| !r.is_empty())
            .or_else(|| u.role_ids.first().cloned());
        let primary = u.primary_team_id.filter(|t| !t.is_empty());
        let additional = u
            .secondary_team_ids
            .into_iter()
            .filter(|t| Some(t) != primary.as_ref())
            .collect();
        LiveUser {
            name: join_name(u.first_name.as_deref(), u.last_name.as_deref()),
            id: u.id,
            email: u.email,
            role_id,
            primary_team_id: primary,
            additional_team_ids: sorted(additional),
            super_admin: u.super_admin,
            seats: sorted(u.seat_names),
        }
    }
}

impl From<ApiTeam> for LiveTeam {
    fn from(t: ApiTeam) -> LiveTeam {
        LiveTeam {
            id: t.id,
            name: t.name,
            parent_id: t.parent_team_id.filter(|p| !p.is_empty()),
        }
    }
}

impl From<ApiRole> for LiveRole {
    fn from(r: ApiRole) -> LiveRole {
        LiveRole {
            id: r.id,
            name: r.name,
            permissions: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in ["Alice Martin", "Jean-Pierre de la Tour", "Cher"] {
            let (first, last) = split_name(name);
            assert_eq!(join_name(Some(first), Some(last)), name);
        }
    }

    #[test]
    fn reads_a_public_user() {
        let json = r#"{"id":"7","email":"a@x.example","firstName":"Ann","lastName":"Lee",
            "roleIds":["3"],"primaryTeamId":"10","secondaryTeamIds":["12","11"],
            "seatNames":["sales"],"superAdmin":false}"#;
        let user: ApiUser = serde_json::from_str(json).unwrap();
        let live = LiveUser::from(user);
        assert_eq!(live.name, "Ann Lee");
        assert_eq!(live.role_id.as_deref(), Some("3"));
        assert_eq!(live.additional_team_ids, ["11", "12"]);
    }

    #[test]
    fn writes_a_team_create_with_empty_members() {
        let body = TeamCreate {
            name: "Sales",
            parent_team_id: None,
            members: [],
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"name":"Sales","members":[]}"#
        );
    }
}
