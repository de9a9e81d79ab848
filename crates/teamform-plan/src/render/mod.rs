//! Plan renderers: human text (with `+ ~ -`, field diffs and `similar` diffs of long values),
//! versioned JSON, and Markdown for a pull-request comment. Plus the wording of manual steps.

mod access;
mod human;
mod json;
mod left_alone;
mod markdown;
mod offboarding;
mod parts;

pub use access::GROUP_LINES;
pub use human::{HumanStyle, human, write_human};
pub use json::{JSON_FORMAT_VERSION, PlanDocument, json, plan_schema, write_json};
pub use markdown::{MARKDOWN_LIMIT, markdown};

use crate::field::Field;
use crate::op::{Action, Confirm, Op};
use teamform_portal::{ObjectKind, Screens};

/// The exact instruction for an operation the provider cannot perform; for what the portal
/// cannot read back, followed by how to record that it is done.
pub fn manual_instruction(op: &Op, screens: &Screens) -> String {
    let what = instruction(op, screens);
    match op.confirm {
        None => what,
        Some(_) => format!("{what}; then run `teamform confirm {}`", op.address()),
    }
}

/// [`manual_instruction`] without the confirmation.
fn instruction(op: &Op, screens: &Screens) -> String {
    let fields = |sep: &str| {
        op.changes
            .iter()
            .map(|c| match &c.after {
                Some(a) => format!("{}: {}", c.field, a.replace('\n', "; ")),
                None => c.field.to_string(),
            })
            .collect::<Vec<_>>()
            .join(sep)
    };
    match (op.kind, op.action) {
        (ObjectKind::Role, Action::Create) => format!(
            "create permission set `{}` in {} with these rights: {}",
            op.name,
            screens.permission_sets,
            fields("; ")
        ),
        (ObjectKind::Role, Action::Update) if op.confirm == Some(Confirm::Unknown) => format!(
            "check that permission set `{}` in {} holds exactly: {}",
            op.name,
            screens.permission_sets,
            fields("; ")
        ),
        (ObjectKind::Role, Action::Update) => format!(
            "edit permission set `{}` in {}: {}",
            op.name,
            screens.permission_sets,
            op.changes
                .iter()
                .map(|c| match (c.field, &c.before, &c.after) {
                    (Field::Permissions, Some(b), Some(a)) => permission_edits(b, a),
                    (_, _, Some(a)) => format!("{}: {}", c.field, a.replace('\n', "; ")),
                    _ => c.field.to_string(),
                })
                .collect::<Vec<_>>()
                .join("; ")
        ),
        (ObjectKind::Role, Action::Delete) => format!(
            "delete permission set `{}` in {}",
            op.name, screens.permission_sets
        ),
        (ObjectKind::Asset, _) => {
            let teams = op
                .changes
                .iter()
                .find(|c| c.field == Field::Teams)
                .and_then(|c| c.after.clone())
                .unwrap_or_else(|| "(none)".to_string());
            let verb = if op.confirm == Some(Confirm::Unknown) {
                "check that"
            } else {
                "assign"
            };
            let tail = if op.confirm == Some(Confirm::Unknown) {
                " is assigned to team(s)"
            } else {
                " to team(s)"
            };
            format!(
                "{verb} {} `{}`{tail} {teams} (open the asset, then {})",
                op.key.split('.').next().unwrap_or("asset"),
                op.name,
                screens.asset_teams
            )
        }
        (ObjectKind::User, _) => format!(
            "in {}, open user `{}` and set {}",
            screens.users,
            op.key,
            fields(", ")
        ),
        (ObjectKind::Team, _) => format!(
            "in {}, {} team `{}`: {}",
            screens.teams,
            op.action.as_str(),
            op.name,
            fields(", ")
        ),
    }
}

/// The edits that turn one permission set's contents into another, one grant at a time
/// (`add tools.forms: view; set crm.deals: view=team …; remove tools.blog`).
fn permission_edits(before: &str, after: &str) -> String {
    let grant = |line: &str| line.split_once(": ").map_or(line, |(k, _)| k).to_string();
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    let old_keys: Vec<String> = old.iter().map(|l| grant(l)).collect();
    let new_keys: Vec<String> = new.iter().map(|l| grant(l)).collect();
    let mut edits = Vec::new();
    for line in new.iter().filter(|l| !old.contains(l)) {
        let verb = if old_keys.contains(&grant(line)) {
            "set"
        } else {
            "add"
        };
        edits.push(format!("{verb} {line}"));
    }
    for (line, key) in old.iter().zip(&old_keys) {
        if !new_keys.contains(key) && *line != "(no access)" {
            edits.push(format!("remove {key}"));
        }
    }
    if edits.is_empty() {
        "no change to its rights".to_string()
    } else {
        edits.join("; ")
    }
}
