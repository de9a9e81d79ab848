//! `teamform test`: checks the access expectations of the policy's test files and prints the
//! failures as diagnostics, with the policy's own errors first.

use crate::cli::{DiagnosticFormat, TestArgs};
use crate::error::{Error, ExitStatus, Outcome};
use crate::policy;
use std::path::Path;
use teamform_diagnostics::render::{Format, render};

pub fn run(a: &TestArgs) -> Outcome {
    let (args, tests, plan) = (&a.policy, a.tests.as_deref(), a.plan.as_deref());
    let mut loaded = policy::load(args).map_err(Error::invalid)?;
    let dir = tests.map_or_else(
        || teamform_expect::tests_dir(&args.policies),
        Path::to_path_buf,
    );
    if tests.is_some() && !dir.is_dir() {
        return Err(Error::invalid(format!(
            "no tests directory `{}`",
            dir.display()
        )));
    }
    let saved = (plan.map(teamform_expect::load_plan).transpose()).map_err(Error::invalid)?;
    let suite = teamform_expect::load_dir(&dir, &mut loaded.load.sources);
    let mut report = teamform_expect::run(&loaded.load.policy, &loaded.compiled, &suite);
    // Expectations about a change need the change: a saved plan.
    let about_plans = suite
        .expectations
        .iter()
        .filter(|e| e.kind == teamform_expect::ExpectationKind::Plan)
        .count();
    match &saved {
        Some(plan) => {
            let more = teamform_expect::check_plan(&suite.expectations, plan);
            report.checked += more.checked;
            report.passed += more.passed;
            report.failed += more.failed;
            report.diagnostics.extend(more.diagnostics);
        }
        None if about_plans > 0 => eprintln!(
            "note: {about_plans} `[[plan]]` expectation(s) not checked: pass `--plan FILE`, a plan saved with `teamform plan -o FILE`"
        ),
        None => {}
    }
    // The policy's errors come first: an expectation checked on an invalid policy may fail
    // because of them. Its warnings are `validate`'s business.
    let mut diagnostics: Vec<_> = loaded
        .compiled
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    diagnostics.extend(report.diagnostics);
    let format = match a.format {
        DiagnosticFormat::Human => Format::Human,
        DiagnosticFormat::Json => Format::Json,
        DiagnosticFormat::Sarif => Format::Sarif,
        DiagnosticFormat::Github => Format::Github,
    };
    let mut out = crate::output::stdout();
    render(
        format,
        &diagnostics,
        &loaded.load.sources,
        &policy::human_options(),
        &mut out,
    )
    .map_err(|e| Error::invalid(format!("cannot write the diagnostics: {e}")).with_source(e))?;
    if matches!(format, Format::Human) {
        if suite.files == 0 {
            outln!(
                "no test files in `{}`: nothing to check (see docs/policy-tests.md)",
                dir.display()
            );
        } else {
            let plural =
                |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            outln!(
                "test result: {} passed, {} failed ({} in {})",
                report.passed,
                report.failed,
                plural(report.checked, "expectation"),
                plural(suite.files, "file")
            );
        }
    }
    Ok(if diagnostics.iter().any(|d| d.is_error()) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
