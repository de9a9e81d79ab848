//! The CRM objects API over real HTTP: records created with an owner, found by search on
//! `hubspot_owner_id` and `hs_object_id`, handed over in batches, with HubSpot's limits (100
//! inputs per batch, 10,000 results per query, the search endpoints' own per-second limit);
//! and HubSpot's official Python client doing the same, unchanged.

mod common;

use common::{TOKEN, error_body, id_of, portal, run_client, start, start_with, succeeds};
use reqwest::Method;
use serde_json::{Value, json};
use std::path::Path;
use teamform_portal::{LiveRecord, RecordObject};

/// The owner id of the user with `email`, from the owners API.
#[expect(
    clippy::unwrap_used,
    reason = "a test helper stops the test on a bad answer"
)]
async fn owner(sim: &common::Sim, email: &str) -> String {
    let page: Value = sim
        .get(&format!("/crm/v3/owners?email={email}"))
        .await
        .json()
        .await
        .unwrap();
    page["results"][0]["id"].as_str().unwrap().to_string()
}

/// The answer to a search at `path` (which must succeed).
#[expect(
    clippy::unwrap_used,
    reason = "a test helper stops the test on a bad answer"
)]
async fn search(sim: &common::Sim, path: &str, body: Value) -> Value {
    sim.send(Method::POST, path, Some(body))
        .await
        .json()
        .await
        .unwrap()
}

fn by_owner(owner: &str, after_id: Option<&str>) -> Value {
    let mut filters =
        vec![json!({"propertyName": "hubspot_owner_id", "operator": "EQ", "value": owner})];
    if let Some(id) = after_id {
        filters.push(json!({"propertyName": "hs_object_id", "operator": "GT", "value": id}));
    }
    json!({
        "filterGroups": [{"filters": filters}],
        "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
        "properties": ["hubspot_owner_id"],
        "limit": 100,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_are_created_searched_by_owner_and_handed_over_in_batches() {
    let mut file = portal(3);
    file.state.users[1].email = "alice@acme.example".into();
    let sim = start_with(&file, |c, _| c.search_rate_limit = 0).await;
    let (alice, bob) = (
        owner(&sim, "alice@acme.example").await,
        owner(&sim, "user2@acme.example").await,
    );
    for base in ["/crm/v3/objects", "/crm/objects/2026-03"] {
        let inputs: Vec<Value> = (0..60)
            .map(|i| json!({"properties": {"email": format!("c{i}@x.example"), "hubspot_owner_id": alice}}))
            .collect();
        let made = sim
            .send(
                Method::POST,
                &format!("{base}/contacts/batch/create"),
                Some(json!({"inputs": inputs})),
            )
            .await;
        assert_eq!(made.status().as_u16(), 201);
    }
    let found: Value = search(
        &sim,
        "/crm/v3/objects/contacts/search",
        by_owner(&alice, None),
    )
    .await;
    assert_eq!(found["total"], 120);
    let page = found["results"].as_array().unwrap();
    assert_eq!(page.len(), 100);
    assert_eq!(found["paging"]["next"]["after"], "100");
    // Paging by `hs_object_id` past the last one seen finds the rest.
    let last = page[99]["id"].as_str().unwrap();
    let rest: Value = search(
        &sim,
        "/crm/v3/objects/contacts/search",
        by_owner(&alice, Some(last)),
    )
    .await;
    assert_eq!(rest["total"], 20);
    let inputs: Vec<Value> = page
        .iter()
        .map(|r| json!({"id": r["id"], "properties": {"hubspot_owner_id": bob}}))
        .collect();
    let moved = sim
        .send(
            Method::POST,
            "/crm/v3/objects/contacts/batch/update",
            Some(json!({"inputs": inputs})),
        )
        .await;
    assert_eq!(moved.status().as_u16(), 200);
    let left: Value = search(
        &sim,
        "/crm/v3/objects/contacts/search",
        by_owner(&alice, None),
    )
    .await;
    assert_eq!(left["total"], 20);
    // The sandbox file keeps the owning user's id.
    let saved = sim.reload();
    let bob_user = id_of(&saved, "user2@acme.example");
    assert_eq!(
        saved
            .records
            .iter()
            .filter(|r| r.owner.as_deref() == Some(bob_user.as_str()))
            .count(),
        100
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hubspot_limits_are_kept() {
    let mut file = portal(2);
    let owner_user = file.state.users[1].id.clone();
    file.records = (0..10_050)
        .map(|i| LiveRecord {
            id: (5_000_000 + i).to_string(),
            object: RecordObject::Deals,
            owner: Some(owner_user.clone()),
            properties: Default::default(),
        })
        .collect();
    let sim = start_with(&file, |c, _| {
        c.search_rate_limit = 0;
        c.rate_limit = 0;
    })
    .await;
    let over: Vec<Value> = (0..101).map(|_| json!({"properties": {}})).collect();
    let refused = sim
        .send(
            Method::POST,
            "/crm/v3/objects/deals/batch/create",
            Some(json!({"inputs": over})),
        )
        .await;
    let body = error_body(refused, 400, "VALIDATION_ERROR").await;
    assert!(
        body["message"].as_str().unwrap().contains("at most 100"),
        "{body}"
    );
    let from = |after: &str| json!({"filterGroups": [], "limit": 200, "after": after});
    let near_end: Value = search(&sim, "/crm/v3/objects/deals/search", from("9900")).await;
    assert_eq!(near_end["total"], 10_050);
    assert_eq!(near_end["results"].as_array().unwrap().len(), 100);
    assert!(near_end.get("paging").is_none(), "{near_end}");
    let past = sim
        .send(
            Method::POST,
            "/crm/v3/objects/deals/search",
            Some(from("10000")),
        )
        .await;
    error_body(past, 400, "VALIDATION_ERROR").await;
    let unknown = sim
        .send(
            Method::POST,
            "/crm/v3/objects/deals",
            Some(json!({"properties": {"hubspot_owner_id": "42"}})),
        )
        .await;
    error_body(unknown, 400, "VALIDATION_ERROR").await;
    error_body(
        sim.get("/crm/v3/objects/widgets").await,
        404,
        "OBJECT_NOT_FOUND",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_beyond_the_per_second_limit_get_a_429() {
    let sim = start_with(&portal(1), |c, _| c.search_rate_limit = 3).await;
    let url = format!("{}/crm/v3/objects/contacts/search", sim.base);
    let handles: Vec<_> = (0..12)
        .map(|_| {
            let request = sim
                .client
                .post(&url)
                .bearer_auth(TOKEN)
                .json(&json!({"filterGroups": [], "limit": 1}));
            tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(
        statuses.iter().filter(|s| **s == 200).count() >= 3,
        "{statuses:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_python_client_creates_searches_and_hands_over_records() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python");
    if !succeeds("python3", &["-c", "import hubspot"], Path::new(dir)) {
        eprintln!(
            "SKIPPED: HubSpot's Python client is not installed (python3 -m pip install hubspot-api-client==12.0.0)"
        );
        return;
    }
    let sim = start(&portal(3)).await;
    run_client(&sim, "python3", "hubspot_crm.py", dir).await;
    let saved = sim.reload();
    let bob = id_of(&saved, "user2@acme.example");
    let contacts = saved
        .records
        .iter()
        .filter(|r| r.object == RecordObject::Contacts);
    assert_eq!(contacts.clone().count(), 11);
    assert!(
        contacts
            .into_iter()
            .all(|r| r.owner.as_deref() == Some(bob.as_str()))
    );
}
