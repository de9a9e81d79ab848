//! The owners API (`/crm/v3/owners`, `/crm/owners/2026-09`): an owner per user, derived from the
//! users, with their teams (`primary` for the user's primary team). Owner ids differ from user
//! ids, as in HubSpot: a user's owner id is their id plus [`OWNER_ID_OFFSET`].

use crate::clock::EPOCH_OF_OWNERS;
use crate::errors::ApiError;
use crate::paging::{PageRequest, Params, collection};
use crate::state::{Shared, split_name, team};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use serde_json::{Map, Value, json};
use teamform_email::EmailKey;
use teamform_portal::LiveUser;
use teamform_portal::sandbox::SandboxFile;

/// What is added to a (numeric) user id to make its owner id.
pub const OWNER_ID_OFFSET: u64 = 100_000_000;

/// The owner id of a user.
fn owner_id(u: &LiveUser) -> String {
    owner_id_of(&u.id)
}

/// The owner id of the user with `user_id` (also of a removed user, whose records keep it).
pub fn owner_id_of(user_id: &str) -> String {
    match user_id.parse::<u64>() {
        Ok(n) => (n + OWNER_ID_OFFSET).to_string(),
        Err(_) => format!("owner-{user_id}"),
    }
}

/// The user id behind an owner id: the inverse of [`owner_id_of`].
pub fn user_id_of(owner_id: &str) -> Option<String> {
    if let Some(id) = owner_id.strip_prefix("owner-") {
        return Some(id.to_string());
    }
    let n = owner_id.parse::<u64>().ok()?;
    n.checked_sub(OWNER_ID_OFFSET).map(|id| id.to_string())
}

/// HubSpot's `PublicOwner` for a user.
fn public_owner(data: &SandboxFile, u: &LiveUser) -> Value {
    let (first, last) = split_name(&u.name);
    let mut teams = Vec::new();
    let ids = u.primary_team_id.iter().chain(&u.additional_team_ids);
    for id in ids {
        if let Some(t) = team(data, id) {
            let primary = u.primary_team_id.as_ref() == Some(id);
            teams.push(json!({ "id": t.id, "name": t.name, "primary": primary }));
        }
    }
    let mut m = Map::new();
    m.insert("id".into(), json!(owner_id(u)));
    m.insert("email".into(), json!(u.email));
    m.insert("type".into(), json!("PERSON"));
    m.insert("firstName".into(), json!(first));
    m.insert("lastName".into(), json!(last));
    if let Ok(n) = u.id.parse::<u64>() {
        m.insert("userId".into(), json!(n));
        m.insert("userIdIncludingInactive".into(), json!(n));
    }
    m.insert("createdAt".into(), json!(EPOCH_OF_OWNERS));
    m.insert("updatedAt".into(), json!(EPOCH_OF_OWNERS));
    m.insert("archived".into(), json!(false));
    m.insert("teams".into(), Value::Array(teams));
    Value::Object(m)
}

/// Whether `archived=true` was asked: the sandbox keeps no archived owners.
fn archived(params: &Params) -> Result<bool, ApiError> {
    match params.get("archived").map(String::as_str) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::invalid(
            "archived",
            format!("archived must be true or false, not `{other}`"),
        )),
    }
}

/// `GET`: one page of owners (`limit` at most 500), optionally only the one with `email`.
pub async fn list(
    State(app): State<Shared>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = query?;
    let page = PageRequest::from_params(&params, 100, 500)?;
    let archived = archived(&params)?;
    let email = params
        .get("email")
        .filter(|e| !e.is_empty())
        .map(|e| EmailKey::new(e));
    let (results, paging) = app.store.read(|data| {
        let items = data
            .state
            .users
            .iter()
            .filter(|_| !archived)
            .filter(|u| email.as_ref().is_none_or(|e| EmailKey::new(&u.email) == *e))
            .map(|u| (owner_id(u), public_owner(data, u)))
            .collect();
        page.page(items)
    });
    Ok(Json(collection(results, paging)))
}

/// `GET /{ownerId}`: by owner id, or by user id with `idProperty=userId`.
pub async fn get(
    State(app): State<Shared>,
    Path(key): Path<String>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = query?;
    let by_user = match params.get("idProperty").map(String::as_str) {
        None | Some("id") => false,
        Some("userId") => true,
        Some(other) => {
            return Err(ApiError::invalid(
                "idProperty",
                format!("idProperty must be id or userId, not `{other}`"),
            ));
        }
    };
    let archived = archived(&params)?;
    app.store.read(|data| {
        data.state
            .users
            .iter()
            .filter(|_| !archived)
            .find(|u| {
                if by_user {
                    u.id == key
                } else {
                    owner_id(u) == key
                }
            })
            .map(|u| Json(public_owner(data, u)))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "No owner with {} {key} exists",
                    if by_user { "userId" } else { "id" }
                ))
            })
    })
}
