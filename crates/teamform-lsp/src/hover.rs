//! Hovers: on a user, their effective access in short; on a team, its parent chain and
//! members; on a role, who holds it; on an asset, who it is partitioned to; on a diagnostic
//! code (`TF0102`, in a comment for instance), its documentation.

use crate::position::range;
use crate::project::Snapshot;
use crate::symbols::{self, KeyKind};
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};
use std::fmt::Write;
use teamform_compiler::AccountAccess;
use teamform_diagnostics::{Code, FileId, Span};
use teamform_model::{AccountPermission, CrmAction, CrmObject, Scope};

/// How many users or teams a hover lists before it only counts the rest.
const LISTED: usize = 10;

/// The hover at byte `offset` of `file`.
pub fn hover(snapshot: &Snapshot, file: FileId, offset: u32) -> Option<Hover> {
    let source = snapshot.file(file)?;
    let policy = snapshot.policy();
    let (text, span) = match symbols::at(policy, file, offset) {
        Some(o) => {
            let text = match o.kind {
                KeyKind::User => user(snapshot, &o.key),
                KeyKind::Team => team(snapshot, &o.key),
                KeyKind::Role => role(snapshot, &o.key),
                KeyKind::Asset => asset(snapshot, &o.key),
            };
            let text =
                text.unwrap_or_else(|| format!("{} `{}` is not defined", o.kind.noun(), o.key));
            (text, o.span)
        }
        None => {
            let (code, start, end) = code_at(&source.text, offset as usize)?;
            (code.doc().doc.to_string(), Span::new(file, start..end))
        }
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(range(source, span)),
    })
}

/// The diagnostic code written around byte `offset` of `text`, with its byte range.
fn code_at(text: &str, offset: usize) -> Option<(Code, usize, usize)> {
    let is_word = |c: char| c.is_ascii_alphanumeric();
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    let word = &text[start..end];
    let looks_like_code = word.len() == 6
        && word[..2].eq_ignore_ascii_case("tf")
        && word[2..].bytes().all(|b| b.is_ascii_digit());
    looks_like_code
        .then(|| Code::parse(word))
        .flatten()
        .map(|code| (code, start, end))
}

/// `a`, `b`, … and N more.
fn listing<I: IntoIterator<Item = String>>(items: I, total: usize) -> String {
    let shown: Vec<String> = items.into_iter().take(LISTED).collect();
    let mut out = shown.join(", ");
    if total > shown.len() {
        let _ = write!(out, " and {} more", total - shown.len());
    }
    out
}

fn name_of(name: Option<&teamform_model::Sp<String>>) -> &str {
    name.map_or("(no name)", |n| n.value.as_str())
}

fn user(snapshot: &Snapshot, email: &str) -> Option<String> {
    let (policy, compiled) = (snapshot.policy(), snapshot.compiled());
    let id = compiled.index.user(email)?;
    let u = policy.users.get(id.index())?;
    let access = compiled.access.users.get(id.index())?;
    let mut out = format!("**{}** — user `{email}`\n\n", name_of(u.name.as_ref()));
    if access.super_admin {
        out.push_str(
            "super admin: `everything` on every object, every asset, every account permission\n",
        );
        return Some(out);
    }
    match compiled.index.resolved_users[id.index()].role {
        Some(r) => {
            let role = &policy.roles[r.index()];
            let _ = writeln!(
                out,
                "role `{}` ({})  ",
                role.key.value,
                name_of(role.name.as_ref())
            );
        }
        None => out.push_str("no role: no access  \n"),
    }
    if let Some(team) = &u.team {
        let _ = write!(out, "primary team `{}`", team.value);
        if !u.teams.is_empty() {
            let extra = u.teams.iter().map(|t| format!("`{}`", t.value));
            let _ = write!(out, ", additional {}", listing(extra, u.teams.len()));
        }
        out.push('\n');
    }
    out.push_str("\n**Effective access**\n\n");
    for object in CrmObject::ALL {
        let scope = |a| access.scope(*object, a);
        let (view, edit, delete) = (
            scope(CrmAction::View),
            scope(CrmAction::Edit),
            scope(CrmAction::Delete),
        );
        if view == Scope::None && edit == Scope::None {
            let _ = writeln!(out, "- {object}: none");
        } else {
            let _ = writeln!(
                out,
                "- {object}: view `{view}`, edit `{edit}`, delete `{delete}`"
            );
        }
    }
    // Account permissions, as `why` explains them.
    let account: Vec<String> = AccountPermission::ALL
        .iter()
        .filter(|p| {
            teamform_compiler::why_account(policy, compiled, id, AccountAccess::Permission(**p))
                .granted
        })
        .map(|p| format!("`{p}`"))
        .collect();
    if account.is_empty() {
        out.push_str("- account: none\n");
    } else {
        let _ = writeln!(out, "- account: {}", account.join(", "));
    }
    let uses_team = CrmObject::ALL.iter().any(|o| {
        CrmAction::ALL
            .iter()
            .any(|a| access.scope(*o, *a) == Scope::Team)
    });
    if uses_team {
        let teams = access
            .teams
            .iter()
            .map(|t| format!("`{}`", policy.teams[t.index()].key.value));
        let _ = writeln!(
            out,
            "\n`team` covers {}",
            listing(teams, access.teams.len())
        );
    }
    let visible = compiled
        .access
        .visible_assets(&compiled.graph, &compiled.index, id)
        .len();
    let _ = writeln!(out, "\nsees {visible} of {} assets", policy.assets.len());
    Some(out)
}

fn team(snapshot: &Snapshot, key: &str) -> Option<String> {
    let (policy, compiled) = (snapshot.policy(), snapshot.compiled());
    let id = compiled.index.team(key)?;
    let t = policy.teams.get(id.index())?;
    let graph = &compiled.graph;
    let mut out = format!("**{}** — team `{key}`\n\n", name_of(t.name.as_ref()));
    // The parent forest is acyclic (cycles are broken by the compiler); the bound is a guard.
    let mut chain = vec![format!("`{key}`")];
    let mut current = graph.parent.get(id.index()).copied().flatten();
    while let Some(parent) = current {
        if chain.len() > policy.teams.len() {
            break;
        }
        chain.push(format!("`{}`", policy.teams[parent.index()].key.value));
        current = graph.parent.get(parent.index()).copied().flatten();
    }
    if chain.len() == 1 {
        out.push_str("a root team (no parent)  \n");
    } else {
        let _ = writeln!(out, "parent chain: {}  ", chain.join(" → "));
    }
    let children = graph
        .children
        .get(id.index())
        .map_or(&[][..], Vec::as_slice);
    if !children.is_empty() {
        let keys = children
            .iter()
            .map(|c| format!("`{}`", policy.teams[c.index()].key.value));
        let _ = writeln!(out, "child teams: {}  ", listing(keys, children.len()));
    }
    let members = graph.members.get(id.index()).map_or(&[][..], Vec::as_slice);
    let primary = members.iter().filter(|(_, p)| *p).count();
    let _ = write!(
        out,
        "\n**{} members** ({primary} primary, {} additional)",
        members.len(),
        members.len() - primary
    );
    if !members.is_empty() {
        let names = members.iter().map(|(u, p)| {
            let user = &policy.users[u.index()];
            let kind = if *p { "" } else { " (additional)" };
            format!("`{}`{kind}", user.key.value)
        });
        let _ = write!(out, ": {}", listing(names, members.len()));
    }
    out.push('\n');
    Some(out)
}

fn role(snapshot: &Snapshot, key: &str) -> Option<String> {
    let (policy, compiled) = (snapshot.policy(), snapshot.compiled());
    let id = compiled.index.role(key)?;
    let r = policy.roles.get(id.index())?;
    let mut out = format!("**{}** — role `{key}`\n\n", name_of(r.name.as_ref()));
    for grant in &r.crm {
        let _ = writeln!(
            out,
            "- {}: view `{}`, edit `{}`, delete `{}`",
            grant.object,
            grant.scope(CrmAction::View),
            grant.scope(CrmAction::Edit),
            grant.scope(CrmAction::Delete)
        );
    }
    let holders = compiled
        .graph
        .holders
        .get(id.index())
        .map_or(&[][..], Vec::as_slice);
    let _ = write!(
        out,
        "\n**held by {} user{}**",
        holders.len(),
        if holders.len() == 1 { "" } else { "s" }
    );
    if !holders.is_empty() {
        let names = holders
            .iter()
            .map(|u| format!("`{}`", policy.users[u.index()].key.value));
        let _ = write!(out, ": {}", listing(names, holders.len()));
    }
    out.push('\n');
    Some(out)
}

fn asset(snapshot: &Snapshot, reference: &str) -> Option<String> {
    let (policy, compiled) = (snapshot.policy(), snapshot.compiled());
    let id = compiled.index.assets.get(reference)?;
    let a = policy.assets.get(id.index())?;
    let mut out = format!("**{}** — asset `{reference}`\n\n", name_of(a.name.as_ref()));
    if a.teams.is_empty() {
        out.push_str("unassigned: visible to every team\n");
    } else {
        let teams = a.teams.iter().map(|t| format!("`{}`", t.value));
        let _ = writeln!(out, "partitioned to {}", listing(teams, a.teams.len()));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::code_at;
    use teamform_diagnostics::Code;

    #[test]
    fn finds_a_code_around_the_cursor() {
        let text = "# see TF0102, and tf0106.\nTF99999";
        let at = |needle: &str, plus: usize| text.find(needle).map(|i| code_at(text, i + plus));
        assert_eq!(at("TF0102", 3), Some(Some((Code::UnknownTeam, 6, 12))));
        assert_eq!(at("TF0102", 6), Some(Some((Code::UnknownTeam, 6, 12))));
        assert_eq!(
            at("tf0106", 0).flatten().map(|c| c.0),
            Some(Code::TeamCycle)
        );
        assert_eq!(at("TF99999", 2), Some(None));
        assert_eq!(at("see", 1), Some(None));
    }
}
