//! Checks of record successors: a team's `successor` and each `[offboard."EMAIL"]` table must
//! name a user who stays (TF0130) and who can see and edit the records they receive (TF0131);
//! an offboarded user must not still be declared (TF0132); a successor whose own access
//! expires is a warning (TF0133).

use super::Ctx;
use teamform_diagnostics::{Code, Diagnostic};
use teamform_model::{CrmAction, CrmObject, Scope, Sp};

/// The CRM objects whose records have an owner, which a successor receives.
pub const OWNED_OBJECTS: [CrmObject; 4] = [
    CrmObject::Contacts,
    CrmObject::Companies,
    CrmObject::Deals,
    CrmObject::Tickets,
];

pub(super) fn check(cx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) {
    for team in &cx.policy.teams {
        if let Some(s) = &team.successor {
            successor(cx, s, &format!("team `{}`", team.key.value), diags);
        }
    }
    for entry in &cx.policy.offboard {
        let email = &entry.key.value;
        if let Some(u) = cx.index.user(email) {
            let user = &cx.policy.users[u.index()];
            diags.push(
                Diagnostic::new(
                    Code::OffboardedUserDeclared,
                    format!("`{email}` is offboarded and still declared as a user"),
                )
                .primary(entry.key.span, "offboarded here")
                .secondary(user.span, "still a user here")
                .help("remove the `[user]` table to remove the user, or the `[offboard]` table to keep them"),
            );
        }
        if let Some(s) = &entry.successor {
            successor(cx, s, &format!("`{email}`"), diags);
        }
    }
}

/// Checks one successor, named for the records of `whose`.
fn successor(cx: &Ctx<'_>, s: &Sp<String>, whose: &str, diags: &mut Vec<Diagnostic>) {
    let Some(id) = cx.index.user(&s.value) else {
        diags.push(
            Diagnostic::new(
                Code::UnknownSuccessor,
                format!("the successor `{}` of {whose} is not a user who stays", s.value),
            )
            .primary(s.span, "no `[user]` table has this email")
            .help("name a user declared in the policy: records given to a removed user are orphaned again"),
        );
        return;
    };
    let user = &cx.policy.users[id.index()];
    if let Some(expires) = &user.expires {
        diags.push(
            Diagnostic::new(
                Code::SuccessorLeaving,
                format!(
                    "the successor `{}` of {whose} has access that expires on {}",
                    s.value, expires.value
                ),
            )
            .primary(s.span, "successor")
            .secondary(expires.span, "expires")
            .help("name a successor who stays, or the records move again when this access expires"),
        );
    }
    if user.is_super_admin() {
        return;
    }
    let Some(role) = user
        .role
        .as_ref()
        .and_then(|r| cx.index.role(&r.value))
        .map(|r| &cx.policy.roles[r.index()])
    else {
        return;
    };
    if cx.unread_within(role.span) {
        return;
    }
    let lacking: Vec<&str> = OWNED_OBJECTS
        .into_iter()
        .filter(|o| {
            role.crm(*o)
                .is_none_or(|g| g.scope(CrmAction::Edit) == Scope::None)
        })
        .map(CrmObject::as_str)
        .collect();
    if !lacking.is_empty() {
        diags.push(
            Diagnostic::new(
                Code::SuccessorWithoutAccess,
                format!(
                    "the successor `{}` of {whose} cannot edit {} and would own records they cannot work on",
                    s.value,
                    lacking.join(", ")
                ),
            )
            .primary(s.span, "successor")
            .secondary(role.key.span, format!("role `{}`", role.key.value))
            .help("name a successor whose role can edit contacts, companies, deals and tickets, or give their role `edit` on them"),
        );
    }
}
