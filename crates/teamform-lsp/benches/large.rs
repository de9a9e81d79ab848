//! The keystroke benchmark of issue #20 on the two large layouts: 10,000 users in one file
//! (500 teams, 5,000 assets) and 100,000 users in 10 files (5,000 teams, 50,000 assets). The
//! real server runs over stdio; a client opens one users file and types a typo into a
//! `role = …` reference then removes it, 20 edits, each timed from `didChange` to that file's
//! new `publishDiagnostics`. The time to open the org is compared with the parse floor (every
//! file read and parsed by the `toml` crate alone).

use super::summary;
use super::support::{Client, uri};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use teamform_bench::{OrgSize, generate, write};

/// The edits timed per layout (after three of warm-up).
const EDITS: usize = 20;

/// Runs the benchmark on a layout; `name` labels the output.
pub fn run(name: &str, size: &OrgSize) {
    let files = generate(size, 1);
    let megabytes = files.iter().map(|(_, t)| t.len()).sum::<usize>() as f64 / 1e6;
    println!(
        "{name}: {} users, {} teams, {} roles, {} assets in {} files ({megabytes:.1} MB)",
        size.users,
        size.teams,
        size.roles,
        size.assets,
        files.len()
    );
    let dir = tempfile::tempdir().expect("a temporary directory");
    let policies = dir.path().join("policies");
    write(&policies, &files).expect("the policy is written");
    let paths: Vec<PathBuf> = files.iter().map(|(p, _)| policies.join(p)).collect();
    let floor = (0..3)
        .map(|_| teamform_bench::measure::floor(&paths).expect("the floor"))
        .min()
        .expect("three runs");

    let started = Instant::now();
    let mut client = Client::start(dir.path());
    for path in &paths {
        client.diagnostics_until(&uri(path), <[_]>::is_empty);
    }
    let open = started.elapsed();

    let path = policies.join("users/users-000.toml");
    let text = std::fs::read_to_string(&path).expect("read");
    client.open(&path, &text);
    // The middle of the file, so that tables on both sides of the edit are kept.
    let lines: Vec<&str> = text.lines().collect();
    let (line, column) = lines
        .iter()
        .enumerate()
        .skip(lines.len() / 2)
        .find_map(|(i, l)| l.starts_with("role = \"").then(|| (i, l.len() - 1)))
        .expect("a user with a role");
    let (line, column) = (line as u32, column as u32);
    let edits = super::typos(&mut client, &path, (line, column), &mut 1, EDITS);
    assert!(client.shutdown().success());
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name}: open {:.0} ms, parse floor {:.0} ms ({:.2} × floor)",
        ms(open),
        ms(floor),
        open.as_secs_f64() / floor.as_secs_f64()
    );
    summary(
        &format!("{name}: typo in `role` → publishDiagnostics"),
        edits,
    );
}

/// 10,000 users in one file, 500 teams, 50 roles, 5,000 assets.
pub fn single_file() -> OrgSize {
    OrgSize {
        users: 10_000,
        teams: 500,
        max_depth: 6,
        roles: 50,
        assets: 5_000,
        users_per_file: 10_000,
    }
}
