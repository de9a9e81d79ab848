//! Checks of ownership (`[portal.manage]`) and of what identity providers rely on: declared
//! users and teams that an ignore glob matches (TF0143, TF0144), and roles whose names differ
//! only in case or spacing (TF0140), as identity providers map roles by exact name.

use super::Ctx;
use std::collections::HashMap;
use teamform_diagnostics::{Code, Diagnostic};
use teamform_model::{Manage, Ownership};

/// A role name as an identity provider's mapping could mistype it: lowercase, without
/// spaces.
fn loose(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The checks that look at no user: role names, declared teams that are ignored.
pub(super) fn org(cx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) {
    role_names(cx, diags);
    let Some(manage) = manage(cx) else {
        return;
    };
    let own = Ownership::new(Some(manage));
    for team in &cx.policy.teams {
        // The name the portal shows, or the former name it is found by before a rename.
        for name in team.name.iter().chain(&team.previously) {
            ignored_team(manage, &own, team, name, diags);
        }
    }
}

/// TF0144 when an ignore glob matches `name`, a declared team's name or former name.
fn ignored_team(
    manage: &Manage,
    own: &Ownership,
    team: &teamform_model::Team,
    name: &teamform_model::Sp<String>,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(&at) = own.team_globs(&name.value).first() else {
        return;
    };
    let glob = &manage.ignore_teams[at];
    diags.push(
        Diagnostic::new(
            Code::DeclaredTeamIgnored,
            format!(
                "team `{}` is declared and ignored by `{}`",
                team.key.value, glob.value
            ),
        )
        .primary(name.span, "this name matches an ignore glob")
        .secondary(glob.span, "ignored here")
        .help("remove the team's table to leave it as it is, or narrow the glob"),
    );
}

/// A declared user that an ignore glob matches: a check of one user, with the globs compiled
/// once per [`Ctx`].
pub(super) fn user(cx: &Ctx<'_>, user: &teamform_model::User, diags: &mut Vec<Diagnostic>) {
    let (Some(own), Some(manage)) = (&cx.ignored_users, manage(cx)) else {
        return;
    };
    if let Some(&at) = own.user_globs(&user.key.value).first() {
        let glob = &manage.ignore_users[at];
        diags.push(
            Diagnostic::new(
                Code::DeclaredUserIgnored,
                format!(
                    "user `{}` is declared and ignored by `{}`",
                    user.key.value, glob.value
                ),
            )
            .primary(user.key.span, "this email matches an ignore glob")
            .secondary(glob.span, "ignored here")
            .help("remove the user's table to leave them as they are, or narrow the glob"),
        );
    }
}

/// The ownership of the policy of `cx` when it ignores some users (for [`user`]).
pub(super) fn ignored_users(policy: &teamform_model::Policy) -> Option<Ownership> {
    let manage = policy.portal.as_ref()?.manage.as_ref()?;
    (!manage.ignore_users.is_empty()).then(|| Ownership::new(Some(manage)))
}

fn manage<'a>(cx: &Ctx<'a>) -> Option<&'a Manage> {
    cx.policy.portal.as_ref()?.manage.as_ref()
}

/// Roles whose names are equal but for case and spaces (exact duplicates are TF0105).
fn role_names(cx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<String, (&str, teamform_diagnostics::Span)> = HashMap::new();
    for role in &cx.policy.roles {
        let Some(name) = &role.name else { continue };
        match seen.get(&loose(&name.value)) {
            Some((first, span)) if *first != name.value => diags.push(
                Diagnostic::new(
                    Code::RoleNamesCollide,
                    format!(
                        "role name `{}` differs from `{first}` only in case or spacing",
                        name.value
                    ),
                )
                .primary(name.span, "identity providers map roles by exact name")
                .secondary(*span, "the other role")
                .help("give the roles names that differ in words, or merge them"),
            ),
            Some(_) => {}
            None => {
                seen.insert(loose(&name.value), (&name.value, name.span));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::loose;

    #[test]
    fn case_and_spacing_are_ignored() {
        assert_eq!(loose("Sales  Rep"), loose("sales rep"));
        assert_eq!(loose("SalesRep"), loose("sales rep"));
        assert_ne!(loose("Sales Rep"), loose("Sales Reps"));
    }
}
