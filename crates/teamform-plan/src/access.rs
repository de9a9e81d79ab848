//! The access diff: per user, the effective access gained and lost, comparing the access the
//! live portal grants today with the access the policy grants, each line with its reason.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use teamform_compiler::{Compiled, UserId};
use teamform_model::{CrmAction, CrmObject, Policy, Scope};

/// One access a user gains or loses, and why they hold it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLine {
    /// The access (`edit deals of team Sales France`).
    pub access: String,
    /// Why (`via team sales-fr ← role sales-manager`).
    pub via: String,
}

/// What changes for one user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAccessDiff {
    /// The email.
    pub user: String,
    /// `new`, `removed` or `changed`.
    pub status: String,
    /// Access gained.
    pub gained: Vec<AccessLine>,
    /// Access lost.
    pub lost: Vec<AccessLine>,
}

/// A compiled policy, for one side of the comparison.
pub struct Side<'a> {
    /// The policy.
    pub policy: &'a Policy,
    /// Its compilation.
    pub compiled: &'a Compiled,
}

/// The effective access of `user` as lines, keyed by the access; asset visibility only with
/// `assets` (when the portal can read partitions back).
fn lines(side: &Side<'_>, user: UserId, assets: bool) -> BTreeMap<String, String> {
    let p = side.policy;
    let c = side.compiled;
    let access = c.access.user(user);
    let mut out = BTreeMap::new();
    if access.super_admin {
        out.insert(
            "super admin: every record, tool, setting and asset".to_string(),
            "super admin".to_string(),
        );
        return out;
    }
    let Some(role_id) = c.index.user_role[user.index()] else {
        return out;
    };
    let role = &p.roles[role_id.index()];
    let via_role = format!("via role {}", role.key.value);
    let team_name = |t: teamform_compiler::TeamId| {
        p.teams[t.index()]
            .name
            .as_ref()
            .map_or_else(|| p.teams[t.index()].key.value.clone(), |n| n.value.clone())
    };
    // The direct team through which each covered team is reached.
    let mut reached: HashMap<teamform_compiler::TeamId, String> = HashMap::new();
    let direct = c.index.user_team[user.index()]
        .into_iter()
        .chain(c.index.user_teams[user.index()].iter().copied());
    for d in direct {
        for t in c.graph.descendants(d) {
            reached
                .entry(t)
                .or_insert_with(|| p.teams[d.index()].key.value.clone());
        }
    }
    for object in CrmObject::ALL {
        for action in CrmAction::ALL {
            match access.scope(*object, *action) {
                Scope::None => {}
                Scope::Everything => {
                    out.insert(format!("{action} all {object}"), via_role.clone());
                }
                Scope::Owned => {
                    out.insert(format!("{action} own {object}"), via_role.clone());
                }
                Scope::Team => {
                    for t in access.teams.iter() {
                        let via = reached
                            .get(t)
                            .map_or_else(String::new, |d| format!("via team {d} ← "));
                        out.insert(
                            format!("{action} {object} of team {}", team_name(*t)),
                            format!("{via}role {}", role.key.value),
                        );
                    }
                }
            }
        }
    }
    for tool in &role.tools {
        for a in &tool.actions {
            out.insert(format!("{} in {}", a.value, tool.tool), via_role.clone());
        }
    }
    for (flag, v) in &role.account {
        if v.value {
            out.insert(format!("account: {flag}"), via_role.clone());
        }
    }
    let visible = if assets {
        c.access.visible_assets(&c.graph, &c.index, user)
    } else {
        Vec::new()
    };
    for asset in visible {
        let a = &p.assets[asset.index()];
        let name = a
            .name
            .as_ref()
            .map_or_else(|| a.key.value.clone(), |n| n.value.clone());
        let via = c.index.asset_teams[asset.index()]
            .iter()
            .find_map(|t| reached.get(t))
            .map_or_else(
                || "unassigned: every team sees it".to_string(),
                |d| format!("via team {d}"),
            );
        out.insert(format!("see {} {name}", a.kind), via);
    }
    out
}

/// The effective access of `user` as lines (access to reason), as plans show them.
pub fn user_access_lines(side: &Side<'_>, user: UserId) -> BTreeMap<String, String> {
    lines(side, user, true)
}

/// For history: given the access lines of one user at each commit, newest first (`None`
/// where the user does not exist), the index of the commit that granted each line held at the
/// newest commit: the oldest commit of the unbroken run of commits holding it.
pub fn granted_at(history: &[Option<BTreeMap<String, String>>]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let Some(Some(now)) = history.first() else {
        return out;
    };
    for line in now.keys() {
        let mut at = 0;
        for (i, lines) in history.iter().enumerate() {
            match lines {
                Some(l) if l.contains_key(line) => at = i,
                _ => break,
            }
        }
        out.insert(line.clone(), at);
    }
    out
}

/// A cheap summary of what determines a user's access, to skip unchanged users.
fn signature(
    side: &Side<'_>,
    user: UserId,
) -> (bool, Option<crate::Permissions>, BTreeSet<String>) {
    let p = side.policy;
    let c = side.compiled;
    let access = c.access.user(user);
    let role =
        c.index.user_role[user.index()].map(|r| crate::desired::permissions(&p.roles[r.index()]));
    let teams = access
        .teams
        .iter()
        .map(|t| {
            p.teams[t.index()]
                .name
                .as_ref()
                .map_or_else(String::new, |n| n.value.clone())
        })
        .collect();
    (access.super_admin, role, teams)
}

/// The managed assets as (type, name) to partition team names, to tell whether any moved.
fn asset_view(side: &Side<'_>) -> BTreeMap<(String, String), BTreeSet<String>> {
    let p = side.policy;
    p.assets
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let teams = side.compiled.index.asset_teams[i]
                .iter()
                .map(|t| {
                    p.teams[t.index()]
                        .name
                        .as_ref()
                        .map_or_else(String::new, |n| n.value.clone())
                })
                .collect();
            (
                (
                    a.kind.to_string(),
                    a.name
                        .as_ref()
                        .map_or_else(String::new, |n| n.value.clone()),
                ),
                teams,
            )
        })
        .collect()
}

/// Compares the access of every user between the live side and the desired side; asset
/// visibility is compared only with `assets` (when the portal can read partitions back).
pub fn access_diff(live: &Side<'_>, desired: &Side<'_>, assets: bool) -> Vec<UserAccessDiff> {
    let assets_moved = assets && asset_view(live) != asset_view(desired);
    let live_users: HashMap<String, UserId> = live
        .policy
        .users
        .iter()
        .enumerate()
        .map(|(i, u)| (u.key.value.to_lowercase(), UserId(i as u32)))
        .collect();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, u) in desired.policy.users.iter().enumerate() {
        let d = UserId(i as u32);
        let email = u.key.value.to_lowercase();
        seen.insert(email.clone());
        let before = match live_users.get(&email) {
            Some(l) => {
                if !assets_moved && signature(live, *l) == signature(desired, d) {
                    continue;
                }
                Some(lines(live, *l, assets))
            }
            None => None,
        };
        let after = lines(desired, d, assets);
        let status = if before.is_some() { "changed" } else { "new" };
        push(
            &mut out,
            &u.key.value,
            status,
            before.unwrap_or_default(),
            after,
        );
    }
    for (i, u) in live.policy.users.iter().enumerate() {
        if !seen.contains(&u.key.value.to_lowercase()) {
            push(
                &mut out,
                &u.key.value,
                "removed",
                lines(live, UserId(i as u32), assets),
                BTreeMap::new(),
            );
        }
    }
    out
}

fn push(
    out: &mut Vec<UserAccessDiff>,
    user: &str,
    status: &str,
    before: BTreeMap<String, String>,
    after: BTreeMap<String, String>,
) {
    let gained: Vec<AccessLine> = after
        .iter()
        .filter(|(k, _)| !before.contains_key(*k))
        .map(|(k, v)| AccessLine {
            access: k.clone(),
            via: v.clone(),
        })
        .collect();
    let lost: Vec<AccessLine> = before
        .iter()
        .filter(|(k, _)| !after.contains_key(*k))
        .map(|(k, v)| AccessLine {
            access: k.clone(),
            via: v.clone(),
        })
        .collect();
    if gained.is_empty() && lost.is_empty() && status == "changed" {
        return;
    }
    out.push(UserAccessDiff {
        user: user.to_string(),
        status: status.to_string(),
        gained,
        lost,
    });
}
