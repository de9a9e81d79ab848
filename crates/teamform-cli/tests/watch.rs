//! `teamform watch` as a real process: it prints a frame at start, a new one after every
//! save (atomic renames and invalid TOML mid-edit included), never exits on a policy error,
//! and stops on `q`.

mod common;

use common::*;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const FOOTER: &str = "[watching ";

/// Reads frames (text up to each footer line) from the child's output.
fn frames(stdout: std::process::ChildStdout) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut frame = String::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let done = line.starts_with(FOOTER);
            frame.push_str(&line);
            frame.push('\n');
            if done && tx.send(std::mem::take(&mut frame)).is_err() {
                break;
            }
        }
    });
    rx
}

fn next(rx: &mpsc::Receiver<String>) -> String {
    rx.recv_timeout(Duration::from_secs(20))
        .unwrap_or_else(|_| "(no frame within 20 s)".to_string())
}

/// Saves like an editor: write a temporary file, then rename it over the original.
fn atomic_save(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("toml.swp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

#[test]
fn watch_recompiles_on_every_save_and_survives_bad_input() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    let mut child = Command::new(env!("CARGO_BIN_EXE_teamform"))
        .args(["watch", "--today=2026-11-25"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let Some(stdout) = child.stdout.take() else {
        return Err(std::io::Error::other("no stdout"));
    };
    let rx = frames(stdout);
    let first = next(&rx);
    assert!(first.contains("no problems found"), "{first}");
    assert!(
        first.contains("Plan for sandbox:.teamform/sandbox.json: 107 to create"),
        "{first}"
    );

    // A typo saved atomically: the diagnostic appears.
    let teams = dir.join("policies/teams.toml");
    let original = std::fs::read_to_string(&teams)?;
    let saved_at = Instant::now();
    atomic_save(
        &teams,
        &original.replacen("parent = \"sales\"", "parnet = \"sales\"", 1),
    )?;
    let typo = next(&rx);
    let latency = saved_at.elapsed();
    assert!(typo.contains("unknown field `parnet`"), "{typo}");
    assert!(typo.contains("did you mean `parent`?"), "{typo}");
    eprintln!("save to frame: {} ms", latency.as_millis());

    // Invalid TOML in the middle of an edit: a syntax error, and watch goes on.
    std::fs::write(&teams, format!("{original}\n[team.half\n"))?;
    let broken = next(&rx);
    assert!(broken.contains("TF0001"), "{broken}");

    // A new file added, then the original restored: the plan is back.
    std::fs::write(
        dir.join("policies/extra.toml"),
        "[team.extra]\nname = \"Extra\"\nparent = \"sales\"\n",
    )?;
    let _ = next(&rx);
    std::fs::write(&teams, &original)?;
    let mut restored = next(&rx);
    while !restored.contains("Plan for") {
        restored = next(&rx);
        if restored.starts_with("(no frame") {
            break;
        }
    }
    assert!(
        restored.contains("team `extra` has no members"),
        "{restored}"
    );
    assert!(restored.contains("+ team extra \"Extra\""), "{restored}");

    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(b"q\n")?;
    }
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break Some(s);
        }
        if start.elapsed() > Duration::from_secs(10) {
            child.kill()?;
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.and_then(|s| s.code()), Some(0), "watch stops on `q`");
    Ok(())
}
