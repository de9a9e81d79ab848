//! Data-driven tests: one fixture directory per diagnostic code under `tests/fixtures/` at the
//! workspace root, each holding a small policy and `expected.txt`, the diagnostics it must
//! produce (file, line, column, severity, code, message, help). A fixture with a `tests/`
//! directory also runs its access expectations (`teamform test`), whose diagnostics follow
//! the policy's. A fixture with a `portal.json` (a sandbox portal file, with its activity) also
//! builds an access review against it (TF0400–TF0405), and one with `.reviews/PERIOD/` checks
//! those review decisions files (TF0410–TF0415; hidden, so not read as policy, where a
//! repository keeps them in `reviews/` beside the policy directory). The policies are checked
//! as `validate --expiring-within 14d` checks them. Run with `UPDATE_EXPECT=1`
//! to rewrite the expectations after a deliberate change, then review the diff.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use teamform_compiler::{Options, compile};
use teamform_diagnostics::{CODES, Diagnostic, SourceMap};
use teamform_model::{Date, load_dir};

const TODAY: Date = Date {
    year: 2026,
    month: 11,
    day: 25,
};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// Renders diagnostics one per line, with paths relative to the fixture directory.
fn concise(diags: &[Diagnostic], sources: &SourceMap, root: &Path) -> String {
    let mut out = String::new();
    let prefix = root.display().to_string();
    for d in diags {
        let place = d
            .main_span()
            .and_then(|s| sources.locate(s))
            .map(|(file, lc)| {
                let file = file
                    .strip_prefix(&prefix)
                    .unwrap_or(file)
                    .trim_start_matches('/');
                format!("{file}:{}:{}", lc.line, lc.column)
            })
            .unwrap_or_else(|| "-".to_string());
        let _ = writeln!(
            out,
            "{place}: {}[{}] {}",
            d.severity.as_str(),
            d.code,
            d.message
        );
        if let Some(help) = d.help_text() {
            let _ = writeln!(out, "    help: {help}");
        }
    }
    // Paths inside messages are shown as reached from the policy directory: keep the
    // expectations independent of where the repository is checked out.
    out.replace(&format!("{prefix}/"), "").replace(&prefix, ".")
}

/// The findings of a review against the fixture's `portal.json`, and the diagnostics of its
/// `.reviews/*/` decisions files; the decisions files are added to the sources.
fn review(
    dir: &Path,
    policy: &teamform_model::Policy,
    compiled: &teamform_compiler::Compiled,
    sources: &mut SourceMap,
) -> Result<Vec<Diagnostic>, String> {
    use teamform_portal::activity::{Activity, Instant};
    let mut out = Vec::new();
    let portal = dir.join("portal.json");
    if portal.is_file() {
        let bytes = std::fs::read(&portal).map_err(|e| e.to_string())?;
        let file = teamform_portal::sandbox::parse(&bytes)?;
        let now = Instant::from_date(TODAY);
        let activity = Activity::from_file(&file.activity, now.days_before(90), now);
        let built = teamform_review::build(&teamform_review::Input {
            policy,
            compiled,
            live: &file.state,
            activity: &activity,
            now,
            options: teamform_review::ReviewOptions::default(),
            portal: "fixture".to_string(),
            policy_ref: teamform_review::PolicyRef {
                hash: String::new(),
                commit: None,
                dirty: false,
            },
        });
        out.extend(built.diagnostics);
    }
    let reviews = dir.join(".reviews");
    if reviews.is_dir() {
        let mut periods: Vec<_> = std::fs::read_dir(&reviews)
            .map_err(|e| e.to_string())?
            .flatten()
            .map(|e| e.path())
            .collect();
        periods.sort();
        for period in periods {
            let p = teamform_review::decisions::Period::read(&period, sources);
            out.extend(p.check(policy, compiled));
        }
    }
    Ok(out)
}

fn check_fixture(dir: &Path) -> Result<String, String> {
    let mut load = load_dir(dir);
    let compiled = compile(&load, Options { today: TODAY });
    let mut diagnostics = compiled.diagnostics.clone();
    // Fixtures are validated as `validate --expiring-within 14d` does.
    diagnostics.extend(teamform_compiler::expiring(&load.policy, TODAY, 14));
    let tests = teamform_expect::tests_dir(dir);
    if tests.is_dir() {
        let suite = teamform_expect::load_dir(&tests, &mut load.sources);
        let report = teamform_expect::run(&load.policy, &compiled, &suite);
        diagnostics.extend(report.diagnostics);
        // A fixture with a saved plan checks the expectations about it too.
        let plan = dir.join("plan.json");
        if plan.is_file() {
            let plan = teamform_expect::load_plan(&plan)?;
            let report = teamform_expect::check_plan(&suite.expectations, &plan);
            diagnostics.extend(report.diagnostics);
        }
    }
    diagnostics.extend(review(dir, &load.policy, &compiled, &mut load.sources)?);
    let actual = concise(&diagnostics, &load.sources, dir);
    let expected_path = dir.join("expected.txt");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&expected_path, &actual).map_err(|e| e.to_string())?;
        return Ok(actual);
    }
    let expected = std::fs::read_to_string(&expected_path)
        .map_err(|e| format!("{}: {e}", expected_path.display()))?;
    if expected != actual {
        return Err(format!(
            "{}: diagnostics differ\n--- expected\n{expected}--- actual\n{actual}",
            dir.display()
        ));
    }
    Ok(actual)
}

#[test]
fn every_code_has_a_fixture_producing_it() {
    let mut failures = Vec::new();
    for doc in CODES {
        let dir = fixtures_dir().join(doc.code);
        match check_fixture(&dir) {
            Ok(actual) => {
                if !actual.contains(&format!("[{}]", doc.code)) {
                    failures.push(format!(
                        "{}: the fixture does not produce {}",
                        dir.display(),
                        doc.code
                    ));
                }
            }
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn fixtures_without_a_code_are_not_left_behind() {
    let Ok(entries) = std::fs::read_dir(fixtures_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        assert!(
            CODES.iter().any(|d| d.code == name),
            "tests/fixtures/{name} is not named after a diagnostic code"
        );
    }
}
