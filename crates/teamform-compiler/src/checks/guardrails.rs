//! Checks of the guardrails: super-admin counts, seat capacity and the custom deny rules.

use super::Ctx;
use std::collections::{BTreeSet, HashMap};
use teamform_diagnostics::{Code, Diagnostic, Span};
use teamform_model::{Permission, Role, Scope, Seat, ToolAction};

pub(super) fn check(cx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) {
    super_admins(cx, diags);
    seats(cx, diags);
    for rule in &cx.policy.guardrails.deny {
        deny_rule(cx, rule, diags);
    }
}

fn super_admins(cx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) {
    let g = &cx.policy.guardrails;
    let admins: Vec<Span> = cx
        .policy
        .users
        .iter()
        .filter(|u| u.is_super_admin())
        .filter_map(|u| u.super_admin.as_ref().map(|s| s.span))
        .collect();
    let count = admins.len();
    if let Some(min) = &g.min_super_admins
        && (count as u64) < u64::from(min.value)
    {
        diags.push(
            Diagnostic::new(
                Code::TooFewSuperAdmins,
                format!(
                    "the policy has {count} super admin{}, fewer than `min_super_admins = {}`",
                    plural(count),
                    min.value
                ),
            )
            .primary(min.span, "the minimum")
            .help("set `super_admin = true` on enough trusted users, so that nobody is locked out"),
        );
    }
    if let Some(max) = &g.max_super_admins
        && (count as u64) > u64::from(max.value)
    {
        let mut d = Diagnostic::new(
            Code::TooManySuperAdmins,
            format!(
                "the policy has {count} super admins, more than `max_super_admins = {}`",
                max.value
            ),
        )
        .primary(max.span, "the maximum");
        for span in admins {
            d = d.secondary(span, "super admin");
        }
        diags.push(d.help("give the extra users a role with only the access their job needs"));
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn seats(cx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) {
    let Some(portal) = &cx.policy.portal else {
        return;
    };
    if portal.seats.is_empty() {
        return;
    }
    let capacity: HashMap<Seat, (u32, Span)> = portal
        .seats
        .iter()
        .map(|(s, n)| (*s, (n.value, n.span)))
        .collect();
    let mut holders: HashMap<Seat, Vec<Span>> = HashMap::new();
    for user in &cx.policy.users {
        for seat in &user.seats {
            if capacity.contains_key(&seat.value) {
                holders.entry(seat.value).or_default().push(seat.span);
            } else {
                diags.push(
                    Diagnostic::new(
                        Code::UnknownSeat,
                        format!("the portal has no `{}` seats", seat.value),
                    )
                    .primary(seat.span, "not in `[portal] seats`")
                    .help(format!(
                        "add `{} = N` to `[portal] seats`, or remove the seat from the user",
                        seat.value
                    )),
                );
            }
        }
    }
    for seat in Seat::ALL {
        let (Some((cap, cap_span)), Some(spans)) = (capacity.get(seat), holders.get(seat)) else {
            continue;
        };
        if spans.len() > *cap as usize {
            diags.push(
                Diagnostic::new(
                    Code::SeatsOverCapacity,
                    format!(
                        "{} user{} hold a `{seat}` seat, but the portal has {cap}",
                        spans.len(),
                        plural(spans.len())
                    ),
                )
                .primary(*cap_span, "capacity")
                .secondary(spans[*cap as usize], "the first seat over capacity")
                .help("buy more seats, or take the seat from users who do not need it"),
            );
        }
    }
}

/// The span in `role` that grants `permission` at `scope` or wider, if it does.
fn grant(role: &Role, permission: Permission, scope: Scope) -> Option<Span> {
    match permission {
        Permission::Crm(object, action) => {
            let g = role.crm(object)?;
            (g.scope(action) >= scope.max(Scope::Owned)).then(|| g.action_span(action))
        }
        Permission::Tool(tool, action) => {
            let g = role.tool(tool)?;
            let action: ToolAction = action;
            g.actions.iter().find(|a| a.value == action).map(|a| a.span)
        }
        Permission::Account(flag) => role.account(flag),
    }
}

fn deny_rule(cx: &Ctx<'_>, rule: &teamform_model::DenyRule, diags: &mut Vec<Diagnostic>) {
    let Some(permission) = &rule.permission else {
        return;
    };
    if let Some(scope) = &rule.scope
        && !matches!(permission.value, Permission::Crm(..))
    {
        diags.push(
            Diagnostic::new(
                Code::InvalidValue,
                format!("`scope` does not apply to `{}`", permission.value),
            )
            .primary(scope.span, "only for `crm.*` permissions")
            .help("remove `scope`: tool actions and account permissions are granted or not"),
        );
    }
    let scope = rule.scope.as_ref().map_or(Scope::Owned, |s| s.value);
    let message = rule.message.as_ref().map_or_else(
        || format!("`{}` is forbidden", permission.value),
        |m| m.value.clone(),
    );
    let exempt: BTreeSet<&str> = rule.unless_roles.iter().map(|r| r.value.as_str()).collect();
    let violation = |span: Span, what: String| {
        Diagnostic::new(Code::DenyRule, message.clone())
            .primary(span, what)
            .secondary(permission.span, "forbidden by this guardrail")
            .help(format!(
                "remove `{}` from the role, or change the rule in `[guardrails]` if the policy has changed",
                permission.value
            ))
    };
    match &rule.members_of {
        None => {
            for role in &cx.policy.roles {
                if exempt.contains(role.key.value.as_str()) {
                    continue;
                }
                if let Some(span) = grant(role, permission.value, scope) {
                    diags.push(violation(
                        span,
                        format!("role `{}` grants `{}`", role.key.value, permission.value),
                    ));
                }
            }
        }
        Some(team_key) => {
            let Some(team) = cx.index.team(&team_key.value) else {
                return;
            };
            let mut users = BTreeSet::new();
            for t in cx.graph.descendants(team) {
                users.extend(cx.graph.members[t.index()].iter().map(|(u, _)| *u));
            }
            for u in users {
                let user = &cx.policy.users[u.index()];
                let role = cx.index.user_role[u.index()].map(|r| &cx.policy.roles[r.index()]);
                if role.is_some_and(|r| exempt.contains(r.key.value.as_str())) {
                    continue;
                }
                let via_role = role.and_then(|r| grant(r, permission.value, scope));
                let span = if user.is_super_admin() {
                    user.super_admin.as_ref().map(|s| s.span)
                } else {
                    via_role.and(user.role.as_ref().map(|r| r.span))
                };
                if let Some(span) = span {
                    diags.push(violation(
                        span,
                        format!(
                            "`{}`, a member of `{}`, gets `{}` here",
                            user.key.value, team_key.value, permission.value
                        ),
                    ));
                }
            }
        }
    }
}
