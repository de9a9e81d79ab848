//! An apply killed by SIGKILL at random points and run again finishes the work without
//! repeating or losing a step: the portal ends equal to the policy, with no duplicates.

mod common;

use common::*;
use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

const TODAY: &str = "--today=2026-11-25";

fn big_policy(users: usize) -> String {
    let mut p = String::from(
        "[portal]\nname = \"big\"\n[guardrails]\nmin_super_admins = 1\n\
         [team.root]\nname = \"Root\"\n[team.a]\nname = \"Équipe A\"\nparent = \"root\"\n\
         [team.b]\nname = \"Équipe B\"\nparent = \"root\"\n\
         [role.rep]\nname = \"Rep\"\ncrm.contacts = { view = \"team\", edit = \"owned\" }\n",
    );
    let _ = write!(
        p,
        "[user.\"admin@big.example\"]\nname = \"Admin\"\nteam = \"root\"\nsuper_admin = true\n"
    );
    for i in 0..users {
        let team = if i % 2 == 0 { "a" } else { "b" };
        let _ = write!(
            p,
            "[user.\"u{i}@big.example\"]\nname = \"Zoé {i}\"\nrole = \"rep\"\nteam = \"{team}\"\n"
        );
    }
    p
}

#[test]
fn an_apply_killed_at_random_points_resumes_to_the_same_final_state() -> std::io::Result<()> {
    const USERS: usize = 6000;
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    std::fs::create_dir_all(d.join("policies"))?;
    std::fs::write(d.join("policies/big.toml"), big_policy(USERS))?;
    let plan = teamform_in(d, &["plan", TODAY, "-o", "plan.json", "--format", "json"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);

    // Measure one uninterrupted apply in a copy, to spread the kills over its duration.
    let probe = tempfile::tempdir()?;
    copy_dir(&d.join("policies"), &probe.path().join("policies"))?;
    let start = Instant::now();
    assert_eq!(
        teamform_in(probe.path(), &["apply", TODAY, "--auto-approve"]).code,
        0
    );
    let full = start.elapsed().max(Duration::from_millis(50));

    let mut kills = 0;
    let mut completed = false;
    for round in 1..=6u32 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_teamform"))
            .args(["apply", TODAY, "plan.json"])
            .current_dir(d)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()?;
        std::thread::sleep(full.mul_f64(f64::from(round) / 8.0));
        if child.try_wait()?.is_none() {
            child.kill()?;
            kills += 1;
        }
        let status = child.wait()?;
        if status.success() {
            completed = true;
            break;
        }
        assert!(
            status.code().is_none(),
            "an interrupted apply resumes instead of failing: {status}"
        );
    }
    assert!(
        kills > 0,
        "no apply was killed midway; the test did not test anything"
    );
    if !completed {
        let finish = teamform_in(d, &["apply", TODAY, "plan.json"]);
        assert_eq!(finish.code, 0, "{}{}", finish.stdout, finish.stderr);
    }
    let state = sandbox(d);
    let users = state["users"].as_array().cloned().unwrap_or_default();
    assert_eq!(users.len(), USERS + 1, "every user once, none twice");
    let mut emails: Vec<&str> = users.iter().filter_map(|u| u["email"].as_str()).collect();
    emails.sort_unstable();
    emails.dedup();
    assert_eq!(emails.len(), USERS + 1);
    assert_eq!(state["teams"].as_array().map(Vec::len), Some(3));
    let again = teamform_in(d, &["plan", TODAY, "--detailed-exitcode"]);
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert!(!d.join(".teamform/sandbox.json.journal").exists());
    Ok(())
}
