//! The read-only lists beside the users API: roles (permission sets, `PublicPermissionSet`),
//! teams with their primary and secondary members (`PublicTeam`) and seats (`PublicSeat`).

use crate::errors::ApiError;
use crate::paging::collection;
use crate::state::{Shared, id_key};
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The paid seat types a sandbox portal knows, with HubSpot's descriptions.
const SEATS: [(&str, &str); 5] = [
    ("core", "Core seat"),
    ("sales", "Sales Hub seat"),
    ("service", "Service Hub seat"),
    ("marketing", "Marketing Hub seat"),
    ("cms", "Content Hub seat"),
];

/// `GET .../roles`: every permission set.
pub async fn roles(State(app): State<Shared>) -> Result<Json<Value>, ApiError> {
    let results = app.store.read(|data| {
        let mut roles: Vec<_> = data.state.roles.iter().collect();
        roles.sort_by(|a, b| id_key(&a.id).cmp(&id_key(&b.id)));
        roles
            .into_iter()
            .map(|r| json!({ "id": r.id, "name": r.name, "requiresBillingWrite": false }))
            .collect()
    });
    Ok(Json(collection(results, None)))
}

/// `GET .../teams`: every team with its members' ids (`userIds` are the primary members,
/// `secondaryUserIds` the additional ones).
pub async fn teams(State(app): State<Shared>) -> Result<Json<Value>, ApiError> {
    let results = app.store.read(|data| {
        let mut teams: Vec<_> = data.state.teams.iter().collect();
        teams.sort_by(|a, b| id_key(&a.id).cmp(&id_key(&b.id)));
        teams
            .into_iter()
            .map(|t| {
                let mut primary = Vec::new();
                let mut secondary = Vec::new();
                for u in &data.state.users {
                    if u.primary_team_id.as_ref() == Some(&t.id) {
                        primary.push(u.id.as_str());
                    } else if u.additional_team_ids.contains(&t.id) {
                        secondary.push(u.id.as_str());
                    }
                }
                primary.sort_by_key(|id| id_key(id));
                secondary.sort_by_key(|id| id_key(id));
                json!({
                    "id": t.id,
                    "name": t.name,
                    "userIds": primary,
                    "secondaryUserIds": secondary,
                })
            })
            .collect()
    });
    Ok(Json(collection(results, None)))
}

/// `GET .../seats`: the seat types a sandbox portal knows, and any other its users hold.
pub async fn seats(State(app): State<Shared>) -> Result<Json<Value>, ApiError> {
    let results = app.store.read(|data| {
        let used: BTreeSet<&str> = data
            .state
            .users
            .iter()
            .flat_map(|u| u.seats.iter().map(String::as_str))
            .collect();
        let mut results: Vec<Value> = SEATS
            .iter()
            .map(|(name, description)| json!({ "name": name, "description": description }))
            .collect();
        for name in used {
            if !SEATS.iter().any(|(known, _)| *known == name) {
                results.push(json!({ "name": name }));
            }
        }
        results
    });
    Ok(Json(collection(results, None)))
}
