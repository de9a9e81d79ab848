//! The Markdown rendering of a plan, for a pull-request comment: a summary table first, then
//! the details in collapsible sections, summarised to stay under [`MARKDOWN_LIMIT`].

use crate::op::Action;
use crate::plan::{KINDS, Plan};
use std::fmt::Write as _;

/// The most characters a rendering may have (GitHub comments hold 65,536).
pub const MARKDOWN_LIMIT: usize = 60_000;

fn escape(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The plan as Markdown, under [`MARKDOWN_LIMIT`] characters.
pub fn markdown(plan: &Plan) -> String {
    let mut head = String::new();
    let _ = writeln!(head, "### teamform plan for `{}`\n", plan.portal);
    if !plan.has_changes() {
        let _ = writeln!(head, "No changes: the portal matches the policy.");
        return head;
    }
    if !plan.refusals.is_empty() {
        let _ = writeln!(
            head,
            "> [!CAUTION]\n> **`apply` will refuse this plan** (guardrails):"
        );
        for r in &plan.refusals {
            let _ = writeln!(head, "> - {}", escape(r));
        }
        let _ = writeln!(head);
    }
    let _ = writeln!(head, "| kind | create | update | delete | manual |");
    let _ = writeln!(head, "|---|---:|---:|---:|---:|");
    for kind in KINDS {
        let ops: Vec<_> = plan.changes.iter().filter(|o| o.kind == kind).collect();
        if ops.is_empty() {
            continue;
        }
        let n = |a: Action| ops.iter().filter(|o| o.action == a).count();
        let manual = ops.iter().filter(|o| !o.automatic).count();
        let _ = writeln!(
            head,
            "| {} | {} | {} | {} | {} |",
            kind.as_str(),
            n(Action::Create),
            n(Action::Update),
            n(Action::Delete),
            manual
        );
    }
    let gained: usize = plan.access.iter().map(|u| u.gained.len()).sum();
    let lost: usize = plan.access.iter().map(|u| u.lost.len()).sum();
    let changed: usize = plan.access.iter().map(|u| u.changed.len()).sum();
    let _ = writeln!(
        head,
        "\n**Access:** {} user(s) affected, {gained} access(es) gained, {lost} lost, {changed} scope(s) changed.\n",
        plan.access.len()
    );

    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    let changes = plan
        .changes
        .iter()
        .map(|op| {
            let fields: Vec<String> = op
                .changes
                .iter()
                .map(|c| match (&c.before, &c.after) {
                    (Some(b), Some(a)) => format!(
                        "`{}`: {} → {}",
                        c.field,
                        escape(&b.replace('\n', "; ")),
                        escape(&a.replace('\n', "; "))
                    ),
                    (None, Some(a)) => format!("`{}`: {}", c.field, escape(&a.replace('\n', "; "))),
                    (Some(b), None) => format!("`{}`: ~~{}~~", c.field, escape(b)),
                    (None, None) => format!("`{}`", c.field),
                })
                .collect();
            let manual = if op.automatic { "" } else { " *(manual)*" };
            format!(
                "- `{}` {} `{}`{manual}: {}\n",
                op.action.sign(),
                op.kind.as_str(),
                escape(&op.key),
                fields.join("; ")
            )
        })
        .collect();
    sections.push((format!("Changes ({})", plan.changes.len()), changes));
    if !plan.manual_steps.is_empty() {
        let steps = plan
            .manual_steps
            .iter()
            .map(|s| format!("- [ ] {}\n", escape(&s.instruction)))
            .collect();
        sections.push((format!("Manual steps ({})", plan.manual_steps.len()), steps));
    }
    let access = plan
        .access
        .iter()
        .map(|u| {
            let mut s = format!("- **{}** ({})\n", escape(&u.user), u.status);
            for l in &u.gained {
                let _ = writeln!(s, "  - ➕ {} _({})_", escape(&l.access), escape(&l.via));
            }
            for l in &u.lost {
                let _ = writeln!(s, "  - ➖ {} _({})_", escape(&l.access), escape(&l.via));
            }
            for c in &u.changed {
                let _ = writeln!(
                    s,
                    "  - 🔁 {}: {} → {} _({})_",
                    escape(&c.access),
                    escape(&c.before),
                    escape(&c.after),
                    escape(&c.via)
                );
            }
            s
        })
        .collect();
    sections.push((
        format!(
            "Access changes ({} user{})",
            plan.access.len(),
            if plan.access.len() == 1 { "" } else { "s" }
        ),
        access,
    ));
    if !plan.records.is_empty() {
        let records = plan
            .records
            .iter()
            .map(|r| {
                let mut s = format!("- records owned by **{}**\n", escape(&r.owner));
                for (sign, groups) in [("➕", &r.gained), ("➖", &r.lost)] {
                    for g in groups {
                        let _ = writeln!(
                            s,
                            "  - {sign} {}: {}",
                            escape(&g.users.join(", ")),
                            escape(&g.access.join(", "))
                        );
                    }
                }
                s
            })
            .collect();
        sections.push((
            format!(
                "Access to the records of users whose teams change ({})",
                plan.records.len()
            ),
            records,
        ));
    }

    let mut out = head;
    let footer = "\n_Generated by `teamform plan`._\n";
    let per_section =
        (MARKDOWN_LIMIT.saturating_sub(out.len() + footer.len() + 400)) / sections.len().max(1);
    for (title, items) in sections {
        let _ = writeln!(out, "<details><summary>{title}</summary>\n");
        let mut used = 0;
        let mut shown = 0;
        for item in &items {
            if used + item.len() > per_section {
                break;
            }
            out.push_str(item);
            used += item.len();
            shown += 1;
        }
        if shown < items.len() {
            let _ = writeln!(
                out,
                "\n… and {} more, not shown to keep this comment short (see `teamform plan --format json`).",
                items.len() - shown
            );
        }
        let _ = writeln!(out, "\n</details>\n");
    }
    out.push_str(footer);
    out
}
