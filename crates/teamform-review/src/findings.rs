//! The findings of a review, each a diagnostic with a stable code (TF0400–TF0405, documented
//! by `teamform explain`): inactive paid seats and super admins, access expiring soon, users
//! only in the portal, users never logged in since they were added, and separation-of-duties
//! rules broken.

use crate::build::{Input, Subject};
use crate::types::{Finding, LoginStatus, ReviewUser};
use teamform_compiler::holds;
use teamform_diagnostics::{Code, Diagnostic};
use teamform_model::{Scope, SeparationRule};

/// The findings about `users` (which get their codes), and the same as diagnostics.
pub(crate) fn find(
    input: &Input<'_>,
    subjects: &[Subject<'_>],
    users: &mut [ReviewUser],
) -> (Vec<Finding>, Vec<Diagnostic>) {
    let mut found: Vec<(Diagnostic, usize)> = Vec::new();
    let days = input.options.inactive_days;
    let today = input.now.date();
    for (i, (s, u)) in subjects.iter().zip(users.iter()).enumerate() {
        let pu = s.policy.map(|id| &input.policy.users[id.index()]);
        let at = |d: Diagnostic| match pu {
            Some(pu) => d.primary(pu.key.span, "this user"),
            None => d,
        };
        let email = &u.email;
        let silent = matches!(
            u.login,
            LoginStatus::Inactive | LoginStatus::NoLoginInWindow
        );
        if u.login == LoginStatus::NeverSinceAdded && u.in_policy {
            let since = u.added.as_deref().map_or("", |a| a.get(..10).unwrap_or(a));
            let d = Diagnostic::new(
                Code::NeverLoggedIn,
                format!("`{email}` has not logged in since they were added on {since}"),
            );
            found.push((at(d), i));
        }
        if silent && !u.seats.is_empty() {
            let d = Diagnostic::new(
                Code::InactivePaidSeat,
                format!(
                    "`{email}` holds the paid seat{} {} and has not logged in in the last {days} days",
                    if u.seats.len() == 1 { "" } else { "s" },
                    u.seats.join(", ")
                ),
            );
            found.push((at(d), i));
        }
        if silent && u.super_admin {
            let d = Diagnostic::new(
                Code::InactiveSuperAdmin,
                format!("`{email}` is a super admin and has not logged in in the last {days} days"),
            );
            found.push((at(d), i));
        }
        if let Some(expires) = pu.and_then(|p| p.expires.as_ref()) {
            let left = expires.value.unix_days() - today.unix_days();
            if left <= i64::from(input.options.expiring_days) {
                let when = if left < 0 { "expired" } else { "expires" };
                let d = Diagnostic::new(
                    Code::AccessExpiring,
                    format!("the access of `{email}` {when} on {}", expires.value),
                )
                .primary(expires.span, format!("{left} days from the review"));
                found.push((d, i));
            }
        }
        if s.live.is_some() && s.policy.is_none() {
            let d = Diagnostic::new(
                Code::UserNotInPolicy,
                format!("`{email}` is in the portal but not in the policy"),
            )
            .help(format!(
                "declare `[user.\"{email}\"]` in the policy, or let `teamform apply` remove the user"
            ));
            found.push((d, i));
        }
        if let Some(id) = s.policy {
            for rule in &input.policy.guardrails.separate {
                if let Some(d) = separation(input, rule, id, email) {
                    found.push((at(d), i));
                }
            }
        }
    }
    found.sort_by(|a, b| a.0.code.cmp(&b.0.code).then(a.1.cmp(&b.1)));
    let mut findings = Vec::with_capacity(found.len());
    let mut diagnostics = Vec::with_capacity(found.len());
    for (d, i) in found {
        let doc = d.code.doc();
        users[i].findings.push(doc.code.to_string());
        findings.push(Finding {
            code: doc.code.to_string(),
            name: doc.name.to_string(),
            severity: d.severity.as_str().to_string(),
            user: users[i].email.clone(),
            message: d.message.clone(),
        });
        diagnostics.push(d);
    }
    for u in users.iter_mut() {
        u.findings.sort();
        u.findings.dedup();
    }
    (findings, diagnostics)
}

/// The finding when `user` holds every permission of `rule`.
fn separation(
    input: &Input<'_>,
    rule: &SeparationRule,
    user: teamform_compiler::UserId,
    email: &str,
) -> Option<Diagnostic> {
    if rule.permissions.len() < 2 {
        return None;
    }
    let scope = rule.scope.as_ref().map_or(Scope::Owned, |s| s.value);
    let all = rule
        .permissions
        .iter()
        .all(|p| holds(input.policy, input.compiled, user, p.value, scope));
    if !all {
        return None;
    }
    let list: Vec<String> = rule
        .permissions
        .iter()
        .map(|p| format!("`{}`", p.value))
        .collect();
    let mut d = Diagnostic::new(
        Code::SeparationOfDuties,
        format!("`{email}` holds {} together", list.join(" and ")),
    )
    .secondary(rule.span, "the separation rule");
    if let Some(m) = &rule.message {
        d = d.help(m.value.clone());
    }
    Some(d)
}
