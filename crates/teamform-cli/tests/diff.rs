//! `teamform diff` on a real git repository: revisions read from objects, the work tree as
//! the default head, errors reported with their revision.

mod common;

use common::*;

const TODAY: &str = "--today=2026-11-25";

/// The short commit id `teamform diff` names a revision by.
fn rev(dir: &std::path::Path, name: &str) -> String {
    git_output(dir, &["rev-parse", "--short=8", name])
}

#[test]
fn diff_between_revisions_and_against_the_work_tree() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    assert!(demo_repo(dir, "."));
    assert!(git(dir, &["checkout", "-q", "-b", "promote-theo"]));
    let users = dir.join("policies/users/sales.toml");
    edit(
        &users,
        "name = \"Théo Girard\"\nrole = \"sales-rep\"",
        "name = \"Théo Girard\"\nrole = \"sales-manager\"",
    )?;
    assert!(git(dir, &["commit", "-q", "-am", "Promote Théo"]));

    let run = teamform_in(
        dir,
        &["diff", "HEAD~1", "HEAD", TODAY, "--detailed-exitcode"],
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let (base, head) = (rev(dir, "HEAD~1"), rev(dir, "HEAD"));
    assert!(
        run.stdout.starts_with(&format!(
            "Changes from {base} to {head}: 0 to create, 1 to update, 0 to delete.\n"
        )),
        "{}",
        run.stdout
    );
    let markdown = teamform_in(dir, &["diff", "HEAD~1", "HEAD", TODAY, "--format=markdown"]);
    assert!(
        markdown
            .stdout
            .starts_with(&format!("### teamform diff from `{base}` to `{head}`\n")),
        "{}",
        markdown.stdout
    );
    assert!(run.stdout.contains("~ user theo.girard@acme.example \"Théo Girard\"\n      role: \"Sales Rep\" → \"Sales Manager\""), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "~ edit deals: owned → team Sales France (via team sales-fr ← role sales-manager)"
        ),
        "{}",
        run.stdout
    );

    let json = teamform_in(dir, &["diff", "HEAD~1", "HEAD", TODAY, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap_or_default();
    assert_eq!(doc["changes"].as_array().map(Vec::len), Some(1));
    assert_eq!(doc["changes"][0]["kind"], "user");
    assert_eq!(doc["access"][0]["users"][0], "theo.girard@acme.example");

    // Default: the merge base with main against the work tree, which has an extra edit.
    edit(
        &users,
        "name = \"Léa Fontaine\"",
        "name = \"Léa Fontaine-Roux\"",
    )?;
    let work = teamform_in(dir, &["diff", TODAY]);
    assert_eq!(work.code, 0, "{}", work.stderr);
    assert!(
        work.stdout.starts_with(&format!(
            "Changes from {base} to work tree: 0 to create, 2 to update, 0 to delete.\n"
        )),
        "{}",
        work.stdout
    );
    assert!(!work.stdout.contains("Plan for"), "{}", work.stdout);
    assert!(
        work.stdout.contains("Théo Girard")
            && work
                .stdout
                .contains("\"Léa Fontaine\" → \"Léa Fontaine-Roux\""),
        "{}",
        work.stdout
    );
    // The work tree was not touched by reading revisions.
    assert!(std::fs::read_to_string(&users)?.contains("Léa Fontaine-Roux"));

    let same = teamform_in(dir, &["diff", "HEAD", "HEAD", TODAY]);
    assert!(
        same.stdout.starts_with("No changes between"),
        "{}",
        same.stdout
    );

    // An invalid policy at a revision is reported with the revision.
    edit(&users, "team = \"sales-fr\"", "team = \"sales-fra\"")?;
    assert!(git(dir, &["commit", "-q", "-am", "Typo"]));
    let bad = teamform_in(dir, &["diff", "HEAD~1", "HEAD", TODAY]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("the policy at "), "{}", bad.stderr);
    assert!(
        bad.stderr.contains(":policies/users/sales.toml"),
        "{}",
        bad.stderr
    );
    assert!(
        bad.stderr.contains("unknown team `sales-fra`"),
        "{}",
        bad.stderr
    );
    Ok(())
}

#[test]
fn blame_names_the_commit_that_granted_each_access() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    assert!(demo_repo(dir, "."));
    let users = dir.join("policies/users/sales.toml");
    edit(
        &users,
        "name = \"Théo Girard\"\nrole = \"sales-rep\"",
        "name = \"Théo Girard\"\nrole = \"sales-manager\"",
    )?;
    assert!(git(dir, &["commit", "-q", "-am", "Promote Théo"]));
    edit(
        &users,
        "name = \"Léa Fontaine\"",
        "name = \"Léa Fontaine-Roux\"",
    )?;
    assert!(git(dir, &["commit", "-q", "-am", "Unrelated rename"]));

    let run = teamform_in(dir, &["blame", "theo.girard@acme.example", TODAY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let deals = run
        .stdout
        .lines()
        .find(|l| l.contains("edit deals of team Sales France"))
        .unwrap_or_default();
    assert!(
        deals.contains("\"Promote Théo\"") && deals.contains("Ana Admin"),
        "{}",
        run.stdout
    );
    let own_view = run
        .stdout
        .lines()
        .find(|l| l.contains("view companies of team Sales France"))
        .unwrap_or_default();
    assert!(!own_view.is_empty(), "{}", run.stdout);
    // Access held since the first commit is attributed to it.
    let forms = run
        .stdout
        .lines()
        .find(|l| l.contains(" see "))
        .unwrap_or_default();
    assert!(forms.contains("\"Demo org\""), "{}", run.stdout);
    Ok(())
}

#[test]
fn blame_of_a_removed_user_names_the_commit_that_removed_them() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    assert!(demo_repo(dir, "."));
    let users = dir.join("policies/users/sales.toml");
    edit(
        &users,
        "name = \"Théo Girard\"\nrole = \"sales-rep\"",
        "name = \"Théo Girard\"\nrole = \"sales-manager\"",
    )?;
    assert!(git(dir, &["commit", "-q", "-am", "Promote Théo"]));
    let promoted = git_output(dir, &["rev-parse", "HEAD"]);
    edit(
        &users,
        "[user.\"theo.girard@acme.example\"]\nname = \"Théo Girard\"\nrole = \"sales-manager\"\nteam = \"sales-fr\"\nseats = [\"sales\"]\n",
        "",
    )?;
    assert!(git(dir, &["commit", "-q", "-am", "Offboard Théo"]));
    let removal = git_output(dir, &["rev-parse", "HEAD"]);
    let date = git_output(
        dir,
        &["log", "-1", "--format=%ad", "--date=format-local:%Y-%m-%d"],
    );
    edit(
        &users,
        "name = \"Léa Fontaine\"",
        "name = \"Léa Fontaine-Roux\"",
    )?;
    assert!(git(dir, &["commit", "-q", "-am", "Unrelated rename"]));

    // Asked in another case, the user is still found.
    let run = teamform_in(dir, &["blame", "Theo.Girard@acme.example", TODAY]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let removed = run
        .stdout
        .lines()
        .find(|l| l.contains("removed in"))
        .unwrap_or_default();
    assert!(
        removed.contains(&removal[..8])
            && removed.contains(&date)
            && removed.contains("Ana Admin")
            && removed.contains("\"Offboard Théo\""),
        "{}",
        run.stdout
    );
    let last = run
        .stdout
        .lines()
        .find(|l| l.contains("last had"))
        .unwrap_or_default();
    assert!(
        last.contains(&promoted[..8])
            && last.contains("role sales-manager (Sales Manager)")
            && last.contains("team sales-fr (Sales France)"),
        "{}",
        run.stdout
    );

    // Someone who never was in the policy is a usage error.
    let run = teamform_in(dir, &["blame", "nobody@acme.example", TODAY]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("no user `nobody@acme.example`")
            && run.stderr.contains("any of the 4 commit(s)"),
        "{}",
        run.stderr
    );
    Ok(())
}
