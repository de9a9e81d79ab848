//! Limits of the compiler: a team tree thousands deep, and a cycle thousands long, compile
//! without recursion (on a small stack) and in reasonable time.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests stop with a clear message.

use std::fmt::Write as _;
use std::time::{Duration, Instant};
use teamform_compiler::{Options, TeamId, compile};
use teamform_diagnostics::{Code, SourceFile, SourceMap};
use teamform_model::{Date, load_sources};

const TODAY: Date = Date {
    year: 2026,
    month: 11,
    day: 25,
};

/// A portal, a role with `team` scope, a chain of `depth` teams (`t0` the root) with one user
/// in each, and, when `cycle`, the root made a child of the deepest team.
fn chain(depth: usize, cycle: bool) -> String {
    let mut text = String::from(
        "[portal]\nname = \"P\"\ntiers = { sales = \"professional\" }\n\
         [role.rep]\nname = \"Rep\"\ncrm.contacts = { view = \"team\" }\n",
    );
    for i in 0..depth {
        let _ = writeln!(text, "[team.t{i}]\nname = \"Team {i}\"");
        if i > 0 {
            let _ = writeln!(text, "parent = \"t{}\"", i - 1);
        } else if cycle {
            let _ = writeln!(text, "parent = \"t{}\"", depth - 1);
        }
        let _ = writeln!(
            text,
            "[user.\"u{i}@acme.example\"]\nname = \"U{i}\"\nrole = \"rep\"\nteam = \"t{i}\""
        );
    }
    text
}

fn compile_on_small_stack(text: String) -> (Vec<Code>, Vec<usize>, Duration) {
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let mut sources = SourceMap::new();
            sources.add(SourceFile::new("policy.toml", text));
            let load = load_sources(sources);
            let start = Instant::now();
            let compiled = compile(&load, Options { today: TODAY });
            let elapsed = start.elapsed();
            let codes = compiled.diagnostics.iter().map(|d| d.code).collect();
            let reach = compiled
                .access
                .users
                .iter()
                .map(|u| u.teams.len())
                .collect();
            (codes, reach, elapsed)
        })
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn a_team_tree_five_thousand_deep_compiles() {
    let depth = 5_000;
    let (codes, reach, elapsed) = compile_on_small_stack(chain(depth, false));
    assert!(codes.is_empty(), "{codes:?}");
    // The user in the root team sees the whole chain; the one in the leaf only their team.
    assert_eq!(reach[0], depth);
    assert_eq!(reach[depth - 1], 1);
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
}

#[test]
fn a_team_cycle_five_thousand_long_is_reported_once() {
    let depth = 5_000;
    let (codes, reach, elapsed) = compile_on_small_stack(chain(depth, true));
    assert_eq!(codes, vec![Code::TeamCycle]);
    // The cycle is broken by dropping its parents: every team stands alone.
    assert!(reach.iter().all(|&n| n == 1));
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
}

#[test]
fn team_ids_index_the_chain_in_file_order() {
    // A guard on the assumption above: the first team of the file is `TeamId(0)`.
    let (_, reach, _) = compile_on_small_stack(chain(3, false));
    assert_eq!(reach, vec![3, 2, 1]);
    assert_eq!(TeamId(0).index(), 0);
}
