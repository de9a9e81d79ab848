//! The grants a user holds, computed once per distinct access (`Holdings`), are each user's
//! own (`user_holdings`), for every user of the demo policy; users with the same key hold
//! the same grants.

mod common;

use common::{TestResult, compile_dir};
use teamform_compiler::UserId;
use teamform_plan::{GrantChange, Holdings, HoldingsKey, RoleKey, Side, canonical, user_holdings};

#[test]
fn shared_holdings_are_each_users_own() -> TestResult {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies");
    let demo = compile_dir(&root);
    assert!(demo.errors().is_empty(), "{:?}", demo.errors());
    let side = Side {
        policy: &demo.load.policy,
        compiled: &demo.compiled,
    };
    let holdings = Holdings::new(&side);
    let mut by_key: Vec<(HoldingsKey, Vec<GrantChange>)> = Vec::new();
    let mut by_role: Vec<(RoleKey, Vec<GrantChange>)> = Vec::new();
    for u in 0..demo.load.policy.users.len() {
        let user = UserId(u as u32);
        let own = user_holdings(&side, user);
        assert!(!own.is_empty());
        let email = &demo.load.policy.users[u].key.value;
        assert_eq!(holdings.of(user), own, "{email}");
        // Those through the role and those through the teams make them up, in order.
        let (role, teams) = (holdings.role_grants(user), holdings.team_grants(user));
        let mut merged: Vec<GrantChange> = role.iter().chain(&teams).cloned().collect();
        merged.sort_by(canonical);
        assert_eq!(merged, own, "{email}");
        assert!(role.is_sorted_by(|a, b| canonical(a, b).is_le()));
        assert!(teams.is_sorted_by(|a, b| canonical(a, b).is_le()));
        let role_key = holdings.role_key(user);
        match by_role.iter().find(|(k, _)| *k == role_key) {
            Some((_, first)) => assert_eq!(*first, role, "{email}"),
            None => by_role.push((role_key, role)),
        }
        let key = holdings.key(user);
        match by_key.iter().find(|(k, _)| *k == key) {
            Some((_, first)) => assert_eq!(*first, own, "{email}"),
            None => by_key.push((key, own)),
        }
    }
    // Some users share a key: the demo has users of the same role and team.
    assert!(by_key.len() < demo.load.policy.users.len());
    assert!(by_role.len() < by_key.len());
    Ok(())
}
