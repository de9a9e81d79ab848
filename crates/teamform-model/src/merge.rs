//! Merging the fragments of several files into one policy: a key defined twice, in one file
//! or in two, is reported with both places.

use crate::types::*;
use crate::vocab::AssetType;
use std::collections::HashMap;
use teamform_diagnostics::{Code, Diagnostic, Span};

/// Merges per-file fragments, in file order.
pub(crate) fn merge(fragments: Vec<(Policy, Vec<Diagnostic>)>) -> (Policy, Vec<Diagnostic>) {
    let mut policy = Policy::default();
    let mut diags = Vec::new();
    let mut seen_teams: HashMap<String, Span> = HashMap::new();
    let mut seen_roles: HashMap<String, Span> = HashMap::new();
    let mut seen_users: HashMap<String, Span> = HashMap::new();
    let mut seen_assets: HashMap<(AssetType, String), Span> = HashMap::new();
    let mut guard_fields: HashMap<&'static str, Span> = HashMap::new();
    for (fragment, mut fragment_diags) in fragments {
        diags.append(&mut fragment_diags);
        if let Some(portal) = fragment.portal {
            match &policy.portal {
                None => policy.portal = Some(portal),
                Some(first) => diags.push(
                    Diagnostic::new(
                        Code::DuplicatePortal,
                        "`[portal]` is defined more than once",
                    )
                    .primary(portal.span, "defined again here")
                    .secondary(first.span, "first defined here")
                    .help("keep a single `[portal]` table in one file"),
                ),
            }
        }
        for team in fragment.teams {
            if unique(&mut seen_teams, &mut diags, "team", &team.key, team.span) {
                policy.teams.push(team);
            }
        }
        for role in fragment.roles {
            if unique(&mut seen_roles, &mut diags, "role", &role.key, role.span) {
                policy.roles.push(role);
            }
        }
        for user in fragment.users {
            // Emails are compared without case, as portals do.
            let folded = Sp::new(user.key.value.to_lowercase(), user.key.span);
            if unique(&mut seen_users, &mut diags, "user", &folded, user.span) {
                policy.users.push(user);
            }
        }
        for asset in fragment.assets {
            let key = (asset.kind, asset.key.value.clone());
            if let Some(first) = seen_assets.get(&key) {
                diags.push(duplicate(
                    &format!("asset `{}`", asset.reference()),
                    asset.span,
                    *first,
                ));
            } else {
                seen_assets.insert(key, asset.span);
                policy.assets.push(asset);
            }
        }
        merge_guardrails(
            &mut policy.guardrails,
            fragment.guardrails,
            &mut guard_fields,
            &mut diags,
        );
    }
    (policy, diags)
}

fn duplicate(what: &str, again: Span, first: Span) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateDefinition,
        format!("{what} is defined twice"),
    )
    .primary(again, "defined again here")
    .secondary(first, "first defined here")
    .help("remove one of the definitions, or give one of them another key")
}

fn unique(
    seen: &mut HashMap<String, Span>,
    diags: &mut Vec<Diagnostic>,
    kind: &str,
    key: &Sp<String>,
    span: Span,
) -> bool {
    if let Some(first) = seen.get(&key.value) {
        diags.push(duplicate(&format!("{kind} `{}`", key.value), span, *first));
        false
    } else {
        seen.insert(key.value.clone(), span);
        true
    }
}

fn merge_guardrails(
    into: &mut Guardrails,
    from: Guardrails,
    seen: &mut HashMap<&'static str, Span>,
    diags: &mut Vec<Diagnostic>,
) {
    fn one<T>(
        name: &'static str,
        into: &mut Option<Sp<T>>,
        from: Option<Sp<T>>,
        seen: &mut HashMap<&'static str, Span>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let Some(value) = from else { return };
        if let Some(first) = seen.get(name) {
            diags.push(duplicate(
                &format!("`guardrails.{name}`"),
                value.span,
                *first,
            ));
        } else {
            seen.insert(name, value.span);
            *into = Some(value);
        }
    }
    one(
        "min_super_admins",
        &mut into.min_super_admins,
        from.min_super_admins,
        seen,
        diags,
    );
    one(
        "max_super_admins",
        &mut into.max_super_admins,
        from.max_super_admins,
        seen,
        diags,
    );
    one(
        "max_removal_ratio",
        &mut into.max_removal_ratio,
        from.max_removal_ratio,
        seen,
        diags,
    );
    one(
        "require_partition",
        &mut into.require_partition,
        from.require_partition,
        seen,
        diags,
    );
    into.protected_users.extend(from.protected_users);
    into.public_assets.extend(from.public_assets);
    into.deny.extend(from.deny);
}
