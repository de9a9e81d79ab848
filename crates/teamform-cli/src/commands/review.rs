//! `teamform review`: the point-in-time evidence pack of who has access (the portal read with
//! its activity, compared with the policy, with findings), and the steps of a review period
//! (`review_period.rs`).

use crate::cli::{ReviewAction, ReviewArgs};
use crate::error::{Error, ExitStatus, Outcome};
use crate::policy::{self, Loaded};
use crate::provenance;
use std::path::Path;
use teamform_diagnostics::render::render_human_part;
use teamform_diagnostics::{Code, Diagnostic};
use teamform_plan::policy_hash;
use teamform_portal::activity::{Instant, RETENTION_DAYS};
use teamform_review::{Built, Input, PolicyRef, ReviewOptions, build};

/// Runs `teamform review` and its steps.
pub fn run(action: Option<ReviewAction>, args: &ReviewArgs, out: Option<&Path>) -> Outcome {
    match action {
        None => match out {
            Some(dir) => pack(args, dir),
            None => Err(Error::invalid(
                "say where to write the evidence pack with `--out DIR`, or run `teamform review start|status|close`",
            )),
        },
        Some(ReviewAction::Start { period, args }) => super::review_period::start(&period, &args),
        Some(ReviewAction::Status { period, policy }) => {
            super::review_period::status(&period, &policy)
        }
        Some(ReviewAction::Close {
            period,
            policy,
            out,
        }) => super::review_period::close(&period, &policy, out.as_deref()),
    }
}

/// Reads the portal and its activity and builds the review.
pub(super) fn take(args: &ReviewArgs) -> Result<(Loaded, Built), Error> {
    let loaded = super::plan::valid(&args.policy)?;
    let mut provider = super::plan::open_portal(&loaded, &args.portal)?;
    let portal_error = |e| Error::portal_with("cannot read the portal", e);
    let live = provider.read().map_err(portal_error)?;
    // With `--today`, the snapshot is taken at that day's start: reproducible runs.
    let now = match &args.policy.today {
        Some(_) => {
            let options = policy::options(&args.policy).map_err(Error::invalid)?;
            Instant::from_date(options.today)
        }
        None => Instant::now(),
    };
    let days = args.inactive_days.max(RETENTION_DAYS);
    let activity = provider.read_activity(now, days).map_err(portal_error)?;
    if args.inactive_days > RETENTION_DAYS {
        eprintln!(
            "warning: HubSpot keeps about {RETENTION_DAYS} days of login history: no login in {} days cannot be told from none in {RETENTION_DAYS}",
            args.inactive_days
        );
    }
    let root = args.policy.policies.display().to_string();
    let git = provenance::git(&args.policy.policies);
    let policy_ref = PolicyRef {
        hash: policy_hash(&loaded.load.sources, &root),
        commit: git.as_ref().map(|(c, _)| c.clone()),
        dirty: git.is_some_and(|(_, d)| d),
    };
    let built = build(&Input {
        policy: &loaded.load.policy,
        compiled: &loaded.compiled,
        live: &live,
        activity: &activity,
        now,
        options: ReviewOptions {
            inactive_days: args.inactive_days,
            expiring_days: args.expiring_days,
        },
        portal: provider.describe(),
        policy_ref,
    });
    Ok((loaded, built))
}

/// Prints diagnostics in the human format.
pub(super) fn print(loaded: &Loaded, diagnostics: &[Diagnostic]) -> Result<(), Error> {
    print_part(loaded, diagnostics, diagnostics)
}

/// Prints `shown` in the human format, closed by the counts of `all` (which `shown` is some
/// of).
fn print_part(loaded: &Loaded, shown: &[Diagnostic], all: &[Diagnostic]) -> Result<(), Error> {
    render_human_part(
        shown,
        all,
        &loaded.load.sources,
        &policy::human_options(),
        &mut crate::output::stdout(),
    )
    .map_err(|e| Error::invalid(format!("cannot write the findings: {e}")).with_source(e))
}

/// How many findings are printed, at most, all in full.
const PRINTED_IN_FULL: usize = 20;

/// How many findings of each code are printed when there are more than [`PRINTED_IN_FULL`].
const FIRST_OF_EACH: usize = 3;

/// The findings to print: every one when there are few of them or `all` is asked for, else
/// the first [`FIRST_OF_EACH`] of each code; and how many of each code are left out, by code
/// in the order the findings first name them.
fn to_print(findings: &[Diagnostic], all: bool) -> (Vec<Diagnostic>, Vec<(Code, usize)>) {
    if all || findings.len() <= PRINTED_IN_FULL {
        return (findings.to_vec(), Vec::new());
    }
    let mut counts: Vec<(Code, usize)> = Vec::new();
    let mut shown = Vec::new();
    for finding in findings {
        let at = match counts.iter().position(|(code, _)| *code == finding.code) {
            Some(at) => at,
            None => {
                counts.push((finding.code, 0));
                counts.len() - 1
            }
        };
        counts[at].1 += 1;
        if counts[at].1 <= FIRST_OF_EACH {
            shown.push(finding.clone());
        }
    }
    let left = (counts.into_iter())
        .filter(|(_, n)| *n > FIRST_OF_EACH)
        .map(|(code, n)| (code, n - FIRST_OF_EACH))
        .collect();
    (shown, left)
}

/// Prints the findings (all of them with `all`, else see [`to_print`]) and the summary of a
/// review, whose findings are all written in `kept` (for people: "the pack's `review.json`").
pub(super) fn report(loaded: &Loaded, built: &Built, all: bool, kept: &str) -> Result<(), Error> {
    let (shown, left) = to_print(&built.diagnostics, all);
    if !shown.is_empty() {
        // The closing line counts every finding, printed or not.
        print_part(loaded, &shown, &built.diagnostics)?;
    }
    if !left.is_empty() {
        let total: usize = left.iter().map(|(_, n)| n).sum();
        let each: Vec<String> = (left.iter())
            .map(|(code, n)| format!("{n} {}", code.as_str()))
            .collect();
        outln!(
            "… and {total} more findings ({}): every finding is in {kept}; `--all-findings` prints them here.",
            each.join(", ")
        );
    }
    let r = &built.review;
    if !r.activity.available {
        outln!(
            "note: {} has no activity to read: no finding about logins was made",
            r.portal
        );
    }
    outln!(
        "Reviewed {} users ({} in the portal, {} in the policy): {} findings about {} users.",
        r.summary.users,
        r.summary.in_portal,
        r.summary.in_policy,
        r.findings.len(),
        r.summary.flagged
    );
    Ok(())
}

/// `teamform review --out DIR`.
fn pack(args: &ReviewArgs, dir: &Path) -> Outcome {
    let (loaded, built) = take(args)?;
    report(
        &loaded,
        &built,
        args.all_findings,
        "the pack's `review.json`",
    )?;
    let manifest = teamform_review::pack::write(dir, &built.review, Vec::new())
        .map_err(|e| Error::invalid(e.to_string()))?;
    outln!(
        "Wrote the evidence pack to {} ({} files and manifest.json).",
        dir.display(),
        manifest.files.len()
    );
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_findings_print_the_first_of_each_code_and_count_the_others() {
        // 30 findings: every sixth is missing a field, the others are unknown fields.
        let all: Vec<Diagnostic> = (0..30)
            .map(|i| match i % 6 {
                5 => Diagnostic::new(Code::MissingField, format!("finding {i}")),
                _ => Diagnostic::new(Code::UnknownField, format!("finding {i}")),
            })
            .collect();
        let (shown, left) = to_print(&all, false);
        let messages: Vec<&str> = shown.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "finding 0",
                "finding 1",
                "finding 2",
                "finding 5",
                "finding 11",
                "finding 17"
            ]
        );
        assert_eq!(left, [(Code::UnknownField, 22), (Code::MissingField, 2)]);
        // Asked for all, or few of them: every one, in order.
        assert_eq!(to_print(&all, true), (all.clone(), Vec::new()));
        assert_eq!(
            to_print(&all[..20], false),
            (all[..20].to_vec(), Vec::new())
        );
    }
}
