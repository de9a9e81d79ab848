//! `teamform reconcile` against a temporary git repository and the sandbox portal: a pushed
//! commit is applied within one interval, drift made by hand is reverted, an invalid commit
//! is never applied, and SIGTERM stops it cleanly.

mod common;

use common::*;
use std::sync::mpsc;

/// Waits for a cycle whose log satisfies `want`.
fn until(
    rx: &mpsc::Receiver<serde_json::Value>,
    want: impl Fn(&serde_json::Value) -> bool,
) -> Option<serde_json::Value> {
    until_line(rx, &mut Vec::new(), want)
}

#[test]
fn reconcile_applies_commits_reverts_drift_and_keeps_the_last_good_commit() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let repo = ws.path();
    assert!(git(repo, &["init", "-q", "-b", "main"]));
    assert!(git(repo, &["add", "."]));
    assert!(git(repo, &["commit", "-q", "-m", "Demo org"]));
    let run_dir = tempfile::tempdir()?;
    let portal = run_dir.path().join("portal.json");
    let spec = format!("sandbox:{}", portal.display());
    let (mut child, stdout) = start_reconcile(repo, &spec, "--today=2026-11-25", run_dir.path())?;
    let rx = json_lines(stdout);

    let first = until(&rx, |v| v["performed"] == 107);
    assert!(first.is_some(), "the first cycle applies the demo org");
    assert!(until(&rx, |v| v["status"] == "ok" && v["changes"] == 0).is_some());

    // A pushed commit is applied within an interval.
    let users = repo.join("policies/users/sales.toml");
    edit(
        &users,
        "name = \"Théo Girard\"\nrole = \"sales-rep\"",
        "name = \"Théo Girard\"\nrole = \"sales-manager\"",
    )?;
    assert!(git(repo, &["commit", "-q", "-am", "Promote Théo"]));
    let promoted = until(&rx, |v| v["performed"] == 1 && v["drift"] == false);
    assert!(promoted.is_some(), "the commit was applied");

    // Drift by hand: Théo's name changed in the portal; the next cycle reverts it.
    let text = std::fs::read_to_string(&portal)?;
    std::fs::write(
        &portal,
        text.replacen("\"Théo Girard\"", "\"T. Girard\"", 1),
    )?;
    let drift = until(&rx, |v| v["drift"] == true && v["performed"] == 1);
    assert!(drift.is_some(), "drift was reverted");
    assert!(std::fs::read_to_string(&portal)?.contains("\"Théo Girard\""));

    // An invalid commit is reported, never applied: the last good commit stays.
    edit(&users, "team = \"sales-fr\"", "team = \"sales-fra\"")?;
    assert!(git(repo, &["commit", "-q", "-am", "Typo"]));
    let invalid = until(&rx, |v| v["status"] == "invalid");
    let invalid = invalid.unwrap_or_default();
    assert!(
        invalid["message"]
            .as_str()
            .unwrap_or_default()
            .contains("unknown team `sales-fra`"),
        "{invalid}"
    );
    assert_ne!(invalid["commit"], invalid["applied_commit"]);
    assert_eq!(invalid["changes"], 0);

    // SIGTERM: a clean stop.
    assert_eq!(terminate(&mut child)?, Some(0), "stops cleanly on SIGTERM");
    Ok(())
}

#[test]
fn reconcile_once_in_report_mode_changes_nothing() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let repo = ws.path();
    assert!(git(repo, &["init", "-q", "-b", "main"]));
    assert!(git(repo, &["add", "."]));
    assert!(git(repo, &["commit", "-q", "-m", "Demo org"]));
    let run_dir = tempfile::tempdir()?;
    let portal = format!("sandbox:{}", run_dir.path().join("portal.json").display());
    let repo_arg = repo.display().to_string();
    let run = teamform_in(
        run_dir.path(),
        &[
            "reconcile",
            "--repo",
            &repo_arg,
            "--portal",
            &portal,
            "--once",
            "--today=2026-11-25",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap_or_default();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["changes"], 107);
    assert_eq!(v["performed"], 0);
    let state = std::fs::read_to_string(run_dir.path().join("portal.json")).unwrap_or_default();
    assert!(!state.contains("Théo"), "report mode wrote nothing");
    Ok(())
}
