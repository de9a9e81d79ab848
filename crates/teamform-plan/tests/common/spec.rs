//! Random valid policies for property tests: teams in a forest, roles, users with teams,
//! seats and super admins, asset partitions, with names that need quoting and emails that
//! differ in case. [`spec`] generates one; [`Spec::files`] writes it as policy files.

use proptest::prelude::*;
use proptest::sample::Index;
use std::collections::BTreeSet;

pub const TEAM_NAMES: &[&str] = &[
    "Sales",
    "Sales France",
    "Marketing",
    "Support",
    "EMEA",
    "Île-de-France",
    "Web \"Core\"",
    "Ops & Data",
];
pub const ROLE_NAMES: &[&str] = &[
    "Sales Rep",
    "Sales Manager",
    "Marketer",
    "Viewer",
    "Support Agent",
    "Admin \\ Ops",
];
pub const LOCALS: &[&str] = &[
    "ana", "bob", "chloe", "dmitri", "eve", "fatou", "gil", "hana.b",
];
pub const PEOPLE: &[&str] = &[
    "Ana Silva",
    "Bob",
    "Chloé Martin",
    "D. O'Neil",
    "Eve \"E\" Roe",
];
pub const SCOPES: &[&str] = &["none", "owned", "team", "everything"];
pub const CRM_OBJECTS: &[&str] = &["contacts", "companies", "deals", "tickets", "tasks"];
pub const TOOLS: &[&str] = &[
    "forms",
    "marketing_email",
    "lists",
    "reports",
    "blog",
    "inbox",
];
pub const ACTIONS: &[&str] = &["view", "edit", "publish"];
pub const ACCOUNT: &[&str] = &[
    "reassign_owner",
    "export",
    "import",
    "bulk_delete",
    "properties",
    "settings",
    "users",
    "billing",
];
pub const SEATS: &[&str] = &["core", "sales", "service", "marketing", "cms"];
pub const ASSET_KINDS: &[&str] = &["form", "email", "crm_view", "list", "inbox", "blog"];
pub const ASSET_NAMES: &[&str] = &["Newsletter", "Leads", "Contact us", "Pipeline"];

#[derive(Clone, Debug)]
pub struct TeamSpec {
    pub key: String,
    pub name: String,
    pub parent: Option<usize>,
    pub previously: Option<String>,
}

#[derive(Clone, Debug)]
pub struct CrmSpec {
    pub object: &'static str,
    pub view: usize,
    pub edit: usize,
    pub delete: bool,
}

#[derive(Clone, Debug)]
pub struct RoleSpec {
    pub key: String,
    pub name: String,
    pub crm: Vec<CrmSpec>,
    /// A tool and how many of `view`, `edit`, `publish` it grants (1 to 3).
    pub tools: Vec<(&'static str, usize)>,
    pub account: Vec<&'static str>,
    pub previously: Option<String>,
}

#[derive(Clone, Debug)]
pub struct UserSpec {
    pub email: String,
    pub name: String,
    pub role: Option<usize>,
    pub team: usize,
    pub teams: Vec<usize>,
    pub super_admin: bool,
    pub seats: Vec<&'static str>,
}

#[derive(Clone, Debug)]
pub struct AssetSpec {
    pub kind: &'static str,
    pub key: String,
    pub name: String,
    pub teams: Vec<usize>,
}

/// A valid policy, by construction.
#[derive(Clone, Debug)]
pub struct Spec {
    pub teams: Vec<TeamSpec>,
    pub roles: Vec<RoleSpec>,
    pub users: Vec<UserSpec>,
    pub assets: Vec<AssetSpec>,
}

pub type TeamGene = (usize, Index, Option<usize>);
pub type RoleGene = (
    usize,
    Vec<(usize, usize, Index, bool)>,
    Vec<(usize, usize)>,
    Vec<usize>,
    Option<usize>,
);
pub type UserGene = (
    usize,
    bool,
    usize,
    Index,
    Vec<Index>,
    Index,
    bool,
    Vec<usize>,
);
pub type AssetGene = (usize, usize, Vec<Index>);

pub fn team_gene() -> impl Strategy<Value = TeamGene> {
    (
        0..TEAM_NAMES.len(),
        any::<Index>(),
        prop::option::weighted(0.3, 0..TEAM_NAMES.len()),
    )
}

pub fn role_gene() -> impl Strategy<Value = RoleGene> {
    (
        0..ROLE_NAMES.len(),
        prop::collection::vec(
            (
                0..CRM_OBJECTS.len(),
                0..SCOPES.len(),
                any::<Index>(),
                any::<bool>(),
            ),
            0..=3,
        ),
        prop::collection::vec((0..TOOLS.len(), 1..=ACTIONS.len()), 0..=3),
        prop::collection::vec(0..ACCOUNT.len(), 0..=2),
        prop::option::weighted(0.3, 0..ROLE_NAMES.len()),
    )
}

pub fn user_gene() -> impl Strategy<Value = UserGene> {
    (
        0..LOCALS.len(),
        prop::bool::weighted(0.15),
        0..PEOPLE.len(),
        any::<Index>(),
        prop::collection::vec(any::<Index>(), 0..=2),
        any::<Index>(),
        prop::bool::weighted(0.2),
        prop::collection::vec(0..SEATS.len(), 0..=2),
    )
}

pub fn asset_gene() -> impl Strategy<Value = AssetGene> {
    (
        0..ASSET_KINDS.len(),
        0..ASSET_NAMES.len(),
        prop::collection::vec(any::<Index>(), 0..=2),
    )
}

/// Pushes `item` unless one with the same `key` is there already.
pub fn push_unique<T, K: PartialEq>(list: &mut Vec<T>, item: T, key: impl Fn(&T) -> K) {
    if !list.iter().any(|x| key(x) == key(&item)) {
        list.push(item);
    }
}

pub fn build(
    team_genes: Vec<TeamGene>,
    role_genes: Vec<RoleGene>,
    user_genes: Vec<UserGene>,
    asset_genes: Vec<AssetGene>,
) -> Spec {
    let mut teams: Vec<TeamSpec> = Vec::new();
    for (name, parent, previously) in team_genes {
        let i = teams.len();
        let team = TeamSpec {
            key: format!("team-{i}"),
            name: TEAM_NAMES[name].to_string(),
            // A parent among the teams before: the teams form a forest.
            parent: (i > 0).then(|| parent.index(i + 1)).filter(|p| *p < i),
            previously: previously.map(|p| TEAM_NAMES[p].to_string()),
        };
        push_unique(&mut teams, team, |t| t.name.clone());
    }
    // A former name that is a current name of this policy is not a former name.
    let names: BTreeSet<String> = teams.iter().map(|t| t.name.clone()).collect();
    for t in &mut teams {
        t.previously = t.previously.take().filter(|p| !names.contains(p));
    }
    let mut roles: Vec<RoleSpec> = Vec::new();
    for (name, crm, tools, account, previously) in role_genes {
        let mut role = RoleSpec {
            key: format!("role-{}", roles.len()),
            name: ROLE_NAMES[name].to_string(),
            crm: Vec::new(),
            tools: Vec::new(),
            account: Vec::new(),
            previously: previously.map(|p| ROLE_NAMES[p].to_string()),
        };
        for (object, view, edit, delete) in crm {
            let edit = edit.index(view + 1);
            let grant = CrmSpec {
                object: CRM_OBJECTS[object],
                view,
                edit,
                delete: delete && edit > 0,
            };
            push_unique(&mut role.crm, grant, |g| g.object);
        }
        for (tool, level) in tools {
            push_unique(&mut role.tools, (TOOLS[tool], level), |t| t.0);
        }
        for flag in account {
            push_unique(&mut role.account, ACCOUNT[flag], |f| *f);
        }
        push_unique(&mut roles, role, |r| r.name.clone());
    }
    let names: BTreeSet<String> = roles.iter().map(|r| r.name.clone()).collect();
    for r in &mut roles {
        r.previously = r.previously.take().filter(|p| !names.contains(p));
    }
    let mut users: Vec<UserSpec> = Vec::new();
    for (local, upper, person, team, extra, role, super_admin, seats) in user_genes {
        let mut email = format!("{}@acme.example", LOCALS[local]);
        if upper {
            email = email.to_uppercase();
        }
        let team = team.index(teams.len());
        let mut additional = Vec::new();
        for t in extra {
            let t = t.index(teams.len());
            if t != team && !additional.contains(&t) {
                additional.push(t);
            }
        }
        let mut user_seats = Vec::new();
        for s in seats {
            push_unique(&mut user_seats, SEATS[s], |s| *s);
        }
        // A super admin may go without a role; everyone else needs one.
        let role = role.index(roles.len() + usize::from(super_admin));
        let user = UserSpec {
            email,
            name: PEOPLE[person].to_string(),
            role: (role < roles.len()).then_some(role),
            team,
            teams: additional,
            super_admin,
            seats: user_seats,
        };
        push_unique(&mut users, user, |u| u.email.to_lowercase());
    }
    let mut assets: Vec<AssetSpec> = Vec::new();
    for (kind, name, asset_teams) in asset_genes {
        let mut ts = Vec::new();
        for t in asset_teams {
            let t = t.index(teams.len());
            if !ts.contains(&t) {
                ts.push(t);
            }
        }
        let asset = AssetSpec {
            kind: ASSET_KINDS[kind],
            key: format!("a{}", assets.len()),
            name: ASSET_NAMES[name].to_string(),
            teams: ts,
        };
        push_unique(&mut assets, asset, |a| (a.kind, a.name.clone()));
    }
    Spec {
        teams,
        roles,
        users,
        assets,
    }
}

pub fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::collection::vec(team_gene(), 1..=5),
        prop::collection::vec(role_gene(), 1..=3),
        prop::collection::vec(user_gene(), 0..=6),
        prop::collection::vec(asset_gene(), 0..=4),
    )
        .prop_map(|(t, r, u, a)| build(t, r, u, a))
}

/// A TOML basic string (JSON's escapes are TOML's).
pub fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

pub fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = items.map(q).collect();
    format!("[{}]", quoted.join(", "))
}

impl Spec {
    /// The policy files.
    pub fn files(&self) -> Vec<(String, String)> {
        let portal = "[portal]\nname = \"Acme\"\n\
            tiers = { marketing = \"enterprise\", sales = \"enterprise\", service = \"enterprise\", cms = \"enterprise\", operations = \"enterprise\" }\n\
            seats = { core = 100, sales = 100, service = 100, marketing = 100, cms = 100 }\n"
            .to_string();
        let mut teams = String::new();
        for t in &self.teams {
            teams.push_str(&format!("[team.{}]\nname = {}\n", t.key, q(&t.name)));
            if let Some(p) = t.parent {
                teams.push_str(&format!("parent = {}\n", q(&self.teams[p].key)));
            }
            if let Some(p) = &t.previously {
                teams.push_str(&format!("previously = {}\n", q(p)));
            }
            teams.push('\n');
        }
        let mut roles = String::new();
        for r in &self.roles {
            roles.push_str(&format!("[role.{}]\nname = {}\n", r.key, q(&r.name)));
            if let Some(p) = &r.previously {
                roles.push_str(&format!("previously = {}\n", q(p)));
            }
            for g in &r.crm {
                let mut fields = vec![format!("view = {}", q(SCOPES[g.view]))];
                if g.edit > 0 {
                    fields.push(format!("edit = {}", q(SCOPES[g.edit])));
                }
                if g.delete {
                    fields.push("delete = true".to_string());
                }
                roles.push_str(&format!("crm.{} = {{ {} }}\n", g.object, fields.join(", ")));
            }
            for (tool, level) in &r.tools {
                roles.push_str(&format!(
                    "tools.{tool} = {}\n",
                    list(ACTIONS[..*level].iter().copied())
                ));
            }
            if !r.account.is_empty() {
                let flags: Vec<String> = r.account.iter().map(|f| format!("{f} = true")).collect();
                roles.push_str(&format!("account = {{ {} }}\n", flags.join(", ")));
            }
            roles.push('\n');
        }
        let mut users = String::new();
        for u in &self.users {
            users.push_str(&format!(
                "[user.{}]\nname = {}\nteam = {}\n",
                q(&u.email),
                q(&u.name),
                q(&self.teams[u.team].key)
            ));
            if !u.teams.is_empty() {
                users.push_str(&format!(
                    "teams = {}\n",
                    list(u.teams.iter().map(|t| self.teams[*t].key.as_str()))
                ));
            }
            if let Some(r) = u.role {
                users.push_str(&format!("role = {}\n", q(&self.roles[r].key)));
            }
            if u.super_admin {
                users.push_str("super_admin = true\n");
            }
            if !u.seats.is_empty() {
                users.push_str(&format!("seats = {}\n", list(u.seats.iter().copied())));
            }
            users.push('\n');
        }
        let mut assets = String::new();
        for a in &self.assets {
            assets.push_str(&format!(
                "[asset.{}.{}]\nname = {}\n",
                a.kind,
                a.key,
                q(&a.name)
            ));
            if !a.teams.is_empty() {
                assets.push_str(&format!(
                    "teams = {}\n",
                    list(a.teams.iter().map(|t| self.teams[*t].key.as_str()))
                ));
            }
            assets.push('\n');
        }
        vec![
            ("portal.toml".to_string(), portal),
            ("teams.toml".to_string(), teams),
            ("roles.toml".to_string(), roles),
            ("users.toml".to_string(), users),
            ("assets.toml".to_string(), assets),
        ]
    }
}
