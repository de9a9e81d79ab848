//! Every kind of expectation on the fixtures of its code (`tests/fixtures/TF030x/`, each with
//! passing and failing expectations): how many pass, and the failures as rendered, related
//! labels (the `why` chain) included, snapshotted in every output format.

use std::path::{Path, PathBuf};
use teamform_compiler::{Compiled, Options, compile};
use teamform_diagnostics::render::{Format, HumanOptions, render};
use teamform_expect::Report;
use teamform_model::{Date, LoadResult, load_dir};

fn fixture(code: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(code)
}

fn run(code: &str) -> (LoadResult, Compiled, Report) {
    let dir = fixture(code);
    let mut load = load_dir(&dir);
    let compiled = compile(
        &load,
        Options {
            today: Date {
                year: 2026,
                month: 11,
                day: 25,
            },
        },
    );
    let suite = teamform_expect::load_dir(&teamform_expect::tests_dir(&dir), &mut load.sources);
    let mut report = teamform_expect::run(&load.policy, &compiled, &suite);
    // A fixture with a saved plan checks the expectations about it too.
    if let Ok(plan) = teamform_expect::load_plan(&dir.join("plan.json")) {
        let more = teamform_expect::check_plan(&suite.expectations, &plan);
        report.checked += more.checked;
        report.passed += more.passed;
        report.failed += more.failed;
        report.diagnostics.extend(more.diagnostics);
    }
    (load, compiled, report)
}

/// The report rendered in `format`, with paths relative to the fixture directory.
fn rendered(code: &str, format: Format) -> String {
    let (load, _, report) = run(code);
    let mut out = Vec::new();
    let options = HumanOptions {
        color: false,
        width: 100,
    };
    let result = render(
        format,
        &report.diagnostics,
        &load.sources,
        &options,
        &mut out,
    );
    assert!(result.is_ok());
    let prefix = fixture(code).display().to_string();
    String::from_utf8_lossy(&out)
        .replace(&format!("{prefix}/"), "")
        .replace(&prefix, ".")
}

fn counts(code: &str) -> (usize, usize) {
    let (_, _, report) = run(code);
    (report.passed, report.failed)
}

#[test]
fn can() {
    assert_eq!(counts("TF0301"), (1, 2));
    insta::assert_snapshot!(rendered("TF0301", Format::Human));
}

#[test]
fn cannot() {
    assert_eq!(counts("TF0302"), (2, 2));
    insta::assert_snapshot!(rendered("TF0302", Format::Human));
}

#[test]
fn only() {
    assert_eq!(counts("TF0303"), (1, 2));
    insta::assert_snapshot!(rendered("TF0303", Format::Human));
}

#[test]
fn sees() {
    assert_eq!(counts("TF0304"), (1, 2));
    insta::assert_snapshot!(rendered("TF0304", Format::Human));
}

#[test]
fn not_sees() {
    assert_eq!(counts("TF0305"), (1, 1));
    insta::assert_snapshot!(rendered("TF0305", Format::Human));
}

#[test]
fn plan() {
    assert_eq!(counts("TF0306"), (1, 1));
    insta::assert_snapshot!(rendered("TF0306", Format::Human));
}

#[test]
fn invalid() {
    assert_eq!(counts("TF0300"), (0, 6));
    insta::assert_snapshot!(rendered("TF0300", Format::Human));
}

#[test]
fn every_format_carries_the_why_chain() {
    insta::assert_snapshot!("cannot_json", rendered("TF0302", Format::Json));
    insta::assert_snapshot!("cannot_github", rendered("TF0302", Format::Github));
    let sarif = rendered("TF0302", Format::Sarif);
    let value: serde_json::Value = serde_json::from_str(&sarif).unwrap_or_default();
    insta::assert_json_snapshot!("cannot_sarif", value["runs"][0]["results"]);
}

/// The codes and 1-based lines of what `parse` reports on `text`.
fn read_problems(text: &str) -> (usize, Vec<(String, u32, String)>) {
    let mut sources = teamform_diagnostics::SourceMap::new();
    let id = sources.add(teamform_diagnostics::SourceFile::new("t.toml", text));
    let (expectations, diags) = teamform_expect::parse(id, text);
    let problems = diags
        .iter()
        .map(|d| {
            let line = d
                .main_span()
                .and_then(|s| sources.locate(s))
                .map_or(0, |(_, lc)| lc.line);
            (d.code.to_string(), line, d.message.clone())
        })
        .collect();
    (expectations.len(), problems)
}

#[test]
fn a_malformed_test_file_gets_clear_diagnostics_and_no_guess() {
    let (n, problems) = read_problems("[[can]]\nuser = \"a@x.example\"\npermission = \n");
    assert_eq!(n, 0);
    assert_eq!(problems.len(), 1);
    assert_eq!((problems[0].0.as_str(), problems[0].1), ("TF0001", 3));

    let text = "[[cannot]]\nrole = \"rep\"\npermision = \"account.export\"\n\n[[sees]]\nuser = 3\nasset = \"form.x\"\n\n[[can]]\nuser = \"a@x.example\"\npermission = \"account.exports\"\n\n[[cna]]\nuser = \"a@x.example\"\n\n[[only]]\npermission = \"account.export\"\nat_most = -1\n\n[[can]]\nuser = \"a@x.example\"\npermission = \"crm.deals.view\"\nat_least = \"teams\"\n\n[[cannot]]\nrole = \"rep\"\n";
    let (n, problems) = read_problems(text);
    assert_eq!(n, 0, "{problems:?}");
    let got: Vec<(&str, u32)> = problems.iter().map(|(c, l, _)| (c.as_str(), *l)).collect();
    assert_eq!(
        got,
        [
            ("TF0002", 3),
            ("TF0003", 6),
            ("TF0004", 11),
            ("TF0002", 13),
            ("TF0004", 18),
            ("TF0004", 23),
            ("TF0006", 25),
        ],
        "{problems:#?}"
    );
    assert_eq!(
        problems[0].2,
        "unknown field `permision` in a `[[cannot]]` expectation"
    );
    assert_eq!(problems[3].2, "unknown field `cna` in a test file");
    assert_eq!(
        problems[6].2,
        "a `[[cannot]]` expectation has no `permission`"
    );
}
