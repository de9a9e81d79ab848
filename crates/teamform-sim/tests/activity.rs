//! The account-info APIs over real HTTP: login and security activity and audit logs, newest
//! first with paging and their filters, audit logs refused below Enterprise, the activity of
//! an `--activity` file or of the sandbox portal, the account's details and API usage.

// The helpers below stop with a clear message when something fails, like the tests.
#![allow(clippy::unwrap_used)]

mod common;

use common::{error_body, portal, start, start_with};
use serde_json::{Value, json};
use teamform_portal::activity::ActivityFile;
use teamform_sim::Tier;

const BASE: &str = "/account-info/2026-09";

/// Five logins (one failed) of users 7 and 8, three security events, three audit events.
fn activity() -> ActivityFile {
    serde_json::from_value(json!({
        "login": [
            { "id": "l1", "loginAt": "2026-11-01T08:00:00Z", "loginSucceeded": true, "userId": 7, "email": "a@acme.example" },
            { "id": "l2", "loginAt": "2026-11-03T08:00:00Z", "loginSucceeded": true, "userId": 8 },
            { "id": "l3", "loginAt": "2026-11-02T08:00:00Z", "loginSucceeded": false, "userId": 7 },
            { "id": "l4", "loginAt": "2026-11-05T08:00:00Z", "loginSucceeded": true, "userId": 7, "countryCode": "FR" },
            { "id": "l5", "loginAt": "2026-11-04T08:00:00.500+01:00", "loginSucceeded": true, "userId": 8 }
        ],
        "security": [
            { "id": "s1", "createdAt": "2026-10-01T00:00:00Z", "type": "ADD_USER", "userId": 1, "objectId": "7" },
            { "id": "s2", "createdAt": "2026-10-02T00:00:00Z", "type": "ADD_USER", "userId": 1, "objectId": "8" },
            { "id": "s3", "createdAt": "2026-11-10T00:00:00Z", "type": "ADD_ADMIN_USER", "userId": 7, "objectId": "8" }
        ],
        "audit": [
            { "id": "a1", "occurredAt": "2026-11-01T00:00:00Z", "actingUser": { "userId": 7 }, "action": "EXPORT", "category": "CRM_OBJECT" },
            { "id": "a2", "occurredAt": "2026-11-02T00:00:00Z", "actingUser": { "userId": 8, "userEmail": "b@acme.example" }, "action": "DELETE", "category": "CRM_OBJECT" },
            { "id": "a3", "occurredAt": "2026-11-03T00:00:00Z", "actingUser": { "userId": 9 }, "action": "UPDATE", "category": "SETTINGS" }
        ]
    }))
    .unwrap()
}

fn ids(page: &Value) -> Vec<&str> {
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect()
}

async fn json(sim: &common::Sim, path: &str) -> Value {
    let response = sim.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn logins_page_newest_first_and_filter_by_user() {
    let mut file = portal(1);
    file.activity = activity();
    let sim = start(&file).await;
    let first = json(&sim, &format!("{BASE}/activity/login?limit=2")).await;
    assert_eq!(ids(&first), ["l4", "l5"]);
    assert_eq!(first["results"][0], json!(file.activity.login[3]));
    let after = first["paging"]["next"]["after"].as_str().unwrap();
    let second = json(
        &sim,
        &format!("{BASE}/activity/login?limit=2&after={after}"),
    )
    .await;
    assert_eq!(ids(&second), ["l2", "l3"]);
    let after = second["paging"]["next"]["after"].as_str().unwrap();
    let last = json(
        &sim,
        &format!("{BASE}/activity/login?limit=2&after={after}"),
    )
    .await;
    assert_eq!(ids(&last), ["l1"]);
    assert!(last.get("paging").is_none());
    let of_7 = json(&sim, &format!("{BASE}/activity/login?userId=7")).await;
    assert_eq!(ids(&of_7), ["l4", "l3", "l1"]);
    error_body(
        sim.get(&format!("{BASE}/activity/login?userId=seven"))
            .await,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    error_body(
        sim.get(&format!("{BASE}/activity/login?limit=0")).await,
        400,
        "VALIDATION_ERROR",
    )
    .await;
}

#[tokio::test]
async fn security_events_filter_by_user_and_time_range() {
    let mut file = portal(1);
    file.activity = activity();
    let sim = start(&file).await;
    let all = json(&sim, &format!("{BASE}/activity/security")).await;
    assert_eq!(ids(&all), ["s3", "s2", "s1"]);
    // 2026-10-01T12:00Z to 2026-11-10T00:00Z, both ends included.
    let range = json(
        &sim,
        &format!("{BASE}/activity/security?fromTimestamp=1790856000000&toTimestamp=1794268800000"),
    )
    .await;
    assert_eq!(ids(&range), ["s3", "s2"]);
    let of_7 = json(&sim, &format!("{BASE}/activity/security?userId=7")).await;
    assert_eq!(ids(&of_7), ["s3"]);
}

#[tokio::test]
async fn audit_logs_filter_by_actors_and_time_on_enterprise_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("activity.json");
    std::fs::write(&path, serde_json::to_vec(&activity()).unwrap()).unwrap();
    // The sandbox holds no activity: the file's is served.
    let sim = start_with(&portal(1), |c, _| c.activity = Some(path.clone())).await;
    let both = json(
        &sim,
        &format!("{BASE}/activity/audit-logs?actingUserId=7&actingUserId=8"),
    )
    .await;
    assert_eq!(ids(&both), ["a2", "a1"]);
    let later = json(
        &sim,
        &format!("{BASE}/activity/audit-logs?occurredAfter=2026-11-01T00:00:00Z&sort=occurredAt"),
    )
    .await;
    assert_eq!(ids(&later), ["a2", "a3"]);
    let logins = json(&sim, &format!("{BASE}/activity/login")).await;
    assert_eq!(ids(&logins).len(), 5);

    let professional = start_with(&portal(1), |c, _| {
        c.activity = Some(path.clone());
        c.tier = Tier::Professional;
    })
    .await;
    error_body(
        professional
            .get(&format!("{BASE}/activity/audit-logs"))
            .await,
        403,
        "FORBIDDEN",
    )
    .await;
    // Login history is not an Enterprise feature.
    assert_eq!(
        professional
            .get(&format!("{BASE}/activity/login"))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn account_details_and_api_usage_follow_the_specification() {
    let sim = start(&portal(1)).await;
    let details = json(&sim, &format!("{BASE}/details")).await;
    for field in [
        "portalId",
        "accountType",
        "timeZone",
        "companyCurrency",
        "additionalCurrencies",
        "utcOffset",
        "utcOffsetMilliseconds",
        "uiDomain",
        "dataHostingLocation",
    ] {
        assert!(details.get(field).is_some(), "{field} missing: {details}");
    }
    let usage = json(&sim, &format!("{BASE}/api-usage/daily/private-apps")).await;
    let limit = &usage["results"][0];
    assert_eq!(limit["fetchStatus"], "SUCCESS");
    assert_eq!(limit["usageLimit"], 1_000_000);
    // This request and the one for the details.
    assert_eq!(limit["currentUsage"], 2);
}

#[tokio::test]
async fn an_activity_file_with_a_bad_time_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("activity.json");
    std::fs::write(
        &path,
        r#"{"login":[{"id":"x","loginAt":"yesterday","loginSucceeded":true}]}"#,
    )
    .unwrap();
    let state = dir.path().join("sandbox.json");
    let mut config = teamform_sim::SimConfig::new(&state, common::TOKEN);
    config.activity = Some(path);
    let Err(e) = teamform_sim::Simulator::open(&config) else {
        panic!("the simulator started on a bad activity file");
    };
    assert!(e.to_string().contains("`yesterday`"), "{e}");
}

#[tokio::test]
async fn writes_through_the_api_are_recorded_with_who_made_them() {
    let file = portal(2);
    let user = file.state.users[1].id.clone();
    let sim = start_with(&file, |c, _| {
        c.user_tokens = vec![("user0@acme.example".into(), "user0-token".into())]
    })
    .await;
    let admin = file.state.users[0].id.clone();
    // A change made by hand: user0's own token.
    let response = (sim.client)
        .put(format!("{}/settings/v3/users/{user}", sim.base))
        .bearer_auth("user0-token")
        .json(&json!({ "firstName": "Robert" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // A user created through the app's token.
    let created = sim
        .send(
            reqwest::Method::POST,
            "/settings/v3/users",
            Some(json!({ "email": "new@acme.example" })),
        )
        .await;
    assert_eq!(created.status(), 201);
    let new_id = created.json::<Value>().await.unwrap()["id"].clone();

    let audit = json(&sim, &format!("{BASE}/activity/audit-logs?sort=occurredAt")).await;
    let events = audit["results"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{audit}");
    assert_eq!(events[0]["action"], "UPDATE");
    assert_eq!(events[0]["category"], "USER");
    assert_eq!(events[0]["targetObjectId"], user.as_str());
    assert_eq!(events[0]["actingUser"]["userEmail"], "user0@acme.example");
    assert_eq!(
        events[0]["actingUser"]["userId"],
        admin.parse::<i64>().unwrap()
    );
    assert_eq!(events[1]["action"], "CREATE");
    assert_eq!(events[1]["targetObjectId"], new_id);
    assert_eq!(events[1]["actingUser"]["userId"], 0, "the private app");
    let security = json(&sim, &format!("{BASE}/activity/security")).await;
    assert_eq!(security["results"][0]["type"], "ADD_USER");
    assert_eq!(security["results"][0]["objectId"], new_id);
    // Reads are not recorded.
    let again = json(&sim, &format!("{BASE}/activity/audit-logs")).await;
    assert_eq!(again["results"].as_array().map(Vec::len), Some(2));
}
