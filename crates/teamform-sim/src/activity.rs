//! The account-info activity APIs (`hubspot-openapi/audit-logs-2026-09.json`): login activity
//! (`userId`), security activity (`userId`, `fromTimestamp`, `toTimestamp` in milliseconds)
//! and audit logs (`actingUserId`, repeated; `occurredAfter`, `occurredBefore`; `sort`), each
//! newest first with HubSpot's forward paging. Audit logs are an Enterprise feature: on a
//! portal of a lower tier ([`Tier`]) they are answered with a 403, as HubSpot does.
//!
//! The activity served is the `--activity` file's, or else the sandbox portal's own
//! `activity`, with the writes made through the API while the simulator runs (`audit.rs`).

use crate::errors::ApiError;
use crate::paging::{PageRequest, collection};
use crate::state::Shared;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde_json::Value;
use std::collections::HashMap;
use teamform_portal::activity::{ActivityFile, Instant};

/// The largest page the activity endpoints return.
pub const MAX_PAGE: usize = 1000;

/// The portal's subscription tier, which decides whether audit logs are served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// Free tools.
    Free,
    /// Starter.
    Starter,
    /// Professional.
    Professional,
    /// Enterprise: audit logs are available.
    Enterprise,
}

impl std::str::FromStr for Tier {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "free" => Ok(Tier::Free),
            "starter" => Ok(Tier::Starter),
            "professional" => Ok(Tier::Professional),
            "enterprise" => Ok(Tier::Enterprise),
            other => Err(format!(
                "`{other}` is not a tier: write free, starter, professional or enterprise"
            )),
        }
    }
}

/// Reads an activity file for `--activity`.
pub fn load(path: &std::path::Path) -> Result<ActivityFile, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    ActivityFile::parse(&bytes).map_err(|e| format!("`{}`: {e}", path.display()))
}

/// The query string as pairs, so that repeated parameters (`actingUserId=1&actingUserId=2`)
/// are all kept.
type Pairs = Vec<(String, String)>;

fn single(pairs: &Pairs) -> HashMap<String, String> {
    pairs.iter().cloned().collect()
}

/// An integer parameter, refused with HubSpot's validation error when it is not one.
fn integer(params: &HashMap<String, String>, name: &str) -> Result<Option<i64>, ApiError> {
    params
        .get(name)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.trim().parse::<i64>().map_err(|_| {
                ApiError::invalid(name, format!("{name} must be an integer, not `{v}`"))
            })
        })
        .transpose()
}

/// A date-time parameter.
fn instant(params: &HashMap<String, String>, name: &str) -> Result<Option<Instant>, ApiError> {
    params
        .get(name)
        .filter(|v| !v.is_empty())
        .map(|v| {
            Instant::parse(v).ok_or_else(|| {
                ApiError::invalid(name, format!("{name} must be a date-time, not `{v}`"))
            })
        })
        .transpose()
}

/// One page of `items`, already filtered and in the order served; the cursor is the position
/// after the page.
fn page(request: &PageRequest, items: Vec<Value>) -> Result<Json<Value>, ApiError> {
    let start = match request.after() {
        None => 0,
        Some(after) => after
            .parse::<usize>()
            .map_err(|_| ApiError::invalid("after", format!("`{after}` is not a paging cursor")))?,
    };
    let end = start.saturating_add(request.limit()).min(items.len());
    let paging =
        (end < items.len()).then(|| serde_json::json!({ "next": { "after": end.to_string() } }));
    let results = items.into_iter().take(end).skip(start).collect();
    Ok(Json(collection(results, paging)))
}

/// Sorts newest first by `at`, then by id, and turns the records into JSON.
fn newest_first<T: serde::Serialize>(mut items: Vec<(Instant, &str, &T)>) -> Vec<Value> {
    items.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    items
        .into_iter()
        .filter_map(|(_, _, item)| serde_json::to_value(item).ok())
        .collect()
}

/// A 403 `MISSING_SCOPES` when the token lacks the account-activity scopes.
fn scoped(app: &Shared) -> Result<(), ApiError> {
    match app.activity_scopes {
        true => Ok(()),
        false => Err(ApiError::missing_scopes("account-info.security.read")),
    }
}

/// `GET /account-info/2026-09/activity/login`.
pub async fn login(
    State(app): State<Shared>,
    query: Result<Query<Pairs>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    scoped(&app)?;
    let params = single(&query?.0);
    let request = PageRequest::from_params(&params, 100, MAX_PAGE)?;
    let user = integer(&params, "userId")?;
    let activity = app.activity.lock().unwrap_or_else(|e| e.into_inner());
    let items = activity
        .login
        .iter()
        .filter(|l| user.is_none() || l.user_id == user)
        .filter_map(|l| Some((Instant::parse(&l.login_at)?, l.id.as_str(), l)))
        .collect();
    page(&request, newest_first(items))
}

/// `GET /account-info/2026-09/activity/security`.
pub async fn security(
    State(app): State<Shared>,
    query: Result<Query<Pairs>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    scoped(&app)?;
    let params = single(&query?.0);
    let request = PageRequest::from_params(&params, 100, MAX_PAGE)?;
    let user = integer(&params, "userId")?;
    let from = integer(&params, "fromTimestamp")?.map(Instant);
    let to = integer(&params, "toTimestamp")?.map(Instant);
    let activity = app.activity.lock().unwrap_or_else(|e| e.into_inner());
    let items = activity
        .security
        .iter()
        .filter(|s| user.is_none_or(|u| s.user_id == u))
        .filter_map(|s| Some((Instant::parse(&s.created_at)?, s.id.as_str(), s)))
        .filter(|(at, _, _)| from.is_none_or(|f| *at >= f) && to.is_none_or(|t| *at <= t))
        .collect();
    page(&request, newest_first(items))
}

/// `GET /account-info/2026-09/activity/audit-logs`: Enterprise only.
pub async fn audit_logs(
    State(app): State<Shared>,
    query: Result<Query<Pairs>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    scoped(&app)?;
    if app.tier != Tier::Enterprise {
        return Err(ApiError::forbidden(
            "This API is only available to accounts with an Enterprise subscription",
        ));
    }
    let pairs = query?.0;
    let params = single(&pairs);
    let request = PageRequest::from_params(&params, 100, MAX_PAGE)?;
    let mut actors = Vec::new();
    for (k, v) in pairs.iter().filter(|(k, _)| k == "actingUserId") {
        let id = v.trim().parse::<i64>().map_err(|_| {
            ApiError::invalid(k, format!("actingUserId must be an integer, not `{v}`"))
        })?;
        actors.push(id);
    }
    let after = instant(&params, "occurredAfter")?;
    let before = instant(&params, "occurredBefore")?;
    let oldest_first = match params.get("sort").map(String::as_str) {
        None | Some("" | "-occurredAt") => false,
        Some("occurredAt") => true,
        Some(other) => {
            return Err(ApiError::invalid(
                "sort",
                format!("sort must be occurredAt or -occurredAt, not `{other}`"),
            ));
        }
    };
    let activity = app.activity.lock().unwrap_or_else(|e| e.into_inner());
    let items = activity
        .audit
        .iter()
        .filter(|a| actors.is_empty() || actors.contains(&a.acting_user.user_id))
        .filter_map(|a| Some((Instant::parse(&a.occurred_at)?, a.id.as_str(), a)))
        .filter(|(at, _, _)| after.is_none_or(|f| *at > f) && before.is_none_or(|t| *at < t))
        .collect();
    let mut items = newest_first(items);
    if oldest_first {
        items.reverse();
    }
    page(&request, items)
}
