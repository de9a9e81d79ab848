//! `--portal hubspot` end to end against the simulator over loopback HTTP: the permission
//! sets and super admins a person sets up by hand, then `apply` creates every team and user
//! through the API, prints the checklist of what the API cannot do; `--fail-on-manual` exits 3
//! while the checklist remains; once confirmed (`teamform confirm`), `plan` shows no pending
//! change, and a permission set edited in the policy is a pending manual step with the access
//! it changes. The token appears nowhere.

mod common;

use common::*;

const TODAY: &str = "--today=2026-11-25";
const TOKEN: &str = "pat-na1-TEAMFORM-TEST-TOKEN-7f3c9e";

fn seed_policy(dir: &std::path::Path) -> std::io::Result<()> {
    let seed = dir.join("seed");
    std::fs::create_dir_all(&seed)?;
    std::fs::copy(root().join("policies/roles.toml"), seed.join("roles.toml"))?;
    std::fs::write(
        seed.join("seed.toml"),
        "[portal]\nname = \"seed\"\n\
         [team.revops]\nname = \"Revenue Operations\"\n\
         [user.\"ioana.ionescu@acme.example\"]\nname = \"Ioana Ionescu\"\nrole = \"revops-admin\"\nteam = \"revops\"\nsuper_admin = true\nseats = [\"core\"]\n\
         [user.\"marc-antoine.chevalier@acme.example\"]\nname = \"Marc-Antoine Chevalier\"\nrole = \"revops-admin\"\nteam = \"revops\"\nsuper_admin = true\nseats = [\"core\"]\n",
    )
}

fn run(dir: &std::path::Path, args: &[&str]) -> Run {
    teamform_env(dir, args, &[("HUBSPOT_TOKEN", TOKEN)])
}

#[test]
fn apply_through_the_hubspot_api_then_plan_shows_no_pending_change() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    seed_policy(dir)?;
    let state = seeded_sandbox(dir, "seed")?;

    let log = dir.join("sim.log");
    let log_arg = log.display().to_string();
    let sim = start_sim(&state, TOKEN, &["--log", &log_arg])?;
    let base = sim.base.clone();

    let hub = ["--portal", "hubspot", "--api-base", base.as_str()];
    let plan = run(
        dir,
        &[&["plan", TODAY, "-o", "plan.json"][..], &hub[..]].concat(),
    );
    assert_eq!(plan.code, 0, "{}{}", plan.stdout, plan.stderr);
    assert!(
        plan.stdout.contains("Plan for hubspot:127.0.0.1:"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("Manual steps"), "{}", plan.stdout);
    // Nothing was ever confirmed of what HubSpot cannot read: each partition is a step to
    // check once, never a silent "no changes".
    assert!(
        plan.stdout
            .contains("check that form `Contact us (FR)` is assigned to team(s) Sales France"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("then run `teamform confirm asset:form.contact-fr`"),
        "{}",
        plan.stdout
    );

    let apply = run(
        dir,
        &[&["apply", TODAY, "plan.json"][..], &hub[..]].concat(),
    );
    assert_eq!(apply.code, 0, "{}{}", apply.stdout, apply.stderr);
    assert!(
        apply.stdout.contains("The portal matches the policy."),
        "{}",
        apply.stdout
    );
    assert!(
        apply.stdout.contains("[ ] check that form"),
        "the checklist is printed: {}",
        apply.stdout
    );

    // A second apply of the same plan, as a concurrent run would, sees a stale plan.
    let second = run(
        dir,
        &[&["apply", TODAY, "plan.json"][..], &hub[..]].concat(),
    );
    assert_eq!(second.code, 3, "{}{}", second.stdout, second.stderr);
    assert!(
        second.stderr.contains("since the plan"),
        "{}",
        second.stderr
    );

    // Until confirmed, the steps on what HubSpot cannot read back stay pending.
    let pending = run(
        dir,
        &[&["plan", TODAY, "--detailed-exitcode"][..], &hub[..]].concat(),
    );
    assert_eq!(pending.code, 2, "{}{}", pending.stdout, pending.stderr);
    assert!(
        pending.stdout.contains("(manual step: never confirmed)"),
        "{}",
        pending.stdout
    );
    let unconfirmed = run(
        dir,
        &[
            &["apply", TODAY, "--auto-approve", "--fail-on-manual"][..],
            &hub[..],
        ]
        .concat(),
    );
    assert_eq!(
        unconfirmed.code, 3,
        "the checklist remains: {}{}",
        unconfirmed.stdout, unconfirmed.stderr
    );
    assert!(
        unconfirmed.stderr.contains("manual step(s) remain"),
        "{}",
        unconfirmed.stderr
    );
    let confirm = run(dir, &[&["confirm", TODAY, "--all"][..], &hub[..]].concat());
    assert_eq!(confirm.code, 0, "{}{}", confirm.stdout, confirm.stderr);
    assert!(
        confirm.stdout.contains("Recorded 52 confirmation(s)"),
        "{}",
        confirm.stdout
    );

    let again = run(
        dir,
        &[&["plan", TODAY, "--detailed-exitcode"][..], &hub[..]].concat(),
    );
    assert_eq!(
        again.code, 0,
        "confirmed settings are not pending changes: {}",
        again.stdout
    );
    assert!(again.stdout.starts_with("No changes"), "{}", again.stdout);
    // What the portal cannot read back is one summary line, listed on request.
    assert!(
        again.stdout.contains(
            "52 settings the portal cannot read back are taken from what was last confirmed"
        ),
        "{}",
        again.stdout
    );
    assert!(!again.stdout.contains("? role:"), "{}", again.stdout);
    let listed = run(
        dir,
        &[&["plan", TODAY, "--show-unverifiable"][..], &hub[..]].concat(),
    );
    assert!(
        listed.stdout.contains("  ? role:sales-rep permissions"),
        "{}",
        listed.stdout
    );
    // Permission-set contents cannot be read back: they are taken from what was confirmed,
    // so a converged portal shows nobody gaining or losing access.
    let json = run(
        dir,
        &[&["plan", TODAY, "--format", "json"][..], &hub[..]].concat(),
    );
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap_or_default();
    assert_eq!(doc["summary"]["users_affected"], 0, "{}", json.stdout);

    let traced = run(dir, &[&["plan", TODAY, "--debug"][..], &hub[..]].concat());
    assert_eq!(traced.code, 0, "{}", traced.stderr);
    assert!(
        traced
            .stderr
            .contains("debug: http GET /settings/users/2026-09-beta -> 200"),
        "{}",
        traced.stderr
    );
    assert!(
        !traced.stderr.contains(TOKEN) && !traced.stdout.contains(TOKEN),
        "the token is not in --debug traces"
    );

    let strict = run(
        dir,
        &[
            &["apply", TODAY, "--auto-approve", "--fail-on-manual"][..],
            &hub[..],
        ]
        .concat(),
    );
    assert_eq!(
        strict.code, 0,
        "nothing is left to do by hand once confirmed: {}{}",
        strict.stdout, strict.stderr
    );

    drop(sim);
    // The portal holds every user, with their teams, written through the API.
    let portal = std::fs::read_to_string(&state)?;
    let doc: serde_json::Value = serde_json::from_str(&portal).unwrap_or_default();
    assert_eq!(doc["users"].as_array().map(Vec::len), Some(40));
    assert_eq!(doc["teams"].as_array().map(Vec::len), Some(15));

    // The token is nowhere: not in output, the plan file, the sim's log or the portal file.
    for text in [
        &plan.stdout,
        &plan.stderr,
        &apply.stdout,
        &apply.stderr,
        &again.stdout,
        &strict.stderr,
    ] {
        assert!(!text.contains(TOKEN));
    }
    for file in ["plan.json", "sim.log", "portal.json"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        assert!(!text.is_empty(), "{file} exists");
        assert!(!text.contains(TOKEN), "the token leaked into {file}");
    }
    Ok(())
}

#[test]
fn reconcile_keeps_a_hubspot_portal_equal_to_the_branch() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    seed_policy(dir)?;
    let state = seeded_sandbox(dir, "seed")?;
    std::fs::remove_dir_all(dir.join("seed"))?;
    assert!(demo_repo(dir, "policies"));

    let sim = start_sim(&state, TOKEN, &["--fail-rate", "0.05", "--seed", "7"])?;
    let base = sim.base.clone();
    let repo = dir.display().to_string();
    let args = [
        "reconcile",
        TODAY,
        "--once",
        "--mode",
        "apply",
        "--repo",
        &repo,
        "--portal",
        "hubspot",
        "--api-base",
        &base,
    ];
    let mut applied = None;
    // Injected faults may stop a cycle; the next cycle finishes the work.
    for _ in 0..5 {
        let cycle = run(dir, &args);
        let v: serde_json::Value = serde_json::from_str(cycle.stdout.trim()).unwrap_or_default();
        assert!(!cycle.stdout.contains(TOKEN) && !cycle.stderr.contains(TOKEN));
        if v["status"] == "ok" && v["changes"] == 0 {
            applied = Some(v);
            break;
        }
    }
    drop(sim);
    assert!(
        applied.is_some(),
        "reconcile converged on the HubSpot portal"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state)?).unwrap_or_default();
    assert_eq!(doc["users"].as_array().map(Vec::len), Some(40));
    Ok(())
}
