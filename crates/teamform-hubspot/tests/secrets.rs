//! The token never appears anywhere: not in errors (Display or Debug), not in the provider's
//! Debug, not in the simulator's log or state, not in a plan.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests and their helpers stop with a clear message.

mod common;

use common::{Sim, TOKEN, converge, demo, hand_made, quick};
use teamform_hubspot::{HubSpot, Token};
use teamform_portal::{Change, LiveState, PortalErrorKind, Provider};

fn assert_clean(text: &str) {
    assert!(!text.contains(TOKEN), "the token leaked into: {text}");
    assert!(
        !text.contains("7e57c0de"),
        "part of the token leaked into: {text}"
    );
}

#[test]
fn the_token_is_absent_from_every_output() {
    let policy = demo();
    let sim = Sim::start(hand_made(&policy), |c| c.fail_rate = 0.1);
    let mut hubspot = sim.provider(true);
    assert_clean(&format!("{hubspot:?}"));
    assert_clean(&format!(
        "{:?} {}",
        Token::new(TOKEN).expect("token"),
        Token::new(TOKEN).expect("token")
    ));

    let journal = sim.dir.path().join("journal");
    let (plan, _) = converge(&mut hubspot, &policy, &journal, 8);
    assert_clean(&teamform_plan::render::json(&plan, true));
    assert_clean(&format!("{plan:?}"));

    // Errors of every kind: refused changes, a wrong token, a port nobody listens on.
    let (_, error) = hubspot.apply(&[Change::CreateTeam {
        name: String::new(),
        parent_id: None,
    }]);
    let error = error.expect("an empty name is refused");
    assert_clean(&format!("{error} {error:?}"));
    let mut wrong = HubSpot::with_options(
        &sim.base,
        Token::new("pat-na1-wrong").expect("token"),
        quick(false),
    )
    .expect("provider");
    let error = wrong.read().expect_err("a wrong token is refused");
    assert!(error.to_string().contains("401"), "{error}");
    assert_eq!(error.kind(), PortalErrorKind::Auth, "{error}");
    assert!(!error.to_string().contains("pat-na1-wrong"), "{error}");
    let mut nobody = HubSpot::with_options(
        "http://127.0.0.1:9",
        Token::new(TOKEN).expect("token"),
        quick(false),
    )
    .expect("provider");
    let error = nobody.read().expect_err("nobody listens");
    assert_clean(&format!("{error} {error:?}"));
    let _ = nobody.apply(&[Change::DeleteUser { id: "1".into() }]);

    for entry in std::fs::read_dir(sim.dir.path()).expect("dir").flatten() {
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        assert_clean(&String::from_utf8_lossy(&bytes));
    }
    let _ = LiveState::default();
}
