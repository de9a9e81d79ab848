//! The checks of decisions files (TF0410–TF0415): the team exists, the people recording
//! decisions are reviewers of the team (its own `reviewers`, or its nearest ancestor's), a
//! member is one of the team's under review, nobody decides on their own access, a flagged
//! user is not kept without a reason, every decision is readable and complete, and every
//! member has one.

use super::{Decision, DecisionFile};
use crate::types::Review;
use std::collections::{HashMap, HashSet};
use teamform_compiler::{Compiled, TeamId};
use teamform_diagnostics::{Code, Diagnostic};
use teamform_email::EmailKey;
use teamform_model::Policy;

/// Per team of the policy (in its order), its reviewers and the team that declares them:
/// its own, or its nearest ancestor's; none when no team above it declares any.
pub fn reviewers_of<'p>(
    policy: &'p Policy,
    compiled: &Compiled,
) -> Vec<(Vec<&'p str>, Option<&'p str>)> {
    let parent = &compiled.index.parent;
    (0..policy.teams.len())
        .map(|i| {
            let mut at = Some(TeamId(u32::try_from(i).unwrap_or(u32::MAX)));
            // The compiler broke cycles; the walk is bounded by the number of teams anyway.
            for _ in 0..=policy.teams.len() {
                let Some(team) = at else { break };
                let declared = &policy.teams[team.index()];
                if !declared.reviewers.is_empty() {
                    let list = declared.reviewers.iter().map(|r| r.value.as_str());
                    return (list.collect(), Some(declared.key.value.as_str()));
                }
                at = parent.get(team.index()).copied().flatten();
            }
            (Vec::new(), None)
        })
        .collect()
}

fn folded(email: &str) -> String {
    EmailKey::new(email).as_str().to_string()
}

/// Checks `files` against the policy and, when there is one, the snapshot the review
/// started from (its members and findings); without it, a team's members are the policy
/// users whose primary team it is.
pub fn check(
    files: &[DecisionFile],
    policy: &Policy,
    compiled: &Compiled,
    snapshot: Option<&Review>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let reviewers = reviewers_of(policy, compiled);
    let flagged: HashMap<String, &[String]> = snapshot
        .map(|s| {
            s.users
                .iter()
                .map(|u| (folded(&u.email), u.findings.as_slice()))
                .collect()
        })
        .unwrap_or_default();
    for f in files {
        for (field, value) in [("period", &f.period), ("team", &f.team)] {
            if value.as_ref().is_none_or(|v| v.value.is_empty()) {
                out.push(
                    Diagnostic::new(
                        Code::InvalidDecisionFile,
                        format!("this decisions file has no `{field}`"),
                    )
                    .primary(f.span, "in this file"),
                );
            }
        }
        let Some(team) = f.team.as_ref().filter(|t| !t.value.is_empty()) else {
            continue;
        };
        let Some(tid) = compiled.index.team(&team.value) else {
            out.push(
                Diagnostic::new(
                    Code::InvalidDecisionFile,
                    format!("there is no team `{}` in the policy", team.value),
                )
                .primary(team.span, "unknown team"),
            );
            continue;
        };
        let (team_reviewers, from) = &reviewers[tid.index()];
        let allowed: HashSet<String> = team_reviewers.iter().map(|r| folded(r)).collect();
        let members: HashSet<String> = match snapshot {
            Some(s) => s
                .teams
                .iter()
                .find(|t| t.key == team.value)
                .map(|t| t.members.iter().map(|m| folded(m)).collect())
                .unwrap_or_default(),
            None => policy
                .users
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    compiled.index.resolved_users.get(*i).and_then(|r| r.team) == Some(tid)
                })
                .map(|(_, u)| folded(&u.key.value))
                .collect(),
        };
        let not_reviewer = |who: &teamform_model::Sp<String>| {
            let listed = if team_reviewers.is_empty() {
                "the team and its parents declare no `reviewers`".to_string()
            } else {
                format!(
                    "the reviewers of `{}` are {} (declared on team `{}`)",
                    team.value,
                    team_reviewers.join(", "),
                    from.unwrap_or_default()
                )
            };
            Diagnostic::new(
                Code::DecisionByNonReviewer,
                format!("`{}` is not a reviewer of team `{}`", who.value, team.value),
            )
            .primary(who.span, "not a reviewer")
            .help(listed)
        };
        let decided = f.members.iter().any(|m| m.decision.is_some());
        match &f.reviewer {
            Some(r) if !r.value.is_empty() && !allowed.contains(&folded(&r.value)) => {
                out.push(not_reviewer(r));
            }
            Some(r) if !r.value.is_empty() => {}
            _ if decided
                && f.members
                    .iter()
                    .any(|m| m.by.is_none() && m.decision.is_some()) =>
            {
                out.push(
                    Diagnostic::new(
                        Code::InvalidDecisionFile,
                        "decisions are recorded without a `reviewer`",
                    )
                    .primary(
                        f.reviewer.as_ref().map_or(f.span, |r| r.span),
                        "set your email here",
                    ),
                );
            }
            _ => {}
        }
        let mut seen = HashSet::new();
        for m in &f.members {
            let key = folded(&m.email.value);
            seen.insert(key.clone());
            if !members.contains(&key) {
                out.push(
                    Diagnostic::new(
                        Code::DecisionUnknownUser,
                        format!(
                            "`{}` is not a member of team `{}` in this review",
                            m.email.value, team.value
                        ),
                    )
                    .primary(m.email.span, "unknown member"),
                );
            }
            if let Some(by) = &m.by
                && !allowed.contains(&folded(&by.value))
            {
                out.push(not_reviewer(by));
            }
            let Some(decision) = &m.decision else {
                if m.unreadable {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        Code::DecisionMissing,
                        format!("no decision yet for `{}`", m.email.value),
                    )
                    .primary(m.email.span, "undecided")
                    .help("set `decision` to `keep`, `revoke` or `change`, with a `reason`"),
                );
                continue;
            };
            if let Some(who) = m.decider(f)
                && folded(&who.value) == key
            {
                out.push(
                    Diagnostic::new(
                        Code::DecisionOnOwnAccess,
                        format!("`{}` decides on their own access", who.value),
                    )
                    .primary(decision.span, "own access")
                    .help("leave this decision to another reviewer, who records it with `by = \"EMAIL\"`"),
                );
            }
            let findings = flagged.get(&key).copied().unwrap_or(&m.findings);
            match decision.value {
                Decision::Keep if !findings.is_empty() && m.reason.is_none() => out.push(
                    Diagnostic::new(
                        Code::FlaggedKeptWithoutReason,
                        format!(
                            "`{}` is kept without a reason despite {}",
                            m.email.value,
                            findings.join(", ")
                        ),
                    )
                    .primary(decision.span, "kept")
                    .help("write the `reason` the access stays, or revoke it"),
                ),
                Decision::Revoke | Decision::Change if m.reason.is_none() => out.push(
                    Diagnostic::new(
                        Code::InvalidDecisionFile,
                        format!("`{}` needs a `reason`", decision.value.as_str()),
                    )
                    .primary(decision.span, "no reason"),
                ),
                _ => {}
            }
            if decision.value == Decision::Change {
                change(m, compiled, decision.span, &mut out);
            }
        }
        for missing in members.iter().filter(|m| !seen.contains(*m)) {
            out.push(
                Diagnostic::new(
                    Code::DecisionMissing,
                    format!(
                        "no decision for `{missing}`, a member of team `{}`",
                        team.value
                    ),
                )
                .primary(team.span, "this team")
                .help(format!("add `[member.\"{missing}\"]` with its decision")),
            );
        }
    }
    out
}

/// A `change` says what changes, to a role or team that exists.
fn change(
    m: &super::Member,
    compiled: &Compiled,
    at: teamform_diagnostics::Span,
    out: &mut Vec<Diagnostic>,
) {
    if m.role.is_none() && m.team.is_none() {
        out.push(
            Diagnostic::new(
                Code::InvalidDecisionFile,
                "a `change` says what changes: `role = \"KEY\"` and/or `team = \"KEY\"`",
            )
            .primary(at, "change to what?"),
        );
    }
    if let Some(role) = &m.role
        && compiled.index.role(&role.value).is_none()
    {
        out.push(
            Diagnostic::new(
                Code::InvalidDecisionFile,
                format!("there is no role `{}` in the policy", role.value),
            )
            .primary(role.span, "unknown role"),
        );
    }
    if let Some(team) = &m.team
        && compiled.index.team(&team.value).is_none()
    {
        out.push(
            Diagnostic::new(
                Code::InvalidDecisionFile,
                format!("there is no team `{}` in the policy", team.value),
            )
            .primary(team.span, "unknown team"),
        );
    }
}

/// Per file, the members still undecided (for `teamform review status`).
pub fn undecided(files: &[DecisionFile]) -> Vec<(&DecisionFile, Vec<&str>)> {
    files
        .iter()
        .map(|f| {
            let open = f
                .members
                .iter()
                .filter(|m| m.decision.is_none())
                .map(|m| m.email.value.as_str())
                .collect();
            (f, open)
        })
        .collect()
}
