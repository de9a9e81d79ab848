//! The saved-plan file's own types (format version [`super::FORMAT_VERSION`]): what `plan -o`
//! writes and `apply` reads back. A file written by one version is applied by another, so these
//! types are a compatibility promise kept apart from the planner's [`Plan`]: a field of `Plan`
//! may be renamed, added or dropped without changing a file, and a change here is a new format
//! version. Written through views that borrow the plan (a whole org's plan is too big to copy),
//! read into owned types that are then moved into a `Plan`.
//!
//! The operations, access diffs, bindings and hand-overs inside the plan section are still
//! written by their own types' serde implementations.

use crate::access::grants::AccessGroup;
use crate::access::{RecordsAccess, UserAccessDiff};
use crate::expiry::Expiration;
use crate::manage::LeftAlone;
use crate::matching::Bindings;
use crate::offboard::Handover;
use crate::op::Op;
use crate::plan::{ManualStep, Plan};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The whole document, borrowed for writing and hashing; fields in the file's order.
#[derive(Serialize)]
pub(super) struct DocumentOut<'a> {
    pub format: &'a str,
    pub format_version: u32,
    pub tool_version: &'a str,
    pub policy_hash: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git_commit: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git_dirty: &'a Option<bool>,
    pub plan: PlanOut<'a>,
    pub checksum: &'a str,
}

/// The plan section, borrowed from a [`Plan`]; the lists that are usually empty are left out
/// when they are.
#[derive(Serialize)]
pub(super) struct PlanOut<'a> {
    portal: &'a str,
    changes: &'a [Op],
    access: &'a [UserAccessDiff],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    groups: &'a [AccessGroup],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    records: &'a [RecordsAccess],
    manual_steps: &'a [ManualStep],
    unverifiable: &'a [String],
    bindings: &'a Bindings,
    fingerprints: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    refusals: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    handovers: &'a [Handover],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    expirations: &'a [Expiration],
    #[serde(skip_serializing_if = "LeftAlone::is_empty")]
    left_alone: &'a LeftAlone,
}

impl<'a> From<&'a Plan> for PlanOut<'a> {
    fn from(p: &'a Plan) -> Self {
        PlanOut {
            portal: &p.portal,
            changes: &p.changes,
            access: &p.access,
            groups: &p.groups,
            records: &p.records,
            manual_steps: &p.manual_steps,
            unverifiable: &p.unverifiable,
            bindings: &p.bindings,
            fingerprints: &p.fingerprints,
            refusals: &p.refusals,
            handovers: &p.handovers,
            expirations: &p.expirations,
            left_alone: &p.left_alone,
        }
    }
}

/// The whole document as read.
#[derive(Deserialize)]
pub(super) struct DocumentIn {
    pub format: String,
    pub format_version: u32,
    pub tool_version: String,
    pub policy_hash: String,
    #[serde(default)]
    pub git_commit: Option<String>,
    #[serde(default)]
    pub git_dirty: Option<bool>,
    pub plan: PlanIn,
    pub checksum: String,
}

/// The plan section as read; the lists left out when empty default to empty.
#[derive(Deserialize)]
pub(super) struct PlanIn {
    portal: String,
    changes: Vec<Op>,
    access: Vec<UserAccessDiff>,
    #[serde(default)]
    groups: Vec<AccessGroup>,
    #[serde(default)]
    records: Vec<RecordsAccess>,
    manual_steps: Vec<ManualStep>,
    unverifiable: Vec<String>,
    bindings: Bindings,
    fingerprints: BTreeMap<String, String>,
    #[serde(default)]
    refusals: Vec<String>,
    #[serde(default)]
    handovers: Vec<Handover>,
    #[serde(default)]
    expirations: Vec<Expiration>,
    #[serde(default)]
    left_alone: LeftAlone,
}

impl From<PlanIn> for Plan {
    fn from(p: PlanIn) -> Self {
        Plan {
            portal: p.portal,
            changes: p.changes,
            access: p.access,
            groups: p.groups,
            records: p.records,
            manual_steps: p.manual_steps,
            unverifiable: p.unverifiable,
            bindings: p.bindings,
            fingerprints: p.fingerprints,
            refusals: p.refusals,
            handovers: p.handovers,
            expirations: p.expirations,
            left_alone: p.left_alone,
        }
    }
}
