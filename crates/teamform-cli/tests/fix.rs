//! `validate --fix` applies the diagnostics' suggestions to the policy files (a misspelt
//! reference, field or value replaced by the one meant), keeping everything else of the files;
//! `--ignore`, `--warn` and `--deny` change which diagnostics count and how.

mod common;

use common::{demo_workspace, edit, teamform_in};

const TODAY: &str = "--today=2026-11-30";

#[test]
fn validate_fix_applies_the_suggestions_and_keeps_the_rest() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    let teams = dir.join("policies/teams.toml");
    let users = dir.join("policies/users");
    // A misspelt field of a team, and a misspelt team reference of a user.
    edit(&teams, "name = \"Web Team\"", "nmae = \"Web Team\"")?;
    let file = std::fs::read_dir(&users)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("team = \"sales-fr\"")))
        .ok_or_else(|| std::io::Error::other("no user of sales-fr"))?;
    edit(&file, "team = \"sales-fr\"", "team = \"sales-frr\"")?;
    let broken_users = std::fs::read_to_string(&file)?;

    let before = teamform_in(dir, &["validate", TODAY]);
    assert_eq!(before.code, 1, "{}", before.stdout);
    assert!(
        before.stdout.contains("did you mean `name`?"),
        "{}",
        before.stdout
    );
    assert!(
        before.stdout.contains("did you mean `sales-fr`?"),
        "{}",
        before.stdout
    );

    let fixed = teamform_in(dir, &["validate", TODAY, "--fix"]);
    assert_eq!(fixed.code, 0, "{}{}", fixed.stdout, fixed.stderr);
    assert!(
        fixed.stderr.contains("Fixed 2 problem(s) in 2 file(s)."),
        "{}",
        fixed.stderr
    );
    let teams_text = std::fs::read_to_string(&teams)?;
    let original = std::fs::read_to_string(common::root().join("policies/teams.toml"))?;
    assert_eq!(teams_text, original, "only the misspelt key changed back");
    assert_eq!(
        std::fs::read_to_string(&file)?,
        broken_users.replacen("team = \"sales-frr\"", "team = \"sales-fr\"", 1)
    );
    let again = teamform_in(dir, &["validate", TODAY, "--fix"]);
    assert_eq!(again.code, 0);
    assert!(again.stderr.contains("Nothing to fix."), "{}", again.stderr);
    Ok(())
}

/// `(code, severity)` of each diagnostic `validate --format json` printed.
fn codes(stdout: &str) -> Vec<(String, String)> {
    let doc: serde_json::Value = serde_json::from_str(stdout).unwrap_or_default();
    doc["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["severity"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn codes_can_be_ignored_warned_or_denied() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    edit(
        &dir.join("policies/teams.toml"),
        "name = \"Web Team\"",
        "nmae = \"Web Team\"",
    )?;
    let validate = |extra: &[&str]| {
        let args: Vec<&str> = [&["validate", TODAY, "--format", "json"][..], extra].concat();
        teamform_in(dir, &args)
    };
    let pair = |c: &str, s: &str| (c.to_string(), s.to_string());
    // The misspelt field, and the team left without its required `name`.
    let plain = validate(&[]);
    assert_eq!(plain.code, 1);
    assert_eq!(
        codes(&plain.stdout),
        [pair("TF0006", "error"), pair("TF0002", "error")]
    );
    let warned = validate(&["--warn", "TF0002", "--warn", "missing-field"]);
    assert_eq!(warned.code, 0, "{}", warned.stdout);
    assert_eq!(
        codes(&warned.stdout),
        [pair("TF0006", "warning"), pair("TF0002", "warning")]
    );
    let ignored = validate(&["--ignore", "unknown-field"]);
    assert_eq!(ignored.code, 1, "{}", ignored.stdout);
    assert_eq!(codes(&ignored.stdout), [pair("TF0006", "error")]);
    let denied = validate(&["--warn", "TF0006", "--ignore", "TF0002", "--deny-warnings"]);
    assert_eq!(denied.code, 1, "{}", denied.stdout);
    let raised = validate(&["--ignore", "TF0002", "--warn", "TF0006", "--deny", "TF0006"]);
    assert_eq!(codes(&raised.stdout), [pair("TF0006", "error")]);

    let bad = teamform_in(dir, &["validate", TODAY, "--ignore", "TF9998"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("`TF9998` is not a diagnostic code"),
        "{}",
        bad.stderr
    );
    Ok(())
}
