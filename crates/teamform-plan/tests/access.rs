//! Property test of the access diff's shortcut: when a plan changes only users, `make_plan`
//! compares the access of the users it changes, not of everyone. For a random policy and a
//! portal holding the same teams, roles and assets but other users (some the same, some
//! changed, some only on one side), the plan's access diff must equal the diff of every
//! user's access, computed the long way (the whole live side as a policy, compiled).

mod common;

use common::spec::{Spec, spec};
use common::{apply, compile_valid, plan, read_live};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use teamform_compiler::compile_access;
use teamform_plan::{Side, access_diff, bindings, desired, live_policy};
use teamform_portal::Kind;

/// `policy` with the users of `other`, their teams and roles taken modulo the policy's
/// (each user keeps a valid primary team, distinct additional teams, and a role or super
/// admin status).
fn with_users_of(policy: &Spec, other: &Spec) -> Spec {
    let mut out = policy.clone();
    let teams = policy.teams.len();
    out.users = other
        .users
        .iter()
        .map(|u| {
            let mut u = u.clone();
            u.team %= teams;
            let mut extra: Vec<usize> = Vec::new();
            for t in u.teams.iter().map(|t| t % teams) {
                if t != u.team && !extra.contains(&t) {
                    extra.push(t);
                }
            }
            u.teams = extra;
            u.role = u.role.map(|r| r % policy.roles.len());
            u
        })
        .collect();
    out
}

/// The users of `a` followed by those of `b` whose email (whatever the case) `a` lacks.
fn merged(a: &Spec, b: &Spec) -> Spec {
    let mut out = a.clone();
    for u in &b.users {
        if !out
            .users
            .iter()
            .any(|v| v.email.eq_ignore_ascii_case(&u.email))
        {
            out.users.push(u.clone());
        }
    }
    out
}

fn check(policy: &Spec, other: &Spec) -> Result<(), TestCaseError> {
    let fail = |e: Box<dyn std::error::Error>| TestCaseError::fail(e.to_string());
    let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
    let path = dir.path().join("sandbox.json");
    // The portal: the policy's org with partly other users, some of the policy's kept.
    let live_spec = merged(&with_users_of(policy, other), policy);
    let live_policy_compiled = compile_valid(&live_spec.files()).map_err(fail)?;
    apply(&live_policy_compiled, &path).map_err(fail)?;

    let new = compile_valid(&policy.files()).map_err(fail)?;
    let made = plan(&new, &path).map_err(fail)?;
    prop_assert!(
        made.changes.iter().all(|o| o.kind == Kind::User),
        "the plan changes more than users: {:?}",
        made.changes.iter().map(|o| o.address()).collect::<Vec<_>>()
    );

    let live = read_live(&path).map_err(fail)?;
    let bound = bindings(&desired(&new.load.policy), &live);
    let everyone = live_policy(&live, &bound, false, &|_| None);
    let everyone_compiled = compile_access(&everyone);
    let full = access_diff(
        &Side {
            policy: &everyone,
            compiled: &everyone_compiled,
        },
        &Side {
            policy: &new.load.policy,
            compiled: &new.compiled,
        },
        true,
    );
    prop_assert_eq!(&made.access, &full);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_plan_changing_only_users_has_the_access_diff_of_every_user(
        policy in spec(),
        other in spec(),
    ) {
        check(&policy, &other)?;
    }
}
