//! Hand-overs of CRM records: before a user is removed, the contacts, companies, deals and
//! tickets they own go to a successor, so that no customer is left with an owner who is gone.
//!
//! The planner is pure, so the counts come from the caller ([`removed_user_ids`] says whom to
//! count; the provider counts). [`hand_over`] then puts one operation per object type before
//! each removal ("reassign 1,204 contacts from X to Y"), records the [`Handover`]s in the plan,
//! and refuses a removal whose user owns records and has no successor, unless orphaned
//! records are allowed (`--allow-orphaned-records`).
//!
//! The successor is the one of the user's `[offboard."EMAIL"]` table, or else the `successor`
//! of their primary team in the portal (or of the nearest team above it in the policy).

use crate::op::{Action, FieldChange, Op, placeholder};
use crate::plan::Plan;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use teamform_email::EmailKey;
use teamform_model::Policy;
use teamform_portal::{Change, LiveState, ObjectKind, OwnedRecords, RecordObject};

/// Where a successor was named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SuccessorSource {
    /// The user's `[offboard."EMAIL"]` table.
    Offboard,
    /// The `successor` of a team (the user's primary team, or one above it).
    Team {
        /// The team's key.
        team: String,
    },
}

/// The records a removed user owns, and who receives them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Handover {
    /// The removed user's email.
    pub user: String,
    /// Per object type, how many records they own.
    pub records: BTreeMap<String, u64>,
    /// The successor's email; absent when none is named (the records would be orphaned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
    /// Where the successor was named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SuccessorSource>,
    /// The reason of the `[offboard]` table, for audits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Handover {
    /// "1,204 contacts, 87 deals".
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self
            .records
            .iter()
            .map(|(object, n)| format!("{} {object}", thousands(*n)))
            .collect();
        parts.join(", ")
    }
}

/// A count with thousands separators: `1,204`.
pub fn thousands(n: u64) -> String {
    crate::access::grants::thousands(usize::try_from(n).unwrap_or(usize::MAX))
}

/// The portal ids of the users the plan removes: whose records to count.
pub fn removed_user_ids(plan: &Plan) -> Vec<String> {
    plan.changes
        .iter()
        .filter_map(|o| match &o.change {
            Change::DeleteUser { id } => Some(id.clone()),
            _ => None,
        })
        .collect()
}

/// The successor of a removed user, and where it was named.
fn successor_of(
    policy: &Policy,
    live: &LiveState,
    plan: &Plan,
    email: &str,
    id: &str,
) -> Option<(String, SuccessorSource, Option<String>)> {
    let key = EmailKey::new(email);
    if let Some(o) = policy
        .offboard
        .iter()
        .find(|o| EmailKey::new(&o.key.value) == key)
        && let Some(s) = &o.successor
    {
        let reason = o.reason.as_ref().map(|r| r.value.clone());
        return Some((s.value.clone(), SuccessorSource::Offboard, reason));
    }
    let primary = live
        .users
        .iter()
        .find(|u| u.id == id)?
        .primary_team_id
        .as_ref()?;
    let bound = plan.bindings.teams.iter().find(|(_, t)| *t == primary)?.0;
    let mut team = policy.teams.iter().find(|t| &t.key.value == bound);
    // The nearest team with a successor, going up; the walk is bounded by the number of
    // teams, so a cycle (reported by the compiler) cannot loop.
    for _ in 0..policy.teams.len() {
        let t = team?;
        if let Some(s) = &t.successor {
            let source = SuccessorSource::Team {
                team: t.key.value.clone(),
            };
            return Some((s.value.clone(), source, None));
        }
        let parent = t.parent.as_ref()?;
        team = policy.teams.iter().find(|p| p.key.value == parent.value);
    }
    None
}

/// The id of the successor (a placeholder when the plan creates them) and the operation that
/// creates them, if any; none when the plan removes them (`removed`).
fn successor_id(
    plan: &Plan,
    live: &LiveState,
    removed: &HashSet<String>,
    email: &str,
) -> Option<(String, Option<usize>)> {
    let key = EmailKey::new(email);
    if let Some(u) = live.users.iter().find(|u| EmailKey::new(&u.email) == key)
        && !removed.contains(&u.id)
    {
        return Some((u.id.clone(), None));
    }
    plan.changes
        .iter()
        .enumerate()
        .find_map(|(i, o)| match &o.change {
            Change::CreateUser { email: e, .. } if EmailKey::new(e) == key => {
                Some((placeholder(ObjectKind::User, &o.key), Some(i)))
            }
            _ => None,
        })
}

/// The refusal for a removal that would orphan records.
fn orphan_refusal(h: &Handover) -> String {
    format!(
        "removing `{}` would orphan the {} they own: name a successor (`successor` in `[offboard.\"{}\"]` or on their team), or run again with `--allow-orphaned-records`",
        h.user,
        h.summary(),
        h.user
    )
}

/// Every removal in `plan` that would orphan records, as refusals (none when allowed).
pub fn orphan_refusals(plan: &Plan, allow_orphaned: bool) -> Vec<String> {
    if allow_orphaned {
        return Vec::new();
    }
    plan.handovers
        .iter()
        .filter(|h| h.successor.is_none())
        .map(orphan_refusal)
        .collect()
}

/// Puts the hand-overs of `owned` (per removed user id) into `plan`: the reassignments before
/// each removal, the [`Plan::handovers`], and a refusal per removal that would orphan records
/// unless `allow_orphaned`.
pub fn hand_over(
    plan: &mut Plan,
    policy: &Policy,
    live: &LiveState,
    owned: &OwnedRecords,
    allow_orphaned: bool,
) {
    let removed: HashSet<String> = removed_user_ids(plan).into_iter().collect();
    let mut before: HashMap<usize, Vec<Op>> = HashMap::new();
    let mut waits_for: HashMap<usize, usize> = HashMap::new();
    for (i, op) in plan.changes.iter().enumerate() {
        let Change::DeleteUser { id } = &op.change else {
            continue;
        };
        let Some(counts) = owned.get(id).filter(|c| c.values().any(|n| *n > 0)) else {
            continue;
        };
        let mut handover = Handover {
            user: op.key.clone(),
            records: counts
                .iter()
                .map(|(o, n)| (o.as_str().to_string(), *n))
                .collect(),
            successor: None,
            source: None,
            reason: None,
        };
        let found = successor_of(policy, live, plan, &op.key, id);
        let target = found
            .as_ref()
            .and_then(|(email, _, _)| successor_id(plan, live, &removed, email));
        if let (Some((email, source, reason)), Some((to_id, create))) = (found, target) {
            let ops = RecordObject::ALL
                .into_iter()
                .filter_map(|o| counts.get(&o).filter(|n| **n > 0).map(|n| (o, *n)))
                .map(|(object, n)| Op {
                    action: Action::Update,
                    kind: ObjectKind::User,
                    key: op.key.clone(),
                    name: op.name.clone(),
                    portal_id: Some(id.clone()),
                    changes: vec![FieldChange {
                        field: crate::field::Field::Owner(object),
                        before: Some(format!("{} owned by {}", thousands(n), op.key)),
                        after: Some(format!("reassigned to {email}")),
                    }],
                    automatic: true,
                    change: Change::ReassignRecords {
                        object,
                        from_id: id.clone(),
                        to_id: to_id.clone(),
                    },
                    depends_on: Vec::new(),
                    confirm: None,
                })
                .collect();
            before.insert(i, ops);
            if let Some(c) = create {
                waits_for.insert(i, c);
            }
            handover.successor = Some(email);
            handover.source = Some(source);
            handover.reason = reason;
        } else if !allow_orphaned {
            plan.refusals.push(orphan_refusal(&handover));
        }
        plan.handovers.push(handover);
    }
    if before.is_empty() {
        return;
    }
    let old = std::mem::take(&mut plan.changes);
    let mut at = Vec::with_capacity(old.len());
    for (i, mut op) in old.into_iter().enumerate() {
        op.depends_on = op.depends_on.iter().map(|d| at[*d]).collect();
        let mut reassigns = Vec::new();
        for mut r in before.remove(&i).unwrap_or_default() {
            r.depends_on = waits_for.get(&i).map(|c| vec![at[*c]]).unwrap_or_default();
            reassigns.push(plan.changes.len());
            plan.changes.push(r);
        }
        op.depends_on.extend(reassigns);
        at.push(plan.changes.len());
        plan.changes.push(op);
    }
}
