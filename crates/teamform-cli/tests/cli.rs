//! End-to-end tests of the `teamform` binary: exit codes, stdout and stderr of each command on
//! the shipped policies and examples.

mod common;

use common::*;

const TODAY: &str = "--today=2026-11-25";

#[test]
fn the_demo_policy_and_every_example_are_valid_without_warnings() {
    let mut dirs = vec!["policies".to_string()];
    for entry in std::fs::read_dir(root().join("examples"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().to_string();
        if entry.path().is_dir() && name != "broken" {
            dirs.push(format!("examples/{name}"));
        }
    }
    assert!(
        dirs.len() >= 5,
        "the demo and at least four examples: {dirs:?}"
    );
    for dir in dirs {
        let run = teamform(&["validate", "--deny-warnings", TODAY, "--policies", &dir]);
        assert_eq!(run.code, 0, "{dir}:\n{}{}", run.stdout, run.stderr);
        assert!(
            run.stdout.ends_with("no problems found\n"),
            "{dir}: {}",
            run.stdout
        );
    }
}

#[test]
fn validate_broken_human() {
    let run = teamform(&["validate", TODAY, "--policies", "examples/broken"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn validate_broken_json() {
    let run = teamform(&[
        "validate",
        TODAY,
        "--format",
        "json",
        "-p",
        "examples/broken",
    ]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn validate_broken_github() {
    let run = teamform(&[
        "validate",
        TODAY,
        "--format",
        "github",
        "-p",
        "examples/broken",
    ]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn validate_broken_sarif_has_one_result_per_diagnostic() {
    let json = teamform(&[
        "validate",
        TODAY,
        "--format",
        "json",
        "-p",
        "examples/broken",
    ]);
    let sarif = teamform(&[
        "validate",
        TODAY,
        "--format",
        "sarif",
        "-p",
        "examples/broken",
    ]);
    assert_eq!(sarif.code, 1);
    let j: serde_json::Value = serde_json::from_str(&json.stdout).unwrap_or_default();
    let s: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap_or_default();
    let results = s["runs"][0]["results"].as_array().map_or(0, Vec::len);
    let diags = j["diagnostics"].as_array().map_or(usize::MAX, Vec::len);
    assert_eq!(results, diags);
    assert_eq!(s["version"], "2.1.0");
}

#[test]
fn warnings_pass_unless_denied() {
    let dir = tempfile::tempdir();
    let Ok(dir) = dir else { return };
    let policy = "[portal]\nname = \"p\"\n[team.a]\nname = \"A\"\n[role.r]\nname = \"R\"\n\
        [user.\"a@x.example\"]\nname = \"A\"\nrole = \"r\"\nteam = \"a\"\n\
        [asset.form.f]\nname = \"F\"\n";
    let written = std::fs::write(dir.path().join("p.toml"), policy);
    assert!(written.is_ok());
    let path = dir.path().to_string_lossy().to_string();
    let run = teamform(&["validate", TODAY, "-p", &path]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("TF0116"), "{}", run.stdout);
    assert!(
        run.stdout.ends_with("0 errors, 1 warning\n"),
        "{}",
        run.stdout
    );
    let denied = teamform(&["validate", TODAY, "--deny-warnings", "-p", &path]);
    assert_eq!(denied.code, 1);
}

#[test]
fn a_missing_directory_is_a_clear_error() {
    let run = teamform(&["validate", TODAY, "-p", "no/such/dir", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("cannot read the policy directory `no/such/dir`"),
        "{}",
        run.stdout
    );
}

#[test]
fn explain_prints_the_documentation() {
    let run = teamform(&["explain", "TF0102"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with("# TF0102 unknown-team\n"),
        "{}",
        run.stdout
    );
    for section in [
        "## What it does",
        "## Why is this bad",
        "## Example",
        "## Fix",
    ] {
        assert!(run.stdout.contains(section));
    }
    let by_name = teamform(&["explain", "unknown-team"]);
    assert_eq!(by_name.stdout, run.stdout);
    let list = teamform(&["explain"]);
    assert!(list.stdout.lines().count() >= 30);
    let bad = teamform(&["explain", "TF0103x"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("did you mean `TF0103`?"),
        "{}",
        bad.stderr
    );
}

#[test]
fn why_shows_the_chain_with_places() {
    let run = teamform(&[
        "why",
        "camille.lefevre@acme.example",
        "deals",
        "edit",
        TODAY,
    ]);
    insta::assert_snapshot!(format!("exit {}\n{}{}", run.code, run.stdout, run.stderr));
}

#[test]
fn who_can_lists_users() {
    let run = teamform(&[
        "who-can",
        "edit",
        "contacts",
        "--owned-by",
        "theo.girard@acme.example",
        TODAY,
    ]);
    insta::assert_snapshot!(format!("exit {}\n{}{}", run.code, run.stdout, run.stderr));
}

#[test]
fn queries_on_an_invalid_policy_refuse() {
    let run = teamform(&["who-can", "view", "deals", TODAY, "-p", "examples/broken"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("the policy is invalid"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_user_gets_a_suggestion() {
    let run = teamform(&["why", "camille.lefevre@acme.exampl", "deals", "edit", TODAY]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("did you mean `camille.lefevre@acme.example`?"),
        "{}",
        run.stderr
    );
}
