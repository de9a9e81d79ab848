//! Import round trips in each ownership mode, as `teamform init` writes them (users in one
//! file per primary team, `[portal.manage]` written): every example (but `broken`) and the
//! demo policy is applied to a fresh sandbox and imported back, once declaring every user in
//! `declared` mode, once in `all` mode with an `ignore_users` glob (the users it matches left
//! out of the files). The imported policy must compile without errors, plan no changes
//! against its own portal, and say how many users it left alone.

mod common;

use common::{
    TestResult, apply, compile_dir, plan, plan_summary, read_live, shipped_policies, write_files,
};
use std::path::Path;
use teamform_model::UsersMode;
use teamform_plan::import::{ImportOptions, import_with};
use teamform_portal::{LiveState, Screens};

/// Users whose email starts with `a` to `d` (any case).
const GLOB: &str = "[a-dA-D]*";

/// Imports `live` with `mode` and `ignore`, then checks the round trip; `ignored` is how
/// many users the glob matches.
fn check(
    shown: &str,
    live: &LiveState,
    sandbox: &Path,
    (mode, ignore): (UsersMode, &[String]),
    ignored: usize,
) -> TestResult {
    let work = tempfile::tempdir()?;
    let options = ImportOptions {
        name: "x",
        by: "teamform init",
        provider: None,
        users_by_team: true,
        users_mode: Some(mode),
        ignore_users: ignore,
        screens: Some(&Screens::HUBSPOT),
        assets_readable: true,
    };
    let files = import_with(live, &options);
    write_files(work.path(), &files)?;
    let imported = compile_dir(work.path());
    let errors = imported.errors();
    if !errors.is_empty() {
        return Err(format!("{shown} ({mode:?}): errors: {errors:#?}\nfiles: {files:#?}").into());
    }
    let declared = imported.load.policy.users.len();
    if declared + ignored != live.users.len() {
        return Err(format!(
            "{shown} ({mode:?}): {declared} users declared and {ignored} ignored, of {}",
            live.users.len()
        )
        .into());
    }
    let again = plan(&imported, sandbox)?;
    if again.has_changes() || !again.access.is_empty() {
        return Err(format!(
            "{shown} ({mode:?}): the imported policy plans changes:\n{}",
            plan_summary(&again)
        )
        .into());
    }
    if again.left_alone.ignored_users != ignored || again.left_alone.undeclared_users != 0 {
        return Err(format!(
            "{shown} ({mode:?}): left alone {:?}, expected {ignored} ignored users",
            again.left_alone
        )
        .into());
    }
    Ok(())
}

fn round_trips(dir: &Path) -> TestResult {
    let shown = dir.display().to_string();
    let original = compile_dir(dir);
    let work = tempfile::tempdir()?;
    let sandbox = work.path().join("portal.json");
    apply(&original, &sandbox)?;
    let live = read_live(&sandbox)?;
    check(&shown, &live, &sandbox, (UsersMode::Declared, &[]), 0)?;
    let matched = live
        .users
        .iter()
        .filter(|u| {
            u.email
                .starts_with(|c: char| ('a'..='d').contains(&c.to_ascii_lowercase()))
        })
        .count();
    check(
        &shown,
        &live,
        &sandbox,
        (UsersMode::All, &[GLOB.to_string()]),
        matched,
    )
}

#[test]
fn every_example_round_trips_through_init_in_each_mode() -> TestResult {
    let failures: Vec<String> = shipped_policies()?
        .iter()
        .filter_map(|dir| round_trips(dir).err().map(|e| e.to_string()))
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n").into())
    }
}
