//! End-to-end tests of `plan` and `apply` against the sandbox portal: the main job, saved
//! plans, refusals (stale, edited, guardrails, lock) and exit codes.

mod common;

use common::*;

const TODAY: &str = "--today=2026-11-25";

#[test]
fn apply_then_plan_shows_no_changes_and_the_portal_holds_the_policy() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    let first = teamform_in(dir, &["plan", TODAY, "--detailed-exitcode"]);
    assert_eq!(first.code, 2, "{}{}", first.stdout, first.stderr);
    assert!(
        first.stdout.starts_with(
            "Plan for sandbox:.teamform/sandbox.json: 107 to create, 0 to update, 0 to delete."
        ),
        "{}",
        first.stdout
    );
    let apply = teamform_in(dir, &["apply", TODAY, "--auto-approve"]);
    assert_eq!(apply.code, 0, "{}{}", apply.stdout, apply.stderr);
    assert!(
        apply.stdout.contains("Applied 107 operation(s)"),
        "{}",
        apply.stdout
    );
    // An unattended apply prints what it applies first, as Terraform does.
    assert!(
        apply.stdout.starts_with(
            "Plan for sandbox:.teamform/sandbox.json: 107 to create, 0 to update, 0 to delete.\n\nAccess risk: 5 critical (4 users)"
        ),
        "{}",
        apply.stdout
    );
    let again = teamform_in(dir, &["plan", TODAY, "--detailed-exitcode"]);
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    assert!(again.stdout.starts_with("No changes"), "{}", again.stdout);
    let state = sandbox(dir);
    assert_eq!(state["users"].as_array().map(Vec::len), Some(40));
    assert_eq!(state["teams"].as_array().map(Vec::len), Some(15));
    // Camille's primary team is Sales France, by id.
    let teams = state["teams"].as_array().cloned().unwrap_or_default();
    let sales_fr = teams
        .iter()
        .find(|t| t["name"] == "Sales France")
        .map(|t| t["id"].clone());
    let camille = state["users"].as_array().and_then(|u| {
        u.iter()
            .find(|u| u["email"] == "camille.lefevre@acme.example")
            .cloned()
    });
    assert_eq!(camille.map(|c| c["primary_team_id"].clone()), sales_fr);
    // The journal is gone once the apply completed.
    assert!(!dir.join(".teamform/sandbox.json.journal").exists());
    Ok(())
}

#[test]
fn a_change_shows_its_access_diff_and_a_saved_plan_applies() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    assert_eq!(
        teamform_in(dir, &["apply", TODAY, "--auto-approve"]).code,
        0
    );
    // Théo becomes a manager: he gains his team's records.
    let users = dir.join("policies/users/sales.toml");
    edit(
        &users,
        "name = \"Théo Girard\"\nrole = \"sales-rep\"",
        "name = \"Théo Girard\"\nrole = \"sales-manager\"",
    )?;
    let plan = teamform_in(dir, &["plan", TODAY, "-o", "plan.json"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert!(plan.stdout.contains("~ user theo.girard@acme.example \"Théo Girard\"\n      role: \"Sales Rep\" → \"Sales Manager\""), "{}", plan.stdout);
    assert!(
        plan.stdout.contains(
            "~ edit deals: owned → team Sales France (via team sales-fr ← role sales-manager)"
        ),
        "{}",
        plan.stdout
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("plan.json"))?
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "plan files are owner-only");
    }
    let json = teamform_in(dir, &["plan", TODAY, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap_or_default();
    assert_eq!(doc["format_version"], 4);
    assert_eq!(doc["changes"][0]["action"], "update");
    assert_eq!(doc["changes"][0]["kind"], "user");
    assert_eq!(doc["changes"][0]["key"], "theo.girard@acme.example");
    assert_eq!(doc["changes"][0]["automatic"], true);
    assert_eq!(doc["access"][0]["users"][0], "theo.girard@acme.example");
    // The group refers to its grants by position in the document's table.
    let first = doc["access"][0]["gained"][0].as_u64().unwrap_or(u64::MAX) as usize;
    assert!(doc["grants"][first]["grant"]["kind"].is_string(), "{doc}");
    let apply = teamform_in(dir, &["apply", TODAY, "plan.json"]);
    assert_eq!(apply.code, 0, "{}{}", apply.stdout, apply.stderr);
    assert!(
        apply.stdout.contains("Applied 1 operation(s)"),
        "{}",
        apply.stdout
    );
    assert_eq!(
        teamform_in(dir, &["plan", TODAY, "--detailed-exitcode"]).code,
        0
    );
    Ok(())
}

#[test]
fn stale_edited_and_outdated_plans_are_refused_with_exit_3() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    assert_eq!(
        teamform_in(dir, &["apply", TODAY, "--auto-approve"]).code,
        0
    );
    let users = dir.join("policies/users/sales.toml");
    edit(
        &users,
        "name = \"Théo Girard\"\nrole = \"sales-rep\"",
        "name = \"Théo Girard\"\nrole = \"sales-manager\"",
    )?;
    assert_eq!(
        teamform_in(dir, &["plan", TODAY, "-o", "plan.json"]).code,
        0
    );

    // An edited plan.
    let text = std::fs::read_to_string(dir.join("plan.json"))?;
    std::fs::write(
        dir.join("edited.json"),
        text.replace("Sales Manager", "Sales Director"),
    )?;
    let edited = teamform_in(dir, &["apply", TODAY, "edited.json"]);
    assert_eq!(edited.code, 3);
    assert!(
        edited.stderr.contains("checksum does not match"),
        "{}",
        edited.stderr
    );

    // The policy changed since the plan.
    edit(
        &users,
        "name = \"Léa Fontaine\"",
        "name = \"Léa Fontaine-Roux\"",
    )?;
    let outdated = teamform_in(dir, &["apply", TODAY, "plan.json"]);
    assert_eq!(outdated.code, 3);
    assert!(
        outdated
            .stderr
            .contains("the policy changed since the plan"),
        "{}",
        outdated.stderr
    );
    edit(
        &users,
        "name = \"Léa Fontaine-Roux\"",
        "name = \"Léa Fontaine\"",
    )?;

    // Someone changed Théo in the portal since the plan.
    let path = dir.join(".teamform/sandbox.json");
    let live = std::fs::read_to_string(&path)?;
    std::fs::write(
        &path,
        live.replacen("\"Théo Girard\"", "\"Theo Girard\"", 1),
    )?;
    let stale = teamform_in(dir, &["apply", TODAY, "plan.json"]);
    assert_eq!(stale.code, 3, "{}{}", stale.stdout, stale.stderr);
    assert!(
        stale
            .stderr
            .contains("user `theo.girard@acme.example` changed in the portal since the plan"),
        "{}",
        stale.stderr
    );
    // Nothing was changed by the refusals.
    assert_eq!(
        std::fs::read_to_string(&path)?,
        live.replacen("\"Théo Girard\"", "\"Theo Girard\"", 1)
    );
    Ok(())
}

#[test]
fn removals_beyond_the_ratio_need_acknowledgement() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    assert_eq!(
        teamform_in(dir, &["apply", TODAY, "--auto-approve"]).code,
        0
    );
    // Removing every sales user (16 of 40) is more than a quarter of the users.
    std::fs::remove_file(dir.join("policies/users/sales.toml"))?;
    let refused = teamform_in(dir, &["apply", TODAY, "--auto-approve"]);
    assert_eq!(refused.code, 3, "{}{}", refused.stdout, refused.stderr);
    assert!(
        refused
            .stderr
            .contains("more than `max_removal_ratio = 0.25` allows"),
        "{}",
        refused.stderr
    );
    assert!(
        refused
            .stderr
            .contains("removes 16 of 40 users and 0 of 15 teams"),
        "{}",
        refused.stderr
    );
    let n = "16";
    let wrong = teamform_in(
        dir,
        &["apply", TODAY, "--auto-approve", "--allow-removals", "1"],
    );
    assert_eq!(wrong.code, 3);
    let ok = teamform_in(
        dir,
        &["apply", TODAY, "--auto-approve", "--allow-removals", n],
    );
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert_eq!(sandbox(dir)["users"].as_array().map(Vec::len), Some(24));
    Ok(())
}

#[test]
fn a_second_apply_is_refused_while_the_portal_is_locked() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    std::fs::create_dir_all(dir.join(".teamform"))?;
    let lock = std::fs::File::create(dir.join(".teamform/sandbox.json.lock"))?;
    lock.try_lock().map_err(std::io::Error::other)?;
    let run = teamform_in(dir, &["apply", TODAY, "--auto-approve"]);
    assert_eq!(run.code, 4, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("locked by another teamform process"),
        "{}",
        run.stderr
    );
    drop(lock);
    assert_eq!(
        teamform_in(dir, &["apply", TODAY, "--auto-approve"]).code,
        0
    );
    Ok(())
}

#[test]
fn a_corrupt_sandbox_is_refused_and_kept() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    std::fs::create_dir_all(dir.join(".teamform"))?;
    std::fs::write(
        dir.join(".teamform/sandbox.json"),
        "{\"format\": \"teamform-sandbox\", \"format_version\": 7}",
    )?;
    let run = teamform_in(dir, &["plan", TODAY]);
    assert_eq!(run.code, 4);
    assert!(run.stderr.contains("format version 7"), "{}", run.stderr);
    assert!(
        std::fs::read_to_string(dir.join(".teamform/sandbox.json"))?
            .contains("\"format_version\": 7")
    );
    Ok(())
}

#[test]
fn target_limits_the_plan_to_an_object_and_its_dependencies() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    let run = teamform_in(
        dir,
        &[
            "plan",
            TODAY,
            "--format",
            "json",
            "--target",
            "user:camille.lefevre@acme.example",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_default();
    let addresses: Vec<String> = doc["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            format!(
                "{}:{}",
                c["kind"].as_str().unwrap_or(""),
                c["key"].as_str().unwrap_or("")
            )
        })
        .collect();
    // Camille, her primary and additional teams with their parents, and her role; nothing else.
    assert_eq!(
        addresses,
        [
            "team:sales",
            "team:sales-fr",
            "team:marketing",
            "team:events",
            "role:sales-manager",
            "user:camille.lefevre@acme.example"
        ]
    );
    let bad = teamform_in(dir, &["plan", TODAY, "--target", "sales-fr"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr
            .contains("`sales-fr` is not `KIND:KEY` (KIND is team, role, user or asset)"),
        "{}",
        bad.stderr
    );
    let bad = teamform_in(dir, &["plan", TODAY, "--exclude", "group:sales-fr"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("`group:sales-fr` is not"),
        "{}",
        bad.stderr
    );
    Ok(())
}
