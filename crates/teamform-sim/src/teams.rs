//! The teams API (`/settings/teams/2026-09-beta`): list with paging, get, create (with
//! `parentTeamId` and initial `members`), update (rename, re-parent) and delete, with HubSpot's
//! rules: unique names, a known parent and no cycle, and no deletion of a team that still has
//! child teams or members.

use crate::errors::{ApiError, parse_body};
use crate::members::{Assignment, assign};
use crate::paging::{PageRequest, Params, collection};
use crate::state::{Shared, team};
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use teamform_portal::LiveTeam;
use teamform_portal::sandbox::SandboxFile;

/// HubSpot's `TeamResponse`.
pub fn team_response(t: &LiveTeam) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(t.id));
    m.insert("name".into(), json!(t.name));
    if let Some(parent) = &t.parent_id {
        m.insert("parentTeamId".into(), json!(parent));
    }
    Value::Object(m)
}

/// The team with `id`, or HubSpot's 404.
pub fn find<'a>(data: &'a SandboxFile, id: &str) -> Result<&'a LiveTeam, ApiError> {
    team(data, id)
        .ok_or_else(|| ApiError::not_found(format!("Team {id} does not exist in this account")))
}

/// `GET`: one page of teams.
pub async fn list(
    State(app): State<Shared>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = query?;
    let page = PageRequest::from_params(&params, 100, 100)?;
    let (results, paging) = app.store.read(|data| {
        let items = data
            .state
            .teams
            .iter()
            .map(|t| (t.id.clone(), team_response(t)))
            .collect();
        page.page(items)
    });
    Ok(Json(collection(results, paging)))
}

/// `GET /{teamId}`.
pub async fn get(
    State(app): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    app.store
        .read(|data| find(data, &id).map(|t| Json(team_response(t))))
}

/// `TeamCreateRequest`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateRequest {
    name: Option<String>,
    parent_team_id: Option<String>,
    #[serde(default)]
    members: Vec<Assignment>,
}

fn check_name(data: &SandboxFile, name: &str, except: Option<&str>) -> Result<(), ApiError> {
    if name.trim().is_empty() {
        return Err(ApiError::invalid(
            "name",
            "name is required and cannot be empty",
        ));
    }
    if let Some(other) = data
        .state
        .teams
        .iter()
        .find(|t| t.name == name && Some(t.id.as_str()) != except)
    {
        return Err(ApiError::conflict(format!(
            "A team named `{name}` already exists. Existing ID: {}",
            other.id
        )));
    }
    Ok(())
}

fn check_parent(data: &SandboxFile, parent: &str) -> Result<(), ApiError> {
    if team(data, parent).is_none() {
        return Err(ApiError::invalid(
            "parentTeamId",
            format!("Parent team {parent} does not exist in this account"),
        ));
    }
    Ok(())
}

/// `POST`: creates a team and assigns its initial members; 201.
pub async fn create(
    State(app): State<Shared>,
    OriginalUri(uri): OriginalUri,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<(StatusCode, HeaderMap, Json<Value>), ApiError> {
    let Json(body) = body?;
    let request: CreateRequest = parse_body(body)?;
    let name = request.name.unwrap_or_default();
    let parent = request.parent_team_id.filter(|p| !p.is_empty());
    let created = app.store.write(|data| {
        check_name(data, &name, None)?;
        if let Some(parent) = &parent {
            check_parent(data, parent)?;
        }
        let t = LiveTeam {
            id: data.new_id(),
            name: name.clone(),
            parent_id: parent.clone(),
        };
        data.state.teams.push(t.clone());
        for member in &request.members {
            assign(data, &t.id, member)?;
        }
        Ok(t)
    })?;
    let mut headers = HeaderMap::new();
    let location = format!("{}/{}", uri.path().trim_end_matches('/'), created.id);
    if let Ok(value) = HeaderValue::from_str(&location) {
        headers.insert(header::LOCATION, value);
    }
    Ok((StatusCode::CREATED, headers, Json(team_response(&created))))
}

/// `PATCH /{teamId}` (`TeamUpdateRequest`): a new `name`, a new `parentTeamId` (`null` or an
/// empty string makes it a root team). A team cannot become its own descendant.
pub async fn update(
    State(app): State<Shared>,
    Path(id): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(body) = body?;
    let Value::Object(fields) = body else {
        return Err(ApiError::validation(
            "Invalid input JSON: expected an object",
        ));
    };
    let name: Option<String> = match fields.get("name") {
        None | Some(Value::Null) => None,
        Some(v) => Some(parse_body(v.clone())?),
    };
    let parent: Option<Option<String>> = match fields.get("parentTeamId") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => Some(Some(parse_body::<String>(v.clone())?).filter(|p| !p.is_empty())),
    };
    let updated = app.store.write(|data| {
        let mut t = find(data, &id)?.clone();
        if let Some(name) = name {
            check_name(data, &name, Some(&id))?;
            t.name = name;
        }
        if let Some(parent) = parent {
            if let Some(p) = &parent {
                check_parent(data, p)?;
                if is_descendant_or_self(data, p, &id) {
                    return Err(ApiError::invalid(
                        "parentTeamId",
                        format!("Team {p} is team {id} or one of its descendants, so it cannot be its parent"),
                    ));
                }
            }
            t.parent_id = parent;
        }
        if let Some(slot) = data.state.teams.iter_mut().find(|x| x.id == id) {
            *slot = t.clone();
        }
        Ok(t)
    })?;
    Ok(Json(team_response(&updated)))
}

/// Whether `candidate` is `root` or below it.
fn is_descendant_or_self(data: &SandboxFile, candidate: &str, root: &str) -> bool {
    let mut current = Some(candidate.to_string());
    let mut steps = 0;
    while let Some(id) = current {
        if id == root {
            return true;
        }
        steps += 1;
        if steps > data.state.teams.len() {
            return false;
        }
        current = team(data, &id).and_then(|t| t.parent_id.clone());
    }
    false
}

/// `DELETE /{teamId}`: 204, unless the team has child teams or members (400).
pub async fn remove(
    State(app): State<Shared>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    app.store.write(|data| {
        find(data, &id)?;
        let children = data
            .state
            .teams
            .iter()
            .filter(|t| t.parent_id.as_deref() == Some(id.as_str()))
            .count();
        if children > 0 {
            return Err(ApiError::validation(format!(
                "Team {id} has {children} child team(s) and cannot be deleted: delete or move them first"
            )));
        }
        let members = data
            .state
            .users
            .iter()
            .filter(|u| u.primary_team_id.as_deref() == Some(id.as_str()) || u.additional_team_ids.contains(&id))
            .count();
        if members > 0 {
            return Err(ApiError::validation(format!(
                "Team {id} has {members} member(s) and cannot be deleted: remove them first"
            )));
        }
        data.state.teams.retain(|t| t.id != id);
        for asset in &mut data.state.assets {
            if let Some(ids) = &mut asset.team_ids {
                ids.retain(|t| *t != id);
            }
        }
        Ok(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}
