//! Re-diagnosis after a keystroke on a 10,000-user policy (files of 1,000 users), over stdio:
//! the time from sending `didChange` to receiving the file's new diagnostics, and from an edit
//! to the answer of a hover that follows it. Also, in process, what the pipeline costs: loading
//! every file, loading one user file, and compiling.
//!
//! `cargo bench -p teamform-lsp --bench keystroke`
//!
//! With `-- large`, instead the two large layouts of issue #20 (see `large.rs`):
//! `cargo bench -p teamform-lsp --bench keystroke -- large`.

// A benchmark, like a test, stops with a clear message when its setup fails.
#![allow(clippy::expect_used, clippy::panic)]

mod large;
#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::time::{Duration, Instant};
use support::{Client, uri};
use teamform_bench::{OrgSize, generate, write};
use teamform_diagnostics::{SourceFile, SourceMap};
use teamform_model::{Date, load_sources};

const ROUNDS: usize = 30;

fn summary(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:<48} min {:>6.1} ms  median {:>6.1} ms  p90 {:>6.1} ms  max {:>6.1} ms  (n = {})",
        ms(times[0]),
        ms(at(0.5)),
        ms(at(0.9)),
        ms(times[times.len() - 1]),
        times.len()
    );
}

/// `rounds` keystrokes (after 3 not timed) that type a character at `(line, column)` of
/// `path`, then delete it, each waited for until its diagnostics are published (one while the
/// character is there, none after): the time of each, from the change sent.
fn typos(
    client: &mut Client,
    path: &Path,
    (line, column): (u32, u32),
    version: &mut i32,
    rounds: usize,
) -> Vec<Duration> {
    let target = uri(path);
    let mut times = Vec::new();
    for round in 0..rounds + 3 {
        *version += 1;
        let start = Instant::now();
        if round % 2 == 0 {
            client.insert(path, *version, line, column, "x");
        } else {
            client.delete(path, *version, line, column, column + 1);
        }
        let list = client.diagnostics_at(&target, i64::from(*version));
        assert_eq!(list.len(), usize::from(round % 2 == 0), "{list:?}");
        if round >= 3 {
            times.push(start.elapsed());
        }
    }
    times
}

fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let out = f();
    (start.elapsed(), out)
}

fn main() {
    if std::env::args().any(|a| a == "large") {
        large::run("10k users in one file", &large::single_file());
        large::run("100k users in 10 files", &OrgSize::large());
        return;
    }
    let size = OrgSize {
        users: 10_000,
        teams: 500,
        max_depth: 6,
        roles: 50,
        assets: 5_000,
        users_per_file: 1_000,
    };
    let files = generate(&size, 1);
    let megabytes = files.iter().map(|(_, t)| t.len()).sum::<usize>() as f64 / 1e6;
    println!(
        "policy: {} users, {} teams, {} roles, {} assets in {} files ({megabytes:.1} MB)",
        size.users,
        size.teams,
        size.roles,
        size.assets,
        files.len()
    );

    // In process: the pipeline's parts.
    let sources = |only: Option<&str>| {
        let mut map = SourceMap::new();
        for (path, text) in files.iter().filter(|(p, _)| only.is_none_or(|o| o == p)) {
            map.add(SourceFile::new(path.clone(), text.as_str()));
        }
        map
    };
    let mut load_all = Vec::new();
    let mut load_one = Vec::new();
    let mut compile = Vec::new();
    let today = Date {
        year: 2026,
        month: 11,
        day: 25,
    };
    for _ in 0..10 {
        let (t, load) = time(|| load_sources(sources(None)));
        load_all.push(t);
        let (t, compiled) =
            time(|| teamform_compiler::compile(&load, teamform_compiler::Options { today }));
        compile.push(t);
        assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics.first());
        load_one.push(time(|| load_sources(sources(Some("users/users-004.toml")))).0);
    }
    summary("load_sources, all files", load_all);
    summary("load_sources, one file of 1,000 users", load_one);
    summary("compile", compile);

    // Over stdio, with the server binary.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let policies = dir.path().join("policies");
    write(&policies, &files).expect("the policy is written");
    let started = Instant::now();
    let mut client = Client::start(dir.path());
    for (path, _) in &files {
        client.diagnostics_until(&uri(&policies.join(path)), <[_]>::is_empty);
    }
    println!(
        "initial load, compile and publication: {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    let path = policies.join("users/users-004.toml");
    let text = std::fs::read_to_string(&path).expect("read");
    client.open(&path, &text);
    let (line, column) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.starts_with("team = \"").then(|| (i, l.len() - 1)))
        .expect("a user with a primary team");
    let (line, column) = (line as u32, column as u32);
    let mut version = 1;
    // Type a character into a team key (an unknown team), then delete it (fixed again).
    let publish = typos(&mut client, &path, (line, column), &mut version, ROUNDS);
    summary("keystroke → publishDiagnostics (stdio)", publish);
    let mut hover = Vec::new();
    for round in 0..ROUNDS + 3 {
        // A keystroke in a name, which changes no diagnostic, then a hover on the next line.
        version += 1;
        let start = Instant::now();
        client.insert(
            &path,
            version,
            1,
            8,
            if round % 2 == 0 { "é" } else { "😀" },
        );
        client.at("textDocument/hover", &path, line, column);
        if round >= 3 {
            hover.push(start.elapsed());
        }
    }
    summary("keystroke → hover answered (stdio)", hover);
    assert!(client.shutdown().success());
}
