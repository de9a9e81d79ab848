//! `teamform review start | status | close`: a review period whose decisions are files under
//! `reviews/PERIOD/` beside the policy directory, committed by the reviewers.

use crate::cli::{PolicyArgs, ReviewArgs};
use crate::error::{Error, ExitStatus, Outcome};
use std::path::{Path, PathBuf};
use teamform_diagnostics::Code;
use teamform_review::decisions::{
    DecisionRecord, EVIDENCE_DIR, Edit, Period, Recorded, SNAPSHOT, apply_edits, edits, records,
    reviews_dir, team_files, undecided,
};
use teamform_review::pack::write_atomic;

/// A period's name: letters, digits, `.`, `_` and `-`, as a directory name.
fn period_dir(policies: &Path, period: &str) -> Result<PathBuf, Error> {
    let ok = !period.is_empty()
        && !period.starts_with('.')
        && period
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !ok {
        return Err(Error::invalid(format!(
            "`{period}` is not a period name: use letters, digits, `.`, `_` and `-`, such as `2026-Q4`"
        )));
    }
    Ok(reviews_dir(policies).join(period))
}

fn fail(message: String) -> Error {
    Error::invalid(message)
}

/// `review start`.
pub fn start(period: &str, args: &ReviewArgs) -> Outcome {
    let dir = period_dir(&args.policy.policies, period)?;
    if dir.exists() {
        return Err(fail(format!(
            "the review `{period}` was already started in `{}`",
            dir.display()
        )));
    }
    let (loaded, built) = super::review::take(args)?;
    let review = &built.review;
    let unreviewed: Vec<&str> = review
        .teams
        .iter()
        .filter(|t| !t.members.is_empty() && t.reviewers.is_empty())
        .map(|t| t.key.as_str())
        .collect();
    if !unreviewed.is_empty() {
        return Err(fail(format!(
            "nobody reviews the teams {}: add `reviewers = [\"EMAIL\", ...]` to them or to a parent team",
            unreviewed
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let kept = format!("`{}`", dir.join(SNAPSHOT).display());
    super::review::report(&loaded, &built, args.all_findings, &kept)?;
    let write = |path: PathBuf, bytes: &[u8]| {
        write_atomic(&path, bytes)
            .map_err(|e| fail(format!("cannot write `{}`: {e}", path.display())))
    };
    let mut snapshot = serde_json::to_vec_pretty(review).unwrap_or_default();
    snapshot.push(b'\n');
    write(dir.join(SNAPSHOT), &snapshot)?;
    let files = team_files(review, period);
    for f in &files {
        write(dir.join(&f.name), f.text.as_bytes())?;
    }
    outln!(
        "Started the review {period}: {} decisions files in {}.",
        files.len(),
        dir.display()
    );
    for t in review.teams.iter().filter(|t| !t.members.is_empty()) {
        outln!(
            "  {}.toml: {} members, for {}",
            t.key,
            t.members.len(),
            t.reviewers.join(", ")
        );
    }
    outln!(
        "Commit them; each reviewer fills in their team's file and commits it; `teamform review status --period {period}` shows what is left."
    );
    Ok(ExitStatus::Success)
}

/// Loads the policy and the period.
fn open(period: &str, args: &PolicyArgs) -> Result<(crate::policy::Loaded, Period), Error> {
    let dir = period_dir(&args.policies, period)?;
    if !dir.is_dir() {
        return Err(fail(format!(
            "there is no review `{period}` (no `{}`); start it with `teamform review start --period {period}`",
            dir.display()
        )));
    }
    let mut loaded = super::plan::valid(args)?;
    let p = Period::read(&dir, &mut loaded.load.sources);
    Ok((loaded, p))
}

/// `review status`.
pub fn status(period: &str, args: &PolicyArgs) -> Outcome {
    let (loaded, p) = open(period, args)?;
    let diagnostics = p.check(&loaded.load.policy, &loaded.compiled);
    let problems: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.code != Code::DecisionMissing)
        .cloned()
        .collect();
    if !problems.is_empty() {
        super::review::print(&loaded, &problems)?;
    }
    let mut open = 0;
    for (f, left) in undecided(&p.files) {
        let team = f.team.as_ref().map_or("?", |t| t.value.as_str());
        let total = f.members.len();
        open += left.len();
        if left.is_empty() {
            outln!("{team}: all {total} decided");
        } else {
            outln!(
                "{team}: {} of {total} decided; waiting for {}",
                total - left.len(),
                left.join(", ")
            );
        }
    }
    let missing = diagnostics
        .iter()
        .filter(|d| d.code == Code::DecisionMissing)
        .count();
    if Period::closed(&p.dir) {
        outln!("The review {period} is closed.");
    }
    if missing > 0 || problems.iter().any(|d| d.is_error()) {
        outln!(
            "{missing} decisions missing, {} problems.",
            problems.iter().filter(|d| d.is_error()).count()
        );
        return Ok(ExitStatus::Failure);
    }
    let _ = open;
    outln!(
        "Every decision is recorded: `teamform review close --period {period}` closes the review."
    );
    Ok(ExitStatus::Success)
}

/// `review close`.
pub fn close(period: &str, args: &PolicyArgs, out: Option<&Path>) -> Outcome {
    let (loaded, p) = open(period, args)?;
    if Period::closed(&p.dir) {
        return Err(fail(format!("the review {period} is already closed")));
    }
    let diagnostics = p.check(&loaded.load.policy, &loaded.compiled);
    let missing = diagnostics
        .iter()
        .filter(|d| d.code == Code::DecisionMissing)
        .count();
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if missing > 0 || errors > 0 {
        super::review::print(&loaded, &diagnostics)?;
        return Err(fail(format!(
            "the review {period} cannot be closed: {missing} decisions missing, {errors} errors"
        )));
    }
    let Some(snapshot) = &p.snapshot else {
        return Err(fail(format!(
            "the review {period} has no `{SNAPSHOT}`: it was not started by `teamform review start`"
        )));
    };
    let repo = teamform_git::PolicyRepo::discover(&p.dir).map_err(|e| fail(e.to_string()))?;
    let mut all: Vec<DecisionRecord> = Vec::new();
    for f in &p.files {
        let blame = repo
            .blame(Path::new(&f.path))
            .map_err(|e| fail(format!("cannot tell who recorded the decisions: {e}")))?;
        all.extend(records(f, |line| {
            let o = blame.get(line.checked_sub(1)?)?;
            Some(Recorded {
                commit: o.commit.id.clone(),
                author: o.commit.author.clone(),
                email: o.email.clone(),
                date: o.commit.date.clone(),
            })
        }));
    }
    let edits = edits(&p.files, &loaded.load.policy, &loaded.load.sources);
    let changed = apply_edits(&edits).map_err(|e| fail(e.to_string()))?;
    let mut decisions = serde_json::to_vec_pretty(&all).unwrap_or_default();
    decisions.push(b'\n');
    let evidence = out.map_or_else(|| p.dir.join(EVIDENCE_DIR), Path::to_path_buf);
    let manifest = teamform_review::pack::write(
        &evidence,
        snapshot,
        vec![("decisions.json".to_string(), decisions)],
    )
    .map_err(fail)?;
    outln!(
        "Closed the review {period}: {} decisions; evidence in {} ({} files and manifest.json).",
        all.len(),
        evidence.display(),
        manifest.files.len()
    );
    for r in all.iter().filter(|r| !r.recorded_by_decider) {
        outln!(
            "note: the decision on {} names {} but was committed by {} <{}> in {}",
            r.user,
            r.decided_by,
            r.recorded.author,
            r.recorded.email,
            &r.recorded.commit[..r.recorded.commit.len().min(12)]
        );
    }
    for e in &edits {
        match e {
            Edit::Revoke { email, file } => {
                outln!("- removed {email} from {}", file.display());
            }
            Edit::Change {
                email,
                file,
                role,
                team,
            } => {
                let what: Vec<String> = role
                    .iter()
                    .map(|r| format!("role {r}"))
                    .chain(team.iter().map(|t| format!("team {t}")))
                    .collect();
                outln!("~ {email}: {} in {}", what.join(", "), file.display());
            }
            Edit::NotInPolicy { email, decision } => outln!(
                "note: {email} is not in the policy ({}): {}",
                decision.as_str(),
                if decision.as_str() == "revoke" {
                    "the next apply removes them from the portal"
                } else {
                    "declare them in the policy by hand"
                }
            ),
        }
    }
    if !changed.is_empty() {
        outln!(
            "Changed {} policy files: review the changes (`teamform plan`) and open a pull request.",
            changed.len()
        );
    }
    Ok(ExitStatus::Success)
}
