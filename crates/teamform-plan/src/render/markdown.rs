//! The Markdown rendering of a plan, for a pull-request comment: a summary table first, then
//! the details in collapsible sections, summarised to stay under [`MARKDOWN_LIMIT`].

use crate::access::grants::{GrantChange, Risk, shown};
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
    let left_alone = super::left_alone::line(plan).map(|l| format!("\n{}\n", escape(&l)));
    if !plan.has_changes() {
        let _ = writeln!(head, "No changes: the portal matches the policy.");
        head.push_str(left_alone.as_deref().unwrap_or_default());
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
    head.push_str(left_alone.as_deref().unwrap_or_default());
    let offboarding = super::offboarding::lines(plan);
    if !offboarding.is_empty() {
        let _ = writeln!(head, "\n**Offboarding:**\n");
        for line in offboarding {
            let _ = writeln!(head, "- {}", escape(&line));
        }
    }
    if let Some(line) = super::access::risk_line(plan) {
        let users: usize = plan.groups.iter().map(|g| g.users.len()).sum();
        let _ = writeln!(
            head,
            "\n**Access:** {} affected, in {} group(s). {line}\n",
            super::access::users_text(users),
            plan.groups.len()
        );
    }

    let mut sections: Vec<Section> = Vec::new();
    if let Some(risky) = risky_section(plan) {
        sections.push(risky);
    }
    let changes = plan
        .changes
        .iter()
        .map(|op| {
            let fields: Vec<String> = op
                .changes
                .iter()
                .map(|c| match (&c.before, &c.after) {
                    (Some(b), Some(a)) if b.contains('\n') || a.contains('\n') => {
                        field_diff(&c.field.to_string(), b, a)
                    }
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
    sections.push(plain(format!("Changes ({})", plan.changes.len()), changes));
    if !plan.manual_steps.is_empty() {
        let steps = plan
            .manual_steps
            .iter()
            .map(|s| format!("- [ ] {}\n", escape(&s.instruction)))
            .collect();
        sections.push(plain(
            format!("Manual steps ({})", plan.manual_steps.len()),
            steps,
        ));
    }
    if !plan.groups.is_empty() {
        sections.push(groups_section(plan));
    }
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
        sections.push(plain(
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
    for mut section in sections {
        let open = if section.open { " open" } else { "" };
        let _ = writeln!(out, "<details{open}><summary>{}</summary>\n", section.title);
        let mut used = 0;
        let mut shown = 0;
        // Items are written only while they fit: a first plan of a large org has tens of
        // thousands of groups, of which a comment shows a few hundred.
        for (item, _) in section.items.iter_mut() {
            let item = (std::mem::replace(item, Box::new(String::new)))();
            if used + item.len() > per_section {
                break;
            }
            out.push_str(&item);
            used += item.len();
            shown += 1;
        }
        if shown < section.items.len() {
            let mut cut = [0usize; 3];
            for (_, counts) in &section.items[shown..] {
                for (c, n) in cut.iter_mut().zip(counts) {
                    *c += n;
                }
            }
            let levels = if cut.iter().any(|n| *n > 0) {
                format!(
                    ": {} critical, {} high and {} normal access change(s) among them",
                    cut[0], cut[1], cut[2]
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "\n… and {} more, not shown to keep this comment short{levels} (see `teamform plan --format json`).",
                section.items.len() - shown
            );
        }
        let _ = writeln!(out, "\n</details>\n");
    }
    out.push_str(footer);
    out
}

/// An item of a section, written when it is shown.
type Item<'p> = Box<dyn FnOnce() -> String + 'p>;

/// A collapsible section: its items, each with its access changes per risk level (critical,
/// high, normal), so that what a cut leaves out is counted per level.
struct Section<'p> {
    title: String,
    items: Vec<(Item<'p>, [usize; 3])>,
    open: bool,
}

/// A section whose items carry no access changes.
fn plain<'p>(title: String, items: Vec<String>) -> Section<'p> {
    Section {
        title,
        items: items
            .into_iter()
            .map(|i| (Box::new(move || i) as Item<'p>, [0; 3]))
            .collect(),
        open: false,
    }
}

/// The position of a risk level in a count.
fn level(risk: Risk) -> usize {
    match risk {
        Risk::Critical => 0,
        Risk::High => 1,
        Risk::Normal => 2,
    }
}

/// The most emails a group names in a comment; the count says how many more there are.
const NAMED: usize = 10;

/// `a@x`, `3 users: a@x, b@x, c@x` or `1,666 users: a@x, … and 1,656 more`.
fn who(users: &[String]) -> String {
    match users {
        [one] => escape(one),
        _ if users.len() <= NAMED => format!(
            "{}: {}",
            super::access::users_text(users.len()),
            escape(&users.join(", "))
        ),
        _ => format!(
            "{}: {} and {} more",
            super::access::users_text(users.len()),
            escape(&users[..NAMED].join(", ")),
            crate::access::grants::thousands(users.len() - NAMED)
        ),
    }
}

/// The critical and high changes, first and open: one item per change, with its users.
fn risky_section(plan: &Plan) -> Option<Section<'_>> {
    let mut items: Vec<(String, [usize; 3])> = Vec::new();
    for risk in [Risk::Critical, Risk::High] {
        for g in &plan.groups {
            let at = |c: &&GrantChange| c.risk == risk;
            let changes = shown(g.grants.gained.iter().filter(at))
                .into_iter()
                .map(|c| ("➕", c))
                .chain(
                    shown(g.grants.lost.iter().filter(at))
                        .into_iter()
                        .map(|c| ("➖", c)),
                );
            for (sign, c) in changes {
                let mut counts = [0; 3];
                counts[level(risk)] = 1;
                items.push((
                    format!(
                        "- **{}** {sign} {} _({})_ — {}\n",
                        risk.as_str(),
                        escape(&c.grant),
                        escape(&c.via),
                        who(&g.users)
                    ),
                    counts,
                ));
            }
            for c in g.grants.changed.iter().filter(|c| c.risk == risk) {
                let mut counts = [0; 3];
                counts[level(risk)] = 1;
                items.push((
                    format!(
                        "- **{}** 🔁 {} {}: {} → {} _({})_ — {}\n",
                        risk.as_str(),
                        c.action,
                        c.object,
                        escape(&c.before.text()),
                        escape(&c.after.text()),
                        escape(&c.via.text()),
                        who(&g.users)
                    ),
                    counts,
                ));
            }
        }
    }
    (!items.is_empty()).then(|| Section {
        title: format!("Critical and high access changes ({})", items.len()),
        items: items
            .into_iter()
            .map(|(text, counts)| (Box::new(move || text) as Item<'_>, counts))
            .collect(),
        open: true,
    })
}

/// Every group: its users, then its grants gained, lost and changed.
fn groups_section(plan: &Plan) -> Section<'_> {
    let users: usize = plan.groups.iter().map(|g| g.users.len()).sum();
    let items = plan
        .groups
        .iter()
        .map(|g| {
            let mut counts = [0; 3];
            let changes = g.grants.gained.iter().chain(&g.grants.lost);
            for risk in changes
                .map(|c| c.risk)
                .chain(g.grants.changed.iter().map(|c| c.risk))
            {
                counts[level(risk)] += 1;
            }
            (Box::new(move || group_item(g)) as Item<'_>, counts)
        })
        .collect();
    Section {
        title: format!(
            "Access changes ({} in {} group{})",
            super::access::users_text(users),
            plan.groups.len(),
            if plan.groups.len() == 1 { "" } else { "s" }
        ),
        items,
        open: false,
    }
}

/// One group: its users, then its grants gained, lost and changed.
fn group_item(g: &crate::access::grants::AccessGroup) -> String {
    let mut s = format!(
        "- {}**{}**{}\n",
        super::access::tag(g.risk),
        who(&g.users),
        super::access::status_text(g.status)
    );
    for (sign, list) in [("➕", &g.grants.gained), ("➖", &g.grants.lost)] {
        for c in shown(list.iter()) {
            let _ = writeln!(
                s,
                "  - {sign} {}{} _({})_",
                super::access::tag(c.change.risk),
                escape(&c.grant),
                escape(&c.via)
            );
        }
    }
    for c in &g.grants.changed {
        let _ = writeln!(
            s,
            "  - 🔁 {}{} {}: {} → {} _({})_",
            super::access::tag(c.risk),
            c.action,
            c.object,
            escape(&c.before.text()),
            escape(&c.after.text()),
            escape(&c.via.text())
        );
    }
    s
}

/// A long value's change as a diff block (a role's permissions, one grant per line).
fn field_diff(field: &str, before: &str, after: &str) -> String {
    let mut s = format!("`{field}`:\n\n  ```diff\n");
    let diff = similar::TextDiff::from_lines(before, after);
    for change in diff.iter_all_changes() {
        let line = change.value().trim_end_matches('\n');
        let sign = match change.tag() {
            similar::ChangeTag::Delete => '-',
            similar::ChangeTag::Insert => '+',
            similar::ChangeTag::Equal => ' ',
        };
        let _ = writeln!(s, "  {sign} {line}");
    }
    s.push_str("  ```\n");
    s
}
