//! Building a plan: match, diff, order, filter, manual steps and the access diff.

use crate::access::{RecordsAccess, UserAccessDiff};
use crate::desired::desired;
use crate::diff::diff;
use crate::known::{self, Known};
use crate::live_side::{access_changes_leaving, only_users_change, user_ops};
use crate::matching::{Bindings, matching};
use crate::op::{Action, Op};
use crate::order::order;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use teamform_compiler::Compiled;
use teamform_model::{LoadResult, Policy};
use teamform_portal::{Capabilities, LiveState, ObjectKind};

/// A step a person must take in the portal's settings, because the provider cannot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ManualStep {
    /// The operation it stands for (`kind:key`).
    pub target: String,
    /// What to do, exactly.
    pub instruction: String,
}

/// A plan: what to change, in order, and what it does to people's access. Not serialised as
/// it is: the saved-plan file has types of its own (`saved/file.rs`), the JSON output its
/// documents (`render/json.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The live portal planned against (`sandbox:PATH`).
    pub portal: String,
    /// The operations, in the order to perform them.
    pub changes: Vec<Op>,
    /// Per user, the access gained and lost (the expanded view: one line per team and asset).
    pub access: Vec<UserAccessDiff>,
    /// Users grouped by how their access changes, in grants, riskiest first.
    pub groups: Vec<crate::access::grants::AccessGroup>,
    /// Per user whose teams change, who gains and loses team-scope access over their records.
    pub records: Vec<RecordsAccess>,
    /// The operations teamform cannot perform, as instructions.
    pub manual_steps: Vec<ManualStep>,
    /// What the portal cannot read back, so cannot be verified.
    pub unverifiable: Vec<String>,
    /// The policy keys bound to live ids.
    pub bindings: Bindings,
    /// The fingerprint of every live object read, keyed `kind:id`.
    pub fingerprints: BTreeMap<String, String>,
    /// Why `apply` would refuse this plan (the policy's guardrails, checked as apply checks
    /// them without `--allow-removals`); empty when it would not.
    pub refusals: Vec<String>,
    /// Per removed user who owns CRM records: how many, and who receives them (see
    /// [`crate::offboard`]).
    pub handovers: Vec<crate::offboard::Handover>,
    /// The users removed because their access expired (see [`crate::expiry`]).
    pub expirations: Vec<crate::expiry::Expiration>,
    /// How many of the portal's users and teams the policy leaves alone (`[portal.manage]`,
    /// see [`crate::manage`]).
    pub left_alone: crate::manage::LeftAlone,
}

impl Plan {
    /// Whether there is anything to do (verifiable changes or manual steps).
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }

    /// Counts of operations per action.
    pub fn counts(&self) -> BTreeMap<Action, usize> {
        let mut out = BTreeMap::new();
        for op in &self.changes {
            *out.entry(op.action).or_insert(0) += 1;
        }
        out
    }
}

/// Limits a plan to some objects (`--target KIND:KEY`, `--exclude KIND:KEY`).
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only these (and what they depend on); empty for all.
    pub targets: Vec<crate::op::Address>,
    /// Never these (nor what depends on them).
    pub excludes: Vec<crate::op::Address>,
}

/// Everything a plan is made from.
pub struct PlanInput<'a> {
    /// The loaded, valid policy.
    pub load: &'a LoadResult,
    /// Its compilation.
    pub compiled: &'a Compiled,
    /// The live state.
    pub live: &'a LiveState,
    /// The provider's capabilities.
    pub capabilities: Capabilities,
    /// The provider's description.
    pub portal: String,
    /// `--target` and `--exclude`.
    pub filter: Filter,
    /// Whether to record the fingerprint of every live object read ([`Plan::fingerprints`]):
    /// needed by a plan that is saved or applied, for apply's staleness check.
    pub fingerprints: bool,
    /// What is known to be live where the portal cannot read it back (see [`crate::known`]);
    /// `None` when nothing was ever confirmed.
    pub known: Option<&'a Known>,
    /// How much of the access diff to compute: the expanded lines only when shown.
    pub detail: crate::access::Detail,
    /// The provider's screens, named in the manual steps.
    pub screens: &'a teamform_portal::Screens,
}

/// Plans the changes that make the live portal equal the policy.
///
/// The pieces that do not depend on each other run on threads of their own: the fingerprints
/// of everything read (when asked for), and, once the diff is known, the ordering alongside
/// the access diff. Each piece is a function of its input, so the plan is the same as when
/// they run one after the other.
pub fn make_plan(input: &PlanInput<'_>) -> Plan {
    // The users and teams the policy leaves alone are planned as they are live (see
    // [`crate::manage`]); a policy that manages everything is planned as it is.
    match crate::manage::adopt(&input.load.policy, input.live) {
        None => plan_of(input, &input.load.policy, input.compiled, None),
        Some(a) => plan_of(input, &a.policy, &a.compiled, Some(&a)),
    }
}

/// [`make_plan`] of `policy` (the input's, or it with what it leaves alone adopted).
fn plan_of(
    input: &PlanInput<'_>,
    policy: &Policy,
    compiled: &Compiled,
    adopted: Option<&crate::manage::Adopted>,
) -> Plan {
    std::thread::scope(|s| {
        let fingerprints = input
            .fingerprints
            .then(|| s.spawn(|| input.live.fingerprints()));
        let want = desired(policy);
        let mut matched = matching(&want, input.live);
        // Where the portal cannot read back, what is known stands in for what is live.
        let overlay = known::overlay(
            input.known,
            input.live,
            &want,
            &matched.bound,
            input.capabilities,
        );
        let (live, caps) = match &overlay {
            Some(o) => {
                matched.bound.assets = o.assets.clone();
                (&o.live, o.caps)
            }
            None => (input.live, input.capabilities),
        };
        let mut d = diff(&want, live, &matched, caps);
        if let Some(a) = adopted {
            a.hands_off(&mut d.ops);
        }
        // The users the plan changes: when nothing else changes, only their access can
        // differ; those whose teams change are the owners of records others gain or lose
        // access to. With no live user, no one is an owner on both sides: the set is not
        // needed then unless only users change (the first plan of a large org would spend
        // its time lowercasing and hashing every email, on one thread).
        let only_users = only_users_change(&d, caps);
        let owners = if only_users || !live.users.is_empty() {
            user_ops(&d)
        } else {
            HashSet::new()
        };
        let only = only_users.then_some(&owners);
        if let Some(o) = &overlay {
            known::mark_changed(&mut d.ops, input.capabilities);
            d.ops.extend(o.unknown.iter().cloned());
            d.unverifiable.extend(o.unverifiable.iter().cloned());
            if let Some(a) = adopted {
                a.hands_off(&mut d.ops);
            }
        }
        // The access diff reads the live state, the policy and the bindings, and writes
        // nothing they hold; the ordering takes the operations out of `d` (moved, not shared)
        // and the user bindings only read. So the three need no lock, and the result is the
        // same as one after the other. Whoever changes one of them to write shared state must
        // move it out of this scope.
        let (users, ops, ((access, records), leftover)) = std::thread::scope(|s| {
            let access = s.spawn(|| {
                access_changes_leaving(
                    (policy, compiled),
                    live,
                    &matched.bound,
                    (only, &owners),
                    (caps, input.detail),
                )
            });
            let ops = filter(order(std::mem::take(&mut d.ops), live), &input.filter);
            let users = matched.user_bindings(&want, live);
            (users, ops, joined(access.join()))
        });
        let bound = Bindings {
            users,
            ..std::mem::take(&mut matched.bound)
        };
        // Dropping the intermediate state (the desired state, the matching, the compiled
        // live side: hundreds of megabytes for a large org) takes a noticeable time; it runs
        // beside the rest. The compiled live side, which owns its data and is the largest,
        // is dropped on a thread of its own that the plan does not wait for (a plan whose
        // rest is quick would wait for it, about 70 ms for 100,000 users); the scope joins
        // the rest before returning.
        if let Some(live) = leftover {
            let detached = std::thread::Builder::new().spawn(move || drop(live));
            // When no thread can be started, the value is dropped here, with the closure.
            drop(detached);
        }
        s.spawn(move || drop((want, matched)));
        let mut plan = assemble(input, d, ops, access, bound);
        plan.groups = crate::access::grants::group_diffs(&plan.access);
        plan.records = records;
        plan.left_alone = adopted.map(|a| a.left_alone).unwrap_or_default();
        if let Some(f) = fingerprints {
            plan.fingerprints = joined(f.join());
        }
        let guard = crate::guard::Guardrails::from(&policy.guardrails);
        plan.refusals = crate::guard::check_guardrails(&plan, input.live, &guard, None);
        plan
    })
}

/// The value of a joined thread, or its panic passed on.
fn joined<T>(r: std::thread::Result<T>) -> T {
    r.unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// The plan from its pieces, but for [`Plan::fingerprints`], left empty.
fn assemble(
    input: &PlanInput<'_>,
    d: crate::diff::Diff,
    ops: Vec<Op>,
    access: Vec<UserAccessDiff>,
    bound: Bindings,
) -> Plan {
    let manual_steps = ops
        .iter()
        .filter(|o| !o.automatic)
        .map(|o| ManualStep {
            target: o.address().to_string(),
            instruction: crate::render::manual_instruction(o, input.screens),
        })
        .collect();
    Plan {
        portal: input.portal.clone(),
        changes: ops,
        access,
        groups: Vec::new(),
        records: Vec::new(),
        manual_steps,
        unverifiable: d.unverifiable,
        bindings: bound,
        fingerprints: BTreeMap::new(),
        refusals: Vec::new(),
        handovers: Vec::new(),
        expirations: Vec::new(),
        left_alone: crate::manage::LeftAlone::default(),
    }
}

/// Keeps the targeted operations and their dependencies, then drops the excluded ones and
/// their dependents; `depends_on` is renumbered.
fn filter(ops: Vec<Op>, f: &Filter) -> Vec<Op> {
    if f.targets.is_empty() && f.excludes.is_empty() {
        return ops;
    }
    let n = ops.len();
    let mut keep = vec![f.targets.is_empty(); n];
    if !f.targets.is_empty() {
        // Dependencies come earlier in the order, so one backward pass closes over them.
        for i in (0..n).rev() {
            if f.targets.contains(&ops[i].address()) {
                keep[i] = true;
            }
            if keep[i] {
                for &d in &ops[i].depends_on {
                    keep[d] = true;
                }
            }
        }
    }
    let mut dropped = vec![false; n];
    for i in 0..n {
        if f.excludes.contains(&ops[i].address()) || ops[i].depends_on.iter().any(|d| dropped[*d]) {
            dropped[i] = true;
        }
    }
    let mut position = vec![None; n];
    let mut out = Vec::new();
    for (i, mut op) in ops.into_iter().enumerate() {
        if keep[i] && !dropped[i] {
            position[i] = Some(out.len());
            op.depends_on = op.depends_on.iter().filter_map(|d| position[*d]).collect();
            out.push(op);
        }
    }
    out
}

/// The kinds in the order plans show them.
pub const KINDS: [ObjectKind; 4] = [
    ObjectKind::Team,
    ObjectKind::Role,
    ObjectKind::User,
    ObjectKind::Asset,
];
