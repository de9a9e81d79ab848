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
    let mut parts = Vec::new();
    if l.undeclared_users > 0 {
        parts.push(format!(
            "{} not declared in the policy (`users = \"declared\"`)",
            count(l.undeclared_users, "user", "users")
        ));
    }
    if l.ignored_users > 0 {
        parts.push(format!(
            "{} matching `ignore_users`",
            count(l.ignored_users, "user", "users")
        ));
    }
    if l.ignored_teams > 0 {
        parts.push(format!(
            "{} matching `ignore_teams`",
            count(l.ignored_teams, "team", "teams")
        ));
    }
    if l.holding_teams > 0 {
        parts.push(format!(
            "{} not declared that hold{} users or teams left alone",
            count(l.holding_teams, "team", "teams"),
            if l.holding_teams == 1 { "s" } else { "" }
        ));
    }
    if l.holding_roles > 0 {
        parts.push(format!(
            "{} not declared that users left alone hold",
            count(l.holding_roles, "role", "roles")
        ));
    }
    Some(format!(
        "Left alone (never created, changed or removed): {}.",
        parts.join(", ")
    ))
}
