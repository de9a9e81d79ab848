//! The access diff as people read it: the risk summary every format opens with, users grouped
//! by how their access changes (grants: team subtrees, asset partitions, risk levels), and the
//! expanded view per user (`--expand`: one line per team and asset).

use super::human::Paint;
use crate::access::grants::{AccessGroup, Risk, Shown, Status, shown};
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
pub fn change_line(sign: char, c: &Shown<'_>) -> String {
    format!("{sign} {}{} ({})", tag(c.change.risk), c.grant, c.via)
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

/// How many lines of groups the human view prints before it summarises the rest: a
/// reviewer reads the riskiest groups in full; a first plan of a large org has tens of
/// thousands of groups, which JSON lists in full.
pub const GROUP_LINES: usize = 2_000;

/// The groups, riskiest first: the users, then their grants gained, lost and changed; past
/// [`GROUP_LINES`], the groups left are counted per risk level instead.
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
            crate::access::grants::thousands(plan.groups.len()),
            if plan.groups.len() == 1 { "" } else { "s" }
        ))
    );
    let mut lines = 0;
    for (shown, g) in plan.groups.iter().enumerate() {
        if lines >= GROUP_LINES {
            cut(out, &plan.groups[shown..]);
            return;
        }
        lines += group(out, paint, g);
    }
}

/// Prints one group; returns how many lines it took.
fn group(out: &mut String, paint: &Paint, g: &AccessGroup) -> usize {
    let who = if g.users.len() == 1 {
        g.users[0].clone()
    } else {
        format!("{}: {}", users_text(g.users.len()), g.users.join(", "))
    };
    let _ = writeln!(out, "  {}{who}{}", tag(g.risk), status_text(g.status));
    for c in &shown(&g.grants.gained) {
        let _ = writeln!(
            out,
            "{}",
            paint.sign('+', &format!("    {}", change_line('+', c)))
        );
    }
    for c in &shown(&g.grants.lost) {
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
    1 + g.grants.gained.len() + g.grants.lost.len() + g.grants.changed.len()
}

/// The groups not printed, counted per risk level, and where to see them.
fn cut(out: &mut String, rest: &[AccessGroup]) {
    let parts: Vec<String> = Risk::ALL
        .iter()
        .filter_map(|risk| {
            let of: Vec<&AccessGroup> = rest.iter().filter(|g| g.risk == *risk).collect();
            let users: usize = of.iter().map(|g| g.users.len()).sum();
            (!of.is_empty()).then(|| {
                format!(
                    "{} {} ({})",
                    crate::access::grants::thousands(of.len()),
                    risk.as_str(),
                    users_text(users)
                )
            })
        })
        .collect();
    let _ = writeln!(
        out,
        "  … and {} more group{} not shown: {}; `--format json` lists every group.",
        crate::access::grants::thousands(rest.len()),
        if rest.len() == 1 { "" } else { "s" },
        parts.join(", ")
    );
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::grants::{Grant, GrantChange, UserGrants, Via};

    /// A plan whose only content is `groups`.
    fn plan_of(groups: Vec<AccessGroup>) -> Plan {
        Plan {
            portal: "sandbox:test.json".to_string(),
            changes: Vec::new(),
            access: Vec::new(),
            groups,
            records: Vec::new(),
            manual_steps: Vec::new(),
            unverifiable: Vec::new(),
            bindings: Default::default(),
            fingerprints: Default::default(),
            refusals: Vec::new(),
            handovers: Vec::new(),
            expirations: Vec::new(),
            left_alone: Default::default(),
        }
    }

    /// A new user's group gaining `risk`-level account permission and nine tools.
    fn group_of(n: usize, risk: Risk) -> AccessGroup {
        use teamform_model::{AccountPermission, Tool, ToolAction};
        let permission = match risk {
            Risk::Critical => AccountPermission::Export,
            _ => AccountPermission::ReassignOwner,
        };
        let via = Via::Role {
            role: format!("r{n}").into(),
        };
        let mut gained = vec![GrantChange {
            grant: Grant::Account { permission },
            via: via.clone(),
            risk: Grant::Account { permission }.risk(),
        }];
        for tool in Tool::ALL.iter().take(9) {
            gained.push(GrantChange {
                grant: Grant::Tool {
                    action: ToolAction::View,
                    tool: *tool,
                },
                via: via.clone(),
                risk: Risk::Normal,
            });
        }
        AccessGroup {
            users: vec![
                format!("user{n}@acme.example"),
                format!("other{n}@acme.example"),
            ],
            status: Status::New,
            risk,
            grants: std::sync::Arc::new(UserGrants {
                gained: gained.into(),
                lost: Default::default(),
                changed: Vec::new(),
            }),
        }
    }

    #[test]
    fn groups_past_the_budget_are_counted_per_risk_level() {
        // 10 critical groups, then 990 high ones: 11 lines each (the users, 10 grants).
        let groups: Vec<AccessGroup> = (0..1_000)
            .map(|n| group_of(n, if n < 10 { Risk::Critical } else { Risk::High }))
            .collect();
        let mut out = String::new();
        grouped(&mut out, &Paint(false), &plan_of(groups));
        let shown = out.matches("(new)").count();
        assert_eq!(shown, GROUP_LINES.div_ceil(11), "{out}");
        assert!(
            out.contains("Access changes (2,000 users in 1,000 groups;"),
            "{out}"
        );
        let rest = 1_000 - shown;
        assert!(
            out.contains(&format!(
                "  … and {rest} more groups not shown: {rest} high ({} users); `--format json` lists every group.",
                crate::access::grants::thousands(rest * 2)
            )),
            "{out}"
        );
        // Every critical group comes first, in full.
        assert_eq!(out.matches("[critical] + account: export").count(), 0);
        assert_eq!(
            out.matches("+ [critical] account: export").count(),
            10,
            "{out}"
        );
    }

    #[test]
    fn a_plan_within_the_budget_is_shown_whole() {
        let groups: Vec<AccessGroup> = (0..5).map(|n| group_of(n, Risk::High)).collect();
        let mut out = String::new();
        grouped(&mut out, &Paint(false), &plan_of(groups));
        assert_eq!(out.matches("(new)").count(), 5);
        assert!(!out.contains("not shown"), "{out}");
    }
}
