//! Helpers shared by the CLI tests: running the binary, temporary policy copies.

#![allow(dead_code)]

pub mod fleet;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What a run printed and returned.
pub struct Run {
    /// The exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `teamform` with `args` in `dir`.
pub fn teamform_in(dir: &Path, args: &[&str]) -> Run {
    teamform_env(dir, args, &[])
}

/// Runs `teamform` with `args` in `dir`, with extra environment variables.
pub fn teamform_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_teamform"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output();
    match output {
        Ok(o) => Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        },
        Err(e) => Run {
            code: -1,
            stdout: String::new(),
            stderr: e.to_string(),
        },
    }
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// A temporary workspace holding a copy of the demo policy in `policies/`.
pub fn demo_workspace() -> std::io::Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    copy_dir(&root().join("policies"), &dir.path().join("policies"))?;
    Ok(dir)
}

/// Replaces `from` by `to` in a file, failing if `from` is absent.
pub fn edit(path: &Path, from: &str, to: &str) -> std::io::Result<()> {
    let text = std::fs::read_to_string(path)?;
    if !text.contains(from) {
        return Err(std::io::Error::other(format!(
            "`{from}` not in {}",
            path.display()
        )));
    }
    std::fs::write(path, text.replacen(from, to, 1))
}

/// The sandbox file's JSON.
pub fn sandbox(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join(".teamform/sandbox.json")).unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_default()
}

/// Runs `git` in `dir` as a fixed author; whether it succeeded.
pub fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Ana Admin")
        .env("GIT_AUTHOR_EMAIL", "ana@acme.example")
        .env("GIT_COMMITTER_NAME", "Ana Admin")
        .env("GIT_COMMITTER_EMAIL", "ana@acme.example")
        .status()
        .is_ok_and(|s| s.success())
}

/// Makes `dir` a git repository on `main` whose one commit, "Demo org", holds `path` (`.` or
/// `policies`); whether every git command succeeded.
pub fn demo_repo(dir: &Path, path: &str) -> bool {
    git(dir, &["init", "-q", "-b", "main"])
        && git(dir, &["add", path])
        && git(dir, &["commit", "-q", "-m", "Demo org"])
}

/// The output of `git ARGS` in `dir` (dates in UTC), trimmed.
pub fn git_output(dir: &Path, args: &[&str]) -> String {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("TZ", "UTC")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// Runs `teamform` with `args` at the workspace root.
pub fn teamform(args: &[&str]) -> Run {
    teamform_in(&root(), args)
}

/// A `teamform sim` process and its base URL (`http://127.0.0.1:PORT`); killed when dropped.
pub struct Sim {
    /// The process.
    pub child: Child,
    /// The base URL it listens on.
    pub base: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `teamform sim` on a free loopback port, serving `state` with `token`, without rate
/// limiting, and with `extra` arguments; fails when it does not print its address first.
pub fn start_sim(state: &Path, token: &str, extra: &[&str]) -> std::io::Result<Sim> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_teamform"))
        .args(["sim", "--listen", "127.0.0.1:0", "--token", token])
        .args(["--rate-limit", "0"])
        .args(extra)
        .arg("--state")
        .arg(state)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take();
    let mut sim = Sim {
        child,
        base: String::new(),
    };
    let Some(stdout) = stdout else {
        return Err(std::io::Error::other("the simulator has no stdout"));
    };
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first)?;
    let Some(base) = first.trim().strip_prefix("listening on ") else {
        return Err(std::io::Error::other(format!(
            "the simulator did not start: {first}"
        )));
    };
    sim.base = base.to_string();
    Ok(sim)
}

/// A sandbox portal `portal.json` in `dir` holding the policies of `dir/POLICIES`, applied by
/// `teamform apply` (to serve through the simulator); fails with the output when it fails.
pub fn seeded_sandbox(dir: &Path, policies: &str) -> std::io::Result<PathBuf> {
    let state = dir.join("portal.json");
    let portal = format!("sandbox:{}", state.display());
    let args = [
        "apply",
        "--today=2026-11-25",
        "--auto-approve",
        "-p",
        policies,
        "--portal",
        &portal,
    ];
    let run = teamform_in(dir, &args);
    if run.code != 0 {
        return Err(std::io::Error::other(format!(
            "seeding the sandbox failed ({}): {}{}",
            run.code, run.stdout, run.stderr
        )));
    }
    Ok(state)
}

/// The last line of a `teamform watch` frame starts with this.
pub const FOOTER: &str = "[watching ";

/// Reads `teamform watch` frames (text up to each footer line) from the child's output.
pub fn frames(stdout: std::process::ChildStdout) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
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

/// Starts `teamform watch` with `args` in `dir` (and `env`), its standard input as `stdin`;
/// the process and its frames.
pub fn start_watch(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Stdio,
) -> std::io::Result<(Child, std::sync::mpsc::Receiver<String>)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_teamform"))
        .arg("watch")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let Some(stdout) = child.stdout.take() else {
        let _ = child.kill();
        return Err(std::io::Error::other("no stdout"));
    };
    Ok((child, frames(stdout)))
}

/// How long to wait for a frame that should come at once; only reached when a test fails.
pub const DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);

/// The next frame, or what was seen instead by the deadline.
pub fn next(rx: &std::sync::mpsc::Receiver<String>) -> String {
    rx.recv_timeout(DEADLINE)
        .unwrap_or_else(|_| format!("(no frame within {DEADLINE:?})"))
}

/// The first frame containing `needle` (frames before it show intermediate states, such as a
/// file written in place seen half written), or what was seen instead by the deadline.
pub fn until(rx: &std::sync::mpsc::Receiver<String>, needle: &str) -> String {
    let start = std::time::Instant::now();
    let mut last = String::from("(no frame)");
    while let Some(left) = DEADLINE.checked_sub(start.elapsed()) {
        match rx.recv_timeout(left) {
            Ok(frame) if frame.contains(needle) => return frame,
            Ok(frame) => last = frame,
            Err(_) => break,
        }
    }
    format!("(no frame with `{needle}` within {DEADLINE:?}; the last one:)\n{last}")
}

/// Starts `teamform reconcile` in apply mode on branch `main` of `repo`, a cycle every 300 ms,
/// against `portal` (a spec), run from `dir` with `today` (`--today=…`): the process and its
/// standard output, one JSON line per cycle.
pub fn start_reconcile(
    repo: &Path,
    portal: &str,
    today: &str,
    dir: &Path,
) -> std::io::Result<(Child, std::process::ChildStdout)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_teamform"))
        .args([
            "reconcile",
            "--branch",
            "main",
            "--interval",
            "300ms",
            "--mode",
            "apply",
            today,
        ])
        .arg("--repo")
        .arg(repo)
        .arg("--portal")
        .arg(portal)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let Some(stdout) = child.stdout.take() else {
        let _ = child.kill();
        return Err(std::io::Error::other("no stdout"));
    };
    Ok((child, stdout))
}

/// The JSON lines of a `teamform reconcile` process's output, as they come.
pub fn json_lines(
    stdout: std::process::ChildStdout,
) -> std::sync::mpsc::Receiver<serde_json::Value> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
            if tx.send(v).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits (up to [`DEADLINE`]) for a JSON line satisfying `want`, keeping every line read in
/// `seen`.
pub fn until_line(
    rx: &std::sync::mpsc::Receiver<serde_json::Value>,
    seen: &mut Vec<serde_json::Value>,
    want: impl Fn(&serde_json::Value) -> bool,
) -> Option<serde_json::Value> {
    let deadline = std::time::Instant::now() + DEADLINE;
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        let v = rx.recv_timeout(left).ok()?;
        seen.push(v.clone());
        if want(&v) {
            return Some(v);
        }
    }
    None
}

/// Sends SIGTERM to `child` and waits for it to end (up to [`DEADLINE`], then kills it);
/// its exit code.
pub fn terminate(child: &mut Child) -> std::io::Result<Option<i32>> {
    let pid = child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status()?;
    if !sent.success() {
        return Ok(None);
    }
    let deadline = std::time::Instant::now() + DEADLINE;
    while std::time::Instant::now() < deadline {
        if let Some(s) = child.try_wait()? {
            return Ok(s.code());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill()?;
    Ok(None)
}
