//! Plan renderers: human text (with `+ ~ -`, field diffs and `similar` diffs of long values),
//! versioned JSON, and Markdown for a pull-request comment. Plus the wording of manual steps.

mod human;
mod json;
mod markdown;

pub use human::{HumanStyle, human};
pub use json::{JSON_FORMAT_VERSION, json};
pub use markdown::{MARKDOWN_LIMIT, markdown};

use crate::op::{Action, Op};
use teamform_portal::Kind;

/// The exact instruction for an operation the provider cannot perform.
pub fn manual_instruction(op: &Op) -> String {
    let fields = |sep: &str| {
        op.changes
            .iter()
            .map(|c| match &c.after {
                Some(a) => format!("{}: {}", c.field, a.replace('\n', "; ")),
                None => c.field.clone(),
            })
            .collect::<Vec<_>>()
            .join(sep)
    };
    match (op.kind, op.action) {
        (Kind::Role, Action::Create) => format!(
            "create permission set `{}` in Settings > Users & Teams > Permission sets with these rights: {}",
            op.name,
            fields("; ")
        ),
        (Kind::Role, Action::Update) => format!(
            "edit permission set `{}` in Settings > Users & Teams > Permission sets: {}",
            op.name,
            fields("; ")
        ),
        (Kind::Role, Action::Delete) => format!(
            "delete permission set `{}` in Settings > Users & Teams > Permission sets",
            op.name
        ),
        (Kind::Asset, _) => {
            let teams = op
                .changes
                .iter()
                .find(|c| c.field == "teams")
                .and_then(|c| c.after.clone())
                .unwrap_or_else(|| "(none)".to_string());
            format!(
                "assign {} `{}` to team(s) {teams} (open the asset, then Actions > Manage teams)",
                op.key.split('.').next().unwrap_or("asset"),
                op.name
            )
        }
        (Kind::User, _) => format!(
            "in Settings > Users & Teams, open user `{}` and set {}",
            op.key,
            fields(", ")
        ),
        (Kind::Team, _) => format!(
            "in Settings > Users & Teams > Teams, {} team `{}`: {}",
            op.action.as_str(),
            op.name,
            fields(", ")
        ),
    }
}
