//! The account-info APIs (`hubspot-openapi/account-info-2026-09.json`): the account's details
//! and its private apps' daily API usage, counted from the requests this simulator served.

use crate::activity::Tier;
use crate::clock::now_iso;
use crate::state::Shared;
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use std::sync::atomic::Ordering;

/// The portal id the simulator reports.
pub const PORTAL_ID: u32 = 20_260_901;

/// `GET /account-info/2026-09/details`.
pub async fn details() -> Json<Value> {
    Json(json!({
        "portalId": PORTAL_ID,
        "accountType": "STANDARD",
        "timeZone": "Etc/UTC",
        "companyCurrency": "USD",
        "additionalCurrencies": [],
        "utcOffset": "+00:00",
        "utcOffsetMilliseconds": 0,
        "uiDomain": "app.hubspot.com",
        "dataHostingLocation": "na1",
    }))
}

/// `GET /account-info/2026-09/api-usage/daily/private-apps`: one limit, the daily calls,
/// whose size depends on the tier as HubSpot's does.
pub async fn api_usage(State(app): State<Shared>) -> Json<Value> {
    let limit = match app.tier {
        Tier::Free | Tier::Starter => 250_000,
        Tier::Professional => 650_000,
        Tier::Enterprise => 1_000_000,
    };
    let used = app.served.load(Ordering::Relaxed);
    Json(json!({
        "results": [{
            "name": "private-apps-api-calls-daily",
            "usageLimit": limit,
            "currentUsage": used,
            "collectedAt": now_iso(),
            "fetchStatus": "SUCCESS",
        }]
    }))
}
