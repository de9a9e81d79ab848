//! Queries on a compiled policy: `why` (the chain of definitions that grants a user an access)
//! and `who-can` (the users holding an access, optionally on a given owner's records or asset).

use crate::Compiled;
use crate::resolve::{AssetId, UserId};
use teamform_diagnostics::Span;
use teamform_model::{CrmAction, CrmObject, Policy, Scope, Tool, ToolAction};

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
    let Some(role_id) = compiled.index.user_role[user.index()] else {
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
        let direct = index.user_team[user.index()]
            .map(|t| (t, true, u.team.as_ref().map(|s| s.span)))
            .into_iter()
            .chain(index.user_teams[user.index()].iter().map(|t| {
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

/// What a `who-can` query asks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhoCanTarget {
    /// An action on CRM records.
    Crm(CrmObject, CrmAction),
    /// An action in a tool.
    Tool(Tool, ToolAction),
}

/// One user who can, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhoCan {
    /// The user.
    pub user: UserId,
    /// How: the scope, or `super admin`.
    pub how: String,
}

/// The users who can perform `target`, restricted to records owned by `owned_by` and to an
/// `asset` they can see, when given.
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
            index.user_team[o.index()]
                .into_iter()
                .chain(index.user_teams[o.index()].iter().copied())
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for (i, access) in compiled.access.users.iter().enumerate() {
        let user = UserId(i as u32);
        let how = if access.super_admin {
            Some("super admin".to_string())
        } else {
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
                    reaches.then(|| scope.to_string())
                }
                WhoCanTarget::Tool(tool, action) => index.user_role[i]
                    .and_then(|r| policy.roles[r.index()].tool(tool))
                    .filter(|g| g.actions.iter().any(|a| a.value == action))
                    .map(|_| format!("{action} in {tool}")),
            }
        };
        let Some(how) = how else { continue };
        if let Some(asset) = asset
            && !compiled
                .access
                .can_see_asset(&compiled.graph, index, user, asset)
        {
            continue;
        }
        out.push(WhoCan { user, how });
    }
    out
}
