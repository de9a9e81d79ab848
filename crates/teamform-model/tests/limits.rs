//! Limits and ordinary-but-awkward input: a byte-order mark, CRLF line endings and invalid
//! UTF-8 must just work with correct line numbers; very long strings, deep nesting, huge files
//! and symbolic links must give clear diagnostics, never a hang, a stack overflow or a memory
//! blow-up.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests stop with a clear message.

use std::path::Path;
use std::time::{Duration, Instant};
use teamform_diagnostics::{Code, Diagnostic, SourceFile, SourceMap};
use teamform_model::{LoadResult, load_dir, load_sources};

const PORTAL: &str = "[portal]\nname = \"P\"\ntiers = { sales = \"professional\" }\n";

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn load_text(text: &str) -> LoadResult {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("policy.toml", text));
    load_sources(sources)
}

/// The code, line and column of every diagnostic.
fn located(result: &LoadResult) -> Vec<(Code, u32, u32)> {
    result
        .diagnostics
        .iter()
        .map(|d: &Diagnostic| {
            let (_, lc) = d.main_span().and_then(|s| result.sources.locate(s)).map_or(
                ("", teamform_diagnostics::LineCol { line: 0, column: 0 }),
                |x| x,
            );
            (d.code, lc.line, lc.column)
        })
        .collect()
}

fn codes(result: &LoadResult) -> Vec<Code> {
    result.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn a_byte_order_mark_is_ordinary_input() {
    let tmp = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(PORTAL.as_bytes());
    bytes.extend_from_slice(b"[team.sales]\nname = \"Sales\"\nbogus = 1\n");
    write(tmp.path(), "portal.toml", &bytes);
    let result = load_dir(tmp.path());
    // The unknown field is on line 6, column 1, as an editor shows it.
    assert_eq!(located(&result), vec![(Code::UnknownField, 6, 1)]);
    assert!(result.policy.portal.is_some());
    assert_eq!(result.policy.teams.len(), 1);
}

#[test]
fn crlf_line_endings_are_ordinary_input_with_correct_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let text =
        format!("{PORTAL}[team.sales]\nname = \"Sales\"\n  bogus = 1\n").replace('\n', "\r\n");
    write(tmp.path(), "portal.toml", text.as_bytes());
    let result = load_dir(tmp.path());
    assert_eq!(located(&result), vec![(Code::UnknownField, 6, 3)]);
    let team = &result.policy.teams[0];
    assert_eq!(
        team.name.as_ref().unwrap().value,
        "Sales",
        "no stray carriage return in values"
    );
}

#[test]
fn crlf_syntax_errors_point_at_the_right_line() {
    let text = format!("{PORTAL}[team.sales]\nname = \"Sales\" \"x\"\n").replace('\n', "\r\n");
    let result = load_text(&text);
    let found = located(&result);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].0, found[0].1), (Code::TomlSyntax, 5));
}

#[test]
fn a_bom_with_crlf_and_invalid_utf8_reports_the_bad_line() {
    let tmp = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(PORTAL.replace('\n', "\r\n").as_bytes());
    bytes.extend_from_slice(b"[team.sales]\r\nname = \"Ventes Fran\xE7ais\"\r\n");
    write(tmp.path(), "portal.toml", &bytes);
    let result = load_dir(tmp.path());
    let found = located(&result);
    assert_eq!(found, vec![(Code::UnreadableFile, 5, 20)]);
}

#[test]
fn a_very_long_string_loads_in_reasonable_time() {
    let long = "é".repeat(8 * 1024 * 1024);
    let text = format!("{PORTAL}[team.sales]\nname = \"{long}\"\n");
    let start = Instant::now();
    let result = load_text(&text);
    assert!(result.diagnostics.is_empty(), "{:?}", codes(&result));
    assert_eq!(
        result.policy.teams[0].name.as_ref().unwrap().value.len(),
        long.len()
    );
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_very_long_key_loads_in_reasonable_time() {
    let key = "k".repeat(4 * 1024 * 1024);
    let text = format!("{PORTAL}[team.{key}]\nname = \"Sales\"\n");
    let result = load_text(&text);
    assert!(result.diagnostics.is_empty(), "{:?}", codes(&result));
}

/// Runs `f` on a thread with a small stack, so that unbounded recursion shows up as a crash
/// here rather than only on some other machine.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

fn assert_refused_as_syntax(text: String) {
    let codes = on_small_stack(move || codes(&load_text(&text)));
    assert_eq!(codes, vec![Code::TomlSyntax]);
}

#[test]
fn deeply_nested_arrays_are_refused_without_overflowing_the_stack() {
    let depth = 100_000;
    assert_refused_as_syntax(format!(
        "{PORTAL}x = {}1{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    ));
}

#[test]
fn unclosed_nested_arrays_are_refused_without_overflowing_the_stack() {
    assert_refused_as_syntax(format!("{PORTAL}x = {}\n", "[".repeat(100_000)));
}

#[test]
fn deeply_nested_inline_tables_are_refused_without_overflowing_the_stack() {
    let depth = 100_000;
    assert_refused_as_syntax(format!(
        "{PORTAL}x = {}1{}\n",
        "{ a = ".repeat(depth),
        " }".repeat(depth)
    ));
}

#[test]
fn very_long_dotted_keys_are_refused_without_overflowing_the_stack() {
    let keys = vec!["a"; 100_000].join(".");
    assert_refused_as_syntax(format!("{PORTAL}{keys} = 1\n"));
    assert_refused_as_syntax(format!("{PORTAL}[{keys}]\n"));
    assert_refused_as_syntax(format!("{PORTAL}[[{keys}]]\n"));
}

#[test]
fn a_huge_file_is_refused_without_being_read() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "portal.toml", PORTAL.as_bytes());
    // A sparse file: large on paper, nothing on disk.
    let huge = std::fs::File::create(tmp.path().join("huge.toml")).unwrap();
    huge.set_len(300 * 1024 * 1024).unwrap();
    let start = Instant::now();
    let result = load_dir(tmp.path());
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(codes(&result), vec![Code::UnreadableFile]);
    let message = &result.diagnostics[0].message;
    assert!(
        message.contains("huge.toml") && message.contains("MiB"),
        "{message}"
    );
    assert!(result.policy.portal.is_some(), "the other files still load");
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_pointing_outside_the_policy_directory_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "secret.toml",
        b"[team.evil]\nname = \"Evil\"\n",
    );
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "portal.toml", PORTAL.as_bytes());
    std::os::unix::fs::symlink(
        outside.path().join("secret.toml"),
        tmp.path().join("teams.toml"),
    )
    .unwrap();
    let result = load_dir(tmp.path());
    assert_eq!(codes(&result), vec![Code::UnreadableFile]);
    assert!(
        result.diagnostics[0].message.contains("outside"),
        "{}",
        result.diagnostics[0].message
    );
    assert!(
        result.policy.teams.is_empty(),
        "the outside file is not read"
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_inside_the_policy_directory_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("shared")).unwrap();
    write(&tmp.path().join("shared"), "portal.txt", PORTAL.as_bytes());
    std::os::unix::fs::symlink("shared/portal.txt", tmp.path().join("portal.toml")).unwrap();
    let result = load_dir(tmp.path());
    assert!(result.diagnostics.is_empty(), "{:?}", codes(&result));
    assert!(result.policy.portal.is_some());
}

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_hang() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "portal.toml", PORTAL.as_bytes());
    std::os::unix::fs::symlink("b.toml", tmp.path().join("a.toml")).unwrap();
    std::os::unix::fs::symlink("a.toml", tmp.path().join("b.toml")).unwrap();
    std::fs::create_dir(tmp.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("..", tmp.path().join("sub/up")).unwrap();
    std::os::unix::fs::symlink(".", tmp.path().join("self.toml")).unwrap();
    let start = Instant::now();
    let result = load_dir(tmp.path());
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(result.policy.portal.is_some());
    // The looping links are not policy files; they are ignored like any dangling link.
    assert!(result.diagnostics.is_empty(), "{:?}", codes(&result));
}

#[test]
fn the_tests_directory_directly_under_the_policy_is_not_policy() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    write(dir.path(), "portal.toml", b"[portal]\nname = \"Acme\"\n");
    std::fs::create_dir_all(dir.path().join("tests")).expect("tests/");
    write(
        dir.path(),
        "tests/reps.toml",
        b"[[cannot]]\nrole = \"rep\"\n",
    );
    std::fs::create_dir_all(dir.path().join("teams/tests")).expect("teams/tests/");
    write(
        dir.path(),
        "teams/tests/qa.toml",
        b"[team.qa]\nname = \"QA\"\n",
    );
    let found = teamform_model::discover(dir.path()).expect("discover");
    let names: Vec<_> = found
        .iter()
        .map(|p| {
            p.strip_prefix(dir.path())
                .unwrap_or(p)
                .display()
                .to_string()
        })
        .collect();
    // Only the top-level `tests/` is left out: a `tests` directory deeper down is policy.
    assert_eq!(names, ["portal.toml", "teams/tests/qa.toml"]);
    let loaded = load_dir(dir.path());
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
}
