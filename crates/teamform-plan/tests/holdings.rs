//! The grants a user holds, computed once per distinct access (`Holdings`), are each user's
//! own (`user_holdings`), for every user of the demo policy.

mod common;

use common::{TestResult, compile_dir};
use teamform_compiler::UserId;
use teamform_plan::{Holdings, Side, user_holdings};

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
    let mut shared = 0;
    for u in 0..demo.load.policy.users.len() {
        let user = UserId(u as u32);
        let own = user_holdings(&side, user);
        assert!(!own.is_empty());
        let first = holdings.of(user);
        assert_eq!(*first, own, "{}", demo.load.policy.users[u].key.value);
        // Asked again, the same computation is handed out.
        shared += usize::from(std::sync::Arc::ptr_eq(&first, &holdings.of(user)));
    }
    assert_eq!(shared, demo.load.policy.users.len());
    Ok(())
}
