//! Checks of the `[portal]` table: it must exist (its duplicates are found when merging).

use super::Ctx;
use teamform_diagnostics::{Code, Diagnostic};

pub(super) fn check(cx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) {
    let p = cx.policy;
    let has_entities =
        !p.teams.is_empty() || !p.users.is_empty() || !p.roles.is_empty() || !p.assets.is_empty();
    if cx.policy.portal.is_none() && has_entities {
        let mut d = Diagnostic::new(Code::MissingPortal, "the policy has no `[portal]` table")
            .help("add a `[portal]` table with the portal's `name` and `tiers`, in one file");
        if let Some(first) = cx
            .policy
            .teams
            .first()
            .map(|t| t.span)
            .or_else(|| cx.policy.roles.first().map(|r| r.span))
            .or_else(|| cx.policy.users.first().map(|u| u.span))
            .or_else(|| cx.policy.assets.first().map(|a| a.span))
        {
            d = d.primary(first, "the policy starts here without a portal");
        }
        diags.push(d);
    }
}
