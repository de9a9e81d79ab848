//! Property test of ownership modes (`[portal.manage]`): for a random live portal (a random
//! policy applied to a fresh sandbox) and a random policy that declares only some of its
//! users, with an `ignore_users` glob and, when no declared team matches it, an
//! `ignore_teams` glob, no plan creates, changes or removes a user left alone (undeclared in
//! `declared` mode, or ignored) nor an ignored team; after applying, those users and teams
//! are exactly as they were, and planning again gives no changes. The plan's counts of what
//! it left alone are right. And the guardrails count the super admins left alone.

mod common;

use common::spec::{Spec, spec};
use common::{CompiledPolicy, apply, compile_valid, plan, plan_summary, read_live};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use std::collections::{BTreeMap, BTreeSet};
use teamform_portal::{Change, LiveState, LiveTeam, LiveUser, ObjectKind};

/// Users whose email starts with `b` (any case) are ignored.
const IGNORE_USERS: &str = "B*@*";
/// The team name ignored, when the policy does not declare it.
const IGNORED_TEAM: &str = "EMEA";

fn or_fail<T, E: std::fmt::Display>(r: Result<T, E>) -> Result<T, TestCaseError> {
    r.map_err(|e| TestCaseError::fail(e.to_string()))
}

fn ignored(email: &str) -> bool {
    email.to_lowercase().starts_with('b')
}

/// The policy's files with `[portal.manage]`, and whether it ignores [`IGNORED_TEAM`].
fn files(policy: &Spec, declared: bool) -> (Vec<(String, String)>, bool) {
    // A declared team whose name or former name an ignore glob matches is an error (TF0144).
    let ignore_team = !policy
        .teams
        .iter()
        .any(|t| t.name == IGNORED_TEAM || t.previously.as_deref() == Some(IGNORED_TEAM));
    let mut manage = format!(
        "\n[portal.manage]\nusers = \"{}\"\nignore_users = [\"{IGNORE_USERS}\"]\n",
        if declared { "declared" } else { "all" }
    );
    if ignore_team {
        manage.push_str(&format!("ignore_teams = [\"{IGNORED_TEAM}\"]\n"));
    }
    let mut files = policy.files();
    for (path, text) in &mut files {
        if path == "portal.toml" {
            text.push_str(&manage);
        }
    }
    (files, ignore_team)
}

fn compile(files: &[(String, String)]) -> Result<CompiledPolicy, TestCaseError> {
    compile_valid(files).map_err(|e| TestCaseError::fail(format!("{e}\nfiles: {files:#?}")))
}

/// The live users left alone, by id.
fn left_alone(live: &LiveState, policy: &Spec, declared: bool) -> BTreeMap<String, LiveUser> {
    let wanted: BTreeSet<String> = policy
        .users
        .iter()
        .map(|u| u.email.to_lowercase())
        .collect();
    live.users
        .iter()
        .filter(|u| ignored(&u.email) || (declared && !wanted.contains(&u.email.to_lowercase())))
        .map(|u| (u.id.clone(), u.clone()))
        .collect()
}

fn ignored_teams(live: &LiveState, on: bool) -> BTreeMap<String, LiveTeam> {
    live.teams
        .iter()
        .filter(|t| on && t.name == IGNORED_TEAM)
        .map(|t| (t.id.clone(), t.clone()))
        .collect()
}

fn check(mut policy: Spec, before: &Spec, declared: bool) -> Result<(), TestCaseError> {
    // A declared user an ignore glob matches is an error (TF0143): the policy leaves them out.
    policy.users.retain(|u| !ignored(&u.email));
    let dir = or_fail(tempfile::tempdir())?;
    let path = dir.path().join("sandbox.json");
    or_fail(apply(&compile(&before.files())?, &path))?;
    let live = or_fail(read_live(&path))?;

    let (files, ignore_team) = files(&policy, declared);
    let compiled = compile(&files)?;
    let users = left_alone(&live, &policy, declared);
    let teams = ignored_teams(&live, ignore_team);
    let first = or_fail(plan(&compiled, &path))?;
    for op in &first.changes {
        let id = match &op.change {
            Change::UpdateUser { id, .. } | Change::DeleteUser { id } => Some(id),
            Change::UpdateTeam { id, .. } | Change::DeleteTeam { id } => Some(id),
            _ => None,
        };
        prop_assert!(
            !(op.kind == ObjectKind::User && ignored(&op.key)),
            "the plan touches ignored user `{}`:\n{}",
            op.key,
            plan_summary(&first)
        );
        if let Some(id) = id {
            prop_assert!(
                !users.contains_key(id) && !teams.contains_key(id),
                "the plan touches `{}`, left alone:\n{}",
                op.address(),
                plan_summary(&first)
            );
        }
    }
    prop_assert_eq!(first.left_alone.users(), users.len(), "users left alone");
    prop_assert_eq!(first.left_alone.ignored_teams, teams.len(), "teams ignored");

    or_fail(apply(&compiled, &path))?;
    let after = or_fail(read_live(&path))?;
    let still: BTreeMap<String, LiveUser> = after
        .users
        .iter()
        .filter(|u| users.contains_key(&u.id))
        .map(|u| (u.id.clone(), u.clone()))
        .collect();
    prop_assert_eq!(&still, &users, "the users left alone after apply");
    prop_assert_eq!(&ignored_teams(&after, ignore_team), &teams, "ignored teams");
    let again = or_fail(plan(&compiled, &path))?;
    prop_assert!(
        !again.has_changes(),
        "planning again:\n{}",
        plan_summary(&again)
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_plan_touches_what_it_leaves_alone(
        policy in spec(),
        live in spec(),
        declared in any::<bool>(),
    ) {
        check(policy, &live, declared)?;
    }
}

/// A portal with two super admins, Ana (declared) and Ben (provisioned elsewhere).
const PORTAL: &str = r#"[portal]
name = "Acme"

[team.ops]
name = "Ops"

[role.admin]
name = "Admin"
crm.contacts = { view = "everything", edit = "everything" }

[user."ana@acme.example"]
name = "Ana"
role = "admin"
team = "ops"
super_admin = true

[user."ben@acme.example"]
name = "Ben"
role = "admin"
team = "ops"
super_admin = true
"#;

/// The policy that declares Ana only, in `declared` mode, with `min_super_admins = 2`.
fn declares_ana(super_admin: bool) -> Vec<(String, String)> {
    let text = format!(
        "[portal]\nname = \"Acme\"\n\n[portal.manage]\nusers = \"declared\"\n\n\
         [guardrails]\nmin_super_admins = 2\n\n[team.ops]\nname = \"Ops\"\n\n\
         [role.admin]\nname = \"Admin\"\n\
         crm.contacts = {{ view = \"everything\", edit = \"everything\" }}\n\n\
         [user.\"ana@acme.example\"]\nname = \"Ana\"\nrole = \"admin\"\nteam = \"ops\"\n\
         super_admin = {super_admin}\n"
    );
    vec![("policy.toml".to_string(), text)]
}

#[test]
fn guardrails_count_the_super_admins_left_alone() -> common::TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("sandbox.json");
    apply(
        &compile_valid(&[("p.toml".to_string(), PORTAL.to_string())])?,
        &path,
    )?;
    // One declared super admin is fewer than the minimum, but Ben counts: no error, no refusal.
    let kept = compile_valid(&declares_ana(true))?;
    let plan_kept = plan(&kept, &path)?;
    assert!(!plan_kept.has_changes(), "{}", plan_summary(&plan_kept));
    assert!(plan_kept.refusals.is_empty(), "{:?}", plan_kept.refusals);
    assert_eq!(plan_kept.left_alone.undeclared_users, 1);
    // Ana no longer a super admin leaves Ben alone: one, fewer than two, refused.
    let demoted = plan(&compile_valid(&declares_ana(false))?, &path)?;
    assert_eq!(
        demoted.refusals,
        ["the plan would leave 1 super admin(s), fewer than `min_super_admins = 2`"]
    );
    Ok(())
}
