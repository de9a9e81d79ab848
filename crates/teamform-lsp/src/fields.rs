//! The field names of each table of the policy language, with a line of documentation each,
//! for completion. They follow `docs/policy-language.md`; a test checks that the model accepts
//! every one of them, so that this list cannot drift into offering unknown fields.

use teamform_model::{CrmObject, Tool};

/// The kind of table the cursor is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// `[portal]`.
    Portal,
    /// `[team.KEY]`.
    Team,
    /// `[role.KEY]`.
    Role,
    /// `[user."EMAIL"]`.
    User,
    /// `[asset.TYPE.KEY]`.
    Asset,
    /// `[guardrails]`.
    Guardrails,
    /// `[[guardrails.deny]]`.
    Deny,
    /// `[offboard."EMAIL"]`.
    Offboard,
}

impl Table {
    /// The kind of table a header line (`[team.sales]`, `[[guardrails.deny]]`) opens, when it
    /// is one whose fields can be completed.
    pub fn of_header(line: &str) -> Option<Table> {
        let line = line.trim();
        let inner = line
            .strip_prefix("[[")
            .and_then(|l| l.split("]]").next())
            .or_else(|| line.strip_prefix('[').and_then(|l| l.split(']').next()))?;
        let parts: Vec<&str> = inner.split('.').map(str::trim).collect();
        match parts.as_slice() {
            ["portal"] => Some(Table::Portal),
            ["guardrails"] => Some(Table::Guardrails),
            ["guardrails", "deny"] => Some(Table::Deny),
            ["team", _] => Some(Table::Team),
            ["role", _] => Some(Table::Role),
            // A user's key is an email with dots: anything after `user.` is the key.
            ["user", _, ..] => Some(Table::User),
            ["offboard", _, ..] => Some(Table::Offboard),
            ["asset", _, _] => Some(Table::Asset),
            _ => None,
        }
    }

    /// The fields of this table, with what each holds.
    pub fn fields(self) -> Vec<(String, &'static str)> {
        let fixed: &[(&str, &str)] = match self {
            Table::Portal => &[
                ("name", "the portal's name (required)"),
                ("tiers", "subscription tier per hub"),
                ("seats", "capacity per paid seat"),
                ("provider", "the live portal: `sandbox:PATH` or `hubspot`"),
            ],
            Table::Team => &[
                ("name", "the team's name in the portal (required)"),
                ("parent", "the parent team's key"),
                ("description", "free text"),
                ("id", "the portal id, pinned by `teamform import`"),
                (
                    "previously",
                    "the former name, so that a rename is a rename",
                ),
                (
                    "successor",
                    "the user who receives the records of members removed",
                ),
            ],
            Table::Role => &[
                ("name", "the permission set's name in the portal (required)"),
                ("description", "free text"),
                ("id", "the portal id, pinned by `teamform import`"),
                (
                    "previously",
                    "the former name, so that a rename is a rename",
                ),
                ("account", "account-wide permissions (table of booleans)"),
            ],
            Table::User => &[
                ("name", "the person's name (required)"),
                ("role", "the role's key (required unless `super_admin`)"),
                ("team", "the primary team's key (required)"),
                (
                    "teams",
                    "additional teams' keys, or `{ team, expires }` memberships",
                ),
                ("super_admin", "sees and manages everything"),
                ("seats", "paid seats assigned"),
                ("expires", "the date after which access must be gone"),
                ("id", "the portal's user id, pinned by `teamform import`"),
            ],
            Table::Asset => &[
                ("name", "the asset's name in the portal (required)"),
                ("teams", "the teams it is partitioned to"),
                ("id", "the portal id"),
            ],
            Table::Guardrails => &[
                ("min_super_admins", "at least this many super admins"),
                ("max_super_admins", "at most this many super admins"),
                (
                    "max_removal_ratio",
                    "the share apply may remove unacknowledged",
                ),
                ("protected_users", "users that apply never removes"),
                ("require_partition", "unassigned assets are errors"),
                (
                    "public_assets",
                    "assets left unassigned on purpose (`TYPE.KEY`)",
                ),
            ],
            Table::Deny => &[
                ("message", "the message shown when the rule is broken"),
                ("permission", "the forbidden permission"),
                ("scope", "for CRM permissions: forbid this scope or wider"),
                ("members_of", "only users in this team or its child teams"),
                ("unless_roles", "roles exempt from the rule"),
            ],
            Table::Offboard => &[
                ("successor", "the user who receives their CRM records"),
                ("reason", "why they were removed"),
                ("date", "when they left"),
            ],
        };
        let mut out: Vec<(String, &'static str)> =
            fixed.iter().map(|(f, d)| ((*f).to_string(), *d)).collect();
        if self == Table::Role {
            out.extend(
                CrmObject::names().map(|o| (format!("crm.{o}"), "`{ view, edit, delete }`")),
            );
            out.extend(Tool::names().map(|t| (format!("tools.{t}"), "an array of actions")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use teamform_diagnostics::{Code, SourceFile, SourceMap};

    fn value(table: Table, field: &str) -> &'static str {
        match field {
            "seats" if table == Table::User => "[]",
            "tiers" | "seats" | "account" => "{}",
            f if f.starts_with("crm.") => "{ view = \"owned\" }",
            f if f.starts_with("tools.") => "[\"view\"]",
            "teams" | "protected_users" | "public_assets" | "unless_roles" => "[]",
            "super_admin" | "require_partition" => "true",
            "min_super_admins" | "max_super_admins" => "1",
            "max_removal_ratio" => "0.5",
            "expires" | "date" => "2030-01-01",
            _ => "\"x\"",
        }
    }

    #[test]
    fn the_model_accepts_every_completed_field() {
        let tables = [
            ("[portal]", Table::Portal),
            ("[team.t]", Table::Team),
            ("[role.r]", Table::Role),
            ("[user.\"a@b.example\"]", Table::User),
            ("[asset.form.f]", Table::Asset),
            ("[guardrails]", Table::Guardrails),
            ("[[guardrails.deny]]", Table::Deny),
            ("[offboard.\"a@b.example\"]", Table::Offboard),
        ];
        for (header, table) in tables {
            assert_eq!(Table::of_header(header), Some(table), "{header}");
            for (field, _) in table.fields() {
                let text = format!("{header}\n{field} = {}\n", value(table, &field));
                let mut sources = SourceMap::new();
                sources.add(SourceFile::new("a.toml", text.clone()));
                let load = teamform_model::load_sources(sources);
                let unknown = load
                    .diagnostics
                    .iter()
                    .filter(|d| d.code == Code::UnknownField || d.code == Code::TomlSyntax)
                    .count();
                assert_eq!(unknown, 0, "{text}: {:?}", load.diagnostics);
            }
        }
    }
}
