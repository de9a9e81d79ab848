//! The chain of policy lines that makes a user hold (or lack) an access or see (or not see)
//! an asset: the related labels of a failing expectation. CRM permissions are explained by the
//! compiler's `why`; tools, account permissions, super admin status and assets the same way,
//! from the role and the user's teams.

use teamform_compiler::{AssetId, Compiled, UserId, why};
use teamform_diagnostics::Span;
use teamform_model::{Permission, Policy, ToolAction, asset_tool};

use crate::Target;

/// A related label: where, and what it says.
pub type Link = (Span, String);

fn user_links(policy: &Policy, compiled: &Compiled, user: UserId, out: &mut Vec<Link>) -> bool {
    let u = &policy.users[user.index()];
    out.push((u.key.span, format!("user `{}`", u.key.value)));
    if compiled.access.user(user).super_admin {
        let span = u.super_admin.as_ref().map_or(u.span, |s| s.span);
        out.push((span, "is a super admin: everything, everywhere".to_string()));
        return true;
    }
    false
}

/// Explains why `user` holds `target` at the level they do.
pub fn access(
    policy: &Policy,
    compiled: &Compiled,
    user: UserId,
    target: Target,
    out: &mut Vec<Link>,
) {
    let u = &policy.users[user.index()];
    match target {
        Target::Permission(Permission::Crm(object, action)) => {
            let w = why(policy, compiled, user, object, action);
            out.extend(
                w.steps
                    .into_iter()
                    .filter_map(|s| s.span.map(|span| (span, s.text))),
            );
        }
        Target::SuperAdmin => match &u.super_admin {
            Some(s) if s.value => {
                out.push((u.key.span, format!("user `{}`", u.key.value)));
                out.push((s.span, "is a super admin".to_string()));
            }
            Some(s) => out.push((
                s.span,
                format!("user `{}` is not a super admin", u.key.value),
            )),
            None => out.push((
                u.key.span,
                format!("user `{}` is not a super admin", u.key.value),
            )),
        },
        Target::Permission(permission) => {
            if user_links(policy, compiled, user, out) {
                return;
            }
            let Some(role_id) = compiled.index.resolved_users[user.index()].role else {
                out.push((u.span, "holds no role: no access".to_string()));
                return;
            };
            let role = &policy.roles[role_id.index()];
            let role_span = u.role.as_ref().map_or(u.span, |r| r.span);
            out.push((role_span, format!("holds role `{}`", role.key.value)));
            match permission {
                Permission::Tool(tool, _) => match role.tool(tool) {
                    Some(grant) => {
                        let actions: Vec<&str> =
                            grant.actions.iter().map(|a| a.value.as_str()).collect();
                        out.push((
                            grant.span,
                            format!("which grants `{}` in {tool}", actions.join(", ")),
                        ));
                    }
                    None => out.push((
                        role.span,
                        format!("which grants nothing in {tool} (no `tools.{tool}`)"),
                    )),
                },
                Permission::Account(flag) => match role.account(flag) {
                    Some(span) => out.push((span, format!("which grants `account.{flag}`"))),
                    None => match role.account.iter().find(|(p, _)| *p == flag) {
                        Some((_, v)) => out.push((v.span, format!("which sets `{flag} = false`"))),
                        None => out.push((
                            role.span,
                            format!("which does not grant `account.{flag}` (not written: `false`)"),
                        )),
                    },
                },
                Permission::Crm(..) => {}
            }
        }
    }
}

/// Explains why `user` sees `asset`, or does not.
pub fn asset(
    policy: &Policy,
    compiled: &Compiled,
    user: UserId,
    asset: AssetId,
    out: &mut Vec<Link>,
) {
    if user_links(policy, compiled, user, out) {
        return;
    }
    let u = &policy.users[user.index()];
    let a = &policy.assets[asset.index()];
    let reference = a.reference();
    let index = &compiled.index;
    let graph = &compiled.graph;
    let access = compiled.access.user(user);
    if let Some(tool) = asset_tool(a.kind) {
        let role = index.resolved_users[user.index()]
            .role
            .map(|r| &policy.roles[r.index()]);
        match role {
            None => out.push((u.span, "holds no role: no tool".to_string())),
            Some(role) => {
                let role_span = u.role.as_ref().map_or(u.span, |r| r.span);
                out.push((role_span, format!("holds role `{}`", role.key.value)));
                match role.tool(tool) {
                    Some(g) if g.actions.iter().any(|x| x.value == ToolAction::View) => out.push((
                        g.span,
                        format!("which grants `view` in {tool}, needed to see a {}", a.kind),
                    )),
                    Some(g) => out.push((
                        g.span,
                        format!(
                            "which does not grant `view` in {tool}, needed to see a {}",
                            a.kind
                        ),
                    )),
                    None => out.push((
                        role.span,
                        format!("which grants nothing in {tool}, needed to see a {}", a.kind),
                    )),
                }
            }
        }
    }
    if graph.asset_unassigned[asset.index()] {
        out.push((
            a.span,
            format!("`{reference}` is partitioned to no team: every team sees it"),
        ));
        return;
    }
    // The user's own teams (primary, then additional) with the field that names each.
    let direct: Vec<_> = index.resolved_users[user.index()]
        .team
        .map(|t| (t, u.team.as_ref().map(|s| s.span), "primary"))
        .into_iter()
        .chain(index.resolved_users[user.index()].teams.iter().map(|t| {
            let key = &policy.teams[t.index()].key.value;
            let span = u.teams.iter().find(|s| &s.value == key).map(|s| s.span);
            (*t, span, "additional")
        }))
        .collect();
    let mut covered = false;
    for item in &a.teams {
        let Some(team) = index.team(&item.value) else {
            continue;
        };
        if access.teams.binary_search(&team).is_err() {
            continue;
        }
        covered = true;
        out.push((
            item.span,
            format!("`{reference}` is partitioned to `{}`", item.value),
        ));
        let ancestors = graph.ancestors(team);
        if let Some((t, Some(span), kind)) = direct.iter().find(|(t, _, _)| ancestors.contains(t)) {
            let key = &policy.teams[t.index()].key.value;
            let how = if *t == team {
                format!("{kind} team `{key}`")
            } else {
                format!("{kind} team `{key}`, an ancestor of `{}`", item.value)
            };
            out.push((*span, how));
        }
    }
    if !covered {
        for item in &a.teams {
            out.push((
                item.span,
                format!("`{reference}` is partitioned to `{}`", item.value),
            ));
        }
        for (t, span, kind) in &direct {
            if let Some(span) = span {
                let key = &policy.teams[t.index()].key.value;
                out.push((
                    *span,
                    format!("{kind} team `{key}`, which is none of them nor above them"),
                ));
            }
        }
    }
}
