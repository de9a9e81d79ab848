//! CRM search (`POST /{objectType}/search`) with HubSpot's limits: filter groups (ORed) of
//! filters (ANDed) on any property, `hs_object_id` and `hubspot_owner_id` included; sorts;
//! pages of at most 200 with a numeric `after`; at most [`MAX_RESULTS`] results for one query
//! (page further by filtering on `hs_object_id` above the last one seen); and a limit of its
//! own per second (`SimConfig::search_rate_limit`), answered with a 429 beyond.

use crate::clock::correlation_id;
use crate::crm_objects::{ID, object_of, property, public_object};
use crate::errors::{ApiError, parse_body};
use crate::state::Shared;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use std::cmp::Ordering;
use teamform_portal::LiveRecord;

/// The most results one query can reach, however it pages.
pub const MAX_RESULTS: usize = 10_000;
/// The largest page.
const MAX_LIMIT: usize = 200;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    #[serde(default)]
    filter_groups: Vec<Group>,
    #[serde(default)]
    sorts: Vec<Sort>,
    #[serde(default)]
    properties: Vec<String>,
    #[serde(default)]
    limit: Option<i64>,
    #[serde(default)]
    after: Option<Value>,
}

#[derive(Deserialize)]
struct Group {
    #[serde(default)]
    filters: Vec<Filter>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Filter {
    property_name: String,
    operator: String,
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    values: Vec<Value>,
}

/// A sort: a property name (`-name` for descending), or `{propertyName, direction}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum Sort {
    Name(String),
    #[serde(rename_all = "camelCase")]
    Full {
        property_name: String,
        #[serde(default)]
        direction: Option<String>,
    },
}

impl Sort {
    fn key(&self) -> (&str, bool) {
        match self {
            Sort::Name(n) => match n.strip_prefix('-') {
                Some(n) => (n, true),
                None => (n.as_str(), false),
            },
            Sort::Full {
                property_name,
                direction,
            } => (
                property_name.as_str(),
                direction.as_deref() == Some("DESCENDING"),
            ),
        }
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Compares two property values: as numbers when both are, else as text.
fn compare(a: &str, b: &str) -> Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.cmp(b),
    }
}

impl Filter {
    /// Checks the operator before any record is looked at.
    fn check(&self) -> Result<(), ApiError> {
        const KNOWN: [&str; 10] = [
            "EQ",
            "NEQ",
            "LT",
            "LTE",
            "GT",
            "GTE",
            "IN",
            "NOT_IN",
            "HAS_PROPERTY",
            "NOT_HAS_PROPERTY",
        ];
        if !KNOWN.contains(&self.operator.as_str()) {
            return Err(ApiError::invalid(
                "operator",
                format!("Unsupported filter operator `{}`", self.operator),
            ));
        }
        Ok(())
    }

    fn matches(&self, r: &LiveRecord) -> bool {
        let have = property(r, &self.property_name);
        let want = self.value.as_ref().map(text).unwrap_or_default();
        let cmp = |f: fn(Ordering) -> bool| have.as_deref().is_some_and(|h| f(compare(h, &want)));
        let listed = || {
            have.as_deref()
                .is_some_and(|h| self.values.iter().any(|v| compare(h, &text(v)).is_eq()))
        };
        match self.operator.as_str() {
            "EQ" => cmp(Ordering::is_eq),
            "NEQ" => !cmp(Ordering::is_eq),
            "LT" => cmp(Ordering::is_lt),
            "LTE" => cmp(Ordering::is_le),
            "GT" => cmp(Ordering::is_gt),
            "GTE" => cmp(Ordering::is_ge),
            "IN" => listed(),
            "NOT_IN" => !listed(),
            "HAS_PROPERTY" => have.is_some(),
            _ => have.is_none(),
        }
    }
}

/// HubSpot's 429 for the search limit.
fn too_many_searches() -> Response {
    let body = json!({
        "status": "error",
        "message": "You have reached your secondly limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": correlation_id(),
        "policyName": "SECONDLY",
        "groupName": "teamform-sim:crm-search",
        "category": "RATE_LIMITS",
    });
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    response
        .headers_mut()
        .insert("retry-after", HeaderValue::from(1));
    response
}

/// `POST /{objectType}/search`.
pub async fn search(
    State(app): State<Shared>,
    Path(object): Path<String>,
    body: Result<Json<Value>, JsonRejection>,
) -> Response {
    if !app.search_limiter.check(true).allowed {
        return too_many_searches();
    }
    match answer(&app, &object, body) {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

fn answer(
    app: &Shared,
    object: &str,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Value, ApiError> {
    let object = object_of(object)?;
    let Json(body) = body?;
    let request: Request = parse_body(body)?;
    let limit = match request.limit {
        None => 10,
        Some(n) if n < 1 => {
            return Err(ApiError::invalid(
                "limit",
                format!("limit must be at least 1, not {n}"),
            ));
        }
        Some(n) => usize::try_from(n).unwrap_or(MAX_LIMIT).min(MAX_LIMIT),
    };
    let after = match &request.after {
        None | Some(Value::Null) => 0,
        Some(v) => text(v).trim().parse::<usize>().map_err(|_| {
            ApiError::invalid(
                "after",
                format!("after must be a number, not `{}`", text(v)),
            )
        })?,
    };
    if after >= MAX_RESULTS {
        return Err(ApiError::invalid(
            "after",
            format!(
                "A search returns at most {MAX_RESULTS} results; to go further, filter on `{ID}` greater than the last one seen"
            ),
        ));
    }
    for f in request.filter_groups.iter().flat_map(|g| &g.filters) {
        f.check()?;
    }
    let sorts: Vec<(&str, bool)> = request.sorts.iter().map(Sort::key).collect();
    app.store.read(|data| {
        let mut found: Vec<&LiveRecord> = data
            .records
            .iter()
            .filter(|r| r.object == object)
            .filter(|r| {
                request.filter_groups.is_empty()
                    || request
                        .filter_groups
                        .iter()
                        .any(|g| g.filters.iter().all(|f| f.matches(r)))
            })
            .collect();
        found.sort_by(|a, b| {
            for (name, descending) in &sorts {
                let o = match (property(a, name), property(b, name)) {
                    (Some(x), Some(y)) => compare(&x, &y),
                    (x, y) => x.is_some().cmp(&y.is_some()),
                };
                let o = if *descending { o.reverse() } else { o };
                if o.is_ne() {
                    return o;
                }
            }
            compare(&a.id, &b.id)
        });
        let total = found.len();
        let end = (after + limit).min(total).min(MAX_RESULTS);
        let results: Vec<Value> = found
            .get(after..end)
            .unwrap_or_default()
            .iter()
            .map(|r| public_object(r, &request.properties))
            .collect();
        let mut body = json!({ "total": total, "results": results });
        if end < total.min(MAX_RESULTS)
            && let Some(map) = body.as_object_mut()
        {
            map.insert(
                "paging".into(),
                json!({ "next": { "after": end.to_string(), "link": "" } }),
            );
        }
        Ok(body)
    })
}
