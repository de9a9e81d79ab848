//! Checks of teams: duplicate names and empty teams (cycles are found when building the graph).

use super::Ctx;
use std::collections::HashMap;
use teamform_diagnostics::{Code, Diagnostic, Span};

/// The checks of teams alone: names used twice.
pub(super) fn check(cx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) {
    let mut names: HashMap<&str, (Span, &str)> = HashMap::new();
    for team in &cx.policy.teams {
        if let Some(name) = &team.name {
            duplicate_name(
                &mut names,
                "team",
                &name.value,
                name.span,
                &team.key.value,
                diags,
            );
        }
    }
}

/// The checks of teams that depend on their members: empty teams.
pub(super) fn check_members(cx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) {
    for (i, team) in cx.policy.teams.iter().enumerate() {
        if cx.graph.members[i].is_empty()
            && cx.graph.children[i].is_empty()
            && !cx.graph.in_cycle[i]
        {
            diags.push(
                Diagnostic::new(
                    Code::EmptyTeam,
                    format!(
                        "team `{}` has no members and no child teams",
                        team.key.value
                    ),
                )
                .primary(team.span, "empty team")
                .help("put users on it (`team` or `teams` of a user), or remove it"),
            );
        }
    }
}

/// Reports a portal name used twice among teams or among roles.
pub(super) fn duplicate_name<'a>(
    names: &mut HashMap<&'a str, (Span, &'a str)>,
    kind: &str,
    name: &'a str,
    span: Span,
    key: &'a str,
    diags: &mut Vec<Diagnostic>,
) {
    match names.get(name) {
        Some((first, first_key)) => diags.push(
            Diagnostic::new(
                Code::DuplicateName,
                format!("{kind}s `{first_key}` and `{key}` have the same name `{name}`"),
            )
            .primary(span, "same name again")
            .secondary(*first, "first used here")
            .help(format!(
                "the portal tells {kind}s apart by name: give each its own"
            )),
        ),
        None => {
            names.insert(name, (span, key));
        }
    }
}
