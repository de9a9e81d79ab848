//! Reading the top-level tables of one document: `[portal]`, `[team.*]`, `[role.*]`,
//! `[user.*]`, `[asset.*.*]` and `[guardrails]`.

use super::{Reader, Value, What};
use crate::types::*;
use crate::vocab::*;
use toml::de::DeTable;

/// The fields of the table, as the reader accepts them.
pub const TOP: &[&str] = &[
    "portal",
    "team",
    "role",
    "user",
    "asset",
    "guardrails",
    "offboard",
];
/// The fields of the table, as the reader accepts them.
pub const PORTAL: &[&str] = &["name", "tiers", "seats", "provider", "manage"];
/// The fields of the table, as the reader accepts them.
pub const TEAM: &[&str] = &[
    "name",
    "parent",
    "description",
    "id",
    "previously",
    "reviewers",
    "successor",
];
/// The fields of the table, as the reader accepts them.
pub const OFFBOARD: &[&str] = &["successor", "reason", "date"];
/// The fields of the table, as the reader accepts them.
pub const USER: &[&str] = &[
    "name",
    "role",
    "team",
    "teams",
    "super_admin",
    "seats",
    "expires",
    "id",
];
/// The fields of the table, as the reader accepts them.
pub const ASSET: &[&str] = &["name", "teams", "id"];
/// The fields of the table, as the reader accepts them.
pub const GUARDRAILS: &[&str] = &[
    "min_super_admins",
    "max_super_admins",
    "max_removal_ratio",
    "protected_users",
    "require_partition",
    "public_assets",
    "deny",
    "separate",
];
/// The fields of the table, as the reader accepts them.
pub const SEPARATE: &[&str] = &["message", "permissions", "scope"];
/// The fields of the table, as the reader accepts them.
pub const DENY: &[&str] = &[
    "message",
    "permission",
    "scope",
    "members_of",
    "unless_roles",
];

/// Reads one document into a policy fragment.
pub(crate) fn read_document(r: &mut Reader<'_>, doc: &DeTable<'_>) -> Policy {
    let mut policy = Policy::default();
    for (key, value) in doc.iter() {
        match key.get_ref().as_ref() {
            "portal" => policy.portal = read_portal(r, value),
            "team" => each_entry(r, value, "`team`", |r, k, v| {
                policy.teams.extend(read_team(r, k, v));
            }),
            "role" => each_entry(r, value, "`role`", |r, k, v| {
                policy.roles.extend(super::role::read_role(r, k, v));
            }),
            "user" => each_entry(r, value, "`user`", |r, k, v| {
                policy.users.extend(read_user(r, k, v));
            }),
            "asset" => read_assets(r, value, &mut policy.assets),
            "guardrails" => read_guardrails(r, value, &mut policy.guardrails),
            "offboard" => each_entry(r, value, "`offboard`", |r, k, v| {
                policy.offboard.extend(read_offboard(r, k, v));
            }),
            _ => r.unknown_field(key, "a policy file", TOP),
        }
    }
    policy
}

/// Calls `f` for each `KEY = table` entry of a table of entities such as `[team]`.
fn each_entry<'i>(
    r: &mut Reader<'_>,
    value: &Value<'i>,
    what: &str,
    mut f: impl FnMut(&mut Reader<'_>, Sp<String>, &Value<'i>),
) {
    let Some(table) = r.table(value, what) else {
        return;
    };
    for (k, v) in table.iter() {
        let key = Sp::new(k.get_ref().to_string(), r.span(k.span()));
        f(r, key, v);
    }
}

/// Reads the fields of an entity table, reporting unknown ones.
fn fields<'a, 'i>(
    r: &mut Reader<'_>,
    table: &'a DeTable<'i>,
    context: What<'_>,
    allowed: &[&str],
) -> Vec<(&'a str, &'a Value<'i>)> {
    let mut out = Vec::with_capacity(table.len());
    for (k, v) in table.iter() {
        let name: &str = k.get_ref().as_ref();
        if allowed.contains(&name) {
            out.push((name, v));
        } else {
            r.unknown_field(k, context, allowed);
        }
    }
    out
}

fn read_portal(r: &mut Reader<'_>, value: &Value<'_>) -> Option<Portal> {
    let table = r.table(value, "`portal`")?;
    let mut portal = Portal {
        span: r.span(value.span()),
        ..Portal::default()
    };
    for (name, v) in fields(r, table, What::Text("`[portal]`"), PORTAL) {
        match name {
            "name" => portal.name = r.string(v, "the portal's `name`"),
            "provider" => portal.provider = r.string(v, "`provider`"),
            "manage" => portal.manage = super::manage::read_manage(r, v),
            "tiers" => {
                let Some(t) = r.table(v, "`tiers`") else {
                    continue;
                };
                for (k, tv) in t.iter() {
                    let hub_names: Vec<&str> = Hub::names().collect();
                    let tiers: Vec<&'static str> = Tier::names().collect();
                    let what = format!("the tier of `{}`", k.get_ref());
                    let Some(hub) = Hub::parse(k.get_ref()) else {
                        // The value is still checked, so that a typo in the hub does not
                        // hide a bad tier until the next run; and the hub it probably means
                        // has an unknown tier, not `free`.
                        r.unknown_field(k, "`tiers`", &hub_names);
                        r.keyword(tv, &what, Tier::parse, &tiers);
                        portal
                            .unread_tiers
                            .extend(meant(k.get_ref(), &hub_names, Hub::parse));
                        continue;
                    };
                    match r.keyword(tv, &what, Tier::parse, &tiers) {
                        Some(tier) => portal.tiers.push((hub, tier)),
                        None => portal.unread_tiers.push(hub),
                    }
                }
            }
            "seats" => {
                let Some(t) = r.table(v, "`seats`") else {
                    continue;
                };
                for (k, sv) in t.iter() {
                    let seat_names: Vec<&str> = Seat::names().collect();
                    let what = format!("the capacity of seat `{}`", k.get_ref());
                    let Some(seat) = Seat::parse(k.get_ref()) else {
                        // As for `tiers`, the value is still checked, and the seat it
                        // probably means has an unknown capacity, not none.
                        r.unknown_field(k, "`seats`", &seat_names);
                        r.count(sv, &what, 10);
                        portal
                            .unread_seats
                            .extend(meant(k.get_ref(), &seat_names, Seat::parse));
                        continue;
                    };
                    match r.count(sv, &what, 10) {
                        Some(n) => portal.seats.push((seat, n)),
                        None => portal.unread_seats.push(seat),
                    }
                }
            }
            _ => {}
        }
    }
    if portal.name.is_none() {
        r.missing(portal.span, "`[portal]`", "name", "\"acme\"");
    }
    Some(portal)
}

/// The word of a closed vocabulary that a misspelt key probably means, if one is close.
fn meant<K>(key: &str, names: &[&str], parse: fn(&str) -> Option<K>) -> Option<K> {
    teamform_diagnostics::did_you_mean(key, names.iter().copied()).and_then(parse)
}

fn read_team(r: &mut Reader<'_>, key: Sp<String>, value: &Value<'_>) -> Option<Team> {
    let table = r.table(value, What::Entity("team", &key.value))?;
    let mut team = Team {
        span: r.span(value.span()),
        key,
        name: None,
        parent: None,
        description: None,
        id: None,
        previously: None,
        reviewers: Vec::new(),
        successor: None,
    };
    let context = What::Entity("team", &team.key.value);
    for (name, v) in fields(r, table, context, TEAM) {
        let what = What::Field(name, &context);
        if name == "reviewers" {
            team.reviewers = r.strings(v, what);
            continue;
        }
        let s = r.string(v, what);
        match name {
            "name" => team.name = s,
            "parent" => team.parent = s,
            "description" => team.description = s,
            "id" => team.id = s,
            "previously" => team.previously = s,
            "successor" => team.successor = s,
            _ => {}
        }
    }
    if team.name.is_none() {
        r.missing(team.span, context, "name", "\"Sales Team\"");
    }
    Some(team)
}

fn read_offboard(r: &mut Reader<'_>, key: Sp<String>, value: &Value<'_>) -> Option<Offboard> {
    let context = format!("offboarding of `{}`", key.value);
    let context = What::Text(&context);
    let table = r.table(value, context)?;
    let mut entry = Offboard {
        span: r.span(value.span()),
        key,
        successor: None,
        reason: None,
        date: None,
    };
    for (name, v) in fields(r, table, context, OFFBOARD) {
        let what = What::Field(name, &context);
        match name {
            "successor" => entry.successor = r.string(v, what),
            "reason" => entry.reason = r.string(v, what),
            "date" => entry.date = r.date(v, what),
            _ => {}
        }
    }
    Some(entry)
}

fn read_user(r: &mut Reader<'_>, key: Sp<String>, value: &Value<'_>) -> Option<User> {
    let table = r.table(value, What::Entity("user", &key.value))?;
    let mut user = User {
        span: r.span(value.span()),
        key,
        name: None,
        role: None,
        team: None,
        teams: Vec::new(),
        super_admin: None,
        seats: Vec::new(),
        expires: None,
        team_expires: Vec::new(),
        id: None,
    };
    let context = What::Entity("user", &user.key.value);
    for (name, v) in fields(r, table, context, USER) {
        let what = What::Field(name, &context);
        match name {
            "name" => user.name = r.string(v, what),
            "role" => user.role = r.string(v, what),
            "team" => user.team = r.string(v, what),
            "teams" => (user.teams, user.team_expires) = super::membership::read_teams(r, v, what),
            "super_admin" => user.super_admin = r.bool(v, what),
            "id" => user.id = r.string(v, what),
            "expires" => user.expires = r.date(v, what),
            "seats" => {
                let names: Vec<&'static str> = Seat::names().collect();
                if let Some(items) = r.array(v, what) {
                    for item in items {
                        user.seats
                            .extend(r.keyword(item, "a seat", Seat::parse, &names));
                    }
                }
            }
            _ => {}
        }
    }
    if user.name.is_none() {
        r.missing(user.span, context, "name", "\"Alice Martin\"");
    }
    Some(user)
}

fn read_assets(r: &mut Reader<'_>, value: &Value<'_>, out: &mut Vec<Asset>) {
    let Some(types) = r.table(value, "`asset`") else {
        return;
    };
    let type_names: Vec<&'static str> = AssetType::names().collect();
    for (tk, tv) in types.iter() {
        let Some(kind) = AssetType::parse(tk.get_ref()) else {
            let span = r.span(tk.span());
            let mut d = teamform_diagnostics::Diagnostic::new(
                teamform_diagnostics::Code::InvalidValue,
                format!("`{}` is not an asset type", tk.get_ref()),
            )
            .primary(span, "unknown asset type");
            let listed = type_names.join("`, `");
            d = d.help(format!("asset types: `{listed}`"));
            if let Some(s) =
                teamform_diagnostics::did_you_mean(tk.get_ref(), type_names.iter().copied())
            {
                d = d.suggest(span, s);
            }
            r.diags.push(d);
            continue;
        };
        each_entry(r, tv, &format!("`asset.{kind}`"), |r, key, v| {
            let Some(table) = r.table(v, What::Asset(kind.as_str(), &key.value)) else {
                return;
            };
            let mut asset = Asset {
                kind,
                span: r.span(v.span()),
                key,
                name: None,
                teams: Vec::new(),
                id: None,
            };
            let context = What::Asset(kind.as_str(), &asset.key.value);
            for (name, fv) in fields(r, table, context, ASSET) {
                let what = What::Field(name, &context);
                match name {
                    "name" => asset.name = r.string(fv, what),
                    "teams" => asset.teams = r.strings(fv, what),
                    "id" => asset.id = r.string(fv, what),
                    _ => {}
                }
            }
            if asset.name.is_none() {
                r.missing(asset.span, context, "name", "\"Contact us\"");
            }
            out.push(asset);
        });
    }
}

fn read_guardrails(r: &mut Reader<'_>, value: &Value<'_>, g: &mut Guardrails) {
    let Some(table) = r.table(value, "`guardrails`") else {
        return;
    };
    for (name, v) in fields(r, table, What::Text("`[guardrails]`"), GUARDRAILS) {
        let what = format!("`{name}`");
        match name {
            "min_super_admins" => g.min_super_admins = r.count(v, &what, 10),
            "max_super_admins" => g.max_super_admins = r.count(v, &what, 10),
            "max_removal_ratio" => g.max_removal_ratio = r.ratio(v, &what),
            "protected_users" => g.protected_users = r.strings(v, &what),
            "require_partition" => g.require_partition = r.bool(v, &what),
            "public_assets" => g.public_assets = r.strings(v, &what),
            "deny" => {
                let Some(items) = r.array(v, "`deny`") else {
                    continue;
                };
                for item in items {
                    g.deny.extend(read_deny(r, item));
                }
            }
            "separate" => {
                let Some(items) = r.array(v, "`separate`") else {
                    continue;
                };
                for item in items {
                    g.separate.extend(read_separate(r, item));
                }
            }
            _ => {}
        }
    }
}

fn read_deny(r: &mut Reader<'_>, value: &Value<'_>) -> Option<DenyRule> {
    let table = r.table(value, "a deny rule")?;
    let mut rule = DenyRule {
        span: r.span(value.span()),
        message: None,
        permission: None,
        scope: None,
        members_of: None,
        unless_roles: Vec::new(),
        unread: false,
    };
    for (name, v) in fields(r, table, What::Text("a deny rule"), DENY) {
        let what = format!("`{name}` of a deny rule");
        let before = r.diags.len();
        match name {
            "message" => rule.message = r.string(v, &what),
            "members_of" => rule.members_of = r.string(v, &what),
            "unless_roles" => rule.unless_roles = r.strings(v, &what),
            "scope" => {
                let names: Vec<&'static str> = Scope::names().collect();
                rule.scope = r.keyword(v, &what, Scope::parse, &names);
            }
            "permission" => {
                if let Some(text) = r.string(v, &what) {
                    match super::role::parse_permission(&text.value) {
                        Some(p) => rule.permission = Some(Sp::new(p, text.span)),
                        None => r.invalid(
                            v,
                            &format!("`{}`", text.value),
                            "is not a permission",
                            Some("write `account.FLAG`, `crm.OBJECT.view|edit|delete` or `tools.TOOL.view|edit|publish`, for example `account.export`".to_string()),
                        ),
                    }
                }
            }
            _ => {}
        }
        if matches!(name, "members_of" | "unless_roles" | "scope") && r.diags.len() > before {
            rule.unread = true;
        }
    }
    if rule.message.is_none() {
        r.missing(
            rule.span,
            "the deny rule",
            "message",
            "\"why this is forbidden\"",
        );
    }
    if rule.permission.is_none() && !table.iter().any(|(k, _)| k.get_ref() == "permission") {
        r.missing(
            rule.span,
            "the deny rule",
            "permission",
            "\"account.export\"",
        );
    }
    Some(rule)
}

fn read_separate(r: &mut Reader<'_>, value: &Value<'_>) -> Option<SeparationRule> {
    let table = r.table(value, "a separation rule")?;
    let mut rule = SeparationRule {
        span: r.span(value.span()),
        message: None,
        permissions: Vec::new(),
        scope: None,
    };
    for (name, v) in fields(r, table, What::Text("a separation rule"), SEPARATE) {
        let what = format!("`{name}` of a separation rule");
        match name {
            "message" => rule.message = r.string(v, &what),
            "scope" => {
                let names: Vec<&'static str> = Scope::names().collect();
                rule.scope = r.keyword(v, &what, Scope::parse, &names);
            }
            "permissions" => {
                let Some(items) = r.array(v, &what) else {
                    continue;
                };
                for item in items {
                    let Some(text) = r.string(item, &what) else {
                        continue;
                    };
                    match super::role::parse_permission(&text.value) {
                        Some(p) => rule.permissions.push(Sp::new(p, text.span)),
                        None => r.invalid(
                            item,
                            &format!("`{}`", text.value),
                            "is not a permission",
                            Some("write `account.FLAG`, `crm.OBJECT.view|edit|delete` or `tools.TOOL.view|edit|publish`, for example `account.export`".to_string()),
                        ),
                    }
                }
            }
            _ => {}
        }
    }
    if rule.message.is_none() {
        r.missing(
            rule.span,
            "the separation rule",
            "message",
            "\"why these duties are separated\"",
        );
    }
    if !table.iter().any(|(k, _)| k.get_ref() == "permissions") {
        r.missing(
            rule.span,
            "the separation rule",
            "permissions",
            "[\"account.export\", \"crm.contacts.delete\"]",
        );
    }
    Some(rule)
}
