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
fn test_broken_annotates_the_failing_expectations_after_the_policy_errors() {
    let run = teamform(&["test", TODAY, "--format", "github", "-p", "examples/broken"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn test_passes_on_the_demo_and_every_example() {
    for dir in [
        "policies",
        "examples/franchise-branches",
        "examples/geographic-languages",
        "examples/large-marketing",
        "examples/product-brands",
    ] {
        let run = teamform(&["test", TODAY, "-p", dir]);
        assert_eq!(run.code, 0, "{dir}: {}", run.stdout);
        assert!(
            run.stdout.contains(" passed, 0 failed ("),
            "{dir}: {}",
            run.stdout
        );
    }
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

/// Runs `teamform` with `args` at the workspace root, its standard output a pipe closed before
/// the command writes anything (`teamform plan | head` when `head` has had enough).
fn with_stdout_closed(args: &[&str]) -> std::io::Result<Run> {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_teamform"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    drop(child.stdout.take());
    let output = child.wait_with_output()?;
    Ok(Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let portal = format!(
        "--portal=sandbox:{}",
        ws.path().join("portal.json").display()
    );
    let policies = root().join("policies").display().to_string();
    // Each command says on standard error and exits with what it does when its output is
    // read to the end, and nothing more (no panic, no "Broken pipe").
    let cases: [&[&str]; 7] = [
        &["schema"],
        &["explain"],
        &["explain", "TF0102"],
        &["validate", TODAY, "-p", "examples/broken"],
        &["who-can", "view", "contacts", TODAY],
        &["--help"],
        &[
            "plan",
            TODAY,
            "-p",
            &policies,
            "--detailed-exitcode",
            "--portal=sandbox:.teamform/sandbox.json",
        ],
    ];
    for args in cases {
        let read = teamform(args);
        assert!(!read.stdout.is_empty(), "{args:?} prints");
        let closed = with_stdout_closed(args)?;
        assert_eq!(closed.stderr, read.stderr, "{args:?}: standard error");
        assert_eq!(closed.code, read.code, "{args:?}: the exit code");
    }
    // Planning against a sandbox named by `--portal` (written by an apply first).
    let applied = teamform_in(
        ws.path(),
        &["apply", TODAY, "-p", &policies, &portal, "--auto-approve"],
    );
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
    let run = with_stdout_closed(&["plan", TODAY, &portal])?;
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    Ok(())
}

#[test]
fn usage_errors_exit_1_not_the_2_of_changes_pending() {
    let typo = teamform(&["plan", "--detailed-exitcode", "--fromat", "markdown", TODAY]);
    assert_eq!(typo.code, 1, "{}", typo.stderr);
    assert!(
        typo.stderr
            .starts_with("error: unexpected argument '--fromat' found"),
        "{}",
        typo.stderr
    );
    assert!(typo.stderr.contains("'--format'"), "{}", typo.stderr);
    assert_eq!(typo.stdout, "");
    for args in [
        &["plan", "--format", "yaml", "--bogus"][..],
        &["frobnicate"],
        &[],
        &["why", "alice@acme.example"],
    ] {
        let run = teamform(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}: errors go to standard error");
        assert!(run.stderr.contains("Usage: teamform"), "{}", run.stderr);
    }
    let help = teamform(&["plan", "--help"]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains("--detailed-exitcode"),
        "{}",
        help.stdout
    );
    let version = teamform(&["--version"]);
    assert_eq!(version.code, 0);
    assert_eq!(
        version.stdout,
        format!("teamform {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_speaks_to_users_and_offers_debug_only_where_a_portal_is_talked_to() {
    let help = teamform(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.starts_with(
            "Access to a CRM portal, kept as code: validate, plan and apply teams, \
             permission sets, users and asset partitions\n"
        ),
        "{}",
        help.stdout
    );
    // `who-can` reads a portal with `--portal`, to count the users a policy leaves alone.
    let with_portal = [
        "plan",
        "apply",
        "import",
        "init",
        "watch",
        "reconcile",
        "who-can",
    ];
    let without = [
        "validate", "diff", "blame", "sim", "lsp", "schema", "explain", "why",
    ];
    for command in with_portal.iter().chain(&without) {
        let run = teamform(&[command, "--help"]);
        assert_eq!(run.code, 0, "{command}: {}", run.stderr);
        assert_eq!(
            run.stdout.contains("--debug"),
            with_portal.contains(command),
            "{command} --help:\n{}",
            run.stdout
        );
    }
    let refused = teamform(&["schema", "--debug"]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
}
