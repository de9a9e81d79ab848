//! The human rendering of a plan: operations grouped by kind with `+ ~ -`, field changes,
//! line diffs of long values (with `similar`), manual steps and the access diff.

use super::access::{expanded, grouped};
use crate::field::Field;
use crate::op::{Action, FieldChange, Op};
use crate::plan::{KINDS, Plan};
use similar::{ChangeTag, TextDiff};
use std::fmt::Write as _;

/// How to draw the text.
#[derive(Clone, Copy, Debug, Default)]
pub struct HumanStyle {
    /// ANSI colours (on a terminal).
    pub color: bool,
    /// List what the portal cannot read back one per line, instead of one summary line.
    pub show_unverifiable: bool,
    /// The access diff per user, one line per team and asset, instead of grants in groups.
    pub expand: bool,
}

pub(super) struct Paint(pub(super) bool);

impl Paint {
    pub(super) fn sign(&self, c: char, text: &str) -> String {
        if !self.0 {
            return text.to_string();
        }
        let code = match c {
            '+' => "32",
            '-' => "31",
            _ => "33",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    pub(super) fn bold(&self, text: &str) -> String {
        if self.0 {
            format!("\x1b[1m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// A field's value as shown: names quoted (`"Sales France"`), flags and lists as they are
/// (`true`, `Sales, Events`), so that a reviewer can tell one from the other.
fn quote(field: Field, v: &str) -> String {
    match field.names_something() {
        true => format!("\"{v}\""),
        false => v.to_string(),
    }
}

fn field(out: &mut String, paint: &Paint, c: &FieldChange) {
    let multiline = c.before.as_deref().is_some_and(|b| b.contains('\n'))
        || c.after.as_deref().is_some_and(|a| a.contains('\n'));
    if multiline {
        let _ = writeln!(out, "      {}:", c.field);
        let before = c.before.clone().unwrap_or_default();
        let after = c.after.clone().unwrap_or_default();
        let diff = TextDiff::from_lines(&before, &after);
        for change in diff.iter_all_changes() {
            let line = change.value().trim_end_matches('\n');
            let text = match change.tag() {
                ChangeTag::Delete => paint.sign('-', &format!("        - {line}")),
                ChangeTag::Insert => paint.sign('+', &format!("        + {line}")),
                ChangeTag::Equal => format!("          {line}"),
            };
            let _ = writeln!(out, "{text}");
        }
        return;
    }
    let line = match (&c.before, &c.after) {
        (None, Some(a)) => format!("      {}: {}", c.field, quote(c.field, a)),
        (Some(b), None) => format!("      {}: {} → (none)", c.field, quote(c.field, b)),
        (Some(b), Some(a)) => format!(
            "      {}: {} → {}",
            c.field,
            quote(c.field, b),
            quote(c.field, a)
        ),
        (None, None) => format!("      {}", c.field),
    };
    let _ = writeln!(out, "{line}");
}

/// How many operations' lines are written together.
const OPS_PER_BLOCK: usize = 1024;

/// The room made for an operation's lines in a block: a little more than a first plan's
/// average (about 130 bytes), so that a block's text is seldom moved as it grows.
const BYTES_PER_OP: usize = 160;

fn op_line(out: &mut String, paint: &Paint, op: &Op) {
    let sign = op.action.sign();
    let manual = match (op.automatic, op.confirm) {
        (true, _) => "",
        (false, Some(crate::op::Confirm::Unknown)) => "  (manual step: never confirmed)",
        (false, _) => "  (manual step)",
    };
    let head = format!("  {sign} {} {}", op.kind.as_str(), op.key);
    let name = if op.name != op.key {
        format!(" \"{}\"", op.name)
    } else {
        String::new()
    };
    let _ = writeln!(out, "{}{name}{manual}", paint.sign(sign, &head));
    for c in &op.changes {
        if op.action == Action::Create
            && c.field == Field::Name
            && c.after.as_deref() == Some(op.name.as_str())
        {
            continue;
        }
        if op.action == Action::Delete {
            continue;
        }
        field(out, paint, c);
    }
}

/// The plan as text for a terminal or a log.
pub fn human(plan: &Plan, style: HumanStyle) -> String {
    let mut text = Vec::new();
    // Writing to memory does not fail, and every part written is text.
    let _ = write_human(&mut text, plan, style);
    String::from_utf8(text).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`human`], written to `w` as it is made: the operations' lines of a first plan of a large
/// org (tens of megabytes) are written a block at a time, never put together in one text.
pub fn write_human(
    w: &mut impl std::io::Write,
    plan: &Plan,
    style: HumanStyle,
) -> std::io::Result<()> {
    let paint = Paint(style.color);
    let mut out = String::new();
    if !plan.has_changes() {
        let _ = writeln!(
            out,
            "No changes: the portal ({}) matches the policy.",
            plan.portal
        );
        if let Some(line) = super::left_alone::line(plan) {
            let _ = writeln!(out, "{line}");
        }
        unverifiable(&mut out, plan, style.show_unverifiable);
        return w.write_all(out.as_bytes());
    }
    let counts = plan.counts();
    let n = |a: Action| counts.get(&a).copied().unwrap_or(0);
    let _ = writeln!(
        out,
        "{}",
        paint.bold(&format!(
            "Plan for {}: {} to create, {} to update, {} to delete.",
            plan.portal,
            n(Action::Create),
            n(Action::Update),
            n(Action::Delete)
        ))
    );
    if let Some(line) = super::left_alone::line(plan) {
        let _ = writeln!(out, "{line}");
    }
    if !plan.refusals.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint.sign('-', "Apply will refuse this plan (guardrails):")
        );
        for r in &plan.refusals {
            let _ = writeln!(out, "{}", paint.sign('-', &format!("  ! {r}")));
        }
    }
    let offboarding = super::offboarding::lines(plan);
    if !offboarding.is_empty() {
        let _ = writeln!(out, "\n{}", paint.bold("Offboarding:"));
        for line in offboarding {
            let _ = writeln!(out, "  {line}");
        }
    }
    if let Some(line) = super::access::risk_line(plan) {
        let _ = writeln!(out, "\n{line}");
    }
    for kind in KINDS {
        let ops: Vec<&Op> = plan.changes.iter().filter(|o| o.kind == kind).collect();
        if ops.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{}",
            paint.bold(&format!("{}s", capitalised(kind.as_str())))
        );
        // A first plan has an operation per object of the org: their lines are made a block
        // at a time on every thread, then written in order.
        let blocks: Vec<&[&Op]> = ops.chunks(OPS_PER_BLOCK).collect();
        let texts = crate::par::map(&blocks, |block| {
            let mut text = String::with_capacity(block.len() * BYTES_PER_OP);
            for op in block.iter() {
                op_line(&mut text, &paint, op);
            }
            text
        });
        w.write_all(out.as_bytes())?;
        out.clear();
        for text in texts {
            w.write_all(text.as_bytes())?;
        }
    }
    if !plan.manual_steps.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint.bold(&format!(
                "Manual steps ({}): teamform cannot do these through the portal's API",
                plan.manual_steps.len()
            ))
        );
        for step in &plan.manual_steps {
            let _ = writeln!(out, "  [ ] {}", step.instruction);
        }
    }
    if style.expand {
        expanded(&mut out, &paint, plan);
    } else {
        grouped(&mut out, &paint, plan);
    }
    records(&mut out, &paint, plan);
    unverifiable(&mut out, plan, style.show_unverifiable);
    w.write_all(out.as_bytes())
}

/// Who gains and loses team-scope access over the records of users whose teams change.
fn records(out: &mut String, paint: &Paint, plan: &Plan) {
    if plan.records.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{}",
        paint.bold(&format!(
            "Access to the records of users whose teams change ({}):",
            plan.records.len()
        ))
    );
    for r in &plan.records {
        let _ = writeln!(out, "  records owned by {}", r.owner);
        for (sign, groups) in [('+', &r.gained), ('-', &r.lost)] {
            for g in groups {
                let _ = writeln!(
                    out,
                    "{}",
                    paint.sign(
                        sign,
                        &format!("    {sign} {}: {}", g.users.join(", "), g.access.join(", "))
                    )
                );
            }
        }
    }
}

/// What the portal cannot read back: one line with the count, or (`all`) the list.
fn unverifiable(out: &mut String, plan: &Plan, all: bool) {
    if plan.unverifiable.is_empty() {
        return;
    }
    let n = plan.unverifiable.len();
    if !all {
        let _ = writeln!(
            out,
            "\n{n} setting{} the portal cannot read back {} taken from what was last confirmed (`teamform confirm`); `--show-unverifiable` lists {}.",
            if n == 1 { "" } else { "s" },
            if n == 1 { "is" } else { "are" },
            if n == 1 { "it" } else { "them" },
        );
        return;
    }
    let _ = writeln!(
        out,
        "\nUnverifiable ({n}): the portal cannot read these back; they are taken from what was last confirmed:"
    );
    for u in &plan.unverifiable {
        let _ = writeln!(out, "  ? {u}");
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}
