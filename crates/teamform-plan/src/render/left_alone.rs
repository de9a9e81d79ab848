//! The line saying what a plan left alone (`[portal.manage]`), shared by the human and
//! Markdown renderers.

use crate::plan::Plan;

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "Left alone: 12 users not declared in the policy, …", or `None` when the plan manages
/// everything.
pub(super) fn line(plan: &Plan) -> Option<String> {
    let l = &plan.left_alone;
    if l.is_empty() {
        return None;
    }
    let kinds = [
        (
            l.undeclared_users,
            "user",
            "users",
            "not declared in the policy (`users = \"declared\"`)",
        ),
        (l.ignored_users, "user", "users", "matching `ignore_users`"),
        (l.ignored_teams, "team", "teams", "matching `ignore_teams`"),
        (
            l.holding_teams,
            "team",
            "teams",
            "not declared, holding users or teams left alone",
        ),
        (
            l.holding_roles,
            "role",
            "roles",
            "not declared, held by users left alone",
        ),
    ];
    let parts: Vec<String> = kinds
        .iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many, why)| format!("{} {why}", count(*n, one, many)))
        .collect();
    Some(format!(
        "Left alone (never created, changed or removed): {}.",
        parts.join(", ")
    ))
}
