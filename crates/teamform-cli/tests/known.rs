//! What HubSpot cannot read back (permission set contents, partitions) is planned from what a
//! person last confirmed: the demo applied, served by the simulator and confirmed; then a
//! role edit is a pending manual step with the access it changes (never "No changes"), a
//! promotion in the same change loses nothing the live role never had, and confirming the step
//! clears it (and what it confirmed is what the portal holds from then on). A confirmation that names no pending step records nothing.

mod common;

use common::*;

const TODAY: &str = "--today=2026-11-25";
const TOKEN: &str = "pat-na1-TEAMFORM-KNOWN-TEST";

fn run(dir: &std::path::Path, args: &[&str], hub: &[&str]) -> Run {
    teamform_env(
        dir,
        &[&[args[0], TODAY][..], &args[1..], hub].concat(),
        &[("HUBSPOT_TOKEN", TOKEN)],
    )
}

#[test]
fn a_role_edit_against_hubspot_is_a_pending_manual_step_until_confirmed() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    let state = seeded_sandbox(dir, "policies")?;
    let sim = start_sim(&state, TOKEN, &[])?;
    let hub = ["--portal", "hubspot", "--api-base", sim.base.as_str()];

    let confirmed = run(dir, &["confirm", "--all"], &hub);
    assert_eq!(
        confirmed.code, 0,
        "{}{}",
        confirmed.stdout, confirmed.stderr
    );
    let record = std::fs::read_dir(dir.join("policies/known"))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .next();
    let record = record.map(std::fs::read_to_string).transpose()?;
    let record: serde_json::Value =
        serde_json::from_str(&record.unwrap_or_default()).unwrap_or_default();
    assert_eq!(record["format"], "teamform-known");
    assert_eq!(
        record["log"][0]["confirmed"].as_array().map(Vec::len),
        Some(52)
    );
    let quiet = run(dir, &["plan", "--detailed-exitcode"], &hub);
    assert_eq!(quiet.code, 0, "{}{}", quiet.stdout, quiet.stderr);

    // Reps may now view forms, and Théo is promoted in the same change.
    edit(
        &dir.join("policies/roles.toml"),
        "tools.sequences = [\"view\", \"edit\"]",
        "tools.sequences = [\"view\", \"edit\"]\ntools.forms = [\"view\"]",
    )?;
    edit(
        &dir.join("policies/users/sales.toml"),
        "name = \"Théo Girard\"\nrole = \"sales-rep\"",
        "name = \"Théo Girard\"\nrole = \"sales-manager\"",
    )?;
    let plan = run(dir, &["plan", "--detailed-exitcode"], &hub);
    assert_eq!(
        plan.code, 2,
        "changes are pending: {}{}",
        plan.stdout, plan.stderr
    );
    let out = &plan.stdout;
    assert!(!out.contains("No changes"), "{out}");
    assert!(
        out.contains("~ role sales-rep \"Sales Rep\"  (manual step)"),
        "{out}"
    );
    assert!(out.contains("+ tools.forms: view"), "{out}");
    assert!(
        out.contains(
            "[ ] edit permission set `Sales Rep` in Settings > Users & Teams > Permission sets: add tools.forms: view; then run `teamform confirm role:sales-rep`"
        ),
        "{out}"
    );
    let json = run(dir, &["plan", "--format", "json", "--expand"], &hub);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap_or_default();
    let access = doc["expanded"].as_array().cloned().unwrap_or_default();
    let gaining_forms: Vec<&str> = access
        .iter()
        .filter(|u| {
            u["gained"]
                .as_array()
                .is_some_and(|g| g.iter().any(|l| l["access"] == "view in forms"))
        })
        .filter_map(|u| u["user"].as_str())
        .collect();
    // The ten other reps gain it; Théo, promoted, leaves the role.
    assert_eq!(gaining_forms.len(), 10, "{}", json.stdout);
    let theo = access
        .iter()
        .find(|u| u["user"] == "theo.girard@acme.example")
        .cloned()
        .unwrap_or_default();
    assert!(
        !theo["lost"]
            .as_array()
            .is_some_and(|l| l.iter().any(|l| l["access"] == "view in forms")),
        "Théo never held `view in forms` live: {theo}"
    );
    let role = doc["changes"]
        .as_array()
        .and_then(|c| c.iter().find(|o| o["key"] == "sales-rep").cloned())
        .unwrap_or_default();
    assert_eq!(role["automatic"], false);
    assert_eq!(role["confirm"], "changed");

    // A confirmation of something not pending records nothing.
    let before = std::fs::read_dir(dir.join("policies/known"))?
        .filter_map(Result::ok)
        .map(|e| std::fs::read(e.path()))
        .collect::<Result<Vec<_>, _>>()?;
    let wrong = run(dir, &["confirm", "role:sales-manager", "role:nope"], &hub);
    assert_eq!(wrong.code, 1, "{}{}", wrong.stdout, wrong.stderr);
    assert!(
        wrong
            .stderr
            .contains("`role:sales-manager`: no pending step to confirm"),
        "{}",
        wrong.stderr
    );
    assert!(
        wrong.stderr.contains("pending steps: role:sales-rep"),
        "{}",
        wrong.stderr
    );
    let after = std::fs::read_dir(dir.join("policies/known"))?
        .filter_map(Result::ok)
        .map(|e| std::fs::read(e.path()))
        .collect::<Result<Vec<_>, _>>()?;
    assert_eq!(before, after, "nothing was recorded");

    // Done by hand and confirmed: the role leaves the plan; Théo's promotion remains.
    let done = run(dir, &["confirm", "role:sales-rep"], &hub);
    assert_eq!(done.code, 0, "{}{}", done.stdout, done.stderr);
    let plan = run(dir, &["plan"], &hub);
    assert!(!plan.stdout.contains("~ role sales-rep"), "{}", plan.stdout);
    assert!(
        plan.stdout.contains("~ user theo.girard@acme.example"),
        "{}",
        plan.stdout
    );
    // Reps now hold `view in forms` live, as confirmed: Théo, leaving the role, loses it.
    assert!(
        plan.stdout.contains("- view in forms (via role sales-rep)"),
        "{}",
        plan.stdout
    );
    drop(sim);
    Ok(())
}

#[test]
fn a_known_state_for_another_portal_is_refused() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    let state = seeded_sandbox(dir, "policies")?;
    let sim = start_sim(&state, TOKEN, &[])?;
    let hub = ["--portal", "hubspot", "--api-base", sim.base.as_str()];
    let port = sim.base.rsplit(':').next().unwrap_or_default().to_string();
    let known = dir.join("policies/known");
    std::fs::create_dir_all(&known)?;
    std::fs::write(
        known.join(format!("hubspot_127.0.0.1_{port}.json")),
        "{\"format\": \"teamform-known\", \"format_version\": 1, \"portal\": \"hubspot:elsewhere\"}",
    )?;
    let plan = run(dir, &["plan"], &hub);
    assert_eq!(plan.code, 1, "{}{}", plan.stdout, plan.stderr);
    assert!(
        plan.stderr
            .contains("the known state describes hubspot:elsewhere, not hubspot:127.0.0.1:"),
        "{}",
        plan.stderr
    );
    drop(sim);
    Ok(())
}

/// `teamform watch` against HubSpot plans from the known state too, read on every frame: a
/// confirmation made while it runs clears the pending steps from the next frame.
#[test]
fn watch_plans_from_the_known_state_and_sees_a_confirmation() -> std::io::Result<()> {
    use std::process::Stdio;
    let ws = demo_workspace()?;
    let dir = ws.path();
    let state = seeded_sandbox(dir, "policies")?;
    let sim = start_sim(&state, TOKEN, &[])?;
    let (mut child, rx) = start_watch(
        dir,
        &[TODAY, "--portal", "hubspot", "--api-base", &sim.base],
        &[("HUBSPOT_TOKEN", TOKEN)],
        Stdio::piped(),
    )?;
    let first = until(&rx, "Plan for hubspot:");
    assert!(first.contains("(manual step: never confirmed)"), "{first}");
    let confirmed = run(
        dir,
        &["confirm", "--all"],
        &["--portal", "hubspot", "--api-base", &sim.base],
    );
    assert_eq!(
        confirmed.code, 0,
        "{}{}",
        confirmed.stdout, confirmed.stderr
    );
    let after = until(&rx, "No changes");
    assert!(
        after.contains("No changes: the portal (hubspot:"),
        "{after}"
    );
    let _ = child.kill();
    let _ = child.wait();
    drop(sim);
    Ok(())
}
