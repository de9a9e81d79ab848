//! `teamform validate`: every diagnostic of the policy, then of the open access reviews'
//! decisions files (`reviews/` beside the policy directory), in the chosen format.

use crate::cli::{DiagnosticFormat, PolicyArgs};
use crate::{exit, policy};
use teamform_diagnostics::render::{Format, render};

pub fn run(args: &PolicyArgs, format: DiagnosticFormat, deny_warnings: bool) -> i32 {
    let mut loaded = match policy::load(args) {
        Ok(l) => l,
        Err(e) => return super::usage_error(&e),
    };
    let format = match format {
        DiagnosticFormat::Human => Format::Human,
        DiagnosticFormat::Json => Format::Json,
        DiagnosticFormat::Sarif => Format::Sarif,
        DiagnosticFormat::Github => Format::Github,
    };
    let mut diagnostics = loaded.compiled.diagnostics.clone();
    diagnostics.extend(teamform_review::decisions::check_open_reviews(
        &args.policies,
        &loaded.load.policy,
        &loaded.compiled,
        &mut loaded.load.sources,
    ));
    let diagnostics = &diagnostics;
    let mut out = crate::output::stdout();
    if let Err(e) = render(
        format,
        diagnostics,
        &loaded.load.sources,
        &policy::human_options(),
        &mut out,
    ) {
        eprintln!("error: cannot write the diagnostics: {e}");
        return exit::INVALID;
    }
    let failing = diagnostics.iter().any(|d| d.is_error() || deny_warnings);
    if failing {
        exit::INVALID
    } else {
        exit::SUCCESS
    }
}
