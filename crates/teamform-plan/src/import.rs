//! `teamform import` and `teamform init`: the live portal written as policy files, one per
//! kind (users in one file, or one per primary team), sorted, with portal ids pinned,
//! formatted as a person would write them; optionally with `[portal.manage]` and comments
//! saying what the portal could not read back.

use crate::live_policy::live_policy;
use crate::matching::Bindings;
use std::fmt::Write as _;
use teamform_model::Policy;
use teamform_model::UsersMode;
use teamform_portal::{LiveState, Screens};

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

/// How a live portal is written as policy files.
#[derive(Clone, Debug)]
pub struct ImportOptions<'a> {
    /// The portal name to write in `[portal]`.
    pub name: &'a str,
    /// The command that writes the files, named in the first comment.
    pub by: &'a str,
    /// The `provider` to write in `[portal]` (`hubspot`), if any.
    pub provider: Option<&'a str>,
    /// Users in one file per primary team (`users/TEAM.toml`) rather than in `users.toml`.
    pub users_by_team: bool,
    /// The `[portal.manage]` users mode to write, if any.
    pub users_mode: Option<UsersMode>,
    /// `ignore_users` globs to write; the users they match are left out of the policy.
    pub ignore_users: &'a [String],
    /// The provider's screens, when comments should say where to find what the portal could
    /// not read back (permission set contents, asset partitions); `None` writes no comments.
    pub screens: Option<&'a Screens>,
    /// Whether the portal reads asset partitions back (else the assets file says so).
    pub assets_readable: bool,
}

impl<'a> ImportOptions<'a> {
    /// `teamform import`'s layout: one file per kind, no comments, no ownership modes.
    pub fn plain(name: &'a str) -> Self {
        ImportOptions {
            name,
            by: "teamform import",
            provider: None,
            users_by_team: false,
            users_mode: None,
            ignore_users: &[],
            screens: None,
            assets_readable: true,
        }
    }
}

/// The files of an imported policy: `(relative path, text)`.
pub fn import(live: &LiveState, portal_name: &str) -> Vec<(String, String)> {
    import_with(live, &ImportOptions::plain(portal_name))
}

/// The `[portal]` table (and `[portal.manage]`).
fn portal(o: &ImportOptions<'_>) -> String {
    let mut portal = format!(
        "# Imported by `{}`. Set the tiers to the portal's subscriptions.\n",
        o.by
    );
    let _ = writeln!(portal, "[portal]\nname = {}", q(o.name));
    if let Some(p) = o.provider {
        let _ = writeln!(portal, "provider = {}", q(p));
    }
    portal.push_str("tiers = { marketing = \"enterprise\", sales = \"enterprise\", service = \"enterprise\", cms = \"enterprise\", operations = \"enterprise\" }\n");
    if o.users_mode.is_none() && o.ignore_users.is_empty() {
        return portal;
    }
    portal.push_str(
        "\n# Which users teamform manages: \"all\" removes the users the policy does not declare,\n\
         # \"declared\" leaves them alone (for users an identity provider provisions). Users an\n\
         # `ignore_users` glob matches are never created, changed or removed.\n\
         [portal.manage]\n",
    );
    let _ = writeln!(
        portal,
        "users = {}",
        q(o.users_mode.unwrap_or_default().as_str())
    );
    if !o.ignore_users.is_empty() {
        let _ = writeln!(
            portal,
            "ignore_users = {}",
            list(o.ignore_users.iter().cloned())
        );
    }
    portal
}

/// The files of the live portal written with `o`: `(relative path, text)`.
pub fn import_with(live: &LiveState, o: &ImportOptions<'_>) -> Vec<(String, String)> {
    let p: Policy = live_policy(live, &Bindings::default(), true, &|_| None);
    let mut files = Vec::new();
    files.push(("portal.toml".to_string(), portal(o)));

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

    let unread: std::collections::HashSet<&str> = live
        .roles
        .iter()
        .filter(|r| r.permissions.is_none())
        .map(|r| r.id.as_str())
        .collect();
    let mut roles = p.roles.clone();
    roles.sort_by(|a, b| a.key.value.cmp(&b.key.value));
    let mut text = String::new();
    for r in &roles {
        if let Some(screens) = o.screens
            && r.id
                .as_ref()
                .is_some_and(|id| unread.contains(id.value.as_str()))
        {
            let _ = writeln!(
                text,
                "# The portal's API does not expose this permission set's contents: copy them from\n\
                 # {} (`crm.*`, `tools.*`, `account`), then run\n\
                 # `teamform confirm role:{}` so that plans compare against them.",
                screens.permission_sets, r.key.value
            );
        }
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

    let own = teamform_model::Ownership::new(Some(&teamform_model::Manage {
        ignore_users: o
            .ignore_users
            .iter()
            .map(|g| teamform_model::Sp::new(g.clone(), teamform_diagnostics::Span::default()))
            .collect(),
        ..teamform_model::Manage::default()
    }));
    let mut users: Vec<&teamform_model::User> = p
        .users
        .iter()
        .filter(|u| !own.ignores_user(&u.key.value))
        .collect();
    users.sort_by(|a, b| a.key.value.cmp(&b.key.value));
    if o.users_by_team {
        let mut by_team: std::collections::BTreeMap<String, String> = Default::default();
        for u in users {
            let file = u
                .team
                .as_ref()
                .map_or_else(|| "_no-team".to_string(), |t| file_stem(&t.value));
            user(by_team.entry(file).or_default(), u);
        }
        for (team, text) in by_team {
            files.push((format!("users/{team}.toml"), text));
        }
    } else {
        let mut text = String::new();
        for u in users {
            user(&mut text, u);
        }
        files.push(("users.toml".to_string(), text));
    }

    let mut assets = p.assets.clone();
    assets.sort_by(|a, b| (a.kind, &a.key.value).cmp(&(b.kind, &b.key.value)));
    let mut text = String::new();
    if let Some(screens) = o.screens
        && !o.assets_readable
    {
        let _ = writeln!(
            text,
            "# The portal's API cannot read which teams an asset is assigned to. Declare here the\n\
             # assets whose teams teamform should manage (`[asset.TYPE.KEY]` with `name` and\n\
             # `teams`), as set in {} of each asset, then run `teamform confirm asset:TYPE.KEY`.",
            screens.asset_teams
        );
    }
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

/// A file name for the users of a team: its key, with anything but letters, digits, `-` and
/// `_` replaced.
fn file_stem(team: &str) -> String {
    team.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// One `[user."EMAIL"]` table.
fn user(text: &mut String, u: &teamform_model::User) {
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
