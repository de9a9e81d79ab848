//! The teams API over real HTTP: the team tree, memberships as `DEFAULT` (primary) and `EXTRA`
//! (additional) teams, and HubSpot's deletion rules.

mod common;

use common::{error_body, id_of, portal, start};
use reqwest::Method;
use serde_json::{Value, json};

const TEAMS: &str = "/settings/teams/2026-09-beta";

#[tokio::test]
async fn builds_a_team_tree_with_members_and_refuses_unsafe_deletes() {
    let file = portal(4);
    let sim = start(&file).await;
    let (u1, u2, u3) = (
        id_of(&file, "user1@acme.example"),
        id_of(&file, "user2@acme.example"),
        id_of(&file, "user3@acme.example"),
    );

    let parent = sim
        .send(
            Method::POST,
            TEAMS,
            Some(json!({ "name": "EMEA", "members": [] })),
        )
        .await;
    assert_eq!(parent.status(), 201);
    let parent: Value = parent.json().await.unwrap();
    let parent_id = parent["id"].as_str().unwrap().to_string();
    assert!(parent.get("parentTeamId").is_none());
    let child = sim
        .send(
            Method::POST,
            &format!("{TEAMS}/"),
            Some(json!({
                "name": "EMEA North", "parentTeamId": parent_id,
                "members": [{ "userId": u1, "type": "DEFAULT" }],
            })),
        )
        .await;
    assert_eq!(child.status(), 201);
    let child: Value = child.json().await.unwrap();
    let child_id = child["id"].as_str().unwrap().to_string();
    assert_eq!(child["parentTeamId"], parent_id);

    let orphan = sim
        .send(
            Method::POST,
            TEAMS,
            Some(json!({ "name": "Lost", "parentTeamId": "999", "members": [] })),
        )
        .await;
    assert_eq!(
        error_body(orphan, 400, "VALIDATION_ERROR").await["errors"][0]["in"],
        "parentTeamId"
    );
    let twin = sim
        .send(
            Method::POST,
            TEAMS,
            Some(json!({ "name": "EMEA", "members": [] })),
        )
        .await;
    error_body(twin, 409, "CONFLICT").await;
    let cycle = sim
        .send(
            Method::PATCH,
            &format!("{TEAMS}/{parent_id}"),
            Some(json!({ "parentTeamId": child_id })),
        )
        .await;
    error_body(cycle, 400, "VALIDATION_ERROR").await;

    let with_child = sim
        .send(Method::DELETE, &format!("{TEAMS}/{parent_id}"), None)
        .await;
    assert!(
        error_body(with_child, 400, "VALIDATION_ERROR").await["message"]
            .as_str()
            .unwrap()
            .contains("child")
    );

    let extra = sim
        .send(
            Method::POST,
            &format!("{TEAMS}/{child_id}/members"),
            Some(json!({ "userId": u2, "type": "EXTRA" })),
        )
        .await;
    assert_eq!(extra.status(), 201);
    assert_eq!(
        extra.json::<Value>().await.unwrap(),
        json!({ "userId": u2, "type": "EXTRA" })
    );
    let batch: Value = sim
        .send(
            Method::POST,
            &format!("{TEAMS}/{child_id}/members/batch"),
            Some(json!({ "inputs": [
            { "userId": u3, "type": "DEFAULT" }, { "userId": "123", "type": "EXTRA" },
        ] })),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(batch["status"], "COMPLETE");
    assert_eq!(
        batch["results"],
        json!([{ "userId": u3, "type": "DEFAULT" }])
    );
    assert_eq!(batch["numErrors"], 1);

    let members: Value = sim
        .get(&format!("{TEAMS}/{child_id}/members?limit=2"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        members["results"],
        json!([{ "userId": u1, "type": "DEFAULT" }, { "userId": u2, "type": "EXTRA" }])
    );
    let after = members["paging"]["next"]["after"].as_str().unwrap();
    let rest: Value = sim
        .get(&format!("{TEAMS}/{child_id}/members?limit=2&after={after}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        rest["results"],
        json!([{ "userId": u3, "type": "DEFAULT" }])
    );

    let saved = sim.reload();
    let user = |id: &str| {
        saved
            .state
            .users
            .iter()
            .find(|u| u.id == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        user(&u1).primary_team_id.as_deref(),
        Some(child_id.as_str())
    );
    assert_eq!(user(&u2).additional_team_ids, vec![child_id.clone()]);
    assert_eq!(
        user(&u2).primary_team_id,
        Some(id_of(&file, "Sales France"))
    );

    let with_members = sim
        .send(Method::DELETE, &format!("{TEAMS}/{child_id}"), None)
        .await;
    assert!(
        error_body(with_members, 400, "VALIDATION_ERROR").await["message"]
            .as_str()
            .unwrap()
            .contains("member")
    );

    let wrong_kind = sim
        .send(
            Method::DELETE,
            &format!("{TEAMS}/{child_id}/members/{u2}"),
            None,
        )
        .await;
    error_body(wrong_kind, 404, "OBJECT_NOT_FOUND").await;
    for (user, kind) in [(&u1, "DEFAULT"), (&u2, "EXTRA"), (&u3, "DEFAULT")] {
        let removed = sim
            .send(
                Method::DELETE,
                &format!("{TEAMS}/{child_id}/members/{user}?type={kind}"),
                None,
            )
            .await;
        assert_eq!(removed.status(), 204, "{user} {kind}");
    }
    let renamed: Value = sim
        .send(
            Method::PATCH,
            &format!("{TEAMS}/{child_id}"),
            Some(json!({ "name": "Nordics", "parentTeamId": null })),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(renamed, json!({ "id": child_id, "name": "Nordics" }));
    assert_eq!(
        sim.send(Method::DELETE, &format!("{TEAMS}/{child_id}"), None)
            .await
            .status(),
        204
    );
    assert_eq!(
        sim.send(Method::DELETE, &format!("{TEAMS}/{parent_id}"), None)
            .await
            .status(),
        204
    );
    error_body(
        sim.get(&format!("{TEAMS}/{parent_id}")).await,
        404,
        "OBJECT_NOT_FOUND",
    )
    .await;

    let saved = sim.reload();
    assert_eq!(saved.state.teams, file.state.teams);
    assert_eq!(
        saved
            .state
            .users
            .iter()
            .find(|u| u.id == u1)
            .unwrap()
            .primary_team_id,
        None
    );
}

#[tokio::test]
async fn lists_teams_with_paging() {
    let sim = start(&portal(1)).await;
    let page: Value = sim
        .get(&format!("{TEAMS}?limit=2"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["results"].as_array().unwrap().len(), 2);
    assert_eq!(page["results"][1]["name"], "Sales France");
    let after = page["paging"]["next"]["after"].as_str().unwrap();
    let rest: Value = sim
        .get(&format!("{TEAMS}?limit=2&after={after}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["results"][0]["name"], "Support");
    assert!(rest.get("paging").is_none());
}
