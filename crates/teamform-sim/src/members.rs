//! Team members (`/settings/teams/2026-09-beta/{teamId}/members`): list with paging, add one,
//! add a batch, remove. A user's primary team is their `DEFAULT` membership, and their
//! additional teams are `EXTRA` ones: making a user a `DEFAULT` member moves their primary team.

use crate::clock::now_iso;
use crate::errors::{ApiError, parse_body};
use crate::paging::{PageRequest, Params, collection};
use crate::state::{Shared, user};
use crate::teams::find;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use teamform_portal::sandbox::SandboxFile;

/// `TeamMemberAssignment`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    user_id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// Whether a membership type is `DEFAULT` (primary) rather than `EXTRA`, or HubSpot's 400.
fn is_default(kind: Option<&str>, field: &str) -> Result<bool, ApiError> {
    match kind {
        Some("DEFAULT") => Ok(true),
        Some("EXTRA") => Ok(false),
        Some(other) => Err(ApiError::invalid(
            field,
            format!("{field} must be DEFAULT or EXTRA, not `{other}`"),
        )),
        None => Err(ApiError::invalid(
            field,
            format!("{field} is required (DEFAULT or EXTRA)"),
        )),
    }
}

fn member(user_id: &str, default: bool) -> Value {
    json!({ "userId": user_id, "type": if default { "DEFAULT" } else { "EXTRA" } })
}

/// Makes a user a member of a team: `DEFAULT` sets their primary team (the team leaves their
/// additional ones), `EXTRA` adds an additional team (refused for their primary team).
pub fn assign(data: &mut SandboxFile, team_id: &str, a: &Assignment) -> Result<Value, ApiError> {
    let default = is_default(a.kind.as_deref(), "type")?;
    let user_id = a.user_id.clone().unwrap_or_default();
    if user(data, &user_id).is_none() {
        return Err(ApiError::invalid(
            "userId",
            format!("User {user_id} does not exist in this account"),
        ));
    }
    let Some(u) = data.state.users.iter_mut().find(|u| u.id == user_id) else {
        return Err(ApiError::invalid(
            "userId",
            format!("User {user_id} does not exist"),
        ));
    };
    if default {
        u.primary_team_id = Some(team_id.to_string());
        u.additional_team_ids.retain(|t| t != team_id);
    } else {
        if u.primary_team_id.as_deref() == Some(team_id) {
            return Err(ApiError::invalid(
                "type",
                format!(
                    "User {user_id} is already a DEFAULT member of team {team_id}; remove that membership first to make it EXTRA"
                ),
            ));
        }
        if !u.additional_team_ids.iter().any(|t| t == team_id) {
            u.additional_team_ids.push(team_id.to_string());
            u.additional_team_ids.sort();
        }
    }
    Ok(member(&user_id, default))
}

/// `GET /{teamId}/members`: one page of members.
pub async fn list(
    State(app): State<Shared>,
    Path(team_id): Path<String>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = query?;
    let page = PageRequest::from_params(&params, 100, 100)?;
    app.store.read(|data| {
        find(data, &team_id)?;
        let items = data
            .state
            .users
            .iter()
            .filter_map(|u| {
                if u.primary_team_id.as_deref() == Some(team_id.as_str()) {
                    Some((u.id.clone(), member(&u.id, true)))
                } else if u.additional_team_ids.contains(&team_id) {
                    Some((u.id.clone(), member(&u.id, false)))
                } else {
                    None
                }
            })
            .collect();
        let (results, paging) = page.page(items);
        Ok(Json(collection(results, paging)))
    })
}

/// `POST /{teamId}/members`: adds one member; 201 with the membership.
pub async fn add(
    State(app): State<Shared>,
    Path(team_id): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Json(body) = body?;
    let a: Assignment = parse_body(body)?;
    let result = app.store.write(|data| {
        find(data, &team_id)?;
        assign(data, &team_id, &a)
    })?;
    Ok((StatusCode::CREATED, Json(result)))
}

/// `BatchInputTeamMemberAssignment`.
#[derive(Debug, Deserialize)]
struct BatchInput {
    inputs: Option<Vec<Assignment>>,
}

/// `POST /{teamId}/members/batch`: adds several members; 200 with HubSpot's batch answer, the
/// assignments that failed being listed in `errors` while the others are kept.
pub async fn batch(
    State(app): State<Shared>,
    Path(team_id): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let started = now_iso();
    let Json(body) = body?;
    let input: BatchInput = parse_body(body)?;
    let Some(inputs) = input.inputs else {
        return Err(ApiError::invalid("inputs", "inputs is required"));
    };
    let (results, errors) = app.store.write(|data| {
        find(data, &team_id)?;
        let mut results = Vec::new();
        let mut errors = Vec::new();
        for a in &inputs {
            match assign(data, &team_id, a) {
                Ok(r) => results.push(r),
                Err(e) => errors.push(e.to_standard_error()),
            }
        }
        Ok((results, errors))
    })?;
    let mut answer = json!({
        "status": "COMPLETE",
        "results": results,
        "requestedAt": started,
        "startedAt": started,
        "completedAt": now_iso(),
    });
    if let (false, Some(map)) = (errors.is_empty(), answer.as_object_mut()) {
        map.insert("numErrors".into(), json!(errors.len()));
        map.insert("errors".into(), Value::Array(errors));
    }
    Ok(Json(answer))
}

/// `DELETE /{teamId}/members/{userId}?type=DEFAULT|EXTRA` (`DEFAULT` when absent): 204, or
/// 404 when the user is not that kind of member.
pub async fn remove(
    State(app): State<Shared>,
    Path((team_id, user_id)): Path<(String, String)>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    let Query(params) = query?;
    let default = is_default(
        Some(params.get("type").map_or("DEFAULT", String::as_str)),
        "type",
    )?;
    app.store.write(|data| {
        find(data, &team_id)?;
        let Some(u) = data.state.users.iter_mut().find(|u| u.id == user_id) else {
            return Err(ApiError::not_found(format!(
                "User {user_id} does not exist in this account"
            )));
        };
        let kind = if default { "DEFAULT" } else { "EXTRA" };
        let not_member = || {
            ApiError::not_found(format!(
                "User {user_id} is not a {kind} member of team {team_id}"
            ))
        };
        if default {
            if u.primary_team_id.as_deref() != Some(team_id.as_str()) {
                return Err(not_member());
            }
            u.primary_team_id = None;
        } else {
            if !u.additional_team_ids.contains(&team_id) {
                return Err(not_member());
            }
            u.additional_team_ids.retain(|t| *t != team_id);
        }
        Ok(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}
