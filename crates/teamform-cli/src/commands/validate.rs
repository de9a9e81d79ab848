//! `teamform validate`: every diagnostic of the policy, then of the open access reviews'
//! decisions files (`reviews/` beside the policy directory), in the chosen format.

use crate::cli::{DiagnosticFormat, PolicyArgs};
use crate::{exit, policy};
use teamform_diagnostics::render::{Format, render};

/// Reads `--expiring-within`: days (`14d`, or a bare `14`) or weeks (`2w`).
fn days(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let (number, unit) = match t.strip_suffix('w') {
        Some(n) => (n, 7),
        None => (t.strip_suffix('d').unwrap_or(t), 1),
    };
    number
        .parse::<u32>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .ok_or_else(|| {
            format!("`--expiring-within {text}` is not a number of days, such as `14d` or `2w`")
        })
}

pub fn run(
    args: &PolicyArgs,
    format: DiagnosticFormat,
    deny_warnings: bool,
    expiring_within: Option<&str>,
) -> i32 {
    let within = match expiring_within.map(days).transpose() {
        Ok(d) => d,
        Err(e) => return super::usage_error(&e),
    };
    let mut loaded = match policy::load(args) {
        Ok(l) => l,
        Err(e) => return super::usage_error(&e),
    };
    if let Some(days) = within {
        let today = match policy::options(args) {
            Ok(o) => o.today,
            Err(e) => return super::usage_error(&e),
        };
        let soon = teamform_compiler::expiring(&loaded.load.policy, today, days);
        loaded.compiled.diagnostics.extend(soon);
        teamform_compiler::sort(&mut loaded.compiled.diagnostics);
    }
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

#[cfg(test)]
mod tests {
    use super::days;

    #[test]
    fn durations_read_in_days_or_weeks() {
        assert_eq!(days("14d"), Ok(14));
        assert_eq!(days("14"), Ok(14));
        assert_eq!(days("2w"), Ok(14));
        assert!(days("soon").is_err());
        assert!(days("-3d").is_err());
    }
}
