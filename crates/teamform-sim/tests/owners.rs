//! The owners API over real HTTP: an owner per user, with their teams, by owner id, user id or
//! email, on both the v3 and the dated paths.

mod common;

use common::{error_body, id_of, portal, start};
use serde_json::{Value, json};

#[tokio::test]
async fn owners_mirror_users_with_their_teams() {
    let mut file = portal(3);
    let support = id_of(&file, "Support");
    file.state.users[1]
        .additional_team_ids
        .push(support.clone());
    let sim = start(&file).await;
    let user = file.state.users[1].clone();
    for base in ["/crm/v3/owners/", "/crm/owners/2026-09"] {
        let page: Value = sim
            .get(&format!("{base}?limit=2"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["results"].as_array().unwrap().len(), 2);
        assert!(page["paging"]["next"]["after"].is_string());
        let owner = &page["results"][1];
        assert_eq!(owner["email"], user.email);
        assert_eq!(owner["userId"], user.id.parse::<u64>().unwrap());
        assert_ne!(owner["id"], user.id.as_str());
        assert_eq!(owner["type"], "PERSON");
        assert_eq!(owner["archived"], false);
        assert_eq!(
            owner["teams"],
            json!([
                { "id": id_of(&file, "Sales France"), "name": "Sales France", "primary": true },
                { "id": support, "name": "Support", "primary": false },
            ])
        );
    }
    let owner_id = {
        let page: Value = sim
            .get("/crm/v3/owners?email=USER1@acme.example")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["results"].as_array().unwrap().len(), 1);
        page["results"][0]["id"].as_str().unwrap().to_string()
    };
    let by_id: Value = sim
        .get(&format!("/crm/v3/owners/{owner_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_id["email"], user.email);
    let by_user: Value = sim
        .get(&format!(
            "/crm/owners/2026-09/{}?idProperty=userId",
            user.id
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_user["id"], owner_id.as_str());
    error_body(sim.get("/crm/v3/owners/1").await, 404, "OBJECT_NOT_FOUND").await;
}
