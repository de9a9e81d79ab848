//! HubSpot's rate limit, the fault injection, latency and the request log, over real HTTP.

mod common;

use common::{TOKEN, fault_outcomes, portal, start_with};
use serde_json::Value;
use std::time::{Duration, Instant};

#[tokio::test]
async fn answers_429_past_the_rolling_limit_with_hubspot_headers() {
    let sim = start_with(&portal(1), |c, _| c.rate_limit = 5).await;
    for expected in (0..5).rev() {
        let response = sim.get("/settings/v3/users").await;
        assert_eq!(response.status(), 200);
        let header = |name: &str| response.headers()[name].to_str().unwrap().to_string();
        assert_eq!(header("x-hubspot-ratelimit-max"), "5");
        assert_eq!(
            header("x-hubspot-ratelimit-remaining"),
            expected.to_string()
        );
        assert_eq!(header("x-hubspot-ratelimit-interval-milliseconds"), "10000");
    }
    let refused = sim.get("/settings/teams/2026-09-beta").await;
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["x-hubspot-ratelimit-remaining"], "0");
    assert!(refused.headers().contains_key("retry-after"));
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["status"], "error");
    assert_eq!(body["errorType"], "RATE_LIMIT");
    assert_eq!(body["policyName"], "TEN_SECONDLY_ROLLING");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("ten_secondly_rolling")
    );
    assert_eq!(body["correlationId"].as_str().unwrap().len(), 36);
}

#[tokio::test]
async fn a_fail_rate_of_one_fails_every_request_the_same_way_for_a_seed() {
    let first = fault_outcomes(42, 20).await;
    let again = fault_outcomes(42, 20).await;
    assert_eq!(first, again, "the same seed gives the same faults");
    assert!(
        first
            .iter()
            .all(|o| matches!(o, None | Some(500 | 502 | 503 | 429))),
        "{first:?}"
    );
    let kinds: std::collections::BTreeSet<_> = first.iter().collect();
    assert!(kinds.len() >= 3, "{first:?}");
    assert!(
        first.contains(&None),
        "some connections are dropped: {first:?}"
    );
    assert_ne!(
        first,
        fault_outcomes(7, 20).await,
        "another seed, other faults"
    );
}

#[tokio::test]
async fn adds_latency_and_logs_every_request() {
    let sim = start_with(&portal(1), |c, dir| {
        c.latency_ms = 150;
        c.log = Some(dir.join("requests.jsonl"));
    })
    .await;
    let started = Instant::now();
    assert_eq!(sim.get("/settings/v3/users/?limit=1").await.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
    let unauthorized = sim
        .client
        .get(format!("{}/crm/v3/owners/", sim.base))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status(), 401);
    assert_eq!(sim.get("/nowhere").await.status(), 404);
    let log = std::fs::read_to_string(sim.state.with_file_name("requests.jsonl")).unwrap();
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[0],
        serde_json::json!({ "method": "GET", "path": "/settings/v3/users/", "status": 200 })
    );
    assert_eq!(lines[1]["status"], 401);
    assert_eq!(lines[2]["path"], "/nowhere");
    assert!(!log.contains(TOKEN));
}

#[tokio::test]
async fn refuses_a_locked_portal_and_a_bad_fail_rate() {
    let sim = start_with(&portal(1), |_, _| {}).await;
    let second = teamform_sim::Simulator::open(&teamform_sim::SimConfig::new(&sim.state, TOKEN));
    assert!(matches!(second, Err(teamform_sim::SimError::State(_))));
    let mut config = teamform_sim::SimConfig::new(sim.state.with_file_name("other.json"), TOKEN);
    config.fail_rate = 1.5;
    assert!(matches!(
        teamform_sim::Simulator::open(&config),
        Err(teamform_sim::SimError::Config(_))
    ));
    assert!(
        !format!("{config:?}").contains(TOKEN),
        "the token is never shown"
    );
}
