//! Property test of incremental compilation: after any sequence of random edits of the demo
//! policy's user files (values replaced as one types them, characters inserted or deleted,
//! tables duplicated), a compilation kept up to date by `Incremental::edit` (or compiled
//! afresh when it declines, as the language server does) equals a fresh `compile`: the same
//! policy, the same diagnostics in the same order, the same index, graph and access.
//!
//! The edits reach what is kept across edits: super-admin counts beyond `max_super_admins`,
//! seats beyond capacity, both deny rules of the demo and one more (a role that exports, given
//! in and out of the sales tree), an ignore glob that matches a user; and, in the mixed
//! variant of the demo, a users file that also holds a team and an offboarded user after its
//! users, whose spans must follow edits of the users before them.

// A test stops with a clear message when its setup fails.
#![allow(clippy::expect_used)]

use proptest::prelude::*;
use teamform_compiler::{Compiled, Incremental, Options, compile};
use teamform_diagnostics::{FileId, SourceFile, SourceMap};
use teamform_model::{Date, LoadResult, ParsedFile, load_parsed, load_sources, parse_one};

const TODAY: Date = Date {
    year: 2026,
    month: 11,
    day: 25,
};

/// The demo policy's files, by path relative to the policy directory, in load order.
fn demo() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies");
    teamform_model::discover(&dir)
        .expect("the demo policy")
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read");
            let name = p.strip_prefix(&dir).expect("inside").display().to_string();
            (name, text)
        })
        .collect()
}

/// The demo with more for edits to reach: a role that exports (held by nobody yet), users
/// that an ignore glob matches, and in `users/web.toml`, after its users, a team and an
/// offboarded user.
fn mixed() -> Vec<(String, String)> {
    let mut files = demo();
    for (path, text) in &mut files {
        match path.as_str() {
            "roles.toml" => text.push_str(
                "\n[role.exporter]\nname = \"Exporter\"\ncrm.contacts = { view = \"everything\", edit = \"everything\" }\naccount = { export = true }\n",
            ),
            "portal.toml" => text.push_str("\n[portal.manage]\nignore_users = [\"t*@acme.example\"]\n"),
            "users/web.toml" => text.push_str(
                "\n[team.web-extra]\nname = \"Web Extra\"\nparent = \"web\"\n\n[offboard.\"gone@acme.example\"]\nsuccessor = \"anais.petit@acme.example\"\nreason = \"left\"\n",
            ),
            _ => {}
        }
    }
    files
}

fn load(files: &[(String, String)]) -> LoadResult {
    let mut sources = SourceMap::new();
    for (path, text) in files {
        sources.add(SourceFile::new(path.clone(), text.as_str()));
    }
    load_sources(sources)
}

/// One edit: which user file, which value or byte (taken modulo what there is), and what.
#[derive(Clone, Debug)]
enum Edit {
    /// A quoted value on a `role`, `team`, `teams` or `seats` line replaced.
    Value(usize, usize, &'static str),
    /// `super_admin = true` added to a user table, or removed.
    SuperAdmin(usize, usize),
    /// A character inserted at a byte.
    Insert(usize, usize, char),
    /// A few bytes deleted.
    Delete(usize, usize, usize),
    /// A user table written twice.
    Duplicate(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let values = prop::sample::select(vec![
        "sales-rep",
        "sales-reps",
        "sales-manager",
        "hr-partner",
        "sales",
        "sales-fr",
        "marketing",
        "nowhere",
        "sales",
        "cms",
        "core",
        "exporter",
        "sales-director",
        "web",
        "",
    ]);
    prop_oneof![
        6 => (0..4usize, any::<usize>(), values).prop_map(|(f, i, v)| Edit::Value(f, i, v)),
        2 => (0..4usize, any::<usize>()).prop_map(|(f, i)| Edit::SuperAdmin(f, i)),
        2 => (0..4usize, any::<usize>(), prop::sample::select(vec!['x', '"', '\n', '[', 'é', ' ']))
            .prop_map(|(f, i, c)| Edit::Insert(f, i, c)),
        1 => (0..4usize, any::<usize>(), 1..4usize).prop_map(|(f, i, n)| Edit::Delete(f, i, n)),
        1 => (0..4usize, any::<usize>()).prop_map(|(f, i)| Edit::Duplicate(f, i)),
    ]
}

/// The text of `text` after `edit`.
fn apply(text: &str, edit: &Edit) -> String {
    match *edit {
        Edit::Value(_, i, value) => {
            let spots: Vec<(usize, usize)> = text
                .lines()
                .scan(0, |at, line| {
                    let start = *at;
                    *at += line.len() + 1;
                    Some((start, line))
                })
                .filter(|(_, l)| {
                    ["role", "team", "teams", "seats"]
                        .iter()
                        .any(|k| l.starts_with(k))
                })
                .filter_map(|(start, l)| {
                    let open = l.find('"')?;
                    let close = l[open + 1..].find('"')? + open + 1;
                    Some((start + open + 1, start + close))
                })
                .collect();
            let Some(&(a, b)) = spots.get(i % spots.len().max(1)) else {
                return text.to_string();
            };
            format!("{}{value}{}", &text[..a], &text[b..])
        }
        Edit::SuperAdmin(_, i) => {
            if let Some(at) = text.find("super_admin = true\n") {
                return format!("{}{}", &text[..at], &text[at + 19..]);
            }
            let headers: Vec<usize> = text.match_indices("\n[user.").map(|(i, _)| i + 1).collect();
            let Some(&h) = headers.get(i % headers.len().max(1)) else {
                return text.to_string();
            };
            let eol = text[h..].find('\n').map_or(text.len(), |n| h + n + 1);
            format!("{}super_admin = true\n{}", &text[..eol], &text[eol..])
        }
        Edit::Insert(_, i, c) => {
            let mut at = i % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            format!("{}{c}{}", &text[..at], &text[at..])
        }
        Edit::Delete(_, i, n) => {
            let mut a = i % (text.len() + 1);
            while !text.is_char_boundary(a) {
                a -= 1;
            }
            let mut b = (a + n).min(text.len());
            while !text.is_char_boundary(b) {
                b += 1;
            }
            format!("{}{}", &text[..a], &text[b..])
        }
        Edit::Duplicate(_, i) => {
            let headers: Vec<usize> = text.match_indices("\n[user.").map(|(i, _)| i + 1).collect();
            let Some(&h) = headers.get(i % headers.len().max(1)) else {
                return text.to_string();
            };
            let end = text[h + 1..].find("\n[").map_or(text.len(), |n| h + n + 2);
            format!("{}{}", &text[..end], &text[h..end])
        }
    }
}

fn file_of(edit: &Edit) -> usize {
    match *edit {
        Edit::Value(f, ..)
        | Edit::SuperAdmin(f, _)
        | Edit::Insert(f, ..)
        | Edit::Delete(f, ..)
        | Edit::Duplicate(f, _) => f,
    }
}

/// Asserts that two compilations are the same, the graph's edges compared as a set.
fn same(a: &Compiled, b: &Compiled) -> Result<(), TestCaseError> {
    prop_assert_eq!(&a.diagnostics, &b.diagnostics);
    let (i, j) = (&a.index, &b.index);
    prop_assert_eq!(&i.users, &j.users);
    prop_assert_eq!(&i.resolved_users, &j.resolved_users);
    prop_assert_eq!(&a.access.users, &b.access.users);
    let (g, h) = (&a.graph, &b.graph);
    prop_assert_eq!(&g.members, &h.members);
    prop_assert_eq!(&g.holders, &h.holders);
    let edges = |c: &Compiled| {
        let mut e: Vec<String> = c
            .graph
            .graph
            .raw_edges()
            .iter()
            .map(|e| format!("{:?} {:?} {:?}", e.source(), e.target(), e.weight))
            .collect();
        e.sort();
        e
    };
    prop_assert_eq!(edges(a), edges(b));
    Ok(())
}

/// Applies `edits` to the user files of `files`, each taken by `state` (or compiled afresh when
/// it declines), and checks after each that `state` equals a fresh compilation. The fresh side
/// parses again only the edited file (`load_parsed` merges the files' parses, the same result
/// as `load_sources`), which keeps thousands of sequences fast in a debug build.
fn replay(files: &mut [(String, String)], edits: &[Edit]) -> Result<(), TestCaseError> {
    let options = Options { today: TODAY };
    let users: Vec<usize> = (0..files.len())
        .filter(|&i| files[i].0.starts_with("users/"))
        .collect();
    let mut parsed: Vec<ParsedFile> = files
        .iter()
        .enumerate()
        .map(|(i, (_, text))| parse_one(FileId(u32::try_from(i).expect("few files")), text))
        .collect();
    let fresh = |files: &[(String, String)], parsed: &[ParsedFile]| {
        let mut sources = SourceMap::new();
        for (path, text) in files {
            sources.add(SourceFile::new(path.clone(), text.as_str()));
        }
        load_parsed(sources, &parsed.iter().collect::<Vec<_>>())
    };
    let mut state = Incremental::new(fresh(files, &parsed), options);
    for edit in edits {
        let f = users[file_of(edit) % users.len()];
        files[f].1 = apply(&files[f].1, edit);
        let id = FileId(u32::try_from(f).expect("few files"));
        parsed[f] = parse_one(id, &files[f].1);
        if !state.edit(id, SourceFile::new(files[f].0.clone(), files[f].1.as_str())) {
            // Compiled afresh, as the language server does: nothing to compare.
            state = Incremental::new(fresh(files, &parsed), options);
            continue;
        }
        let fresh = fresh(files, &parsed);
        prop_assert_eq!(&state.load().policy, &fresh.policy);
        let compiled = compile(&fresh, options);
        same(state.compiled(), &compiled)?;
    }
    Ok(())
}

proptest! {
    // 1,500 sequences of up to 12 edits, on the demo and its mixed variant.
    #![proptest_config(ProptestConfig::with_cases(750))]

    #[test]
    fn incremental_results_equal_a_fresh_compile(edits in prop::collection::vec(edit(), 1..12)) {
        replay(&mut demo(), &edits)?;
    }

    #[test]
    fn incremental_results_equal_a_fresh_compile_with_other_tables_after_users(
        edits in prop::collection::vec(edit(), 1..12)
    ) {
        replay(&mut mixed(), &edits)?;
    }
}

/// How many diagnostics of `state` have the code `code`.
fn count(state: &Incremental, code: &str) -> usize {
    let diags = &state.compiled().diagnostics;
    diags.iter().filter(|d| d.code.as_str() == code).count()
}

/// Replaces the first `from` of file `f` by `to`, takes it into `state` incrementally, and
/// checks the result against a fresh compilation.
fn step(state: &mut Incremental, files: &mut [(String, String)], f: usize, from: &str, to: &str) {
    let text = &mut files[f].1;
    assert!(text.contains(from), "`{from}` is in the file");
    *text = text.replacen(from, to, 1);
    let source = SourceFile::new(files[f].0.clone(), files[f].1.as_str());
    let id = FileId(u32::try_from(f).expect("few files"));
    assert!(
        state.edit(id, source),
        "`{from}` → `{to}` is taken incrementally"
    );
    let fresh = compile(&load(files), state.options());
    assert_eq!(
        state.compiled().diagnostics,
        fresh.diagnostics,
        "`{from}` → `{to}`"
    );
}

#[test]
fn counts_and_deny_rules_follow_edits_of_users() {
    let mut files = mixed();
    let f = files
        .iter()
        .position(|(p, _)| p == "users/sales.toml")
        .expect("users/sales.toml");
    let mut state = Incremental::new(load(&files), Options { today: TODAY });
    let s = &mut state;
    // The rule that only the sales director may edit every contact is broken by the role that
    // exports, which can: one TF0120 from the start.
    let codes = |s: &Incremental| [count(s, "TF0113"), count(s, "TF0114"), count(s, "TF0120")];
    assert_eq!(codes(s), [0, 0, 1]);
    // A third super admin (the maximum), a member of the sales tree: the export rule breaks.
    let (rep, admin) = ("role = \"sales-rep\"\n", "super_admin = true\n");
    step(s, &mut files, f, rep, &format!("{rep}{admin}"));
    assert_eq!(codes(s), [0, 0, 2]);
    // A fourth: one too many.
    let manager = "role = \"sales-manager\"\n";
    step(s, &mut files, f, manager, &format!("{manager}{admin}"));
    assert_eq!(codes(s), [1, 0, 3]);
    step(s, &mut files, f, &format!("{manager}{admin}"), manager);
    step(s, &mut files, f, &format!("{rep}{admin}"), rep);
    assert_eq!(codes(s), [0, 0, 1]);
    // Every sales seat of the file becomes a service seat (the portal has 6), then back.
    let (sales, service) = ("seats = [\"sales\"]", "seats = [\"service\"]");
    while files[f].1.contains(sales) {
        step(s, &mut files, f, sales, service);
    }
    assert_eq!(codes(s), [0, 1, 1]);
    while files[f].1.contains(service) {
        step(s, &mut files, f, service, sales);
    }
    assert_eq!(codes(s), [0, 0, 1]);
    // The role that exports given to a member of the sales tree (the export rule breaks; the
    // other rule now lists them), then taken back.
    step(s, &mut files, f, rep, "role = \"exporter\"\n");
    assert_eq!(codes(s), [0, 0, 2]);
    step(s, &mut files, f, "role = \"exporter\"\n", rep);
    assert_eq!(codes(s), [0, 0, 1]);
}

#[test]
fn a_typo_in_a_role_is_taken_incrementally() {
    let options = Options { today: TODAY };
    let mut files = demo();
    let f = files
        .iter()
        .position(|(p, _)| p == "users/sales.toml")
        .expect("users/sales.toml");
    let mut state = Incremental::new(load(&files), options);
    let id = FileId(u32::try_from(f).expect("few files"));
    for typo in ["role = \"sales-reps\"", "role = \"sales-rep\""] {
        files[f].1 = files[f].1.replacen("role = \"sales-rep\"", typo, 1);
        let source = SourceFile::new(files[f].0.clone(), files[f].1.as_str());
        assert!(state.edit(id, source), "taken incrementally");
        let fresh = compile(&load(&files), options);
        assert_eq!(state.compiled().diagnostics, fresh.diagnostics);
    }
    files[f].1.insert_str(0, "[team.x]\n");
    let source = SourceFile::new(files[f].0.clone(), files[f].1.as_str());
    assert!(!state.edit(id, source), "a new table is compiled afresh");
}
