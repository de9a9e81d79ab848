//! `teamform validate`: every diagnostic of the policy, then of the open access reviews'
//! decisions files (`reviews/` beside the policy directory), in the chosen format.

use crate::cli::{DiagnosticFormat, PolicyArgs, ValidateArgs};
use crate::error::{Error, ExitStatus, Outcome};
use crate::policy;
use std::collections::BTreeMap;
use std::path::Path;
use teamform_diagnostics::render::{Format, render};
use teamform_diagnostics::{Diagnostic, FileId, Severity, Suggestion, apply_suggestions};

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

/// `teamform validate`.
pub fn run(a: &ValidateArgs) -> Outcome {
    let args = &a.policy;
    let within = (a.expiring_within.as_deref().map(days).transpose()).map_err(Error::invalid)?;
    if a.fix {
        match fix(args).map_err(Error::invalid)? {
            (0, _) => eprintln!("Nothing to fix."),
            (fixed, files) => eprintln!("Fixed {fixed} problem(s) in {files} file(s)."),
        }
    }
    let mut loaded = policy::load(args).map_err(Error::invalid)?;
    if let Some(days) = within {
        let today = policy::options(args).map_err(Error::invalid)?.today;
        let soon = teamform_compiler::expiring(&loaded.load.policy, today, days);
        loaded.compiled.diagnostics.extend(soon);
        teamform_compiler::sort(&mut loaded.compiled.diagnostics);
    }
    let format = match a.format {
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
    let diagnostics = &overridden(diagnostics, a);
    let mut out = crate::output::stdout();
    render(
        format,
        diagnostics,
        &loaded.load.sources,
        &policy::human_options(),
        &mut out,
    )
    .map_err(|e| Error::invalid(format!("cannot write the diagnostics: {e}")).with_source(e))?;
    let failing = diagnostics.iter().any(|d| d.is_error() || a.deny_warnings);
    Ok(if failing {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// The diagnostics with `--ignore`, `--warn` and `--deny` applied (ruff's select and ignore):
/// a code ignored is left out, one warned or denied gets that severity.
fn overridden(diagnostics: Vec<Diagnostic>, a: &ValidateArgs) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter(|d| !a.ignore.contains(&d.code))
        .map(|d| {
            if a.deny.contains(&d.code) {
                d.severity(Severity::Error)
            } else if a.warn.contains(&d.code) {
                d.severity(Severity::Warning)
            } else {
                d
            }
        })
        .collect()
}

/// Applies the suggestion of every diagnostic of the policy to its file (`--fix`); returns how
/// many were applied, in how many files. A file changed since it was read is left alone; each
/// file is written whole, atomically, keeping its permissions.
fn fix(args: &PolicyArgs) -> Result<(usize, usize), String> {
    let loaded = policy::load(args)?;
    let mut by_file: BTreeMap<FileId, Vec<&Suggestion>> = BTreeMap::new();
    for d in &loaded.compiled.diagnostics {
        if let Some(s) = &d.suggestion {
            by_file.entry(s.span.file).or_default().push(s);
        }
    }
    let (mut fixed, mut files) = (0, 0);
    for (file, suggestions) in by_file {
        let Some(source) = loaded.load.sources.get(file) else {
            continue;
        };
        let path = Path::new(&source.path);
        let now = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        if *now != *source.text {
            return Err(format!(
                "`{}` changed while it was being fixed; nothing more was written",
                path.display()
            ));
        }
        let (text, n) = apply_suggestions(&source.text, file, suggestions);
        if n == 0 {
            continue;
        }
        let permissions = std::fs::metadata(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?
            .permissions();
        crate::files::write_private(path, text.as_bytes())
            .and_then(|()| std::fs::set_permissions(path, permissions))
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        fixed += n;
        files += 1;
    }
    Ok((fixed, files))
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
