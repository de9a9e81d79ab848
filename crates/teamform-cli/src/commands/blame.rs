//! `teamform blame USER`: the commit that granted each access a user holds at `HEAD`.

use crate::cli::PolicyArgs;
use crate::{exit, policy};
use teamform_compiler::compile;
use teamform_git::PolicyRepo;
use teamform_model::load_sources;
use teamform_plan::{Side, granted_at, user_access_lines};

pub fn run(user: &str, args: &PolicyArgs, limit: usize) -> i32 {
    let go = || -> Result<i32, i32> {
        let options = policy::options(args).map_err(|e| super::usage_error(&e))?;
        let repo =
            PolicyRepo::discover(&args.policies).map_err(|e| super::usage_error(&e.to_string()))?;
        let history = repo
            .history("HEAD", limit.max(1))
            .map_err(|e| super::usage_error(&e.to_string()))?;
        let email = user.to_lowercase();
        let mut lines = Vec::with_capacity(history.len());
        for commit in &history {
            let sources = repo
                .sources_at(&commit.id, &commit.id[..8.min(commit.id.len())])
                .map_err(|e| super::usage_error(&e.to_string()))?;
            let load = load_sources(sources);
            let compiled = compile(&load, options);
            let found = load
                .policy
                .users
                .iter()
                .position(|u| u.key.value.to_lowercase() == email);
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
                return Err(super::usage_error(&format!(
                    "no user `{user}` in the policy at HEAD"
                )));
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
        Ok(exit::SUCCESS)
    };
    go().unwrap_or_else(|c| c)
}
