//! Reading and writing through the simulator: the minimum request count of a full read, and
//! every kind of change round trip, idempotently.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests and their helpers stop with a clear message.

mod common;

use common::{Sim, TOKEN};
use teamform_hubspot::{HubSpot, Token};
use teamform_portal::{
    Change, LiveRole, LiveState, LiveTeam, LiveUser, ObjectKind, PortalErrorKind, Provider,
    UserField,
};

fn big_portal(users: usize, teams: usize) -> LiveState {
    let mut live = LiveState::default();
    for r in 0..5 {
        live.roles.push(LiveRole {
            id: format!("{}", 10 + r),
            name: format!("Role {r}"),
            permissions: None,
        });
    }
    for t in 0..teams {
        live.teams.push(LiveTeam {
            id: format!("{}", 100 + t),
            name: format!("Team {t:03}"),
            parent_id: (t >= 10).then(|| format!("{}", 100 + t % 10)),
        });
    }
    for u in 0..users {
        let primary = 100 + u % teams;
        let extra = 100 + (u + 7) % teams;
        live.users.push(LiveUser {
            id: format!("{}", 10_000 + u),
            email: format!("user{u:05}@acme.example"),
            name: format!("User Number{u}"),
            role_id: Some(format!("{}", 10 + u % 5)),
            primary_team_id: Some(primary.to_string()),
            additional_team_ids: if extra == primary {
                Vec::new()
            } else {
                vec![extra.to_string()]
            },
            super_admin: u == 0,
            seats: vec!["core".to_string()],
        });
    }
    live
}

fn normalised(mut live: LiveState) -> LiveState {
    live.users.sort_by(|a, b| a.id.cmp(&b.id));
    live.teams.sort_by(|a, b| a.id.cmp(&b.id));
    live.roles.sort_by(|a, b| a.id.cmp(&b.id));
    for r in &mut live.roles {
        r.permissions = None;
    }
    live
}

#[test]
fn reads_a_2000_user_portal_in_the_minimum_number_of_requests() {
    let seed = big_portal(2000, 150);
    let sim = Sim::start(seed.clone(), |_| {});
    let mut hubspot = sim.provider(false);
    let live = hubspot.read().expect("read");
    assert_eq!(normalised(live), normalised(seed));
    // 20 pages of 100 users, 2 pages of teams, 1 list of permission sets: nothing else.
    let log = sim.requests();
    assert_eq!(hubspot.requests_sent(), 23);
    assert_eq!(log.len(), 23, "{log:#?}");
    assert!(
        log.iter()
            .all(|l| l["method"] == "GET" && l["status"] == 200)
    );
    let user_pages = log
        .iter()
        .filter(|l| l["path"] == "/settings/users/2026-09-beta")
        .count();
    assert_eq!(user_pages, 20);
}

fn one(hubspot: &mut HubSpot, change: Change) -> Option<String> {
    let (outcomes, error) = hubspot.apply(std::slice::from_ref(&change));
    assert!(error.is_none(), "{change:?}: {error:?}");
    assert_eq!(outcomes.len(), 1);
    outcomes[0].created_id.clone()
}

#[test]
fn teams_and_users_round_trip_idempotently() {
    let mut seed = LiveState::default();
    for (id, name) in [("1", "Sales Rep"), ("2", "Sales Manager")] {
        seed.roles.push(LiveRole {
            id: id.into(),
            name: name.into(),
            permissions: None,
        });
    }
    let sim = Sim::start(seed, |_| {});
    let mut hubspot = sim.provider(true);

    let create_sales = Change::CreateTeam {
        name: "Sales".into(),
        parent_id: None,
    };
    let sales = one(&mut hubspot, create_sales.clone()).expect("an id");
    assert_eq!(
        one(&mut hubspot, create_sales).as_deref(),
        Some(sales.as_str())
    );
    let fr = one(
        &mut hubspot,
        Change::CreateTeam {
            name: "Sales France".into(),
            parent_id: Some(sales.clone()),
        },
    )
    .expect("an id");

    let create_alice = Change::CreateUser {
        email: "alice@acme.example".into(),
        name: "Alice Martin".into(),
        role_id: Some("1".into()),
        primary_team_id: Some(fr.clone()),
        additional_team_ids: vec![sales.clone()],
        super_admin: false,
        seats: vec!["sales".into()],
    };
    let alice = one(&mut hubspot, create_alice.clone()).expect("an id");
    assert_eq!(
        one(&mut hubspot, create_alice).as_deref(),
        Some(alice.as_str())
    );

    let live = hubspot.read().expect("read");
    let user = live.users.iter().find(|u| u.id == alice).expect("alice");
    assert_eq!(user.name, "Alice Martin");
    assert_eq!(user.role_id.as_deref(), Some("1"));
    assert_eq!(user.primary_team_id.as_deref(), Some(fr.as_str()));
    assert_eq!(user.additional_team_ids, std::slice::from_ref(&sales));
    assert_eq!(user.seats, ["sales"]);
    let team = live.teams.iter().find(|t| t.id == fr).expect("team");
    assert_eq!(team.parent_id.as_deref(), Some(sales.as_str()));

    one(
        &mut hubspot,
        Change::UpdateUser {
            id: alice.clone(),
            name: Some("Alice Dupont-Martin".into()),
            role_id: Some(Some("2".into())),
            primary_team_id: Some(Some(sales.clone())),
            additional_team_ids: Some(vec![fr.clone()]),
            super_admin: None,
            seats: Some(vec![]),
        },
    );
    one(
        &mut hubspot,
        Change::UpdateTeam {
            id: fr.clone(),
            name: Some("Ventes France".into()),
            parent_id: Some(None),
        },
    );
    let live = hubspot.read().expect("read");
    let user = live.users.iter().find(|u| u.id == alice).expect("alice");
    assert_eq!(user.name, "Alice Dupont-Martin");
    assert_eq!(user.role_id.as_deref(), Some("2"));
    assert_eq!(user.primary_team_id.as_deref(), Some(sales.as_str()));
    assert_eq!(user.additional_team_ids, std::slice::from_ref(&fr));
    assert!(user.seats.is_empty());
    let team = live.teams.iter().find(|t| t.id == fr).expect("team");
    assert_eq!(
        (team.name.as_str(), team.parent_id.as_deref()),
        ("Ventes France", None)
    );

    // Only the parent changes: the name is kept.
    one(
        &mut hubspot,
        Change::UpdateTeam {
            id: fr.clone(),
            name: None,
            parent_id: Some(Some(sales.clone())),
        },
    );
    // Taking the role and every team away.
    one(
        &mut hubspot,
        Change::UpdateUser {
            id: alice.clone(),
            name: None,
            role_id: Some(None),
            primary_team_id: Some(None),
            additional_team_ids: Some(vec![]),
            super_admin: None,
            seats: None,
        },
    );
    let live = hubspot.read().expect("read");
    let team = live.teams.iter().find(|t| t.id == fr).expect("team");
    assert_eq!(
        (team.name.as_str(), team.parent_id.as_deref()),
        ("Ventes France", Some(sales.as_str()))
    );
    let user = live.users.iter().find(|u| u.id == alice).expect("alice");
    assert_eq!(
        (user.role_id.as_deref(), user.primary_team_id.as_deref()),
        (None, None)
    );
    assert!(user.additional_team_ids.is_empty());

    // Deletes, twice each: a missing object counts as deleted.
    let deletes = vec![
        Change::DeleteUser { id: alice.clone() },
        Change::DeleteTeam { id: fr.clone() },
        Change::DeleteTeam { id: sales.clone() },
        Change::DeleteUser { id: alice },
        Change::DeleteTeam { id: fr },
    ];
    let (outcomes, error) = hubspot.apply(&deletes);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(outcomes.len(), 5);
    let live = hubspot.read().expect("read");
    assert!(live.users.is_empty() && live.teams.is_empty());
    assert_eq!(sim.portal().users.len(), 0);
}

#[test]
fn permission_sets_and_partitions_are_refused_with_instructions() {
    let sim = Sim::start(LiveState::default(), |_| {});
    let mut hubspot = sim.provider(false);
    let (outcomes, error) = hubspot.apply(&[Change::CreateRole {
        name: "Sales Rep".into(),
        permissions: Default::default(),
    }]);
    assert!(outcomes.is_empty());
    let message = error.expect("refused").to_string();
    assert!(message.contains("Settings > Users & Teams"), "{message}");
    assert!(sim.requests().is_empty(), "nothing was sent");
}

#[test]
fn describes_itself_and_checks_the_api_base() {
    let token = || Token::new(TOKEN).expect("token");
    let h = HubSpot::new("http://127.0.0.1:4010", token()).expect("loopback http");
    assert_eq!(h.describe(), "hubspot:127.0.0.1:4010");
    assert_eq!(
        h.journal_path(),
        std::path::Path::new(".teamform/hubspot-127.0.0.1_4010.journal")
    );
    let caps = h.capabilities();
    let (teams, users, roles, assets) = (
        caps.of(ObjectKind::Team),
        caps.of(ObjectKind::User),
        caps.of(ObjectKind::Role),
        caps.of(ObjectKind::Asset),
    );
    assert!(teams.create && users.update && roles.read);
    assert!(!roles.read_contents && !roles.create && !assets.read);
    assert!(
        !caps.writes(UserField::SuperAdmin) && caps.writes(UserField::Seats),
        "seats are written through `seatNames` by default"
    );
    let h = HubSpot::new("https://api.hubapi.com", token()).expect("https");
    assert_eq!(h.describe(), "hubspot:api.hubapi.com");
    assert!(HubSpot::new("http://[::1]:8080/", token()).is_ok());
    assert!(HubSpot::new("http://localhost:8080", token()).is_ok());
    let refused = HubSpot::new("http://api.hubapi.com", token()).expect_err("plain http");
    assert!(refused.to_string().contains("https://"), "{refused}");
    assert_eq!(refused.kind(), PortalErrorKind::Config, "{refused}");
    let empty = Token::new("  ").expect_err("an empty token");
    assert_eq!(empty.kind(), PortalErrorKind::Auth, "{empty}");
    assert!(HubSpot::new("ftp://example.com", token()).is_err());
    assert!(HubSpot::new("https://user:pw@api.hubapi.com", token()).is_err());
}
