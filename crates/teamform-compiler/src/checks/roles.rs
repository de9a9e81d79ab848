//! Checks of roles: contradictory scopes, tool actions without their prerequisite, duplicate
//! names and roles nobody holds.

use super::Ctx;
use super::teams::duplicate_name;
use std::collections::HashMap;
use teamform_diagnostics::{Code, Diagnostic};
use teamform_model::{Scope, ToolAction};

/// The checks of roles alone: scopes, tool prerequisites and names used twice.
pub(super) fn check(cx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) {
    let mut names = HashMap::new();
    for role in &cx.policy.roles {
        let key = &role.key.value;
        if let Some(name) = &role.name {
            duplicate_name(&mut names, "role", &name.value, name.span, key, diags);
        }
        for grant in &role.crm {
            if cx.unread_within(grant.span) {
                // A scope that could not be read is unknown: comparing it would be a guess.
                continue;
            }
            let view = grant.view.as_ref().map_or(Scope::None, |s| s.value);
            if let Some(edit) = &grant.edit
                && edit.value > view
            {
                let mut d = Diagnostic::new(
                    Code::EditWiderThanView,
                    format!(
                        "role `{key}` may edit {} it cannot view (`edit = \"{}\"`, `view = \"{view}\"`)",
                        grant.object, edit.value
                    ),
                )
                .primary(edit.span, "wider than view");
                if let Some(v) = &grant.view {
                    d = d.secondary(v.span, "view is narrower");
                }
                diags.push(d.help(format!(
                    "widen `view` to `\"{}\"` or narrow `edit` to `\"{view}\"`",
                    edit.value
                )));
            }
            let edit = grant.edit.as_ref().map_or(Scope::None, |s| s.value);
            if let Some(delete) = &grant.delete
                && delete.value
                && edit == Scope::None
            {
                diags.push(
                    Diagnostic::new(
                        Code::EditWiderThanView,
                        format!("role `{key}` may delete {} it cannot edit", grant.object),
                    )
                    .primary(delete.span, "delete without edit")
                    .help("give an `edit` scope, or set `delete = false`"),
                );
            }
        }
        for tool in &role.tools {
            if cx.unread_within(tool.span) {
                // An action that could not be read may be the one another action needs.
                continue;
            }
            let has = |a: ToolAction| tool.actions.iter().any(|x| x.value == a);
            for action in &tool.actions {
                let needs = match action.value {
                    ToolAction::View => None,
                    ToolAction::Edit => Some(ToolAction::View),
                    ToolAction::Publish => Some(ToolAction::Edit),
                };
                if let Some(needed) = needs
                    && !has(needed)
                {
                    diags.push(
                        Diagnostic::new(
                            Code::ToolActionPrerequisite,
                            format!(
                                "role `{key}` may `{}` in `{}` without `{needed}`",
                                action.value, tool.tool
                            ),
                        )
                        .primary(action.span, format!("needs `{needed}`"))
                        .help(format!("add `\"{needed}\"` to `tools.{}`", tool.tool)),
                    );
                }
            }
        }
    }
}

/// The checks of roles that depend on who holds them: roles nobody holds.
pub(super) fn check_holders(cx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) {
    for (i, role) in cx.policy.roles.iter().enumerate() {
        let key = &role.key.value;
        if cx.graph.holders[i].is_empty() {
            diags.push(
                Diagnostic::new(Code::UnusedRole, format!("no user holds role `{key}`"))
                    .primary(role.span, "unused role")
                    .help("give it to a user with `role = \"...\"`, or remove it"),
            );
        }
    }
}
