//! `teamform import`: the live portal written as policy files, one per kind, sorted, with
//! portal ids pinned, formatted as a person would write them.

use crate::live_policy::live_policy;
use crate::matching::Bindings;
use std::fmt::Write as _;
use teamform_model::Policy;
use teamform_portal::LiveState;

fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_string()
    } else {
        q(k)
    }
}

fn list(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.map(|s| q(&s)).collect::<Vec<_>>().join(", "))
}

/// The files of an imported policy: `(relative path, text)`.
pub fn import(live: &LiveState, portal_name: &str) -> Vec<(String, String)> {
    let p: Policy = live_policy(live, &Bindings::default(), true, &|_| None);
    let mut files = Vec::new();
    let mut portal = String::from(
        "# Imported by `teamform import`. Set the tiers to the portal's subscriptions.\n",
    );
    let _ = writeln!(portal, "[portal]\nname = {}", q(portal_name));
    portal.push_str("tiers = { marketing = \"enterprise\", sales = \"enterprise\", service = \"enterprise\", cms = \"enterprise\", operations = \"enterprise\" }\n");
    files.push(("portal.toml".to_string(), portal));

    let mut teams = p.teams.clone();
    teams.sort_by(|a, b| a.key.value.cmp(&b.key.value));
    let mut text = String::new();
    for t in &teams {
        let _ = writeln!(text, "[team.{}]", key(&t.key.value));
        let _ = writeln!(
            text,
            "name = {}",
            q(t.name.as_ref().map_or("", |n| &n.value))
        );
        if let Some(parent) = &t.parent {
            let _ = writeln!(text, "parent = {}", q(&parent.value));
        }
        if let Some(id) = &t.id {
            let _ = writeln!(text, "id = {}", q(&id.value));
        }
        text.push('\n');
    }
    files.push(("teams.toml".to_string(), text));

    let mut roles = p.roles.clone();
    roles.sort_by(|a, b| a.key.value.cmp(&b.key.value));
    let mut text = String::new();
    for r in &roles {
        let _ = writeln!(text, "[role.{}]", key(&r.key.value));
        let _ = writeln!(
            text,
            "name = {}",
            q(r.name.as_ref().map_or("", |n| &n.value))
        );
        if let Some(id) = &r.id {
            let _ = writeln!(text, "id = {}", q(&id.value));
        }
        for g in &r.crm {
            let scope = |s: &Option<teamform_model::Sp<teamform_model::Scope>>| {
                s.as_ref()
                    .map_or("none".to_string(), |s| s.value.to_string())
            };
            let _ = writeln!(
                text,
                "crm.{} = {{ view = {}, edit = {}, delete = {} }}",
                g.object,
                q(&scope(&g.view)),
                q(&scope(&g.edit)),
                g.delete.as_ref().is_some_and(|d| d.value)
            );
        }
        for t in &r.tools {
            let _ = writeln!(
                text,
                "tools.{} = {}",
                t.tool,
                list(t.actions.iter().map(|a| a.value.to_string()))
            );
        }
        if !r.account.is_empty() {
            let flags: Vec<String> = r
                .account
                .iter()
                .map(|(f, v)| format!("{f} = {}", v.value))
                .collect();
            let _ = writeln!(text, "account = {{ {} }}", flags.join(", "));
        }
        text.push('\n');
    }
    files.push(("roles.toml".to_string(), text));

    let mut users = p.users.clone();
    users.sort_by(|a, b| a.key.value.cmp(&b.key.value));
    let mut text = String::new();
    for u in &users {
        let _ = writeln!(text, "[user.{}]", q(&u.key.value));
        let _ = writeln!(
            text,
            "name = {}",
            q(u.name.as_ref().map_or("", |n| &n.value))
        );
        if let Some(r) = &u.role {
            let _ = writeln!(text, "role = {}", q(&r.value));
        }
        if let Some(t) = &u.team {
            let _ = writeln!(text, "team = {}", q(&t.value));
        }
        if !u.teams.is_empty() {
            let _ = writeln!(
                text,
                "teams = {}",
                list(u.teams.iter().map(|t| t.value.clone()))
            );
        }
        if u.is_super_admin() {
            let _ = writeln!(text, "super_admin = true");
        }
        if !u.seats.is_empty() {
            let _ = writeln!(
                text,
                "seats = {}",
                list(u.seats.iter().map(|s| s.value.to_string()))
            );
        }
        if let Some(id) = &u.id {
            let _ = writeln!(text, "id = {}", q(&id.value));
        }
        text.push('\n');
    }
    files.push(("users.toml".to_string(), text));

    let mut assets = p.assets.clone();
    assets.sort_by(|a, b| (a.kind, &a.key.value).cmp(&(b.kind, &b.key.value)));
    let mut text = String::new();
    for a in &assets {
        let _ = writeln!(text, "[asset.{}.{}]", a.kind, key(&a.key.value));
        let _ = writeln!(
            text,
            "name = {}",
            q(a.name.as_ref().map_or("", |n| &n.value))
        );
        let _ = writeln!(
            text,
            "teams = {}",
            list(a.teams.iter().map(|t| t.value.clone()))
        );
        if let Some(id) = &a.id {
            let _ = writeln!(text, "id = {}", q(&id.value));
        }
        text.push('\n');
    }
    files.push(("assets.toml".to_string(), text));
    files
}
