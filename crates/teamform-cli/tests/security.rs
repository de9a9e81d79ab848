//! The security pass, end to end through the binary: a recognisable token appears in no
//! output, error, panic message, plan file, journal or log, whatever goes wrong (faults,
//! a wrong token, an unreachable or non-HTTPS API); and two applies racing on one sandbox
//! portal leave it consistent, one of them refused by the lock.

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Stdio};

const TODAY: &str = "--today=2026-11-25";
const TOKEN: &str = "pat-na1-SECURITY-CANARY-d3adb33f-5ec2e7";
const FRAGMENT: &str = "d3adb33f";

fn run_with_token(dir: &Path, token: &str, args: &[&str]) -> Run {
    teamform_env(
        dir,
        args,
        &[("RUST_BACKTRACE", "1"), ("HUBSPOT_TOKEN", token)],
    )
}

/// Starts `teamform sim` on `state`, logging to `log`, with extra arguments.
fn start(state: &Path, log: &Path, extra: &[&str]) -> std::io::Result<Sim> {
    let log = log.display().to_string();
    let args: Vec<&str> = ["--seed", "7", "--log", log.as_str()]
        .into_iter()
        .chain(extra.iter().copied())
        .collect();
    start_sim(state, TOKEN, &args)
}

/// Every file under `dir`, recursively, with its bytes.
fn all_files(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            all_files(&path, out);
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path.display().to_string(), bytes));
        }
    }
}

fn assert_no_token(what: &str, text: &str) {
    assert!(
        !text.contains(TOKEN),
        "the token leaked into {what}: {text}"
    );
    assert!(
        !text.contains(FRAGMENT),
        "part of the token leaked into {what}: {text}"
    );
}

#[test]
fn the_token_is_in_no_output_error_plan_journal_or_log_whatever_fails() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    let state = dir.join("portal.json");
    let log = dir.join("sim.log");
    let mut runs: Vec<(String, Run)> = Vec::new();
    // A flaky portal: 5xx, 429 and dropped connections on a third of the requests.
    let sim = start(&state, &log, &["--fail-rate", "0.3"])?;
    let base = sim.base.clone();
    let hub = ["--portal", "hubspot", "--api-base", base.as_str()];
    for args in [
        &["validate", TODAY][..],
        &["plan", TODAY, "-o", "plan.json"][..],
        &["apply", TODAY, "plan.json"][..],
        &["apply", TODAY, "--auto-approve"][..],
        &["plan", TODAY, "--format", "json"][..],
    ] {
        let args = [args, &hub[..]].concat();
        runs.push((args.join(" "), run_with_token(dir, TOKEN, &args)));
    }
    drop(sim);
    // A wrong token (401), an API that is not listening, and one that is not HTTPS.
    let strict = start(&state, &log, &[])?;
    let base = strict.base.clone();
    let wrong = format!("{TOKEN}-wrong");
    let args = [
        "plan",
        TODAY,
        "--portal",
        "hubspot",
        "--api-base",
        base.as_str(),
    ];
    runs.push((
        "wrong token".to_string(),
        run_with_token(dir, &wrong, &args),
    ));
    drop(strict);
    for api in [
        "http://127.0.0.1:9",
        "http://portal.example.com",
        "https://[::1",
    ] {
        let args = [
            "apply",
            TODAY,
            "--auto-approve",
            "--portal",
            "hubspot",
            "--api-base",
            api,
        ];
        runs.push((format!("api {api}"), run_with_token(dir, TOKEN, &args)));
    }
    // A token with a stray newline, as pasted into a CI secret.
    let pasted = format!("{TOKEN}\n");
    let args = [
        "plan",
        TODAY,
        "--portal",
        "hubspot",
        "--api-base",
        "http://127.0.0.1:9",
    ];
    runs.push((
        "pasted token".to_string(),
        run_with_token(dir, &pasted, &args),
    ));

    assert!(
        runs.iter().any(|(_, r)| r.code == 0),
        "at least one run got through the faults: {}",
        runs.iter()
            .map(|(a, r)| format!("{a}: {} {}", r.code, r.stderr))
            .collect::<Vec<_>>()
            .join("\n")
    );
    for (args, run) in &runs {
        assert_no_token(&format!("the output of `{args}`"), &run.stdout);
        assert_no_token(&format!("the errors of `{args}`"), &run.stderr);
        assert!(
            !run.stderr.contains("panicked"),
            "`{args}` panicked: {}",
            run.stderr
        );
    }
    let mut files = Vec::new();
    all_files(dir, &mut files);
    assert!(files.iter().any(|(p, _)| p.ends_with("plan.json")));
    assert!(files.iter().any(|(p, _)| p.ends_with("sim.log")));
    for (path, bytes) in &files {
        assert_no_token(path, &String::from_utf8_lossy(bytes));
    }
    Ok(())
}

#[test]
fn two_applies_racing_on_one_sandbox_leave_it_consistent() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    for round in 0..3 {
        if round > 0 {
            // A change for the next round, so that both applies have work to race over.
            let name = |r: usize| match r {
                0 => "Sales France".to_string(),
                r => format!("Sales France {r}"),
            };
            let old = match round {
                1 => format!("name = \"{}\"", name(0)),
                r => format!(
                    "name = \"{}\"\npreviously = \"{}\"",
                    name(r - 1),
                    name(r - 2)
                ),
            };
            let new = format!(
                "name = \"{}\"\npreviously = \"{}\"",
                name(round),
                name(round - 1)
            );
            edit(&dir.join("policies/teams.toml"), &old, &new)?;
        }
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_teamform"))
                .args(["apply", TODAY, "--auto-approve"])
                .current_dir(dir)
                .env("NO_COLOR", "1")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
        };
        let (a, b) = (spawn()?, spawn()?);
        let (a, b) = (a.wait_with_output()?, b.wait_with_output()?);
        let codes = [a.status.code(), b.status.code()];
        let stderr = format!(
            "{}{}",
            String::from_utf8_lossy(&a.stderr),
            String::from_utf8_lossy(&b.stderr)
        );
        assert!(
            codes.contains(&Some(0)),
            "round {round}: {codes:?} {stderr}"
        );
        for (code, out) in [(codes[0], &a), (codes[1], &b)] {
            if code != Some(0) {
                let text = String::from_utf8_lossy(&out.stderr);
                assert!(
                    text.contains("locked by another teamform process")
                        || text.contains("stale")
                        || text.contains("changed since"),
                    "round {round}: the loser is refused cleanly: {text}"
                );
            }
        }
        let again = teamform_in(dir, &["plan", TODAY, "--detailed-exitcode"]);
        assert_eq!(
            again.code, 0,
            "round {round}: {}{}",
            again.stdout, again.stderr
        );
        let state = sandbox(dir);
        assert_eq!(state["users"].as_array().map(Vec::len), Some(40));
        assert_eq!(state["teams"].as_array().map(Vec::len), Some(15));
    }
    Ok(())
}
