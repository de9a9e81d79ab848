//! `teamform diff [BASE [HEAD]]`: the change between two revisions of the policy, read
//! straight from git objects, as config changes and access diff.

use crate::cli::{DiffArgs, PlanFormat, PolicyArgs};
use crate::error::{Error, ErrorKind, ExitStatus, Outcome};
use crate::policy;
use teamform_compiler::compile;
use teamform_diagnostics::render::{Format, HumanOptions, render};
use teamform_git::PolicyRepo;
use teamform_model::{LoadResult, load_dir, load_sources};

/// Loads one side: a revision from git objects, or the work tree.
fn side(
    repo: &PolicyRepo,
    rev: Option<&str>,
    args: &PolicyArgs,
) -> Result<(LoadResult, String), Error> {
    match rev {
        Some(r) => {
            let (_, short) = repo.resolve(r).map_err(git_error)?;
            let sources = repo.sources_at(r, &short).map_err(git_error)?;
            Ok((load_sources(sources), short))
        }
        None => Ok((load_dir(&args.policies), "work tree".to_string())),
    }
}

/// A rendered comparison headed as what it is: the plan renderers head it as a plan for a
/// portal (`Plan for BASE..HEAD: ...`), and a diff has no portal.
fn titled(text: String, label: &str, base: &str, head: &str) -> String {
    let changes = format!("Changes from {base} to {head}:");
    [
        (format!("Plan for {label}:"), changes),
        (
            format!("No changes: the portal ({label}) matches the policy."),
            format!("No configuration changes from {base} to {head}."),
        ),
        (
            format!("### teamform plan for `{label}`"),
            format!("### teamform diff from `{base}` to `{head}`"),
        ),
    ]
    .iter()
    .fold(text, |text, (from, to)| text.replacen(from, to, 1))
}

pub fn run(a: &DiffArgs) -> Outcome {
    let (base, head, args) = (a.base.as_deref(), a.head.as_deref(), &a.policy);
    let output = super::plan::Output {
        format: a.format,
        show_unverifiable: false,
        expand: a.expand,
    };
    let detailed = a.detailed_exitcode;
    let options = policy::options(args).map_err(Error::invalid)?;
    let repo = PolicyRepo::discover(&args.policies).map_err(git_error)?;
    let base_rev = match base {
        Some(b) => b.to_string(),
        None => repo.merge_base_with_default().map_err(git_error)?,
    };
    let (base_load, base_label) = side(&repo, Some(&base_rev), args)?;
    let (head_load, head_label) = side(&repo, head, args)?;
    let base_compiled = compile(&base_load, options);
    let head_compiled = compile(&head_load, options);
    let mut invalid = false;
    for (label, load, compiled) in [
        (&base_label, &base_load, &base_compiled),
        (&head_label, &head_load, &head_compiled),
    ] {
        if compiled.has_errors() {
            invalid = true;
            let errors: Vec<_> = compiled
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .cloned()
                .collect();
            eprintln!("error: the policy at {label} is invalid:");
            let _ = render(
                Format::Human,
                &errors,
                &load.sources,
                &HumanOptions::default(),
                &mut std::io::stderr().lock(),
            );
        }
    }
    if invalid {
        return Err(Error::shown(ErrorKind::Invalid));
    }
    let label = format!("{base_label}..{head_label}");
    let plan = teamform_plan::compare(
        (&base_load, &base_compiled),
        (&head_load, &head_compiled),
        &label,
    );
    let text = match output.format {
        PlanFormat::Human if !plan.has_changes() && plan.access.is_empty() => {
            format!("No changes between {base_label} and {head_label}.\n")
        }
        _ => titled(
            super::plan::rendered(&plan, output),
            &label,
            &base_label,
            &head_label,
        ),
    };
    out!("{text}");
    Ok(
        if detailed && (plan.has_changes() || !plan.access.is_empty()) {
            ExitStatus::Changes
        } else {
            ExitStatus::Success
        },
    )
}

/// A repository that cannot be read as asked (exit 1).
pub fn git_error(e: teamform_git::GitError) -> Error {
    Error::invalid(e.to_string()).with_source(e)
}
