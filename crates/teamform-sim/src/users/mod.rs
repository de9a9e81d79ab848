//! The users API (`/settings/v3/users`, `/settings/users/v3`, `/settings/users/2026-03`,
//! `/settings/users/2026-09-beta`): list with paging, get by id or email (`idProperty=EMAIL`),
//! create (`UserProvisionRequest`), replace (`PublicUserUpdate`) and remove, with HubSpot's
//! rules: known role and team ids only, one user per email, super-admin status read-only.

use crate::errors::{ApiError, parse_body};
use crate::paging::{PageRequest, Params, collection};
use crate::state::{Shared, join_name, split_name, user, user_by_email};
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Extension, OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use fields::{UserFields, check_refs, non_empty, read_only_super_admin, secondaries, team_refs};
use serde_json::{Map, Value, json};
use teamform_portal::LiveUser;
use teamform_portal::sandbox::SandboxFile;

mod fields;

/// What differs between the dated versions of the users API.
#[derive(Clone, Copy, Debug)]
pub struct Flavor {
    /// Whether users have `seatNames` (all but `2026-03`).
    pub seats: bool,
}

/// HubSpot's `PublicUser` for a sandbox user. `welcome` is only set in a creation's answer.
pub fn public_user(u: &LiveUser, flavor: Flavor, welcome: bool) -> Value {
    let (first, last) = split_name(&u.name);
    let mut m = Map::new();
    m.insert("id".into(), json!(u.id));
    m.insert("email".into(), json!(u.email));
    if !first.is_empty() {
        m.insert("firstName".into(), json!(first));
    }
    if !last.is_empty() {
        m.insert("lastName".into(), json!(last));
    }
    if let Some(role) = &u.role_id {
        m.insert("roleId".into(), json!(role));
    }
    m.insert(
        "roleIds".into(),
        json!(u.role_id.iter().collect::<Vec<_>>()),
    );
    if let Some(team) = &u.primary_team_id {
        m.insert("primaryTeamId".into(), json!(team));
    }
    m.insert("secondaryTeamIds".into(), json!(u.additional_team_ids));
    if flavor.seats {
        m.insert("seatNames".into(), json!(u.seats));
    }
    m.insert("superAdmin".into(), json!(u.super_admin));
    m.insert("sendWelcomeEmail".into(), json!(welcome));
    Value::Object(m)
}

/// `GET`: one page of users (`limit` at most 100).
pub async fn list(
    State(app): State<Shared>,
    Extension(flavor): Extension<Flavor>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = query?;
    let page = PageRequest::from_params(&params, 100, 100)?;
    let (results, paging) = app.store.read(|data| {
        let items = data
            .state
            .users
            .iter()
            .map(|u| (u.id.clone(), public_user(u, flavor, false)))
            .collect();
        page.page(items)
    });
    Ok(Json(collection(results, paging)))
}

/// Finds the user named by a path parameter, by id or, with `idProperty=EMAIL`, by email.
fn find<'a>(data: &'a SandboxFile, key: &str, params: &Params) -> Result<&'a LiveUser, ApiError> {
    let by_email = match params.get("idProperty").map(String::as_str) {
        None | Some("USER_ID") => false,
        Some("EMAIL") => true,
        Some(other) => {
            return Err(ApiError::invalid(
                "idProperty",
                format!("idProperty must be EMAIL or USER_ID, not `{other}`"),
            ));
        }
    };
    let found = if by_email {
        user_by_email(data, key)
    } else {
        user(data, key)
    };
    found.ok_or_else(|| {
        let what = if by_email { "email" } else { "id" };
        ApiError::not_found(format!(
            "No user with {what} `{key}` exists in this account"
        ))
    })
}

/// `GET /{userId}`.
pub async fn get(
    State(app): State<Shared>,
    Extension(flavor): Extension<Flavor>,
    Path(key): Path<String>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = query?;
    app.store
        .read(|data| find(data, &key, &params).map(|u| Json(public_user(u, flavor, false))))
}

/// `POST`: provisions a user; 201 with the user and a `Location`.
pub async fn create(
    State(app): State<Shared>,
    Extension(flavor): Extension<Flavor>,
    OriginalUri(uri): OriginalUri,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<(StatusCode, HeaderMap, Json<Value>), ApiError> {
    let Json(body) = body?;
    let fields: UserFields = parse_body(body)?;
    let email = fields.email.clone().unwrap_or_default().trim().to_string();
    if email.is_empty() {
        return Err(ApiError::invalid("email", "email is required"));
    }
    if !email.contains('@') {
        return Err(ApiError::invalid(
            "email",
            format!("`{email}` is not a valid email address"),
        ));
    }
    read_only_super_admin(fields.super_admin, false)?;
    let welcome = fields.send_welcome_email.unwrap_or(false);
    let created = app.store.write(|data| {
        if let Some(existing) = user_by_email(data, &email) {
            return Err(ApiError::conflict(format!(
                "A user with email {email} already exists. Existing ID: {}",
                existing.id
            )));
        }
        let role_id = non_empty(fields.role_id).flatten();
        let primary = non_empty(fields.primary_team_id).flatten();
        let extra = fields.secondary_team_ids.unwrap_or_default();
        check_refs(
            data,
            role_id.as_deref(),
            &team_refs(primary.as_deref(), &extra),
        )?;
        let mut seats = if flavor.seats {
            fields.seat_names.unwrap_or_default()
        } else {
            Vec::new()
        };
        seats.sort();
        seats.dedup();
        let u = LiveUser {
            id: data.new_id(),
            email: email.clone(),
            name: join_name(
                fields.first_name.as_deref().unwrap_or(""),
                fields.last_name.as_deref().unwrap_or(""),
            ),
            role_id,
            additional_team_ids: secondaries(extra, primary.as_ref()),
            primary_team_id: primary,
            super_admin: false,
            seats,
        };
        data.state.users.push(u.clone());
        Ok(u)
    })?;
    let mut headers = HeaderMap::new();
    let location = format!("{}/{}", uri.path().trim_end_matches('/'), created.id);
    if let Ok(value) = HeaderValue::from_str(&location) {
        headers.insert(header::LOCATION, value);
    }
    Ok((
        StatusCode::CREATED,
        headers,
        Json(public_user(&created, flavor, welcome)),
    ))
}

/// `PUT /{userId}`: changes the fields given (`PublicUserUpdate`); an empty `roleId` or
/// `primaryTeamId` removes it.
pub async fn update(
    State(app): State<Shared>,
    Extension(flavor): Extension<Flavor>,
    Path(key): Path<String>,
    query: Result<Query<Params>, QueryRejection>,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = query?;
    let Json(body) = body?;
    let fields: UserFields = parse_body(body)?;
    let updated = app.store.write(|data| {
        let current = find(data, &key, &params)?.clone();
        read_only_super_admin(fields.super_admin, current.super_admin)?;
        let mut u = current.clone();
        if fields.first_name.is_some() || fields.last_name.is_some() {
            let (first, last) = split_name(&current.name);
            u.name = join_name(
                fields.first_name.as_deref().unwrap_or(&first),
                fields.last_name.as_deref().unwrap_or(&last),
            );
        }
        // Only the references given are checked: the others are the portal's own.
        let role = non_empty(fields.role_id);
        let primary = non_empty(fields.primary_team_id);
        let extra = fields.secondary_team_ids;
        let refs = team_refs(
            primary.as_ref().and_then(|p| p.as_deref()),
            extra.as_deref().unwrap_or_default(),
        );
        check_refs(data, role.as_ref().and_then(|r| r.as_deref()), &refs)?;
        if let Some(role) = role {
            u.role_id = role;
        }
        if let Some(primary) = primary {
            u.primary_team_id = primary;
        }
        if let Some(extra) = extra {
            u.additional_team_ids = extra;
        }
        u.additional_team_ids = secondaries(u.additional_team_ids, u.primary_team_id.as_ref());
        if let (Some(mut seats), true) = (fields.seat_names, flavor.seats) {
            seats.sort();
            seats.dedup();
            u.seats = seats;
        }
        if let Some(slot) = data.state.users.iter_mut().find(|x| x.id == u.id) {
            *slot = u.clone();
        }
        Ok(u)
    })?;
    Ok(Json(public_user(&updated, flavor, false)))
}

/// `DELETE /{userId}`: removes the user (and so their team memberships); 204.
pub async fn remove(
    State(app): State<Shared>,
    Path(key): Path<String>,
    query: Result<Query<Params>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    let Query(params) = query?;
    app.store.write(|data| {
        let id = find(data, &key, &params)?.id.clone();
        data.state.users.retain(|u| u.id != id);
        Ok(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}
