//! What is known to be live where the portal cannot read it back: the contents of permission
//! sets and the teams of assets, as a person last confirmed them (`teamform confirm`).
//!
//! HubSpot's API lists permission sets by name only and cannot read partitions at all. A plan
//! that assumed the policy's value there would print "No changes" while a role edit waits to
//! be made by hand. So a plan overlays the live state it read with what is known: a confirmed
//! value the policy differs from is a pending manual step (with the access it changes), and a
//! value never confirmed is a manual step too, to check once and confirm. The record is a file
//! the caller keeps beside the policy, committed, so git history shows who confirmed what.

use crate::desired::{DesiredAsset, DesiredState};
use crate::matching::Bindings;
use crate::op::{Action, Confirm, FieldChange, Op, placeholder};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use teamform_model::Policy;
use teamform_portal::{
    Capabilities, Change, KindCaps, LiveAsset, LiveState, ObjectKind, Permissions,
};

/// The `format` of a known-state file.
pub const KNOWN_FORMAT: &str = "teamform-known";
/// The version of the known-state file; a field changing meaning raises it.
pub const KNOWN_FORMAT_VERSION: u32 = 1;

/// The folder, inside the policy directory, that holds one known-state file per portal. The
/// policy loader reads only `*.toml`, so the files travel with the policy in git.
pub const KNOWN_DIR: &str = "known";

/// The known-state file's name for `portal` (as a plan names it): `hubspot:api.hubapi.com`
/// gives `hubspot_api.hubapi.com.json`.
pub fn file_name(portal: &str) -> String {
    let name: String = portal
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{name}.json")
}

/// The known-state file of `portal` in the policy directory `policies`.
pub fn path(policies: &std::path::Path, portal: &str) -> std::path::PathBuf {
    policies.join(KNOWN_DIR).join(file_name(portal))
}

/// Whether a portal with `caps` needs a known state: it cannot read back some contents.
pub fn needed(caps: Capabilities) -> bool {
    !caps.of(ObjectKind::Role).read_contents || !caps.of(ObjectKind::Asset).read
}

/// The known state from the result of reading its file at `path`: `None` when there is no
/// file (nothing was ever confirmed); an unreadable or foreign file is an error, never
/// silently ignored (the plan would be wrong).
pub fn from_file(
    read: std::io::Result<String>,
    path: &std::path::Path,
    portal: &str,
) -> Result<Option<Known>, String> {
    match read {
        Ok(text) => Known::from_json(&text, portal)
            .map(Some)
            .map_err(|e| format!("cannot use `{}`: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read `{}`: {e}", path.display())),
    }
}

/// A permission set's contents as last confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownRole {
    /// Its name when confirmed (for people reading the file).
    pub name: String,
    /// Its contents.
    pub permissions: Permissions,
}

/// A team an asset was confirmed to be assigned to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct KnownTeam {
    /// The portal id.
    pub id: String,
    /// Its name when confirmed (for people reading the file).
    pub name: String,
}

/// An asset's teams as last confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownAsset {
    /// Its name when confirmed.
    pub name: String,
    /// Its teams, sorted by id; empty for an asset of no team.
    pub teams: Vec<KnownTeam>,
}

/// One confirmation: who said what was done, when, at which commit of the policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// When (UTC, RFC 3339).
    pub at: String,
    /// Who (the git user's email, else the login name).
    pub by: String,
    /// The policy's commit, when it is in a git repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The addresses confirmed (`role:KEY`, `asset:TYPE.KEY`).
    pub confirmed: Vec<String>,
}

/// The known state of one portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Known {
    /// Always [`KNOWN_FORMAT`].
    pub format: String,
    /// Always [`KNOWN_FORMAT_VERSION`].
    pub format_version: u32,
    /// The portal it describes (as a plan names it).
    pub portal: String,
    /// Permission sets by portal id.
    #[serde(default)]
    pub roles: BTreeMap<String, KnownRole>,
    /// Assets by policy reference (`TYPE.KEY`): the portal gives them no id teamform can read.
    #[serde(default)]
    pub assets: BTreeMap<String, KnownAsset>,
    /// Every confirmation, oldest first.
    #[serde(default)]
    pub log: Vec<Confirmation>,
}

/// Why a known-state file was refused.
#[derive(Debug)]
pub enum KnownError {
    /// Not JSON of the expected shape.
    Parse(String),
    /// Another format or version.
    Version(String, u32),
    /// Made for another portal.
    Portal(String, String),
}

impl std::fmt::Display for KnownError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KnownError::Parse(m) => write!(f, "not a teamform known-state file: {m}"),
            KnownError::Version(format, v) => write!(
                f,
                "known-state format `{format}` version {v} is not supported (this teamform reads `{KNOWN_FORMAT}` version {KNOWN_FORMAT_VERSION})"
            ),
            KnownError::Portal(file, portal) => {
                write!(f, "the known state describes {file}, not {portal}")
            }
        }
    }
}

impl std::error::Error for KnownError {}

impl Known {
    /// Nothing known yet of `portal`.
    pub fn new(portal: &str) -> Self {
        Known {
            format: KNOWN_FORMAT.to_string(),
            format_version: KNOWN_FORMAT_VERSION,
            portal: portal.to_string(),
            roles: BTreeMap::new(),
            assets: BTreeMap::new(),
            log: Vec::new(),
        }
    }

    /// Reads a known-state file made for `portal`.
    pub fn from_json(text: &str, portal: &str) -> Result<Self, KnownError> {
        let k: Known = serde_json::from_str(text).map_err(|e| KnownError::Parse(e.to_string()))?;
        if k.format != KNOWN_FORMAT || k.format_version != KNOWN_FORMAT_VERSION {
            return Err(KnownError::Version(k.format, k.format_version));
        }
        if k.portal != portal {
            return Err(KnownError::Portal(k.portal, portal.to_string()));
        }
        Ok(k)
    }

    /// The file's text (pretty JSON, keys sorted, so that diffs in review are small).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Records that the manual steps of `plan` (made from `policy`) at `addresses` are done:
    /// the policy's values become what is known to be live. Returns how many were recorded,
    /// or the addresses that name no pending step (or one that cannot be confirmed yet, with
    /// the reason), recording nothing then.
    pub fn confirm(
        &mut self,
        plan: &crate::Plan,
        policy: &Policy,
        addresses: &[String],
        mut entry: Confirmation,
    ) -> Result<usize, Vec<String>> {
        let pending: BTreeMap<String, &Op> = plan
            .changes
            .iter()
            .filter(|o| o.confirm.is_some())
            .map(|o| (o.address().to_string(), o))
            .collect();
        let mut problems = Vec::new();
        let mut chosen = Vec::new();
        for a in addresses {
            match pending.get(a) {
                None => problems.push(format!("`{a}`: no pending step to confirm")),
                Some(op) => match known_value(op, plan, policy) {
                    Ok(value) => chosen.push((a.clone(), value)),
                    Err(why) => problems.push(format!("`{a}`: {why}")),
                },
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        entry.confirmed = chosen.iter().map(|(a, _)| a.clone()).collect();
        for (_, value) in chosen {
            match value {
                Value::Role(id, role) => {
                    self.roles.insert(id, role);
                }
                Value::Asset(reference, asset) => {
                    self.assets.insert(reference, asset);
                }
            }
        }
        self.log.push(entry);
        Ok(self.log.last().map_or(0, |e| e.confirmed.len()))
    }

    /// The pending steps of `plan` that can be confirmed now (`confirm --all`).
    pub fn confirmable(plan: &crate::Plan, policy: &Policy) -> Vec<String> {
        plan.changes
            .iter()
            .filter(|o| o.confirm.is_some() && known_value(o, plan, policy).is_ok())
            .map(|o| o.address().to_string())
            .collect()
    }
}

/// A value to record.
enum Value {
    Role(String, KnownRole),
    Asset(String, KnownAsset),
}

/// What confirming a pending step records: the policy's value, with the portal ids of
/// everything it refers to (which must exist in the portal already).
fn known_value(op: &Op, plan: &crate::Plan, policy: &Policy) -> Result<Value, String> {
    match (&op.change, op.kind) {
        (
            Change::UpdateRole {
                id,
                permissions: Some(p),
                ..
            },
            ObjectKind::Role,
        ) => Ok(Value::Role(
            id.clone(),
            KnownRole {
                name: op.name.clone(),
                permissions: p.clone(),
            },
        )),
        (Change::UpdateAsset { .. }, ObjectKind::Asset) => {
            let asset = policy
                .assets
                .iter()
                .find(|a| a.reference() == op.key)
                .ok_or_else(|| "not in the policy".to_string())?;
            let mut teams = Vec::new();
            for t in &asset.teams {
                let key = t.value.as_str();
                let id = plan.bindings.teams.get(key).ok_or_else(|| {
                    format!("team `{key}` is not in the portal yet; apply the plan first")
                })?;
                let name = policy
                    .teams
                    .iter()
                    .find(|p| p.key.value == key)
                    .and_then(|p| p.name.as_ref())
                    .map_or(key, |n| n.value.as_str());
                teams.push(KnownTeam {
                    id: id.clone(),
                    name: name.to_string(),
                });
            }
            teams.sort();
            Ok(Value::Asset(
                op.key.clone(),
                KnownAsset {
                    name: op.name.clone(),
                    teams,
                },
            ))
        }
        _ => Err("nothing to confirm".to_string()),
    }
}

/// The live state with what is known filled in where the portal cannot read, the
/// capabilities the diff may then assume, and the steps never confirmed.
pub(crate) struct Overlay {
    /// The live state, overlaid.
    pub live: LiveState,
    /// The capabilities with contents readable (writes unchanged).
    pub caps: Capabilities,
    /// The bindings of the overlaid assets (reference to reference: their stand-in id).
    pub assets: BTreeMap<String, String>,
    /// The steps for what was never confirmed (assumed as the policy says): the policy's
    /// value, to check by hand once.
    pub unknown: Vec<Op>,
    /// Everything taken from the known state or assumed, for the unverifiable list.
    pub unverifiable: Vec<String>,
}

/// Overlays `live` with `known` where `caps` cannot read; `None` when the portal reads
/// everything. A role never confirmed is assumed to hold what the policy gives it, an asset
/// never confirmed to be where the policy puts it: the plan shows them as steps to check.
pub(crate) fn overlay(
    known: Option<&Known>,
    live: &LiveState,
    want: &DesiredState<'_>,
    bound: &Bindings,
    caps: Capabilities,
) -> Option<Overlay> {
    if !needed(caps) {
        return None;
    }
    let empty = Known::new("");
    let known = known.unwrap_or(&empty);
    let mut live = live.clone();
    let mut unknown = Vec::new();
    let mut unverifiable = Vec::new();
    if !caps.of(ObjectKind::Role).read_contents {
        let keys: BTreeMap<&str, &str> = bound
            .roles
            .iter()
            .map(|(k, id)| (id.as_str(), k.as_str()))
            .collect();
        for r in live.roles.iter_mut().filter(|r| r.permissions.is_none()) {
            let Some(key) = keys.get(r.id.as_str()) else {
                // A permission set the policy does not have: it is deleted by hand, whatever
                // it holds.
                r.permissions = known.roles.get(&r.id).map(|k| k.permissions.clone());
                continue;
            };
            unverifiable.push(format!("role:{key} permissions"));
            r.permissions = match known.roles.get(&r.id) {
                Some(k) => Some(k.permissions.clone()),
                None => want.roles.iter().find(|d| d.key == *key).map(|d| {
                    unknown.push(pending_op(
                        ObjectKind::Role,
                        key,
                        d.name,
                        &r.id,
                        FieldChange {
                            field: crate::field::Field::Permissions,
                            before: None,
                            after: Some(crate::diff::permissions_text(&d.permissions)),
                        },
                        Change::UpdateRole {
                            id: r.id.clone(),
                            name: None,
                            permissions: Some(d.permissions.clone()),
                        },
                    ));
                    d.permissions.clone()
                }),
            };
        }
    }
    let mut assets = BTreeMap::new();
    if !caps.of(ObjectKind::Asset).read {
        live.assets.clear();
        for a in &want.assets {
            unverifiable.push(format!("asset:{} teams", a.reference));
            let team_ids = match known.assets.get(&a.reference) {
                Some(k) => k.teams.iter().map(|t| t.id.clone()).collect(),
                None => {
                    unknown.push(unknown_asset(a, want, bound));
                    team_refs(a, bound)
                }
            };
            assets.insert(a.reference.clone(), a.reference.clone());
            live.assets.push(LiveAsset {
                id: a.reference.clone(),
                kind: a.kind.to_string(),
                name: a.name.to_string(),
                team_ids: Some(team_ids),
            });
        }
    }
    let readable = |k: KindCaps| KindCaps {
        read: true,
        read_contents: true,
        ..k
    };
    let caps = caps
        .with(ObjectKind::Role, readable(caps.of(ObjectKind::Role)))
        .with(ObjectKind::Asset, readable(caps.of(ObjectKind::Asset)));
    Some(Overlay {
        live,
        caps,
        assets,
        unknown,
        unverifiable,
    })
}

/// Marks the updates of what `caps` cannot read back as changes to confirm once made by hand.
pub(crate) fn mark_changed(ops: &mut [Op], caps: Capabilities) {
    for op in ops.iter_mut().filter(|o| o.action == Action::Update) {
        let unread = match op.kind {
            ObjectKind::Role => {
                !caps.of(ObjectKind::Role).read_contents
                    && matches!(
                        op.change,
                        Change::UpdateRole {
                            permissions: Some(_),
                            ..
                        }
                    )
            }
            ObjectKind::Asset => !caps.of(ObjectKind::Asset).read,
            ObjectKind::Team | ObjectKind::User => false,
        };
        if unread {
            op.confirm = Some(Confirm::Changed);
        }
    }
}

/// The portal ids of an asset's teams as the policy wants them (the placeholder of a team the
/// plan creates), sorted.
fn team_refs(a: &DesiredAsset<'_>, bound: &Bindings) -> Vec<String> {
    let mut ids: Vec<String> = a
        .teams
        .iter()
        .map(|t| {
            bound
                .teams
                .get(*t)
                .cloned()
                .unwrap_or_else(|| placeholder(ObjectKind::Team, t))
        })
        .collect();
    ids.sort();
    ids
}

/// The step for an asset whose teams were never confirmed: the policy's teams, to check by
/// hand once.
fn unknown_asset(a: &DesiredAsset<'_>, want: &DesiredState<'_>, bound: &Bindings) -> Op {
    let names: Vec<&str> = a
        .teams
        .iter()
        .map(|key| {
            want.teams
                .iter()
                .find(|t| t.key == *key)
                .map_or(*key, |t| t.name)
        })
        .collect();
    let list = if names.is_empty() {
        "(none)".to_string()
    } else {
        names.join(", ")
    };
    pending_op(
        ObjectKind::Asset,
        &a.reference,
        a.name,
        &a.reference,
        FieldChange {
            field: crate::field::Field::Teams,
            before: None,
            after: Some(list),
        },
        Change::UpdateAsset {
            id: a.reference.clone(),
            name: None,
            team_ids: Some(team_refs(a, bound)),
        },
    )
}

/// A step on something never confirmed (see [`Confirm::Unknown`]).
fn pending_op(
    kind: ObjectKind,
    key: &str,
    name: &str,
    id: &str,
    change: FieldChange,
    provider_change: Change,
) -> Op {
    Op {
        action: Action::Update,
        kind,
        key: key.to_string(),
        name: name.to_string(),
        portal_id: Some(id.to_string()),
        changes: vec![change],
        automatic: false,
        change: provider_change,
        depends_on: Vec::new(),
        confirm: Some(Confirm::Unknown),
    }
}
