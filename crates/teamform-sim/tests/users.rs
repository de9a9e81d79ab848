//! The users API over real HTTP: authentication, paging, lookups by email, and writes that
//! persist to the sandbox file with HubSpot's rules.

mod common;

use common::{TOKEN, all_pages, error_body, id_of, portal, start};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn a_bearer_token_is_required() {
    let sim = start(&portal(3)).await;
    let url = format!("{}/settings/v3/users/", sim.base);
    let none = sim.client.get(&url).send().await.unwrap();
    assert!(none.headers().contains_key("x-hubspot-ratelimit-max"));
    error_body(none, 401, "INVALID_AUTHENTICATION").await;
    let wrong = sim
        .client
        .get(&url)
        .bearer_auth("not-the-token")
        .send()
        .await
        .unwrap();
    let body = error_body(wrong, 401, "INVALID_AUTHENTICATION").await;
    assert!(!body.to_string().contains("not-the-token"));
    let right = sim
        .client
        .get(&url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
}

#[tokio::test]
async fn lists_250_users_in_three_pages() {
    let file = portal(250);
    let sim = start(&file).await;
    for base in ["/settings/v3/users/", "/settings/users/2026-09-beta"] {
        let (ids, cursors) = all_pages(&sim, base).await;
        assert_eq!(cursors.len(), 2, "{base}");
        assert_eq!(ids.len(), 250);
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(unique.len(), 250);
        let expected: Vec<String> = file.state.users.iter().map(|u| u.id.clone()).collect();
        assert_eq!(ids, expected);
    }
    let first: Value = sim
        .get("/settings/v3/users?limit=1")
        .await
        .json()
        .await
        .unwrap();
    let user = &first["results"][0];
    assert_eq!(user["email"], "user0@acme.example");
    assert_eq!(user["firstName"], "User0");
    assert_eq!(user["lastName"], "Number 0");
    assert_eq!(user["superAdmin"], true);
    assert_eq!(user["roleIds"], json!([id_of(&file, "Admin")]));
    assert_eq!(user["primaryTeamId"], id_of(&file, "Sales"));
    assert_eq!(user["seatNames"], json!(["core"]));
}

#[tokio::test]
async fn gets_a_user_by_id_or_email() {
    let file = portal(3);
    let sim = start(&file).await;
    let id = id_of(&file, "user2@acme.example");
    let by_email: Value = sim
        .get("/settings/v3/users/USER2@acme.example?idProperty=EMAIL")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_email["id"], id);
    let by_id: Value = sim
        .get(&format!("/settings/users/2026-09-beta/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_id["email"], "user2@acme.example");
    let missing = sim
        .get("/settings/v3/users/nobody@acme.example?idProperty=EMAIL")
        .await;
    error_body(missing, 404, "OBJECT_NOT_FOUND").await;
    let bad = sim
        .get(&format!("/settings/v3/users/{id}?idProperty=NAME"))
        .await;
    error_body(bad, 400, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn creates_replaces_and_removes_users_in_the_sandbox_file() {
    let file = portal(2);
    let sim = start(&file).await;
    let (rep, admin) = (id_of(&file, "Sales Rep"), id_of(&file, "Admin"));
    let (sales, support) = (id_of(&file, "Sales"), id_of(&file, "Support"));
    let created = sim
        .send(
            Method::POST,
            "/settings/v3/users/",
            Some(json!({
                "email": "new@acme.example", "firstName": "Nina", "lastName": "Nouveau",
                "roleId": rep, "primaryTeamId": sales, "secondaryTeamIds": [support],
                "sendWelcomeEmail": true, "seatNames": ["sales"],
            })),
        )
        .await;
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_string();
    let user: Value = created.json().await.unwrap();
    let id = user["id"].as_str().unwrap().to_string();
    assert_eq!(location, format!("/settings/v3/users/{id}"));
    assert_eq!(user["sendWelcomeEmail"], true);
    assert_eq!(user["superAdmin"], false);
    assert_eq!(user["secondaryTeamIds"], json!([support]));

    let saved = sim.reload();
    let u = saved.state.users.iter().find(|u| u.id == id).unwrap();
    assert_eq!(u.name, "Nina Nouveau");
    assert_eq!(u.role_id.as_deref(), Some(rep.as_str()));
    assert_eq!(u.primary_team_id.as_deref(), Some(sales.as_str()));
    assert_eq!(u.additional_team_ids, vec![support.clone()]);
    assert_eq!(u.seats, vec!["sales".to_string()]);
    assert_eq!(saved.next_id, file.next_id + 1);

    let replaced = sim
        .send(Method::PUT, &format!("/settings/users/2026-09-beta/{id}"), Some(json!({
            "roleId": admin, "primaryTeamId": support, "secondaryTeamIds": [], "lastName": "Renamed",
        })))
        .await;
    assert_eq!(replaced.status(), 200);
    let user: Value = replaced.json().await.unwrap();
    assert_eq!(user["roleId"], admin);
    assert_eq!(user["lastName"], "Renamed");
    let saved = sim.reload();
    let u = saved.state.users.iter().find(|u| u.id == id).unwrap();
    assert_eq!(u.name, "Nina Renamed");
    assert_eq!(u.primary_team_id.as_deref(), Some(support.as_str()));
    assert!(u.additional_team_ids.is_empty());

    let removed = sim
        .send(
            Method::DELETE,
            "/settings/v3/users/new@acme.example?idProperty=EMAIL",
            None,
        )
        .await;
    assert_eq!(removed.status(), 204);
    assert!(sim.reload().state.users.iter().all(|u| u.id != id));
    error_body(
        sim.get(&format!("/settings/v3/users/{id}")).await,
        404,
        "OBJECT_NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn unknown_roles_and_teams_are_refused_with_hubspot_errors() {
    let file = portal(2);
    let sim = start(&file).await;
    let bad_role = sim
        .send(
            Method::POST,
            "/settings/v3/users/",
            Some(json!({
                "email": "x@acme.example", "roleId": "424242", "sendWelcomeEmail": false,
            })),
        )
        .await;
    let body = error_body(bad_role, 400, "VALIDATION_ERROR").await;
    assert!(
        body["message"].as_str().unwrap().contains("424242"),
        "{body}"
    );
    assert_eq!(body["errors"][0]["in"], "roleId");
    let user = id_of(&file, "user1@acme.example");
    let bad_team = sim
        .send(
            Method::PUT,
            &format!("/settings/v3/users/{user}"),
            Some(json!({ "secondaryTeamIds": ["777"] })),
        )
        .await;
    let body = error_body(bad_team, 400, "VALIDATION_ERROR").await;
    assert_eq!(body["errors"][0]["in"], "secondaryTeamIds");
    assert_eq!(sim.reload(), file, "a refused write changes nothing");
    let bad_json = sim
        .client
        .post(format!("{}/settings/v3/users/", sim.base))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    error_body(bad_json, 400, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn duplicate_emails_are_refused_and_super_admin_is_read_only() {
    let file = portal(2);
    let sim = start(&file).await;
    let duplicate = sim
        .send(
            Method::POST,
            "/settings/v3/users",
            Some(json!({
                "email": "User1@ACME.example", "sendWelcomeEmail": false,
            })),
        )
        .await;
    let body = error_body(duplicate, 409, "CONFLICT").await;
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains(&id_of(&file, "user1@acme.example"))
    );
    let user = id_of(&file, "user1@acme.example");
    let promote = sim
        .send(
            Method::PUT,
            &format!("/settings/v3/users/{user}"),
            Some(json!({ "superAdmin": true })),
        )
        .await;
    let body = error_body(promote, 400, "VALIDATION_ERROR").await;
    assert_eq!(body["errors"][0]["in"], "superAdmin");
    let admin = id_of(&file, "user0@acme.example");
    let demote = sim
        .send(
            Method::PUT,
            &format!("/settings/v3/users/{admin}"),
            Some(json!({ "superAdmin": false })),
        )
        .await;
    error_body(demote, 400, "VALIDATION_ERROR").await;
    assert_eq!(sim.reload(), file);
}

#[tokio::test]
async fn lists_roles_teams_and_seats() {
    let file = portal(3);
    let sim = start(&file).await;
    for base in [
        "/settings/v3/users",
        "/settings/users/2026-09-beta",
        "/settings/users/2026-03",
    ] {
        let roles: Value = sim
            .get(&format!("{base}/roles"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            roles["results"][1],
            json!({ "id": id_of(&file, "Sales Rep"), "name": "Sales Rep", "requiresBillingWrite": false })
        );
        let teams: Value = sim
            .get(&format!("{base}/teams"))
            .await
            .json()
            .await
            .unwrap();
        let fr = teams["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "Sales France")
            .unwrap();
        assert_eq!(fr["userIds"].as_array().unwrap().len(), 2);
        assert_eq!(fr["secondaryUserIds"], json!([]));
    }
    let seats: Value = sim
        .get("/settings/users/2026-09-beta/seats")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        seats["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "core")
    );
    let march: Value = sim
        .get("/settings/users/2026-03?limit=1")
        .await
        .json()
        .await
        .unwrap();
    assert!(march["results"][0].get("seatNames").is_none());
}

#[tokio::test]
async fn emails_with_non_ascii_capitals_name_the_same_user() {
    let mut file = portal(2);
    file.state.users[1].email = "élodie@acme.example".to_string();
    let id = file.state.users[1].id.clone();
    let sim = start(&file).await;
    // `ÉLODIE@Acme.example`, percent-encoded as a client sends it.
    let by_email: Value = sim
        .get("/settings/users/2026-09-beta/%C3%89LODIE%40Acme.example?idProperty=EMAIL")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_email["id"], id);
    let owners: Value = sim
        .get("/crm/v3/owners/?email=%C3%89LODIE%40Acme.example")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        owners["results"].as_array().map(Vec::len),
        Some(1),
        "{owners}"
    );
    let duplicate = sim
        .send(
            Method::POST,
            "/settings/users/2026-09-beta",
            Some(json!({ "email": "ÉLODIE@Acme.example", "sendWelcomeEmail": false })),
        )
        .await;
    let body = error_body(duplicate, 409, "CONFLICT").await;
    assert!(body["message"].as_str().unwrap().contains(&id), "{body}");
    assert_eq!(sim.reload(), file);
}
