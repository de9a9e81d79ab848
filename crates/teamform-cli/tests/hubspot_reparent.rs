//! Swapping a parent team and its child through the HubSpot API (the simulator over loopback
//! HTTP), which refuses to put a team under its own descendant: the plan moves the teams
//! top-down in the tree they end in, so the apply goes through and plans no change after.

mod common;

use common::*;

const TODAY: &str = "--today=2026-11-25";
const TOKEN: &str = "pat-na1-TEAMFORM-TEST-TOKEN-2b8d41";

fn write(dir: &std::path::Path, name: &str, teams: &str) -> std::io::Result<()> {
    let policy = dir.join(name);
    std::fs::create_dir_all(&policy)?;
    std::fs::write(
        policy.join("teams.toml"),
        format!("[portal]\nname = \"Acme\"\n\n{teams}"),
    )
}

#[test]
fn a_parent_and_its_child_swap_places_through_the_api() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let dir = dir.path();
    write(
        dir,
        "before",
        "[team.sales]\nname = \"Sales\"\n\n[team.sales-fr]\nname = \"Sales France\"\nparent = \"sales\"\n",
    )?;
    // The end state lists the child first.
    write(
        dir,
        "after",
        "[team.sales]\nname = \"Sales\"\nparent = \"sales-fr\"\n\n[team.sales-fr]\nname = \"Sales France\"\n",
    )?;
    let state = seeded_sandbox(dir, "before")?;
    let sim = start_sim(&state, TOKEN, &[])?;
    let hub = [
        "--portal",
        "hubspot",
        "--api-base",
        sim.base.as_str(),
        "-p",
        "after",
    ];
    let env = [("HUBSPOT_TOKEN", TOKEN)];
    let apply = teamform_env(
        dir,
        &[&["apply", TODAY, "--auto-approve"][..], &hub[..]].concat(),
        &env,
    );
    assert_eq!(apply.code, 0, "{}{}", apply.stdout, apply.stderr);
    let again = teamform_env(
        dir,
        &[&["plan", TODAY, "--detailed-exitcode"][..], &hub[..]].concat(),
        &env,
    );
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    Ok(())
}
