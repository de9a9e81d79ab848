//! The live state of a portal that holds exactly what a policy says, built directly from the
//! policy's desired state (much faster than applying the policy to an empty sandbox, which the
//! plan benchmark can do too). Pinned ids are kept; the other objects get ids from
//! [`FIRST_ID`] on, in policy order.

use std::collections::{HashMap, HashSet};
use teamform_model::Policy;
use teamform_plan::desired;
use teamform_portal::sandbox::SandboxFile;
use teamform_portal::{LiveAsset, LiveRole, LiveState, LiveTeam, LiveUser};

/// The first id given to an object without a pinned id: above every id the generator pins.
pub const FIRST_ID: u64 = 10_000_000;

/// Gives out ids: the pinned one when it is free, else the next unused number.
struct Ids {
    next: u64,
    used: HashSet<String>,
}

impl Ids {
    fn give(&mut self, pinned: Option<&str>) -> String {
        if let Some(id) = pinned
            && self.used.insert(id.to_string())
        {
            return id.to_string();
        }
        loop {
            let id = self.next.to_string();
            self.next += 1;
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// Looks up the ids of policy keys; a key the policy does not define (which a valid policy
/// never has) keeps its key as its id.
fn ids_of(map: &HashMap<&str, String>, keys: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = keys
        .iter()
        .map(|k| map.get(k).cloned().unwrap_or_else(|| k.to_string()))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The sandbox file of a portal holding exactly `policy` (which should be valid): planning
/// `policy` against it gives no change.
pub fn sandbox_file(policy: &Policy) -> SandboxFile {
    let want = desired(policy);
    let mut ids = Ids {
        next: FIRST_ID,
        used: HashSet::new(),
    };
    let team_ids: HashMap<&str, String> =
        want.teams.iter().map(|t| (t.key, ids.give(t.id))).collect();
    let role_ids: HashMap<&str, String> =
        want.roles.iter().map(|r| (r.key, ids.give(r.id))).collect();
    let team = |key: &str| {
        team_ids
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    };
    let role = |key: &str| {
        role_ids
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    };
    let teams = want
        .teams
        .iter()
        .map(|t| LiveTeam {
            id: team(t.key),
            name: t.name.to_string(),
            parent_id: t.parent.map(team),
        })
        .collect();
    let roles = want
        .roles
        .into_iter()
        .map(|r| LiveRole {
            id: role(r.key),
            name: r.name.to_string(),
            permissions: Some(r.permissions),
        })
        .collect();
    let users = want
        .users
        .into_iter()
        // The desired users are the policy's, in the same order.
        .zip(&policy.users)
        .map(|(u, p)| {
            let pinned = p.id.as_ref().map(|id| id.value.as_str());
            LiveUser {
                id: ids.give(pinned),
                role_id: u.role.map(role),
                primary_team_id: u.team.map(team),
                additional_team_ids: ids_of(&team_ids, &u.teams),
                super_admin: u.super_admin,
                seats: u.seats.iter().map(|s| (*s).to_string()).collect(),
                email: u.email.to_string(),
                name: u.name.to_string(),
            }
        })
        .collect();
    let assets = want
        .assets
        .into_iter()
        .map(|a| LiveAsset {
            id: ids.give(a.id),
            team_ids: Some(ids_of(&team_ids, &a.teams)),
            kind: a.kind.to_string(),
            name: a.name.to_string(),
        })
        .collect();
    SandboxFile {
        next_id: ids.next,
        state: LiveState {
            teams,
            roles,
            users,
            assets,
        },
        ..SandboxFile::default()
    }
}

/// Makes `path` an empty sandbox portal whose new ids start above the ids the generator pins
/// ([`FIRST_ID`]), so that an object created for one key does not take the id pinned by
/// another; a file already there is replaced.
pub fn empty_sandbox(path: &std::path::Path) -> Result<(), teamform_portal::PortalError> {
    if let Err(e) = std::fs::remove_file(path)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        return Err(teamform_portal::PortalError::io(format!(
            "cannot remove `{}`: {e}",
            path.display()
        )));
    }
    teamform_portal::sandbox::Sandbox::open(path).and_then(|s| {
        s.save(&SandboxFile {
            next_id: FIRST_ID,
            ..SandboxFile::default()
        })
    })
}
