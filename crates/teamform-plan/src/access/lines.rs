//! A user's effective access as lines: each line a key that compares across the two sides of
//! the access diff (names, not positions), with its reason. Lines are turned into text only
//! when shown, so that comparing two users' access allocates nothing per line.

use super::view::{Identity, View};
use teamform_compiler::{TeamId, UserId};
use teamform_model::{AccountPermission, AssetType, CrmAction, CrmObject, Scope, Tool, ToolAction};

/// A team or an asset named in a line: compared by its identity on the view (its key or its
/// name, see [`super::view::Identity`]), shown by its name.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Named<'a> {
    /// What makes it the same on both sides.
    pub id: &'a str,
    /// The name shown.
    pub name: &'a str,
    /// Its position on its side (a `TeamId` or an `AssetId`), to find it in the org again.
    pub at: u32,
}

impl PartialEq for Named<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Named<'_> {}

impl std::hash::Hash for Named<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

/// One access a user holds. Lines of different kinds always read differently (the text of
/// each kind has its own shape).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Line<'a> {
    /// Everything (a super admin).
    SuperAdmin,
    /// `ACTION all OBJECT`.
    All(CrmAction, CrmObject),
    /// `ACTION own OBJECT`.
    Own(CrmAction, CrmObject),
    /// `ACTION OBJECT of team NAME`.
    OfTeam(CrmAction, CrmObject, Named<'a>),
    /// `ACTION in TOOL`.
    Tool(ToolAction, Tool),
    /// `account: FLAG`.
    Account(AccountPermission),
    /// `see TYPE NAME`: a visible asset.
    See(AssetType, Named<'a>),
}

impl Line<'_> {
    /// The line as plans show it.
    pub(crate) fn text(&self) -> String {
        match self {
            Line::SuperAdmin => "super admin: every record, tool, setting and asset".to_string(),
            Line::All(action, object) => format!("{action} all {object}"),
            Line::Own(action, object) => format!("{action} own {object}"),
            Line::OfTeam(action, object, team) => {
                format!("{action} {object} of team {}", team.name)
            }
            Line::Tool(action, tool) => format!("{action} in {tool}"),
            Line::Account(flag) => format!("account: {flag}"),
            Line::See(kind, asset) => format!("see {kind} {}", asset.name),
        }
    }
}

/// Why a user holds a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Via<'a> {
    /// `super admin`.
    SuperAdmin,
    /// `via role ROLE`.
    Role(&'a str),
    /// `via team TEAM ← role ROLE`: a team reached through a direct team.
    TeamRole(&'a str, &'a str),
    /// `role ROLE`: a covered team reached through no direct team.
    BareRole(&'a str),
    /// `via team TEAM`: an asset of a team reached through a direct team.
    Team(&'a str),
    /// `unassigned: every team sees it`.
    Unassigned,
}

impl Via<'_> {
    /// The reason as plans show it.
    pub(crate) fn text(&self) -> String {
        match self {
            Via::SuperAdmin => "super admin".to_string(),
            Via::Role(role) => format!("via role {role}"),
            Via::TeamRole(team, role) => format!("via team {team} ← role {role}"),
            Via::BareRole(role) => format!("role {role}"),
            Via::Team(team) => format!("via team {team}"),
            Via::Unassigned => "unassigned: every team sees it".to_string(),
        }
    }
}

/// A user's lines with their reasons; a line found twice keeps the last reason.
pub(crate) type Lines<'a> = foldhash::HashMap<Line<'a>, Via<'a>>;

/// Which lines [`lines`] may leave out, because they are the same on both sides of a
/// comparison.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Omit {
    /// Asset visibility (also left out when the portal cannot read partitions back).
    pub assets: bool,
    /// Per CRM object and action (in `ALL` order), the lines of covered teams.
    pub team_lines: [[bool; 3]; 5],
}

/// The effective access of `user`, but for what `omit` leaves out.
pub(crate) fn lines<'p>(side: &View<'p>, user: UserId, omit: Omit) -> Lines<'p> {
    let p: &'p teamform_model::Policy = side.org;
    let c = side.compiled;
    let access = side.user(user);
    let mut out = Lines::default();
    if access.super_admin {
        out.insert(Line::SuperAdmin, Via::SuperAdmin);
        return out;
    }
    let Some(role_id) = side.role(user) else {
        return out;
    };
    let role = &p.roles[role_id.index()];
    let role_key = role.key.value.as_str();
    let team_named = |t: TeamId| {
        let team = &p.teams[t.index()];
        Named {
            id: side.team_id(t),
            name: team.name.as_ref().map_or(&team.key.value, |n| &n.value),
            at: t.0,
        }
    };
    // The key of the direct team through which each covered team is reached.
    let direct = side.reached(user);
    let reached = |t: &TeamId| direct.get(t).map(|d| p.teams[d.index()].key.value.as_str());
    let via_team =
        |t: &TeamId| reached(t).map_or(Via::BareRole(role_key), |d| Via::TeamRole(d, role_key));
    for (o, object) in CrmObject::ALL.iter().enumerate() {
        for (a, action) in CrmAction::ALL.iter().enumerate() {
            match access.scope(*object, *action) {
                Scope::None => {}
                Scope::Everything => {
                    out.insert(Line::All(*action, *object), Via::Role(role_key));
                }
                Scope::Owned => {
                    out.insert(Line::Own(*action, *object), Via::Role(role_key));
                }
                Scope::Team if omit.team_lines[o][a] => {}
                Scope::Team => {
                    for t in access.teams.iter() {
                        out.insert(Line::OfTeam(*action, *object, team_named(*t)), via_team(t));
                    }
                }
            }
        }
    }
    for tool in &role.tools {
        for a in &tool.actions {
            out.insert(Line::Tool(a.value, tool.tool), Via::Role(role_key));
        }
    }
    for (flag, v) in &role.account {
        if v.value {
            out.insert(Line::Account(*flag), Via::Role(role_key));
        }
    }
    if !omit.assets {
        for asset in access.visible_assets(&c.graph, &c.index) {
            let a = &p.assets[asset.index()];
            let name = a.name.as_ref().map_or(&a.key.value, |n| &n.value);
            // Of the direct teams through which the asset's teams are reached, the first by
            // key: the same whatever order the portal lists the asset's teams in.
            let via = c.index.asset_teams[asset.index()]
                .iter()
                .filter_map(reached)
                .min()
                .map_or(Via::Unassigned, Via::Team);
            let id = match side.identity {
                Identity::Key => &a.key.value,
                Identity::Name => name,
            };
            out.insert(
                Line::See(
                    a.kind,
                    Named {
                        id,
                        name,
                        at: asset.0,
                    },
                ),
                via,
            );
        }
    }
    out
}

/// The CRM action and object of a line that grants a scope (everything, owned, a team).
pub(crate) fn scope_of(line: &Line<'_>) -> Option<(CrmAction, CrmObject)> {
    match line {
        Line::All(a, o) | Line::Own(a, o) | Line::OfTeam(a, o, _) => Some((*a, *o)),
        _ => None,
    }
}

/// The scope the lines of one CRM action and object grant, as a scope change shows it:
/// `everything`, `owned`, or the teams by name (`team A`, `teams A, B, C`, `teams A, B, C and
/// 4 more`).
pub(crate) fn scope_text(lines: &[(Line<'_>, Via<'_>)]) -> String {
    let mut teams: Vec<&str> = Vec::new();
    for (line, _) in lines {
        match line {
            Line::All(..) => return "everything".to_string(),
            Line::Own(..) => return "owned".to_string(),
            Line::OfTeam(_, _, team) => teams.push(team.name),
            _ => {}
        }
    }
    teams.sort_unstable();
    match teams.as_slice() {
        [one] => format!("team {one}"),
        few if few.len() <= 3 => format!("teams {}", few.join(", ")),
        many => format!("teams {} and {} more", many[..3].join(", "), many.len() - 3),
    }
}
