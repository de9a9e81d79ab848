//! Starting a review period: one decisions file per team with members, listing each member
//! with what the review found, for a reviewer to fill in.

use crate::types::{Review, ReviewTeam, ReviewUser};
use std::collections::HashMap;
use std::fmt::Write as _;

/// A decisions file to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamFile {
    /// The team's key.
    pub team: String,
    /// The file's name (`KEY.toml`).
    pub name: String,
    /// Its contents.
    pub text: String,
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The files of a review, one per team with members, in the order of the policy's teams.
pub fn team_files(review: &Review, period: &str) -> Vec<TeamFile> {
    let users: HashMap<&str, &ReviewUser> =
        review.users.iter().map(|u| (u.email.as_str(), u)).collect();
    let messages: HashMap<&str, Vec<&str>> =
        review
            .findings
            .iter()
            .fold(HashMap::new(), |mut m: HashMap<&str, Vec<&str>>, f| {
                m.entry(f.user.as_str()).or_default().push(&f.message);
                m
            });
    review
        .teams
        .iter()
        .filter(|t| !t.members.is_empty())
        .map(|t| TeamFile {
            team: t.key.clone(),
            name: format!("{}.toml", t.key),
            text: render(t, period, &users, &messages),
        })
        .collect()
}

/// One team's file.
pub fn render(
    team: &ReviewTeam,
    period: &str,
    users: &HashMap<&str, &ReviewUser>,
    messages: &HashMap<&str, Vec<&str>>,
) -> String {
    let mut out = String::new();
    let reviewers = if team.reviewers.is_empty() {
        "none declared: add `reviewers = [...]` to the team or a parent".to_string()
    } else {
        team.reviewers.join(", ")
    };
    let _ = writeln!(
        out,
        "# Access review {period} of team `{}` ({}).\n# Reviewers: {reviewers}.\n#\n\
         # For each member, set `decision` to \"keep\", \"revoke\" or \"change\", with a `reason`\n\
         # (required for revoke and change, and to keep a member with findings). A change says\n\
         # what changes: `role = \"ROLE_KEY\"` and/or `team = \"TEAM_KEY\"`. Nobody decides on\n\
         # their own access: another reviewer records it with `by = \"EMAIL\"`. Commit the file;\n\
         # `teamform review close` records who committed each decision.\n",
        team.key, team.name
    );
    let _ = writeln!(out, "period = {}", quoted(period));
    let _ = writeln!(out, "team = {}", quoted(&team.key));
    let _ = writeln!(out, "reviewer = \"\"");
    for email in &team.members {
        let Some(u) = users.get(email.as_str()) else {
            continue;
        };
        let _ = writeln!(out, "\n[member.{}]", quoted(email));
        let mut about = vec![u.role.clone().unwrap_or_else(|| "no role".into())];
        if u.super_admin {
            about.push("super admin".into());
        }
        if !u.seats.is_empty() {
            about.push(format!("seats {}", u.seats.join(", ")));
        }
        about.push(match &u.last_login {
            Some(l) => format!("last login {}", l.get(..10).unwrap_or(l)),
            None => format!("login: {}", u.login.as_str()),
        });
        if !u.in_policy {
            about.push("not in the policy".into());
        }
        let _ = writeln!(out, "# {}", about.join(" · "));
        for m in messages.get(email.as_str()).into_iter().flatten() {
            let _ = writeln!(out, "# finding: {}", m.replace('\n', " "));
        }
        let findings: Vec<String> = u.findings.iter().map(|f| quoted(f)).collect();
        let _ = writeln!(out, "findings = [{}]", findings.join(", "));
        let _ = writeln!(out, "decision = \"\"\nreason = \"\"");
    }
    out
}
