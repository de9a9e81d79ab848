//! Checks of the guardrails: super-admin counts, seat capacity and the custom deny rules.
//! The counts come from a [`Tally`] and each deny rule's diagnostics are checked by
//! [`deny_rule`], so that an edit recounts and rechecks only what it changed (see
//! `incremental`).

use super::Ctx;
use crate::incremental::Tally;
use crate::resolve::{ResolvedUser, RoleId, TeamId, UserId};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use teamform_diagnostics::{Code, Diagnostic, Span};
use teamform_model::{DenyRule, Permission, Portal, Role, Scope, Seat, ToolAction, User};

/// The guardrails, which all count or look across users: the counts from `tally`, then the
/// diagnostics of each deny rule, as [`deny_rule`] gave them.
pub(super) fn check(
    cx: &Ctx<'_>,
    tally: &Tally,
    deny: &[Vec<Diagnostic>],
    diags: &mut Vec<Diagnostic>,
) {
    super_admins(cx, tally, diags);
    seats(cx, tally, diags);
    for rule in deny {
        diags.extend(rule.iter().cloned());
    }
}

fn super_admins(cx: &Ctx<'_>, tally: &Tally, diags: &mut Vec<Diagnostic>) {
    let g = &cx.policy.guardrails;
    let admins = tally.admins();
    let count = admins.len();
    // When the policy leaves some users alone (`[portal.manage]`), the super admins it does not
    // declare still count: the plan's guardrail, which counts every user of the portal,
    // decides the minimum; the policy alone can only know it is above the maximum.
    let declares_all = teamform_model::Ownership::of(cx.policy).manages_everything();
    if let Some(min) = &g.min_super_admins
        && declares_all
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
        let users = &cx.policy.users;
        for span in admins.filter_map(|u| users[u.index()].super_admin.as_ref().map(|s| s.span)) {
            d = d.secondary(span, "super admin");
        }
        diags.push(d.help("give the extra users a role with only the access their job needs"));
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Per kind of seat, how many the portal has and where that is written.
type Capacity = HashMap<Seat, (u32, Span)>;

/// The portal's seat capacities, when it declares seats (written, readable or not).
fn capacities<'a>(cx: &Ctx<'a>) -> Option<(&'a Portal, Capacity)> {
    let portal = cx.policy.portal.as_ref()?;
    if portal.seats.is_empty() && portal.unread_seats.is_empty() {
        return None;
    }
    let capacity = portal
        .seats
        .iter()
        .map(|(s, n)| (*s, (n.value, n.span)))
        .collect();
    Some((portal, capacity))
}

/// The seats of one user that the portal does not have.
pub(super) fn unknown_seats(cx: &Ctx<'_>, user: &User, diags: &mut Vec<Diagnostic>) {
    let Some(portal) = &cx.policy.portal else {
        return;
    };
    if portal.seats.is_empty() && portal.unread_seats.is_empty() {
        return;
    }
    for seat in &user.seats {
        // A capacity that was written but could not be read is unknown, not missing.
        let known = portal.seats.iter().any(|(s, _)| *s == seat.value);
        if known || portal.unread_seats.contains(&seat.value) {
            continue;
        }
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

/// Seats held beyond the portal's capacity.
fn seats(cx: &Ctx<'_>, tally: &Tally, diags: &mut Vec<Diagnostic>) {
    let Some((portal, capacity)) = capacities(cx) else {
        return;
    };
    for seat in Seat::ALL {
        let Some((cap, cap_span)) = capacity.get(seat) else {
            continue;
        };
        let held = tally.held(*seat);
        if portal.unread_seats.contains(seat) || held <= *cap as usize {
            continue;
        }
        // The seat over capacity: the first beyond `cap`, in policy order.
        let Some(over) = tally.nth(*seat, *cap as usize).and_then(|(u, k)| {
            let user = &cx.policy.users[u.index()];
            user.seats.iter().filter(|s| s.value == *seat).nth(k)
        }) else {
            continue;
        };
        diags.push(
            Diagnostic::new(
                Code::SeatsOverCapacity,
                format!(
                    "{held} user{} hold a `{seat}` seat, but the portal has {cap}",
                    plural(held)
                ),
            )
            .primary(*cap_span, "capacity")
            .secondary(over.span, "the first seat over capacity")
            .help("buy more seats, or take the seat from users who do not need it"),
        );
    }
}

/// The span in `role` that grants `permission` at `scope` or wider, if it does.
pub(crate) fn grant(role: &Role, permission: Permission, scope: Scope) -> Option<Span> {
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

/// The diagnostics of one deny rule.
pub(crate) fn deny_rule(cx: &Ctx<'_>, rule: &DenyRule, diags: &mut Vec<Diagnostic>) {
    let Some(permission) = &rule.permission else {
        return;
    };
    if rule.unread {
        // A `scope`, `members_of` or `unless_roles` that could not be read would be taken as
        // absent, which widens the rule: checking it would report what the rule may not forbid.
        return;
    }
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
    let rule_team = &rule.members_of;
    let rule = Rule {
        message,
        permission: permission.value,
        permission_span: permission.span,
        scope,
    };
    match rule_team {
        None => {
            for (i, role) in cx.policy.roles.iter().enumerate() {
                if exempt.contains(role.key.value.as_str()) {
                    continue;
                }
                if let Some(span) = grant(role, rule.permission, rule.scope) {
                    let holders = &cx.graph.holders[i];
                    let d = rule
                        .violation(
                            span,
                            format!(
                                "role `{}` grants `{}`{}",
                                role.key.value,
                                rule.permission,
                                held_by(holders.len(), "")
                            ),
                        )
                        .help(rule.role_help(&role.key.value));
                    diags.push(list_users(cx, d, holders, "holds this role"));
                }
            }
        }
        Some(team_key) => {
            let Some(team) = cx.index.team(&team_key.value) else {
                return;
            };
            members_of(cx, &rule, &exempt, team, &team_key.value, diags);
        }
    }
}

/// What a deny rule's diagnostics depend on among users, so that an edit rechecks the rule
/// only when it changes that: who holds the roles that grant what the rule forbids (and are
/// not exempt), and, for a rule limited to a team's members, which members are super admins.
/// Roles and teams are not edited in place, so this stays true across edits.
#[derive(Debug)]
pub(crate) struct DenyWatch {
    /// Per role, whether the rule looks at its holders.
    roles: Vec<bool>,
    /// Per team, whether it is in the rule's subtree (empty without `members_of`).
    teams: Vec<bool>,
}

impl DenyWatch {
    /// What `rule` depends on in the policy of `cx`.
    pub(crate) fn new(cx: &Ctx<'_>, rule: &DenyRule) -> DenyWatch {
        let mut watch = DenyWatch {
            roles: vec![false; cx.policy.roles.len()],
            teams: Vec::new(),
        };
        let Some(permission) = rule.permission.as_ref().filter(|_| !rule.unread) else {
            return watch;
        };
        let scope = rule.scope.as_ref().map_or(Scope::Owned, |s| s.value);
        let exempt: BTreeSet<&str> = rule.unless_roles.iter().map(|r| r.value.as_str()).collect();
        for (role, watched) in cx.policy.roles.iter().zip(&mut watch.roles) {
            *watched = !exempt.contains(role.key.value.as_str())
                && grant(role, permission.value, scope).is_some();
        }
        if let Some(team) = rule
            .members_of
            .as_ref()
            .and_then(|t| cx.index.team(&t.value))
        {
            watch.teams = vec![false; cx.policy.teams.len()];
            for t in cx.graph.descendants(team) {
                watch.teams[t.index()] = true;
            }
        }
        watch
    }

    /// Whether a user who was `old` and is now `new` (each with what it resolves to) may
    /// change the rule's diagnostics.
    pub(crate) fn concerns(
        &self,
        old: (&User, &ResolvedUser),
        new: (&User, &ResolvedUser),
    ) -> bool {
        [old, new].into_iter().any(|(user, resolved)| {
            let inside = |t: &TeamId| self.teams.get(t.index()).copied().unwrap_or(false);
            resolved.role.is_some_and(|r| self.roles[r.index()])
                || (user.is_super_admin()
                    && resolved.team.iter().chain(&resolved.teams).any(inside))
        })
    }
}

/// A deny rule as the checks need it.
struct Rule {
    message: String,
    permission: Permission,
    permission_span: Span,
    scope: Scope,
}

impl Rule {
    /// The diagnostic of a violation at `span`, without a help line yet.
    fn violation(&self, span: Span, what: String) -> Diagnostic {
        Diagnostic::new(Code::DenyRule, self.message.clone())
            .primary(span, what)
            .secondary(self.permission_span, "forbidden by this guardrail")
    }

    fn role_help(&self, role: &str) -> String {
        format!(
            "remove `{}` from role `{role}`, or change the rule in `[guardrails]` if the policy has changed",
            self.permission
        )
    }
}

/// The most users a diagnostic labels one by one; its primary label gives the total.
const LISTED: usize = 10;

/// ` to N members of `team`` or ` to N users` for a primary label, with how many are labelled.
fn held_by(n: usize, of_team: &str) -> String {
    let who = if of_team.is_empty() {
        format!("{n} user{}", plural(n))
    } else {
        format!("{n} member{} of `{of_team}`", plural(n))
    };
    if n > LISTED {
        format!(" to {who} (the first {LISTED} are labelled)")
    } else if n == 0 {
        String::new()
    } else {
        format!(" to {who}")
    }
}

/// Adds a secondary label at the `role` field of each of the first [`LISTED`] `users`.
fn list_users(cx: &Ctx<'_>, mut d: Diagnostic, users: &[UserId], what: &str) -> Diagnostic {
    for u in users.iter().take(LISTED) {
        let user = &cx.policy.users[u.index()];
        if let Some(role) = &user.role {
            d = d.secondary(role.span, format!("`{}` {what}", user.key.value));
        }
    }
    d
}

/// Checks a rule limited to the members of `team` and its descendants. A member who is a super
/// admin is reported at their `super_admin`. The members who get the permission from their role
/// are reported once per role, at the role's grant, with the members as related locations;
/// except when a single member gets it from a role that users outside the team also hold: then
/// the role is fine and the member's place in the team is what breaks the rule, so it is
/// reported at the user's field that makes them a member.
fn members_of(
    cx: &Ctx<'_>,
    rule: &Rule,
    exempt: &BTreeSet<&str>,
    team: TeamId,
    team_key: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let subtree: BTreeSet<TeamId> = cx.graph.descendants(team).into_iter().collect();
    let mut members = BTreeSet::new();
    for t in &subtree {
        members.extend(cx.graph.members[t.index()].iter().map(|(u, _)| *u));
    }
    let mut by_role: BTreeMap<RoleId, Vec<UserId>> = BTreeMap::new();
    for &u in &members {
        let user = &cx.policy.users[u.index()];
        let role_id = cx.index.resolved_users[u.index()].role;
        let role = role_id.map(|r| &cx.policy.roles[r.index()]);
        if role.is_some_and(|r| exempt.contains(r.key.value.as_str())) {
            continue;
        }
        if user.is_super_admin() {
            if let Some(s) = &user.super_admin {
                diags.push(
                    rule.violation(
                        s.span,
                        format!(
                            "`{}`, a member of `{team_key}`, gets `{}` as a super admin",
                            user.key.value, rule.permission
                        ),
                    )
                    .help(format!(
                        "a super admin holds every permission: remove `super_admin = true` from `{}`, or change the rule in `[guardrails]` if the policy has changed",
                        user.key.value
                    )),
                );
            }
            continue;
        }
        if let (Some(r), Some(role)) = (role_id, role)
            && grant(role, rule.permission, rule.scope).is_some()
        {
            by_role.entry(r).or_default().push(u);
        }
    }
    for (r, users) in by_role {
        let role = &cx.policy.roles[r.index()];
        let Some(grant_span) = grant(role, rule.permission, rule.scope) else {
            continue;
        };
        let held_outside = cx.graph.holders[r.index()]
            .iter()
            .any(|u| !members.contains(u));
        let single = match users.as_slice() {
            [u] if held_outside => Some(*u),
            _ => None,
        };
        let d = match single.and_then(|u| membership(cx, u, &subtree).map(|s| (u, s))) {
            Some((u, span)) => {
                let user = &cx.policy.users[u.index()];
                let mut d = rule.violation(
                    span,
                    format!(
                        "`{}` is a member of `{team_key}` here, and role `{}` grants `{}`",
                        user.key.value, role.key.value, rule.permission
                    ),
                );
                if let Some(role_field) = &user.role {
                    d = d.secondary(role_field.span, "the user's role");
                }
                d.secondary(grant_span, "the role grants it here")
                    .help(format!(
                        "move `{}` out of `{team_key}`, give them a role without `{}`, or change the rule in `[guardrails]` if the policy has changed",
                        user.key.value, rule.permission
                    ))
            }
            None => {
                let d = rule
                    .violation(
                        grant_span,
                        format!(
                            "role `{}` grants `{}`{}",
                            role.key.value,
                            rule.permission,
                            held_by(users.len(), team_key)
                        ),
                    )
                    .help(rule.role_help(&role.key.value));
                list_users(
                    cx,
                    d,
                    &users,
                    &format!("is a member of `{team_key}` and holds this role"),
                )
            }
        };
        diags.push(d);
    }
}

/// The field of user `u` that makes them a member of one of `subtree`'s teams: their primary
/// `team`, else the first of their additional `teams` inside it.
fn membership(cx: &Ctx<'_>, u: UserId, subtree: &BTreeSet<TeamId>) -> Option<Span> {
    let user = &cx.policy.users[u.index()];
    let inside = |key: &str| cx.index.team(key).is_some_and(|t| subtree.contains(&t));
    user.team
        .iter()
        .chain(&user.teams)
        .find(|t| inside(&t.value))
        .map(|t| t.span)
}
