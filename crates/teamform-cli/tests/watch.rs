//! `teamform watch` as a real process: it prints a frame at start, a new one after every
//! save (atomic renames and invalid TOML mid-edit included), never exits on a policy error,
//! stops on `q`, and draws nothing while nothing changes, also with its input at an end.
//!
//! The tests wait for events (the frame they expect, within a generous deadline), never for
//! fixed times, so that they hold on a loaded machine: a file written in place may be seen
//! half written, and then the frame of the whole file follows.

mod common;

use common::*;
use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Waits for the child to exit, killing it after the deadline; its exit code.
fn exit_code(child: &mut std::process::Child) -> std::io::Result<Option<i32>> {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait()? {
            return Ok(s.code());
        }
        if start.elapsed() > DEADLINE {
            child.kill()?;
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
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
    let (mut child, rx) = start_watch(dir, &["--today=2026-11-25"], &[], Stdio::piped())?;
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
    let typo = until(&rx, "parnet");
    let latency = saved_at.elapsed();
    assert!(typo.contains("unknown field `parnet`"), "{typo}");
    assert!(typo.contains("did you mean `parent`?"), "{typo}");
    eprintln!("save to frame: {} ms", latency.as_millis());

    // Invalid TOML in the middle of an edit: a syntax error, and watch goes on.
    std::fs::write(&teams, format!("{original}\n[team.half\n"))?;
    let broken = until(&rx, "TF0001");
    assert!(broken.contains("[team.half"), "{broken}");

    // A new file added, then the original restored: the plan is back.
    std::fs::write(
        dir.join("policies/extra.toml"),
        "[team.extra]\nname = \"Extra\"\nparent = \"sales\"\n",
    )?;
    std::fs::write(&teams, &original)?;
    let restored = until(&rx, "+ team extra \"Extra\"");
    assert!(
        restored.contains("team `extra` has no members"),
        "{restored}"
    );
    assert!(restored.contains("+ team extra \"Extra\""), "{restored}");

    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(b"q\n")?;
    }
    assert_eq!(exit_code(&mut child)?, Some(0), "watch stops on `q`");
    Ok(())
}

#[test]
fn watch_draws_nothing_until_a_change_also_with_its_input_at_an_end() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    // Standard input at its end from the start, as under a process manager.
    let (mut child, rx) = start_watch(dir, &["--today=2026-11-25"], &[], Stdio::null())?;
    let first = next(&rx);
    assert!(first.contains("no problems found"), "{first}");

    // Nothing changes: no frame. (A frame woken by watch's own reads of the policy came
    // within milliseconds, hundreds a second.)
    let idle = rx.recv_timeout(Duration::from_secs(2));
    assert!(idle.is_err(), "a frame without any change: {idle:?}");

    // The end of input is not the end of watching: a save is still seen.
    let teams = dir.join("policies/teams.toml");
    let original = std::fs::read_to_string(&teams)?;
    atomic_save(
        &teams,
        &original.replacen("parent = \"sales\"", "parnet = \"sales\"", 1),
    )?;
    let typo = until(&rx, "parnet");
    assert!(typo.contains("did you mean `parent`?"), "{typo}");
    // And then it is idle again. (One more frame is allowed: on a loaded machine the events of
    // one save can come in two bursts.)
    let mut more = 0;
    while rx.recv_timeout(Duration::from_secs(2)).is_ok() {
        more += 1;
        assert!(more <= 1, "frames go on without any change");
    }
    let _ = child.kill();
    let _ = child.wait();
    Ok(())
}
