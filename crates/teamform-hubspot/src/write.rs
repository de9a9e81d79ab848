//! Performing one [`Change`] through the API, idempotently.
//!
//! - Teams: `POST /settings/teams/2026-09-beta` (a create of an existing name returns the
//!   existing team), `PATCH .../{teamId}` with both `name` and `parentTeamId` as the API
//!   requires (the one not changing is taken from the team as it is), `DELETE .../{teamId}`
//!   (a missing team counts as deleted).
//! - Users: `POST /settings/users/2026-09-beta` with `roleId`, `primaryTeamId` and
//!   `secondaryTeamIds`; `PUT .../{userId}` with the fields that change (an empty `roleId`
//!   takes the permission set away); a primary team taken
//!   away without a new one is removed through `DELETE /settings/teams/2026-09-beta/{teamId}/
//!   members/{userId}?type=DEFAULT`; `DELETE .../{userId}` (a missing user counts as removed).
//! - A create whose outcome is unknown (a timeout, a 5xx) is looked up (the user by email,
//!   the team by name) before it is sent again, and a create refused because the object
//!   exists returns the existing id.
//! - Permission sets and asset partitions have no write API: such a change is refused with
//!   what to do instead (the planner makes them manual steps, so they do not normally come
//!   here).

use crate::client::{CallError, Client, Resend, segment};
use crate::model::{self, ApiUser, UserCreate, UserUpdate};
use crate::read;
use crate::teams::TeamCache;
use reqwest::Method;
use teamform_portal::{Change, Outcome, PortalError};

/// How many times a create with an unknown outcome is looked up and sent again.
pub(crate) const CREATE_TRIES: u32 = 5;

/// What a write needs.
#[derive(Debug)]
pub struct Writer<'a> {
    /// The client.
    pub client: &'a Client,
    /// The teams as known.
    pub teams: &'a TeamCache,
    /// Whether new users get HubSpot's welcome email.
    pub send_welcome_email: bool,
    /// Whether users' seats are written (`seatNames`).
    pub write_seats: bool,
    /// The pacing of CRM searches.
    pub search: &'a crate::records::SearchPace,
}

pub(crate) fn created(id: String) -> Outcome {
    Outcome {
        created_id: Some(id),
    }
}

/// Whether an error status may mean "it exists already" (HubSpot answers 409, or 400 with a
/// validation message, to a duplicate).
pub(crate) fn maybe_exists(error: &CallError) -> bool {
    matches!(error.status(), Some(400 | 409 | 422))
}

impl Writer<'_> {
    /// Performs one change.
    pub async fn perform(&self, change: &Change) -> Result<Outcome, PortalError> {
        let result = match change {
            Change::CreateTeam { name, parent_id } => {
                self.create_team(name, parent_id.as_deref()).await
            }
            Change::UpdateTeam {
                id,
                name,
                parent_id,
            } => {
                self.update_team(id, name.as_deref(), parent_id.as_ref())
                    .await
            }
            Change::DeleteTeam { id } => {
                self.delete(&format!("{}/{}", model::TEAMS, segment(id)))
                    .await
            }
            Change::CreateUser {
                email,
                name,
                role_id,
                primary_team_id,
                additional_team_ids,
                seats,
                ..
            } => {
                let (first_name, last_name) = model::split_name(name);
                let body = UserCreate {
                    email,
                    first_name,
                    last_name,
                    role_id: role_id.as_deref(),
                    primary_team_id: primary_team_id.as_deref(),
                    secondary_team_ids: additional_team_ids,
                    seat_names: (self.write_seats && !seats.is_empty()).then_some(seats.as_slice()),
                    send_welcome_email: self.send_welcome_email,
                };
                self.create_user(email, &body).await
            }
            Change::UpdateUser {
                id,
                name,
                role_id,
                primary_team_id,
                additional_team_ids,
                seats,
                ..
            } => {
                let (first_name, last_name) = match name {
                    Some(n) => {
                        let (f, l) = model::split_name(n);
                        (Some(f), Some(l))
                    }
                    None => (None, None),
                };
                let body = UserUpdate {
                    first_name,
                    last_name,
                    role_id: role_id.as_ref().map(|r| r.as_deref().unwrap_or("")),
                    primary_team_id: primary_team_id.as_ref().and_then(|t| t.as_deref()),
                    secondary_team_ids: additional_team_ids.as_deref(),
                    seat_names: seats.as_deref().filter(|_| self.write_seats),
                };
                let drop_primary = matches!(primary_team_id, Some(None));
                self.update_user(id, &body, drop_primary).await
            }
            Change::DeleteUser { id } => {
                self.delete(&format!("{}/{}", model::USERS, segment(id)))
                    .await
            }
            Change::ReassignRecords {
                object,
                from_id,
                to_id,
            } => {
                let records = crate::records::Records {
                    client: self.client,
                    pace: self.search,
                };
                records.reassign(*object, from_id, to_id).await?;
                return Ok(Outcome::default());
            }
            Change::CreateRole { name, .. }
            | Change::UpdateRole {
                name: Some(name), ..
            } => {
                return Err(PortalError::rejected(format!(
                    "HubSpot's API cannot write permission sets; create or edit `{name}` in Settings > Users & Teams > Permission sets"
                )));
            }
            Change::UpdateRole { id, .. } | Change::DeleteRole { id } => {
                return Err(PortalError::rejected(format!(
                    "HubSpot's API cannot write permission sets; change permission set `{id}` in Settings > Users & Teams > Permission sets"
                )));
            }
            Change::CreateAsset { name, .. }
            | Change::UpdateAsset {
                name: Some(name), ..
            } => {
                return Err(PortalError::rejected(format!(
                    "HubSpot's API cannot partition assets; assign `{name}` to its teams in the asset's settings"
                )));
            }
            Change::UpdateAsset { id, .. } | Change::DeleteAsset { id } => {
                return Err(PortalError::rejected(format!(
                    "HubSpot's API cannot partition assets; change asset `{id}` in its settings"
                )));
            }
        };
        result.map_err(CallError::into_portal)
    }

    /// Deletes what `path` names; a missing object counts as deleted.
    async fn delete(&self, path: &str) -> Result<Outcome, CallError> {
        match self
            .client
            .call(Method::DELETE, path, &[], None, Resend::Idempotent)
            .await
        {
            Ok(_) => {}
            Err(e) if e.status() == Some(404) => {}
            Err(e) => return Err(e),
        }
        if let Some(id) = path.strip_prefix(&format!("{}/", model::TEAMS)) {
            self.teams.remove(id).await;
        }
        Ok(Outcome::default())
    }

    async fn create_user(&self, email: &str, body: &UserCreate<'_>) -> Result<Outcome, CallError> {
        let mut tries = 0;
        loop {
            tries += 1;
            match self
                .client
                .json::<ApiUser>(Method::POST, model::USERS, &[], Some(body), Resend::Create)
                .await
            {
                Ok(user) => return Ok(created(user.id)),
                // The create may have gone through: look before sending it again.
                Err(e @ CallError::Unknown(_)) => {
                    if let Some(user) = read::user_by_email(self.client, email).await? {
                        return Ok(created(user.id));
                    }
                    if tries >= CREATE_TRIES {
                        return Err(e);
                    }
                }
                Err(e) if maybe_exists(&e) => {
                    return match read::user_by_email(self.client, email).await? {
                        Some(user) => Ok(created(user.id)),
                        None => Err(e),
                    };
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn update_user(
        &self,
        id: &str,
        body: &UserUpdate<'_>,
        drop_primary: bool,
    ) -> Result<Outcome, CallError> {
        let path = format!("{}/{}", model::USERS, segment(id));
        // The primary team to leave, read before anything changes.
        let leave = if drop_primary {
            match read::user_by_id(self.client, id).await? {
                Some(user) => user.primary_team_id.filter(|t| !t.is_empty()),
                None => return Err(missing_user(id, &path)),
            }
        } else {
            None
        };
        if !body.is_empty() {
            match self
                .client
                .call(Method::PUT, &path, &[], Some(body), Resend::Idempotent)
                .await
            {
                Ok(_) => {}
                Err(e) if e.status() == Some(404) => return Err(missing_user(id, &path)),
                Err(e) => return Err(e),
            }
        }
        if let Some(team) = leave {
            let member = format!(
                "{}/{}/members/{}",
                model::TEAMS,
                segment(&team),
                segment(id)
            );
            match self
                .client
                .call(
                    Method::DELETE,
                    &member,
                    &[("type", "DEFAULT")],
                    None,
                    Resend::Idempotent,
                )
                .await
            {
                Ok(_) => {}
                Err(e) if e.status() == Some(404) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Outcome::default())
    }
}

fn missing_user(id: &str, path: &str) -> CallError {
    CallError::Api {
        status: 404,
        body: model::ApiErrorBody {
            message: format!("no user has id `{id}`"),
            ..model::ApiErrorBody::default()
        },
        what: format!("PUT {path}"),
    }
}
