//! The access diff as grants, the view a reviewer reads: a `team` scope over team subtrees
//! ("team Sales and its 12 sub-teams") rather than one line per covered team, asset visibility
//! per partition ("the 14 assets of team Sales France") rather than one line per asset,
//! account permissions and super admin as grants of their own, each with a risk level; users
//! whose access changes the same way form one group.
//!
//! Grants are made from a user's access lines ([`super::lines`]): the lines stay the exact,
//! expanded answer (`--expand`), and expanding the grants gives them back (property-tested).

use super::lines::{Line, Lines, Named, Via as LineVia};
use super::view::View;
use foldhash::{HashMap, HashSet};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use teamform_compiler::{AssetId, TeamId};
use teamform_model::{AccountPermission, CrmAction, CrmObject, Tool, ToolAction};

/// How much a reviewer must look at a grant gained or lost (`docs/plan-format.md`, "Risk").
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// Everything else.
    Normal,
    /// Any `everything` scope, reassigning owners, editing properties.
    High,
    /// Super admin, account settings, users, billing, export, import, bulk delete, and delete
    /// over everything.
    Critical,
}

impl Risk {
    /// Every level, highest first.
    pub const ALL: [Risk; 3] = [Risk::Critical, Risk::High, Risk::Normal];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Critical => "critical",
            Risk::High => "high",
            Risk::Normal => "normal",
        }
    }
}

/// A team and, below it, some or all of its sub-teams.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub struct Subtree {
    /// The team's name.
    pub team: Arc<str>,
    /// How many of its sub-teams are included.
    pub sub_teams: usize,
    /// Whether those are all of its sub-teams.
    pub all_sub_teams: bool,
}

impl Subtree {
    /// `team X`, `team X and its 3 sub-teams`, `team X and 2 of its 5 sub-teams`.
    pub fn text(&self) -> String {
        match (self.sub_teams, self.all_sub_teams) {
            (0, _) => format!("team {}", self.team),
            (1, true) => format!("team {} and its sub-team", self.team),
            (n, true) => format!("team {} and its {} sub-teams", self.team, thousands(n)),
            (n, false) => format!("team {} and {} of its sub-teams", self.team, thousands(n)),
        }
    }
}

/// The records a CRM grant reaches.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GrantScope {
    /// Every record.
    Everything,
    /// The user's own records.
    Owned,
    /// The records of these teams.
    Teams {
        /// The team subtrees.
        teams: Vec<Subtree>,
    },
}

impl GrantScope {
    /// `everything`, `owned`, `team X and its 3 sub-teams, team Y`.
    pub fn text(&self) -> String {
        match self {
            GrantScope::Everything => "everything".to_string(),
            GrantScope::Owned => "owned".to_string(),
            GrantScope::Teams { teams } => teams
                .iter()
                .map(Subtree::text)
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// The assets an asset grant is about.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Partition {
    /// Assets of no team: every team sees them.
    Unassigned,
    /// Assets partitioned to teams of this subtree.
    Teams {
        /// The subtree.
        teams: Subtree,
    },
}

/// Some CRM objects one action of a team-scope grant is on.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub struct ActionOn {
    /// The action.
    pub action: CrmAction,
    /// The objects, in their order.
    pub objects: Vec<CrmObject>,
}

/// One access, as plans group it.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Grant {
    /// Everything, everywhere.
    SuperAdmin,
    /// An action on a CRM object over some records.
    Crm {
        /// The action.
        action: CrmAction,
        /// The object.
        object: CrmObject,
        /// Over which records.
        scope: GrantScope,
    },
    /// Actions on CRM records of team subtrees, for the same reason: a role's team scopes
    /// over the same teams read as one grant (`view companies, contacts; edit deals of team
    /// Sales and its 4 sub-teams`).
    TeamRecords {
        /// The actions, each on some objects.
        access: Vec<ActionOn>,
        /// The team subtrees.
        teams: Vec<Subtree>,
    },
    /// An action in a tool.
    Tool {
        /// The action.
        action: ToolAction,
        /// The tool.
        tool: Tool,
    },
    /// An account permission.
    Account {
        /// The permission.
        permission: AccountPermission,
    },
    /// Seeing assets (the tool of their type and their partition).
    Assets {
        /// Which assets.
        partition: Partition,
        /// How many.
        count: usize,
        /// The asset, when there is one (`form Contact us (FR)`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        asset: Option<String>,
    },
}

impl Grant {
    /// The grant as plans show it.
    pub fn text(&self) -> String {
        match self {
            Grant::SuperAdmin => "super admin: every record, tool, setting and asset".to_string(),
            Grant::Crm {
                action,
                object,
                scope: GrantScope::Everything,
            } => format!("{action} all {object}"),
            Grant::Crm {
                action,
                object,
                scope: GrantScope::Owned,
            } => format!("{action} own {object}"),
            Grant::Crm {
                action,
                object,
                scope,
            } => format!("{action} {object} of {}", scope.text()),
            Grant::TeamRecords { access, teams } => {
                let what: Vec<String> = access
                    .iter()
                    .map(|a| {
                        let objects: Vec<String> =
                            a.objects.iter().map(ToString::to_string).collect();
                        format!("{} {}", a.action, objects.join(", "))
                    })
                    .collect();
                let scope = GrantScope::Teams {
                    teams: teams.clone(),
                };
                format!("{} of {}", what.join("; "), scope.text())
            }
            Grant::Tool { action, tool } => format!("{action} in {tool}"),
            Grant::Account { permission } => format!("account: {permission}"),
            Grant::Assets {
                partition,
                count,
                asset,
            } => {
                let what = match asset {
                    Some(a) if *count == 1 => a.clone(),
                    _ if *count == 1 => "the asset".to_string(),
                    _ => format!("the {} assets", thousands(*count)),
                };
                match partition {
                    Partition::Unassigned => format!("see {what} of no team"),
                    Partition::Teams { teams } => format!("see {what} of {}", teams.text()),
                }
            }
        }
    }

    /// Its risk (see [`Risk`]).
    pub fn risk(&self) -> Risk {
        use AccountPermission as A;
        match self {
            Grant::SuperAdmin => Risk::Critical,
            Grant::Account { permission } => match permission {
                A::Settings | A::Users | A::Billing | A::Export | A::Import | A::BulkDelete => {
                    Risk::Critical
                }
                A::ReassignOwner | A::Properties => Risk::High,
            },
            Grant::Crm {
                action: CrmAction::Delete,
                scope: GrantScope::Everything,
                ..
            } => Risk::Critical,
            Grant::Crm {
                scope: GrantScope::Everything,
                ..
            } => Risk::High,
            _ => Risk::Normal,
        }
    }
}

/// Why a user holds a grant.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Via {
    /// Super admin status.
    SuperAdmin,
    /// The user's role.
    Role {
        /// The role's key.
        role: Arc<str>,
    },
    /// A team the user belongs to, with the role's team scope.
    TeamRole {
        /// The direct team's key.
        team: Arc<str>,
        /// The role's key.
        role: Arc<str>,
    },
    /// A team the user belongs to (asset partitions).
    Team {
        /// The direct team's key.
        team: Arc<str>,
    },
    /// An asset of no team.
    Unassigned,
}

impl Via {
    /// The reason as plans show it.
    pub fn text(&self) -> String {
        match self {
            Via::SuperAdmin => "super admin".to_string(),
            Via::Role { role } => format!("via role {role}"),
            Via::TeamRole { team, role } => format!("via team {team} ← role {role}"),
            Via::Team { team } => format!("via team {team}"),
            Via::Unassigned => "unassigned: every team sees it".to_string(),
        }
    }

    /// The reason of a line, as grants show it.
    pub(crate) fn of(via: &LineVia<'_>) -> Via {
        match via {
            LineVia::SuperAdmin => Via::SuperAdmin,
            LineVia::Role(role) | LineVia::BareRole(role) => Via::Role {
                role: Arc::from(*role),
            },
            LineVia::TeamRole(team, role) => Via::TeamRole {
                team: Arc::from(*team),
                role: Arc::from(*role),
            },
            LineVia::Team(team) => Via::Team {
                team: Arc::from(*team),
            },
            LineVia::Unassigned => Via::Unassigned,
        }
    }
}

/// A grant gained or lost, why, and its risk.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub struct GrantChange {
    /// The grant.
    pub grant: Grant,
    /// Why it is (or was) held.
    pub via: Via,
    /// Its risk.
    pub risk: Risk,
}

/// A CRM action whose scope changes kind (owned, teams, everything).
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub struct ScopeShift {
    /// The action.
    pub action: CrmAction,
    /// The object.
    pub object: CrmObject,
    /// The scope before.
    pub before: GrantScope,
    /// The scope after.
    pub after: GrantScope,
    /// Why the user holds the scope after.
    pub via: Via,
    /// The higher risk of the two scopes.
    pub risk: Risk,
}

/// How a user's access changes, in grants.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct UserGrants {
    /// Grants gained, in [`canonical`] order.
    pub gained: super::grant_list::GrantList,
    /// Grants lost, in [`canonical`] order.
    pub lost: super::grant_list::GrantList,
    /// Scopes that change kind, sorted.
    pub changed: Vec<ScopeShift>,
}

/// A user is new, removed, or changed.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// In the policy, not in the portal.
    New,
    /// In the portal, not in the policy.
    Removed,
    /// In both.
    Changed,
}

/// Users whose access changes the same way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AccessGroup {
    /// The users' emails, sorted.
    pub users: Vec<String>,
    /// New, removed or changed.
    pub status: Status,
    /// The highest risk of its changes.
    pub risk: Risk,
    /// The changes (shared with the users' own entries).
    #[serde(flatten)]
    pub grants: std::sync::Arc<UserGrants>,
}

impl UserGrants {
    /// The highest risk of its changes (normal when it has none).
    pub fn risk(&self) -> Risk {
        self.gained
            .iter()
            .chain(&self.lost)
            .map(|g| g.risk)
            .chain(self.changed.iter().map(|c| c.risk))
            .max()
            .unwrap_or(Risk::Normal)
    }

    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.gained.is_empty() && self.lost.is_empty() && self.changed.is_empty()
    }
}

/// `1,004`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The subtrees that cover `teams` (positions on `view`): a team of the set with no ancestor
/// in it is a root, with the members of the set below it. In depth-first order a root's
/// members follow it, so one pass over the set in that order finds them.
pub(super) fn subtrees(view: &View<'_>, teams: &HashSet<TeamId>) -> Vec<(TeamId, Subtree)> {
    let tour = view.compiled.graph.tour();
    let mut sorted: Vec<TeamId> = teams.iter().copied().collect();
    sorted.sort_unstable_by_key(|t| tour.position(*t));
    let mut out: Vec<(TeamId, Subtree)> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let root = sorted[i];
        let inside = sorted[i..]
            .iter()
            .take_while(|t| tour.contains(root, **t))
            .count();
        out.push((
            root,
            Subtree {
                team: view.team_name(root),
                sub_teams: inside - 1,
                all_sub_teams: inside == tour.size(root),
            },
        ));
        i += inside;
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// The grants of one side's lines of a user, gained or lost: `lines` are only on this side,
/// `covered` the teams the user covers on this side and not on the other (the roots assets
/// are grouped under).
fn grants_of(
    view: &View<'_>,
    lines: &[(Line<'_>, LineVia<'_>)],
    covered: &HashSet<TeamId>,
) -> Vec<GrantChange> {
    let mut out: Vec<GrantChange> = Vec::new();
    let mut teams: BTreeMap<(CrmAction, CrmObject, Via), HashSet<TeamId>> = BTreeMap::new();
    let mut assets: Vec<(AssetId, Via)> = Vec::new();
    let push = |out: &mut Vec<GrantChange>, grant: Grant, via: Via| {
        let risk = grant.risk();
        out.push(GrantChange { grant, via, risk });
    };
    for (line, via) in lines {
        let via_g = Via::of(via);
        match line {
            Line::SuperAdmin => push(&mut out, Grant::SuperAdmin, via_g),
            Line::All(action, object) => push(
                &mut out,
                Grant::Crm {
                    action: *action,
                    object: *object,
                    scope: GrantScope::Everything,
                },
                via_g,
            ),
            Line::Own(action, object) => push(
                &mut out,
                Grant::Crm {
                    action: *action,
                    object: *object,
                    scope: GrantScope::Owned,
                },
                via_g,
            ),
            Line::OfTeam(action, object, Named { at, .. }) => {
                teams
                    .entry((*action, *object, via_g))
                    .or_default()
                    .insert(TeamId(*at));
            }
            Line::Tool(action, tool) => push(
                &mut out,
                Grant::Tool {
                    action: *action,
                    tool: *tool,
                },
                via_g,
            ),
            Line::Account(permission) => push(
                &mut out,
                Grant::Account {
                    permission: *permission,
                },
                via_g,
            ),
            Line::See(_, Named { at, .. }) => assets.push((AssetId(*at), via_g)),
        }
    }
    // The CRM actions of a role mostly share one set of teams: its subtrees are found once,
    // and the actions over the same subtrees for the same reason make one grant.
    let mut found: HashMap<Vec<TeamId>, Vec<Subtree>> = HashMap::default();
    let mut merged: BTreeMap<(Via, Vec<Subtree>), BTreeMap<CrmAction, Vec<CrmObject>>> =
        BTreeMap::new();
    for ((action, object, via), set) in teams {
        let mut key: Vec<TeamId> = set.iter().copied().collect();
        key.sort_unstable();
        let teams = found
            .entry(key)
            .or_insert_with(|| subtrees(view, &set).into_iter().map(|(_, s)| s).collect())
            .clone();
        merged
            .entry((via, teams))
            .or_default()
            .entry(action)
            .or_default()
            .push(object);
    }
    for ((via, teams), actions) in merged {
        let access = actions
            .into_iter()
            .map(|(action, mut objects)| {
                objects.sort_unstable();
                ActionOn { action, objects }
            })
            .collect();
        push(&mut out, Grant::TeamRecords { access, teams }, via);
    }
    let units = assets.into_iter().map(|(a, via)| Unit {
        team: team_of(view, a, covered),
        via,
        count: 1,
        sample: a,
    });
    push_assets(view, units, covered, &mut out, |via| via);
    sorted(out)
}

/// The grants of seeing the assets of `units`, grouped by partition (see [`asset_groups`]),
/// pushed onto `out`, each reason turned into a [`Via`] by `via_of`.
pub(super) fn push_assets<V: Ord + Clone>(
    view: &View<'_>,
    units: impl IntoIterator<Item = Unit<V>>,
    covered: &HashSet<TeamId>,
    out: &mut Vec<GrantChange>,
    via_of: impl Fn(V) -> Via,
) {
    for (partition, counted, via) in asset_groups(view, units, covered) {
        let via = via_of(via);
        let asset = match counted.count {
            1 => {
                let a = &view.org.assets[counted.sample.index()];
                Some(format!(
                    "{} {}",
                    a.kind,
                    a.name.as_ref().map_or(&a.key.value, |n| &n.value)
                ))
            }
            _ => None,
        };
        let grant = Grant::Assets {
            partition,
            count: counted.count,
            asset,
        };
        let risk = grant.risk();
        out.push(GrantChange { grant, via, risk });
    }
}

/// Grant changes riskiest first, then in the order of their fields ([`canonical`]): no text is
/// made (a first plan of a large org sorts millions of them); [`shown`] orders them by text
/// where they are shown.
pub(super) fn sorted(mut changes: Vec<GrantChange>) -> Vec<GrantChange> {
    changes.sort_unstable_by(canonical);
    changes
}

/// The order of a user's grant changes in plans and reviews: riskiest first, then by grant
/// and reason, field by field.
pub fn canonical(a: &GrantChange, b: &GrantChange) -> std::cmp::Ordering {
    b.risk
        .cmp(&a.risk)
        .then_with(|| a.grant.cmp(&b.grant))
        .then_with(|| a.via.cmp(&b.via))
}

/// A grant change as it is shown: its texts, made once.
pub struct Shown<'a> {
    /// [`Grant::text`].
    pub grant: String,
    /// [`Via::text`].
    pub via: String,
    /// The change.
    pub change: &'a GrantChange,
}

/// Grant changes as people read them: riskiest first, then by text.
pub fn shown<'a>(changes: impl IntoIterator<Item = &'a GrantChange>) -> Vec<Shown<'a>> {
    let mut out: Vec<Shown<'a>> = changes
        .into_iter()
        .map(|c| Shown {
            grant: c.grant.text(),
            via: c.via.text(),
            change: c,
        })
        .collect();
    out.sort_by(|a, b| {
        b.change
            .risk
            .cmp(&a.change.risk)
            .then_with(|| a.grant.cmp(&b.grant))
            .then_with(|| a.via.cmp(&b.via))
    });
    out
}

/// Assets counted together: `count` assets counted under `team` (none for assets of no
/// team), seen for the reason `via`; `sample` is one of them (named when it is alone).
pub(super) struct Unit<V> {
    pub team: Option<TeamId>,
    pub via: V,
    pub count: usize,
    pub sample: AssetId,
}

/// The team `asset` is counted under: of its teams, the first by key among those newly
/// covered, else the first by key.
fn team_of(view: &View<'_>, asset: AssetId, covered: &HashSet<TeamId>) -> Option<TeamId> {
    let teams = &view.compiled.index.asset_teams[asset.index()];
    let key = |t: &&TeamId| &view.org.teams[t.index()].key.value;
    teams
        .iter()
        .filter(|t| covered.contains(t))
        .min_by_key(key)
        .or_else(|| teams.iter().min_by_key(key))
        .copied()
}

/// A count of assets and one of them.
#[derive(Clone, Copy)]
struct Counted {
    count: usize,
    sample: AssetId,
}

impl Counted {
    fn add(slot: &mut Option<Counted>, count: usize, sample: AssetId) {
        match slot {
            Some(c) => c.count += count,
            None => *slot = Some(Counted { count, sample }),
        }
    }
}

/// Assets grouped by partition: under the root of the teams newly covered when the assets'
/// team is below one, else under their own team (teams compressed into subtrees); assets of
/// no team apart. Each unit comes with the reason it is seen for, `V`: a [`Via`], or anything
/// cheaper to compare that the caller turns into one.
fn asset_groups<V: Ord + Clone>(
    view: &View<'_>,
    units: impl IntoIterator<Item = Unit<V>>,
    covered: &HashSet<TeamId>,
) -> Vec<(Partition, Counted, V)> {
    let tour = view.compiled.graph.tour();
    let covered_roots: HashMap<TeamId, Subtree> = subtrees(view, covered).into_iter().collect();
    // The covered root above a team: the roots' subtrees are disjoint ranges of the tour, so
    // it is the last root starting at or before the team, when that root's range holds it.
    let mut starts: Vec<(u32, TeamId)> = covered_roots
        .keys()
        .map(|r| (tour.position(*r), *r))
        .collect();
    starts.sort_unstable();
    let lift = |t: TeamId| -> Option<TeamId> {
        let at = starts.partition_point(|(p, _)| *p <= tour.position(t));
        let (_, root) = *starts.get(at.checked_sub(1)?)?;
        tour.contains(root, t).then_some(root)
    };
    let mut by_root: BTreeMap<(Option<TeamId>, V), Option<Counted>> = BTreeMap::new();
    let mut loose: BTreeMap<V, BTreeMap<TeamId, Option<Counted>>> = BTreeMap::new();
    for unit in units {
        let slot = match unit.team {
            None => by_root.entry((None, unit.via)).or_default(),
            Some(t) => match lift(t) {
                Some(root) => by_root.entry((Some(root), unit.via)).or_default(),
                None => loose.entry(unit.via).or_default().entry(t).or_default(),
            },
        };
        Counted::add(slot, unit.count, unit.sample);
    }
    let mut out: Vec<(Partition, Counted, V)> = by_root
        .into_iter()
        .filter_map(|((root, via), counted)| {
            let partition = match root.and_then(|r| covered_roots.get(&r)) {
                Some(s) => Partition::Teams { teams: s.clone() },
                None => Partition::Unassigned,
            };
            Some((partition, counted?, via))
        })
        .collect();
    for (via, by_team) in loose {
        let set: HashSet<TeamId> = by_team.keys().copied().collect();
        for (root, subtree) in subtrees(view, &set) {
            let mut total = None;
            for (_, c) in by_team.iter().filter(|(t, _)| tour.contains(root, **t)) {
                if let Some(c) = c {
                    Counted::add(&mut total, c.count, c.sample);
                }
            }
            if let Some(total) = total {
                out.push((Partition::Teams { teams: subtree }, total, via.clone()));
            }
        }
    }
    out
}

/// A user's grants gained, lost and changed, from the lines only after (`gained`, on
/// `desired`) and only before (`lost`, on `live`), with the teams the user newly covers on
/// each side, and the scope changes already taken out of the lines.
pub(crate) fn user_grants(
    (live, lost, lost_covered): (&View<'_>, &[(Line<'_>, LineVia<'_>)], &HashSet<TeamId>),
    (desired, gained, gained_covered): (&View<'_>, &[(Line<'_>, LineVia<'_>)], &HashSet<TeamId>),
    shifts: Vec<ScopeShift>,
) -> UserGrants {
    UserGrants {
        gained: grants_of(desired, gained, gained_covered).into(),
        lost: grants_of(live, lost, lost_covered).into(),
        changed: shifts,
    }
}

/// The scope of one CRM action on one side's lines of it, as a grant scope.
pub(crate) fn scope_of(view: &View<'_>, lines: &[(Line<'_>, LineVia<'_>)]) -> GrantScope {
    let mut teams = HashSet::default();
    for (line, _) in lines {
        match line {
            Line::All(..) => return GrantScope::Everything,
            Line::Own(..) => return GrantScope::Owned,
            Line::OfTeam(_, _, Named { at, .. }) => {
                teams.insert(TeamId(*at));
            }
            _ => {}
        }
    }
    GrantScope::Teams {
        teams: subtrees(view, &teams).into_iter().map(|(_, s)| s).collect(),
    }
}

/// A group's status and changes, as [`group`] finds them.
type Shared<'u> = (Status, &'u std::sync::Arc<UserGrants>);

/// Users grouped by how their access changes, riskiest first, then largest.
pub fn group<'u>(
    users: impl IntoIterator<Item = (&'u str, Status, &'u std::sync::Arc<UserGrants>)>,
) -> Vec<AccessGroup> {
    // Users that share one computation (a first plan's new users with the same access) share
    // its address: they are gathered by address first.
    let mut by_address: foldhash::HashMap<(Status, *const UserGrants), usize> =
        foldhash::HashMap::default();
    let mut distinct: Vec<(Shared<'u>, Vec<&'u str>)> = Vec::new();
    for (user, status, grants) in users {
        let slot = *by_address
            .entry((status, std::sync::Arc::as_ptr(grants)))
            .or_insert_with(|| {
                distinct.push(((status, grants), Vec::new()));
                distinct.len() - 1
            });
        distinct[slot].1.push(user);
    }
    // Then the computations with the same content are merged: their contents are hashed on
    // every thread (a first plan of a large org has tens of thousands), and compared only
    // when the hashes are equal.
    let hashes = crate::par::map(&distinct, |((status, grants), _)| {
        crate::distinct::hash((status, &***grants))
    });
    let mut by_content = crate::distinct::Distinct::default();
    let mut order: Vec<(Shared<'u>, Vec<&'u str>)> = Vec::with_capacity(distinct.len());
    for (((status, grants), users), hash) in distinct.into_iter().zip(hashes) {
        let found = by_content.find_or_add(hash, |o| {
            let ((s, g), _) = &order[o];
            *s == status && ***g == **grants
        });
        match found {
            Ok(o) => order[o].1.extend(users),
            Err(_) => order.push(((status, grants), users)),
        }
    }
    // The groups' emails, sorted, on every thread (a first plan has a hundred thousand).
    let mut out: Vec<AccessGroup> = crate::par::map(&order, |(key, users)| {
        let mut users: Vec<String> = users.iter().map(|u| u.to_string()).collect();
        users.sort_unstable();
        AccessGroup {
            users,
            status: key.0,
            risk: key.1.risk(),
            grants: std::sync::Arc::clone(key.1),
        }
    });
    out.sort_by(|a, b| {
        b.risk
            .cmp(&a.risk)
            .then(b.users.len().cmp(&a.users.len()))
            .then_with(|| a.users.cmp(&b.users))
    });
    out
}

/// Lines as a list, sorted by their text, for [`user_grants`].
pub(crate) fn listed<'p>(
    lines: &Lines<'p>,
    only: impl Fn(&Line<'p>) -> bool,
) -> Vec<(Line<'p>, LineVia<'p>)> {
    lines
        .iter()
        .filter(|(l, _)| only(l))
        .map(|(l, v)| (*l, *v))
        .collect()
}

/// [`group`] of the users of an access diff.
pub fn group_diffs(diffs: &[super::UserAccessDiff]) -> Vec<AccessGroup> {
    group(diffs.iter().map(|u| (u.user.as_str(), u.status, &u.grants)))
}
