//! The JSON rendering of a plan: a versioned, documented format (`docs/plan-format.md`) made of
//! typed documents, so that its JSON Schema ([`plan_schema`], `teamform schema --plan`) is
//! derived from the same types and cannot drift from the output.

use crate::access::grants::{AccessGroup, GrantChange, Risk, ScopeShift, Status};
use crate::access::{RecordsAccess, UserAccessDiff};
use crate::op::{Action, Confirm, FieldChange};
use crate::plan::{ManualStep, Plan};
use schemars::JsonSchema;
use serde::Serialize;

/// The version of the JSON plan output. Version 2 groups the access diff in grants; version
/// 3 lists each grant change once (`grants`), the groups referring to it by position, and
/// prints the document on one line; version 4 gives a create its `values` (field to value)
/// instead of `fields`, and leaves out the `portal_id` of a create.
pub const JSON_FORMAT_VERSION: u32 = 4;

/// A plan as `teamform plan --format json` prints it.
// The operations, the grant table and the groups are type parameters so that `write_json`
// can serialize them on both threads; the schema is the default types'.
#[derive(Serialize, JsonSchema)]
#[schemars(rename = "PlanDocument")]
pub struct PlanDocument<
    'a,
    G = Vec<&'a GrantChange>,
    A = Vec<GroupDocument<'a>>,
    C = Vec<ChangeDocument<'a>>,
> {
    /// Always [`JSON_FORMAT_VERSION`].
    pub format_version: u32,
    /// The portal planned against.
    pub portal: &'a str,
    /// Counts: operations by action, manual steps, users affected, grant changes by risk.
    pub summary: Summary,
    /// Why `apply` would refuse the plan (guardrails); empty when it would not.
    pub refusals: &'a [String],
    /// The operations, in execution order.
    pub changes: C,
    /// Every grant change of the groups, each once (a grant, why, and its risk); the groups
    /// refer to them by position.
    pub grants: G,
    /// Users grouped by how their access changes, riskiest first.
    pub access: A,
    /// Per user, every team and asset gained and lost (`--expand` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expanded: Option<&'a [UserAccessDiff]>,
    /// For users whose teams change, who gains and loses team-scope access over their records.
    pub records: &'a [RecordsAccess],
    /// What to do by hand in the portal's settings.
    pub manual_steps: &'a [ManualStep],
    /// What the portal cannot read back (taken from what was last confirmed).
    pub unverifiable: &'a [String],
    /// Per removed user who owns CRM records: the counts per object type and who receives
    /// them (absent when no removed user owns records).
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub handovers: &'a [crate::offboard::Handover],
    /// The users removed because their access expired (absent when none).
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub expirations: &'a [crate::expiry::Expiration],
    /// How many of the portal's users and teams the policy leaves alone, by reason
    /// (`[portal.manage]`; absent when it manages everything).
    #[serde(default, skip_serializing_if = "crate::manage::LeftAlone::is_empty")]
    pub left_alone: crate::manage::LeftAlone,
}

/// Users whose access changes the same way.
#[derive(Serialize, JsonSchema)]
pub struct GroupDocument<'a> {
    /// The users' emails, sorted.
    pub users: &'a [String],
    /// New, removed or changed.
    pub status: Status,
    /// The highest risk of its changes.
    pub risk: Risk,
    /// The grants gained: positions in the document's `grants`.
    pub gained: Vec<usize>,
    /// The grants lost: positions in the document's `grants`.
    pub lost: Vec<usize>,
    /// Scopes that change kind.
    #[serde(default, skip_serializing_if = "<[ScopeShift]>::is_empty")]
    pub changed: &'a [ScopeShift],
}

/// The counts a plan opens with.
#[derive(Serialize, JsonSchema)]
pub struct Summary {
    /// Operations creating an object.
    pub create: usize,
    /// Operations changing an object.
    pub update: usize,
    /// Operations removing an object.
    pub delete: usize,
    /// Manual steps.
    pub manual: usize,
    /// Users whose access changes.
    pub users_affected: usize,
    /// Grant changes per risk level (counted once per group), and the users they reach.
    pub risk: RiskSummary,
}

/// Grant changes per risk level.
#[derive(Serialize, JsonSchema)]
pub struct RiskSummary {
    /// Super admin, account settings, export, import, delete over everything.
    pub critical: RiskCount,
    /// `everything` scopes, reassigning owners.
    pub high: RiskCount,
    /// The rest.
    pub normal: RiskCount,
}

/// How many grant changes of one level, reaching how many users.
#[derive(Serialize, JsonSchema)]
pub struct RiskCount {
    /// Grant changes (once per group).
    pub changes: usize,
    /// Users of the groups with such a change.
    pub users: usize,
}

/// One operation.
#[derive(Serialize, JsonSchema)]
pub struct ChangeDocument<'a> {
    /// Its position in `changes`.
    pub index: usize,
    /// Create, update or delete.
    pub action: Action,
    /// `team`, `role`, `user` or `asset`.
    pub kind: &'static str,
    /// The policy key (for objects only the portal has: name or email).
    pub key: &'a str,
    /// The name shown in the portal.
    pub name: &'a str,
    /// The portal id (absent for creates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portal_id: Option<&'a str>,
    /// Whether teamform performs it (`false`: a manual step).
    pub automatic: bool,
    /// A create's values, field to value (absent for updates and deletes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Values<'a>>,
    /// The field changes of an update or a delete (absent for creates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<&'a [FieldChange]>,
    /// Indexes of the changes that must run first.
    pub depends_on: &'a [usize],
    /// For what the portal cannot read back: why the step stays until confirmed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<Confirm>,
}

/// A create's field changes as an object, field to value, in their order: shorter than a
/// list of changes with no `before` (a first plan of a large org has hundreds of thousands).
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct Values<'a>(
    #[schemars(with = "std::collections::BTreeMap<String, String>")] &'a [FieldChange],
);

impl Values<'_> {
    /// `changes` as values when they are a create's: each field once, with no value before.
    fn of(changes: &[FieldChange]) -> Option<Values<'_>> {
        let distinct = changes
            .iter()
            .enumerate()
            .all(|(i, c)| changes[..i].iter().all(|d| d.field != c.field));
        let created = changes.iter().all(|c| c.before.is_none());
        (distinct && created).then_some(Values(changes))
    }
}

impl Serialize for Values<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            self.0
                .iter()
                .map(|c| (&c.field, c.after.as_deref().unwrap_or_default())),
        )
    }
}

/// The plan as a JSON document; with `expand`, every team and asset per user too.
pub fn document(plan: &Plan, expand: bool) -> PlanDocument<'_> {
    let (grants, access) = grant_table(&plan.groups);
    let changes = plan
        .changes
        .iter()
        .enumerate()
        .map(|(index, op)| change_document(index, op))
        .collect();
    document_with(plan, expand, (grants, access, changes))
}

/// The document of the operation at `index`.
fn change_document(index: usize, op: &crate::op::Op) -> ChangeDocument<'_> {
    // A create's changes as values, when they read as values (each field once).
    let values = match op.action {
        Action::Create => Values::of(&op.changes),
        _ => None,
    };
    ChangeDocument {
        index,
        action: op.action,
        kind: op.kind.as_str(),
        key: &op.key,
        name: &op.name,
        portal_id: op.portal_id.as_deref(),
        automatic: op.automatic,
        fields: values.is_none().then_some(op.changes.as_slice()),
        values,
        depends_on: &op.depends_on,
        confirm: op.confirm,
    }
}

/// [`document`], with its grant table, groups and operations given.
fn document_with<G, A, C>(
    plan: &Plan,
    expand: bool,
    (grants, access, changes): (G, A, C),
) -> PlanDocument<'_, G, A, C> {
    let counts = plan.counts();
    let n = |a: Action| counts.get(&a).copied().unwrap_or(0);
    let risk = super::access::risk_counts(plan);
    let count = |level: Risk| {
        risk.iter().find(|(r, _, _)| *r == level).map_or(
            RiskCount {
                changes: 0,
                users: 0,
            },
            |(_, changes, users)| RiskCount {
                changes: *changes,
                users: *users,
            },
        )
    };
    PlanDocument {
        format_version: JSON_FORMAT_VERSION,
        portal: &plan.portal,
        summary: Summary {
            create: n(Action::Create),
            update: n(Action::Update),
            delete: n(Action::Delete),
            manual: plan.manual_steps.len(),
            users_affected: plan.access.len(),
            risk: RiskSummary {
                critical: count(Risk::Critical),
                high: count(Risk::High),
                normal: count(Risk::Normal),
            },
        },
        refusals: &plan.refusals,
        changes,
        grants,
        access,
        expanded: expand.then_some(plan.access.as_slice()),
        records: &plan.records,
        manual_steps: &plan.manual_steps,
        unverifiable: &plan.unverifiable,
        handovers: &plan.handovers,
        expirations: &plan.expirations,
        left_alone: plan.left_alone,
    }
}

/// The grant changes of `groups`, each once in order of first use, and the groups referring
/// to them by position. The grants are hashed on every thread (a first plan of a large org
/// has hundreds of thousands), then numbered in order, compared only when hashes are equal.
fn grant_table<'p>(groups: &'p [AccessGroup]) -> (Vec<&'p GrantChange>, Vec<GroupDocument<'p>>) {
    let hash = |c: &GrantChange| crate::distinct::hash(c);
    let hashes: Vec<(Vec<u64>, Vec<u64>)> = crate::par::map(groups, |g| {
        (
            g.grants.gained.iter().map(hash).collect(),
            g.grants.lost.iter().map(hash).collect(),
        )
    });
    let mut table: Vec<&GrantChange> = Vec::new();
    let mut distinct = crate::distinct::Distinct::default();
    let mut refer = |changes: &'p crate::GrantList, hashes: &[u64]| -> Vec<usize> {
        changes
            .iter()
            .zip(hashes)
            .map(|(c, h)| {
                distinct
                    .find_or_add(*h, |at| table[at] == c)
                    .unwrap_or_else(|next| {
                        table.push(c);
                        next
                    })
            })
            .collect()
    };
    let mut out = Vec::with_capacity(groups.len());
    for (g, (gained_hashes, lost_hashes)) in groups.iter().zip(&hashes) {
        let gained = refer(&g.grants.gained, gained_hashes);
        let lost = refer(&g.grants.lost, lost_hashes);
        out.push(GroupDocument {
            users: &g.users,
            status: g.status,
            risk: g.risk,
            gained,
            lost,
            changed: &g.grants.changed,
        });
    }
    (table, out)
}

/// The plan as JSON, on one line (a first plan of a large org is tens of megabytes: `jq .`
/// indents it); with `expand`, every team and asset per user too.
pub fn json(plan: &Plan, expand: bool) -> String {
    let mut text = serde_json::to_string(&document(plan, expand)).unwrap_or_default();
    text.push('\n');
    text
}

/// [`json`], written to `w` as it is made: the plan of a large org is tens of megabytes, which
/// are then never held whole (nor copied each time a growing text outgrows its memory). The
/// operations, the grants and the groups are serialized by this thread and another
/// ([`super::parts`]), the other a few chunks ahead, while this one writes them in order. The
/// other thread first makes the grant table while this one writes the first operations. The
/// text is the same as [`json`]'s.
pub fn write_json(w: &mut impl std::io::Write, plan: &Plan, expand: bool) -> std::io::Result<()> {
    use super::parts::{Closing, Help, Later, Relay};
    use std::sync::OnceLock;
    let changes = Relay::new(&plan.changes, change_document);
    // The grant table and the lists of grants and groups, made once, by whichever thread
    // needs them first (a thread that panics making them leaves them to the other).
    let (table, lists) = (OnceLock::new(), OnceLock::new());
    let made = || {
        lists.get_or_init(|| {
            let (grants, groups) = table.get_or_init(|| grant_table(&plan.groups));
            (
                Relay::new(grants, |_, g: &&GrantChange| *g),
                Relay::new(groups, |_, g: &GroupDocument| g),
            )
        })
    };
    // The writer, once stopped, closes the operations, then the lists made by then; the
    // helper, once it made the lists, helps only while the operations are not closed. So
    // lists the helper helps with are closed when the writer stops.
    std::thread::scope(|s| {
        s.spawn(|| {
            let (grants, groups) = made();
            if changes.is_closed() {
                return;
            }
            let lists: [&dyn Help; 3] = [&changes, grants, groups];
            lists.iter().for_each(|list| list.help());
        });
        let _closing = Closing(|| {
            changes.close();
            if let Some((grants, groups)) = lists.get() {
                grants.close();
                groups.close();
            }
        });
        let parts = (Later(|| &made().0), Later(|| &made().1), &changes);
        let doc = document_with(plan, expand, parts);
        serde_json::to_writer(&mut *w, &doc).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })
}

/// The JSON Schema of [`json`]'s output.
pub fn plan_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(PlanDocument<'static>)).unwrap_or_default()
}
