//! Merging the fragments of several files into one policy: a key defined twice, in one file
//! or in two, is reported with both places.

use crate::types::*;
use std::borrow::Cow;
use std::collections::HashMap;
use teamform_diagnostics::{Code, Diagnostic, Span};
use teamform_email::EmailKey;

/// Merges per-file fragments, in file order. Duplicates are found on borrowed keys (no copy
/// of a key is made unless an email must be lowercased), users on one thread and the other
/// kinds on another.
pub(crate) fn merge(fragments: Vec<(Policy, Vec<Diagnostic>)>) -> (Policy, Vec<Diagnostic>) {
    let mut policy = Policy::default();
    let mut diags = Vec::new();
    let mut guard_fields: HashMap<&'static str, Span> = HashMap::new();
    let (mut teams, mut roles, mut users, mut assets) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
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
        teams.push(fragment.teams);
        roles.push(fragment.roles);
        users.push(fragment.users);
        assets.push(fragment.assets);
        policy.offboard.extend(fragment.offboard);
        merge_guardrails(
            &mut policy.guardrails,
            fragment.guardrails,
            &mut guard_fields,
            &mut diags,
        );
    }
    let ((u, mut du), ((t, mut dt), ((r, mut dr), (a, mut da)))) = rayon::join(
        || {
            dedupe(
                users,
                |u: &User| (0, folded(&u.key.value)),
                |u| u.span,
                |u| format!("user `{}`", u.key.value),
            )
        },
        || {
            rayon::join(
                || {
                    dedupe(
                        teams,
                        |t: &Team| (0, Cow::Borrowed(t.key.value.as_str())),
                        |t| t.span,
                        |t| format!("team `{}`", t.key.value),
                    )
                },
                || {
                    rayon::join(
                        || {
                            dedupe(
                                roles,
                                |r: &Role| (0, Cow::Borrowed(r.key.value.as_str())),
                                |r| r.span,
                                |r| format!("role `{}`", r.key.value),
                            )
                        },
                        || {
                            dedupe(
                                assets,
                                |a: &Asset| (a.kind as u8, Cow::Borrowed(a.key.value.as_str())),
                                |a| a.span,
                                |a| format!("asset `{}`", a.reference()),
                            )
                        },
                    )
                },
            )
        },
    );
    policy.users = u;
    policy.teams = t;
    policy.roles = r;
    policy.assets = a;
    for d in [&mut dt, &mut dr, &mut du, &mut da] {
        diags.append(d);
    }
    (policy, diags)
}

/// An email compared without case, as portals do, by the one rule of [`EmailKey`]; a copy
/// only when it has capitals.
fn folded(email: &str) -> Cow<'_, str> {
    EmailKey::new(email).into_cow()
}

/// Keeps the first of each key, in order, reporting the others with both places.
fn dedupe<T>(
    parts: Vec<Vec<T>>,
    key: fn(&T) -> (u8, Cow<'_, str>),
    span: fn(&T) -> Span,
    what: fn(&T) -> String,
) -> (Vec<T>, Vec<Diagnostic>) {
    let total = parts.iter().map(Vec::len).sum();
    let mut diags = Vec::new();
    let keep: Vec<Vec<bool>> = {
        let mut seen: foldhash::HashMap<(u8, Cow<'_, str>), Span> =
            foldhash::HashMap::with_capacity_and_hasher(total, Default::default());
        parts
            .iter()
            .map(|part| {
                part.iter()
                    .map(|item| match seen.entry(key(item)) {
                        std::collections::hash_map::Entry::Occupied(first) => {
                            diags.push(duplicate(&what(item), span(item), *first.get()));
                            false
                        }
                        std::collections::hash_map::Entry::Vacant(slot) => {
                            slot.insert(span(item));
                            true
                        }
                    })
                    .collect()
            })
            .collect()
    };
    let mut out = Vec::with_capacity(total);
    for (part, keep) in parts.into_iter().zip(keep) {
        out.extend(
            part.into_iter()
                .zip(keep)
                .filter_map(|(item, k)| k.then_some(item)),
        );
    }
    (out, diags)
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
    into.separate.extend(from.separate);
}
