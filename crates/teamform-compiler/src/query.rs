//! Queries on a compiled policy: `why` (the chain of definitions that grants a user an access)
//! and `who-can` (the users holding an access, optionally on a given owner's records or asset).
//!
//! Accesses are of two kinds: scoped ones (an action on CRM records, which reaches `owned`,
//! `team` or `everything`; [`why`]) and flags, held or not: an account permission or super
//! admin itself ([`AccountAccess`], [`why_account`]). A super admin holds every access.

use crate::Compiled;
use crate::resolve::{AssetId, RoleId, UserId};
use teamform_diagnostics::Span;
use teamform_model::{AccountPermission, CrmAction, CrmObject, Policy, Scope, Tool, ToolAction};

/// One link of an explanation, with the place in the policy that makes it true.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// What this link says.
    pub text: String,
    /// Where it is written.
    pub span: Option<Span>,
}

/// Why a user holds an access.
#[derive(Clone, Debug)]
pub struct Why {
    /// The scope the user holds.
    pub scope: Scope,
    /// The chain, from the user to the rule.
    pub steps: Vec<Step>,
}

fn step(text: String, span: impl Into<Option<Span>>) -> Step {
    Step {
        text,
        span: span.into(),
    }
}

/// Explains the scope `user` holds for `action` on `object`.
pub fn why(
    policy: &Policy,
    compiled: &Compiled,
    user: UserId,
    object: CrmObject,
    action: CrmAction,
) -> Why {
    let u = &policy.users[user.index()];
    let access = compiled.access.user(user);
    let scope = access.scope(object, action);
    let mut steps = vec![step(format!("user `{}`", u.key.value), u.key.span)];
    if access.super_admin {
        steps.push(step(
            "is a super admin: everything, on every object".to_string(),
            u.super_admin.as_ref().map(|s| s.span),
        ));
        return Why { scope, steps };
    }
    let Some(role_id) = compiled.index.resolved_users[user.index()].role else {
        steps.push(step("holds no role: no access".to_string(), u.span));
        return Why { scope, steps };
    };
    let role = &policy.roles[role_id.index()];
    steps.push(step(
        format!("holds role `{}`", role.key.value),
        u.role.as_ref().map(|r| r.span),
    ));
    match role.crm(object) {
        Some(grant) => {
            let text = match action {
                CrmAction::Delete => format!(
                    "which lets them delete {object} within their edit scope (`{}`)",
                    grant.scope(CrmAction::Edit)
                ),
                _ => format!("which grants `{action} = \"{scope}\"` on {object}"),
            };
            steps.push(step(text, grant.action_span(action)));
        }
        None => steps.push(step(
            format!("which grants nothing on {object} (no `crm.{object}`)"),
            role.span,
        )),
    }
    if scope == Scope::Team {
        let index = &compiled.index;
        let graph = &compiled.graph;
        let direct = index.resolved_users[user.index()]
            .team
            .map(|t| (t, true, u.team.as_ref().map(|s| s.span)))
            .into_iter()
            .chain(index.resolved_users[user.index()].teams.iter().map(|t| {
                let key = &policy.teams[t.index()].key.value;
                let span = u.teams.iter().find(|s| &s.value == key).map(|s| s.span);
                (*t, false, span)
            }));
        for (team, primary, span) in direct {
            let t = &policy.teams[team.index()];
            let kind = if primary { "primary" } else { "additional" };
            steps.push(step(
                format!("over the records of {kind} team `{}`", t.key.value),
                span,
            ));
            for child in graph.descendants(team).into_iter().skip(1) {
                let c = &policy.teams[child.index()];
                let parent = graph.parent[child.index()]
                    .map(|p| policy.teams[p.index()].key.value.clone())
                    .unwrap_or_default();
                steps.push(step(
                    format!(
                        "and of its descendant `{}` (child of `{parent}`)",
                        c.key.value
                    ),
                    c.parent.as_ref().map(|p| p.span),
                ));
            }
        }
    }
    Why { scope, steps }
}

/// An access that is held or not, with no scope: an account permission or super admin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountAccess {
    /// An account-wide permission (`account = { export = true }` in the user's role).
    Permission(AccountPermission),
    /// Super admin itself (`super_admin = true` on the user).
    SuperAdmin,
}

impl std::fmt::Display for AccountAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AccountAccess::Permission(p) => write!(f, "{p}"),
            AccountAccess::SuperAdmin => f.write_str("super_admin"),
        }
    }
}

/// Why a user holds an account permission or super admin, or why not.
#[derive(Clone, Debug)]
pub struct WhyAccount {
    /// Whether the user holds it.
    pub granted: bool,
    /// The chain, from the user to the line that grants it (or the place that would).
    pub steps: Vec<Step>,
}

/// Explains whether `user` holds `access` (an account permission or super admin): the user,
/// then their `super_admin` line, or their role and the role's `account` line.
pub fn why_account(
    policy: &Policy,
    compiled: &Compiled,
    user: UserId,
    access: AccountAccess,
) -> WhyAccount {
    let u = &policy.users[user.index()];
    let super_admin = compiled.access.user(user).super_admin;
    let mut steps = vec![step(format!("user `{}`", u.key.value), u.key.span)];
    let admin_span = u.super_admin.as_ref().map(|s| s.span);
    let perm = match access {
        AccountAccess::SuperAdmin => {
            let text = match &u.super_admin {
                Some(s) if s.value => "is a super admin (`super_admin = true`)",
                Some(_) => "is not a super admin (`super_admin = false`)",
                None => "is not a super admin (no `super_admin`)",
            };
            steps.push(step(text.to_string(), admin_span.unwrap_or(u.span)));
            return WhyAccount {
                granted: super_admin,
                steps,
            };
        }
        AccountAccess::Permission(perm) => perm,
    };
    if super_admin {
        steps.push(step(
            "is a super admin: every account permission".to_string(),
            admin_span,
        ));
        return WhyAccount {
            granted: true,
            steps,
        };
    }
    let Some(role_id) = compiled.index.resolved_users[user.index()].role else {
        steps.push(step(
            "holds no role: no account permission".to_string(),
            u.span,
        ));
        return WhyAccount {
            granted: false,
            steps,
        };
    };
    let role = &policy.roles[role_id.index()];
    steps.push(step(
        format!("holds role `{}`", role.key.value),
        u.role.as_ref().map(|r| r.span),
    ));
    let written = role.account.iter().find(|(p, _)| *p == perm);
    let (granted, text, span) = match written {
        Some((_, v)) if v.value => (
            true,
            format!("which grants `account = {{ {perm} = true }}`"),
            v.span,
        ),
        Some((_, v)) => (
            false,
            format!("which denies it: `account = {{ {perm} = false }}`"),
            v.span,
        ),
        None => (
            false,
            format!("which does not grant it (no `account.{perm}`: not granted by default)"),
            role.span,
        ),
    };
    steps.push(step(text, span));
    WhyAccount { granted, steps }
}

/// What a `who-can` query asks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhoCanTarget {
    /// An action on CRM records.
    Crm(CrmObject, CrmAction),
    /// An action in a tool.
    Tool(Tool, ToolAction),
    /// An account-wide permission (`account = { export = true }`).
    Account(AccountPermission),
    /// Super admin itself.
    SuperAdmin,
}

/// How a user comes to hold an access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// They are a super admin, who holds every access.
    SuperAdmin,
    /// Their role grants it.
    Role(RoleId),
}

/// One user who can, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhoCan {
    /// The user.
    pub user: UserId,
    /// How, as text: the scope (CRM), `ACTION in TOOL` (tools), `via role `KEY`` (account
    /// permissions), or `super admin`.
    pub how: String,
    /// Through what: super admin, or the user's role.
    pub via: Via,
    /// The scope held, for an action on CRM records.
    pub scope: Option<Scope>,
}

/// The users who can perform `target`, restricted to records owned by `owned_by` and to an
/// `asset` they can see, when given. `owned_by` narrows only actions on CRM records; account
/// permissions and super admin concern no record, so callers should not ask for an owner with
/// them (the CLI refuses it), and it is ignored.
pub fn who_can(
    policy: &Policy,
    compiled: &Compiled,
    target: WhoCanTarget,
    owned_by: Option<UserId>,
    asset: Option<AssetId>,
) -> Vec<WhoCan> {
    let index = &compiled.index;
    let owner_teams: Vec<_> = owned_by
        .map(|o| {
            index.resolved_users[o.index()]
                .team
                .into_iter()
                .chain(index.resolved_users[o.index()].teams.iter().copied())
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for (i, access) in compiled.access.users.iter().enumerate() {
        let user = UserId(i as u32);
        let role = index.resolved_users[i].role;
        let found = if access.super_admin {
            let scope = match target {
                WhoCanTarget::Crm(..) => Some(Scope::Everything),
                _ => None,
            };
            Some(("super admin".to_string(), Via::SuperAdmin, scope))
        } else {
            let via = role.map(Via::Role);
            match target {
                WhoCanTarget::Crm(object, action) => {
                    let scope = access.scope(object, action);
                    let reaches = match (scope, owned_by) {
                        (Scope::None, _) => false,
                        (_, None) | (Scope::Everything, _) => true,
                        (Scope::Team, Some(_)) => owner_teams
                            .iter()
                            .any(|t| access.teams.binary_search(t).is_ok()),
                        (Scope::Owned, Some(owner)) => owner == user,
                    };
                    via.filter(|_| reaches)
                        .map(|v| (scope.to_string(), v, Some(scope)))
                }
                WhoCanTarget::Tool(tool, action) => role
                    .and_then(|r| policy.roles[r.index()].tool(tool))
                    .filter(|g| g.actions.iter().any(|a| a.value == action))
                    .and(via)
                    .map(|v| (format!("{action} in {tool}"), v, None)),
                WhoCanTarget::Account(perm) => role
                    .filter(|r| policy.roles[r.index()].account(perm).is_some())
                    .map(|r| {
                        let key = &policy.roles[r.index()].key.value;
                        (format!("via role `{key}`"), Via::Role(r), None)
                    }),
                WhoCanTarget::SuperAdmin => None,
            }
        };
        let Some((how, via, scope)) = found else {
            continue;
        };
        if let Some(asset) = asset
            && !compiled
                .access
                .can_see_asset(&compiled.graph, index, user, asset)
        {
            continue;
        }
        out.push(WhoCan {
            user,
            how,
            via,
            scope,
        });
    }
    out
}

/// Whether `user` holds `permission` (for CRM permissions, at `scope` or wider; `none` counts
/// as `owned`), through their role or as a super admin: the test of deny rules, for
/// separation-of-duties rules.
pub fn holds(
    policy: &Policy,
    compiled: &Compiled,
    user: UserId,
    permission: teamform_model::Permission,
    scope: Scope,
) -> bool {
    if compiled.access.user(user).super_admin {
        return true;
    }
    compiled.index.resolved_users[user.index()]
        .role
        .and_then(|r| policy.roles.get(r.index()))
        .and_then(|role| crate::checks::guardrails::grant(role, permission, scope))
        .is_some()
}
