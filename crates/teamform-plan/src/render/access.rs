//! The access diff as people read it: the risk summary every format opens with, users grouped
//! by how their access changes (grants: team subtrees, asset partitions, risk levels), and the
//! expanded view per user (`--expand`: one line per team and asset).

use super::human::Paint;
use crate::access::grants::{GrantChange, Risk, Status};
use crate::plan::Plan;
use std::fmt::Write as _;

/// Per risk level, highest first: how many grant changes (gained, lost or changed, counted
/// once per group) and how many users they reach.
pub fn risk_counts(plan: &Plan) -> Vec<(Risk, usize, usize)> {
    Risk::ALL
        .iter()
        .map(|risk| {
            let (mut changes, mut users) = (0, 0);
            for g in &plan.groups {
                let n = g
                    .grants
                    .gained
                    .iter()
                    .chain(&g.grants.lost)
                    .filter(|c| c.risk == *risk)
                    .count()
                    + g.grants.changed.iter().filter(|c| c.risk == *risk).count();
                changes += n;
                if n > 0 {
                    users += g.users.len();
                }
            }
            (*risk, changes, users)
        })
        .collect()
}

/// `Access risk: 1 critical (1 user), 0 high, 12 normal (11 users).`, when access changes.
pub fn risk_line(plan: &Plan) -> Option<String> {
    if plan.groups.is_empty() {
        return None;
    }
    let parts: Vec<String> = risk_counts(plan)
        .into_iter()
        .map(|(risk, changes, users)| match changes {
            0 => format!("0 {}", risk.as_str()),
            _ => format!("{changes} {} ({})", risk.as_str(), users_text(users)),
        })
        .collect();
    Some(format!(
        "Access risk: {} grant change(s).",
        parts.join(", ")
    ))
}

/// `1 user`, `12 users`.
pub fn users_text(n: usize) -> String {
    format!(
        "{} user{}",
        crate::access::grants::thousands(n),
        if n == 1 { "" } else { "s" }
    )
}

/// A grant change as a line: sign, risk tag for critical and high, the grant, the reason.
pub fn change_line(sign: char, c: &GrantChange) -> String {
    format!(
        "{sign} {}{} ({})",
        tag(c.risk),
        c.grant.text(),
        c.via.text()
    )
}

/// `[critical] `, `[high] `, or nothing.
pub fn tag(risk: Risk) -> &'static str {
    match risk {
        Risk::Critical => "[critical] ",
        Risk::High => "[high] ",
        Risk::Normal => "",
    }
}

/// What a group's status adds to its heading.
pub fn status_text(status: Status) -> &'static str {
    match status {
        Status::New => " (new)",
        Status::Removed => " (removed)",
        Status::Changed => "",
    }
}

/// The groups, riskiest first: the users, then their grants gained, lost and changed.
pub(super) fn grouped(out: &mut String, paint: &Paint, plan: &Plan) {
    if plan.groups.is_empty() {
        return;
    }
    let users: usize = plan.groups.iter().map(|g| g.users.len()).sum();
    let _ = writeln!(
        out,
        "\n{}",
        paint.bold(&format!(
            "Access changes ({} in {} group{}; `--expand` shows every team and asset):",
            users_text(users),
            plan.groups.len(),
            if plan.groups.len() == 1 { "" } else { "s" }
        ))
    );
    for g in &plan.groups {
        let who = if g.users.len() == 1 {
            g.users[0].clone()
        } else {
            format!("{}: {}", users_text(g.users.len()), g.users.join(", "))
        };
        let _ = writeln!(out, "  {}{who}{}", tag(g.risk), status_text(g.status));
        for c in &g.grants.gained {
            let _ = writeln!(
                out,
                "{}",
                paint.sign('+', &format!("    {}", change_line('+', c)))
            );
        }
        for c in &g.grants.lost {
            let _ = writeln!(
                out,
                "{}",
                paint.sign('-', &format!("    {}", change_line('-', c)))
            );
        }
        for c in &g.grants.changed {
            let line = format!(
                "    ~ {}{} {}: {} → {} ({})",
                tag(c.risk),
                c.action,
                c.object,
                c.before.text(),
                c.after.text(),
                c.via.text()
            );
            let _ = writeln!(out, "{}", paint.sign('~', &line));
        }
    }
}

/// The access diff per user, one line per team and asset.
pub(super) fn expanded(out: &mut String, paint: &Paint, plan: &Plan) {
    if plan.access.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{}",
        paint.bold(&format!(
            "Access changes ({} user{}):",
            plan.access.len(),
            if plan.access.len() == 1 { "" } else { "s" }
        ))
    );
    for user in &plan.access {
        let status = match user.status {
            Status::New => " (new user)",
            Status::Removed => " (removed)",
            Status::Changed => "",
        };
        let _ = writeln!(out, "  {}{status}", user.user);
        for line in &user.gained {
            let _ = writeln!(
                out,
                "{}",
                paint.sign('+', &format!("    + {} ({})", line.access, line.via))
            );
        }
        for line in &user.lost {
            let _ = writeln!(
                out,
                "{}",
                paint.sign('-', &format!("    - {} ({})", line.access, line.via))
            );
        }
        for c in &user.changed {
            let _ = writeln!(
                out,
                "{}",
                paint.sign(
                    '~',
                    &format!("    ~ {}: {} → {} ({})", c.access, c.before, c.after, c.via)
                )
            );
        }
    }
}
