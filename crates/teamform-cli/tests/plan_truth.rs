//! What the plan tells a reviewer must be true and complete. `plan` evaluates the guardrails
//! `apply` enforces, so that a refusal shows in review, before the merge: removing 13 of the
//! demo's 40 users (more than `max_removal_ratio = 0.25`) is shown first in every format, and
//! `--detailed-exitcode` exits 3. A plan saved from a work tree with uncommitted changes warns
//! that applying it will need `--allow-dirty`. A promotion widens scopes: it reads as scope
//! changes, not as losses beside gains.

mod common;

use common::*;

const TODAY: &str = "--today=2026-11-25";

/// A copy of the demo policy, applied to its sandbox.
fn applied_demo() -> std::io::Result<tempfile::TempDir> {
    let ws = demo_workspace()?;
    let applied = teamform_in(ws.path(), &["apply", TODAY, "--auto-approve"]);
    if applied.code != 0 {
        return Err(std::io::Error::other(format!(
            "applying the demo failed: {}{}",
            applied.stdout, applied.stderr
        )));
    }
    Ok(ws)
}

#[test]
fn plan_shows_that_apply_will_refuse_a_mass_removal() -> std::io::Result<()> {
    let ws = applied_demo()?;
    let dir = ws.path();
    std::fs::remove_file(dir.join("policies/users/marketing.toml"))?;
    std::fs::remove_file(dir.join("policies/users/web.toml"))?;

    let human = teamform_in(dir, &["plan", TODAY, "--detailed-exitcode"]);
    assert_eq!(human.code, 3, "{}{}", human.stdout, human.stderr);
    let first_lines: Vec<&str> = human.stdout.lines().take(4).collect();
    assert_eq!(
        first_lines[2], "Apply will refuse this plan (guardrails):",
        "{}",
        human.stdout
    );
    assert!(
        first_lines[3].contains(
            "the plan removes 13 of 40 users and 0 of 15 teams, more than `max_removal_ratio = 0.25` allows; if this is intended, run again with `--allow-removals 13`"
        ),
        "{}",
        human.stdout
    );

    let markdown = teamform_in(dir, &["plan", TODAY, "--format", "markdown"]);
    let cut = markdown.stdout.find("| kind |").unwrap_or(0);
    assert!(
        markdown.stdout[..cut].contains("**`apply` will refuse this plan**"),
        "{}",
        markdown.stdout
    );
    let json = teamform_in(dir, &["plan", TODAY, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap_or_default();
    assert_eq!(
        doc["refusals"].as_array().map(Vec::len),
        Some(1),
        "{}",
        json.stdout
    );

    // The same refusal at apply, as promised.
    let apply = teamform_in(dir, &["apply", TODAY, "--auto-approve"]);
    assert_eq!(apply.code, 3, "{}{}", apply.stdout, apply.stderr);
    assert!(
        apply.stderr.contains("max_removal_ratio"),
        "{}",
        apply.stderr
    );
    Ok(())
}

#[test]
fn a_plan_saved_from_a_dirty_tree_says_it_will_need_allow_dirty() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    assert!(demo_repo(dir, "policies"));
    let clean = teamform_in(dir, &["plan", TODAY, "-o", "clean.json"]);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    assert!(!clean.stderr.contains("--allow-dirty"), "{}", clean.stderr);
    edit(
        &dir.join("policies/users/sales.toml"),
        "role = \"sales-rep\"",
        "role = \"sales-manager\"",
    )?;
    let dirty = teamform_in(dir, &["plan", TODAY, "-o", "dirty.json"]);
    assert_eq!(dirty.code, 0, "{}", dirty.stderr);
    assert!(
        dirty
            .stderr
            .contains("warning: the policy has uncommitted changes: applying this plan will need `--allow-dirty`"),
        "{}",
        dirty.stderr
    );
    Ok(())
}

#[test]
fn a_promotion_reads_as_widened_scopes_not_as_losses() -> std::io::Result<()> {
    let ws = applied_demo()?;
    let dir = ws.path();
    edit(
        &dir.join("policies/users/sales.toml"),
        "name = \"Théo Girard\"\nrole = \"sales-rep\"",
        "name = \"Théo Girard\"\nrole = \"sales-manager\"",
    )?;
    let plan = teamform_in(dir, &["plan", TODAY]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let out = &plan.stdout;
    assert!(
        out.contains(
            "    ~ edit deals: owned → team Sales France (via team sales-fr ← role sales-manager)"
        ),
        "{out}"
    );
    assert!(
        out.contains("    ~ view contacts: owned → team Sales France"),
        "{out}"
    );
    assert!(!out.contains("- edit own deals"), "{out}");
    assert!(!out.contains("- view own contacts"), "{out}");
    assert!(!out.contains("+ edit deals of team"), "{out}");
    // Access the rep never had is still a plain gain.
    assert!(
        out.contains("    + view tickets of team Sales France"),
        "{out}"
    );
    let json = teamform_in(dir, &["plan", TODAY, "--format", "json", "--expand"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap_or_default();
    let theo = &doc["expanded"][0];
    assert_eq!(theo["user"], "theo.girard@acme.example");
    let deals = theo["changed"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["access"] == "edit deals"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(deals["before"], "owned", "{}", json.stdout);
    assert_eq!(deals["after"], "team Sales France", "{}", json.stdout);
    Ok(())
}

#[test]
fn moving_a_user_shows_who_gains_and_loses_access_to_their_records() -> std::io::Result<()> {
    let ws = applied_demo()?;
    let dir = ws.path();
    edit(
        &dir.join("policies/users/sales.toml"),
        "name = \"Léa Fontaine\"\nrole = \"sales-rep\"\nteam = \"sales-fr\"",
        "name = \"Léa Fontaine\"\nrole = \"sales-rep\"\nteam = \"sales-es\"",
    )?;
    let plan = teamform_in(dir, &["plan", TODAY]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let out = &plan.stdout;
    let section = out
        .split("Access to the records of users whose teams change (1):\n")
        .nth(1)
        .unwrap_or_default();
    let manager = "delete tasks, edit companies, edit contacts, edit deals, edit tasks, view companies, view contacts, view deals, view tasks, view tickets";
    assert_eq!(
        section.lines().collect::<Vec<_>>(),
        [
            "  records owned by lea.fontaine@acme.example",
            &format!("    + jose.garcia@acme.example: {manager}"),
            "    + inigo.fernandez@acme.example, lucia.martinez@acme.example: view companies",
            &format!("    - camille.lefevre@acme.example: {manager}"),
            "    - chloe.moreau@acme.example, theo.girard@acme.example: view companies",
        ],
        "{out}"
    );
    let json = teamform_in(dir, &["plan", TODAY, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap_or_default();
    assert_eq!(doc["records"][0]["owner"], "lea.fontaine@acme.example");
    assert_eq!(
        doc["records"][0]["gained"][0]["users"][0],
        "jose.garcia@acme.example"
    );
    let markdown = teamform_in(dir, &["plan", TODAY, "--format", "markdown"]);
    assert!(
        markdown
            .stdout
            .contains("  - ➖ camille.lefevre@acme.example: delete tasks"),
        "{}",
        markdown.stdout
    );
    Ok(())
}

#[test]
fn a_plan_expectation_fails_a_change_that_hands_out_critical_access() -> std::io::Result<()> {
    let ws = applied_demo()?;
    let dir = ws.path();
    // Without a plan, the expectation about plans is not checked, and that is said.
    let alone = teamform_in(dir, &["test", TODAY]);
    assert_eq!(alone.code, 0, "{}{}", alone.stdout, alone.stderr);
    assert!(
        alone
            .stderr
            .contains("note: 1 `[[plan]]` expectation(s) not checked: pass `--plan FILE`"),
        "{}",
        alone.stderr
    );
    // The marketing manager may now export: a critical grant.
    edit(
        &dir.join("policies/roles.toml"),
        "account = { import = true }",
        "account = { import = true, export = true }",
    )?;
    let plan = teamform_in(dir, &["plan", TODAY, "-o", "plan.json"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let test = teamform_in(dir, &["test", TODAY, "--plan", "plan.json"]);
    assert_eq!(test.code, 1, "{}{}", test.stdout, test.stderr);
    assert!(
        test.stdout
            .contains("the plan gives 1 user `critical` access or higher"),
        "{}",
        test.stdout
    );
    assert!(
        test.stdout.contains(
            "`helene.rousseau@acme.example` gains `account: export` (via role marketing-manager,"
        ),
        "{}",
        test.stdout
    );
    // An edited plan is refused.
    let text = std::fs::read_to_string(dir.join("plan.json"))?;
    std::fs::write(
        dir.join("edited.json"),
        text.replacen("export", "exp0rt", 1),
    )?;
    let edited = teamform_in(dir, &["test", TODAY, "--plan", "edited.json"]);
    assert_eq!(edited.code, 1, "{}", edited.stderr);
    assert!(
        edited.stderr.contains("cannot use the plan"),
        "{}",
        edited.stderr
    );
    Ok(())
}
