//! `teamform blame USER`: the commit that granted each access a user holds at `HEAD`; for a
//! user no longer in the policy, the commit that removed them and what they last had.

use super::diff::git_error;
use crate::cli::BlameArgs;
use crate::error::{Error, ExitStatus, Outcome};
use crate::policy;
use teamform_compiler::compile;
use teamform_email::EmailKey;
use teamform_git::{PolicyRepo, Presence};
use teamform_model::{LoadResult, load_sources};
use teamform_plan::{Side, granted_at, user_access_lines};

pub fn run(a: &BlameArgs) -> Outcome {
    let (user, args, limit) = (a.user.as_str(), &a.policy, a.limit);
    let options = policy::options(args).map_err(Error::invalid)?;
    let repo = PolicyRepo::discover(&args.policies).map_err(git_error)?;
    let history = repo.history("HEAD", limit.max(1)).map_err(git_error)?;
    let email = EmailKey::new(user);
    let mut lines = Vec::with_capacity(history.len());
    for commit in &history {
        let sources = repo
            .sources_at(&commit.id, &commit.id[..8.min(commit.id.len())])
            .map_err(git_error)?;
        let load = load_sources(sources);
        let compiled = compile(&load, options);
        let found = load
            .policy
            .users
            .iter()
            .position(|u| EmailKey::new(&u.key.value) == email);
        let at = found.map(|i| {
            user_access_lines(
                &Side {
                    policy: &load.policy,
                    compiled: &compiled,
                },
                teamform_compiler::UserId(i as u32),
            )
        });
        if at.is_none() && lines.is_empty() {
            return removed(&repo, user, &email, limit);
        }
        let stop = at.is_none();
        lines.push(at);
        if stop {
            break;
        }
    }
    let granted = granted_at(&lines);
    let now = lines.first().cloned().flatten().unwrap_or_default();
    outln!("{user}: {} access line(s) at HEAD", now.len());
    for (line, via) in &now {
        let Some(c) = granted.get(line).and_then(|i| history.get(*i)) else {
            continue;
        };
        outln!(
            "  {}  {}  {:<20}  {line} ({via})  \"{}\"",
            &c.id[..8.min(c.id.len())],
            c.date,
            c.author,
            c.summary
        );
    }
    Ok(ExitStatus::Success)
}

/// What the user `email` has in a loaded policy (`role sales-rep (Sales Rep); team sales-fr
/// (Sales France)`), if they are in it.
fn held(load: &LoadResult, email: &EmailKey<'_>) -> Option<String> {
    let policy = &load.policy;
    let u = policy
        .users
        .iter()
        .find(|u| EmailKey::new(&u.key.value) == *email)?;
    let team = |key: &str| {
        let name = policy
            .teams
            .iter()
            .find(|t| t.key.value == key)
            .and_then(|t| t.name.as_ref());
        named(key, name.map(|n| n.value.as_str()))
    };
    let mut parts = Vec::new();
    parts.push(match &u.role {
        Some(r) => {
            let name = policy
                .roles
                .iter()
                .find(|x| x.key.value == r.value)
                .and_then(|x| x.name.as_ref());
            format!("role {}", named(&r.value, name.map(|n| n.value.as_str())))
        }
        None => "no role".to_string(),
    });
    parts.push(match &u.team {
        Some(t) => format!("team {}", team(&t.value)),
        None => "no team".to_string(),
    });
    if !u.teams.is_empty() {
        let extra: Vec<String> = u.teams.iter().map(|t| team(&t.value)).collect();
        parts.push(format!("additional teams {}", extra.join(", ")));
    }
    if u.is_super_admin() {
        parts.push("super admin".to_string());
    }
    Some(parts.join("; "))
}

/// `key (Name)`, or the key alone when the policy gives no name.
fn named(key: &str, name: Option<&str>) -> String {
    match name {
        Some(n) if n != key => format!("{key} ({n})"),
        _ => key.to_string(),
    }
}

/// A short commit id.
fn short(id: &str) -> &str {
    &id[..8.min(id.len())]
}

/// Reports a user who is not in the policy at `HEAD`: the first-parent commit that removed
/// them and what they had in the commit before, or a usage error when no commit within
/// `limit` has them.
fn removed(repo: &PolicyRepo, user: &str, email: &EmailKey<'_>, limit: usize) -> Outcome {
    let presence = repo
        .find_removal("HEAD", limit.max(1), |load| held(load, email))
        .map_err(git_error)?;
    match presence {
        Presence::Removed(r) => {
            let c = &r.removed_in;
            outln!("{user}: not in the policy at HEAD");
            outln!(
                "  removed in {}  {}  {:<20}  \"{}\"",
                short(&c.id),
                c.date,
                c.author,
                c.summary
            );
            outln!("  last had at {}: {}", short(&r.last_seen.id), r.found);
            Ok(ExitStatus::Success)
        }
        // The history walked begins at `HEAD`, where the user was not found.
        Presence::Present(_) => Err(Error::invalid(format!(
            "no user `{user}` in the policy at HEAD"
        ))),
        Presence::Absent(walked) if walked >= limit.max(1) => Err(Error::invalid(format!(
            "no user `{user}` in the policy at HEAD, nor in any of the {walked} newest commit(s) of its first-parent history (`--limit` walks further)"
        ))),
        Presence::Absent(walked) => Err(Error::invalid(format!(
            "no user `{user}` in the policy at HEAD, nor in any of the {walked} commit(s) of its first-parent history"
        ))),
    }
}
