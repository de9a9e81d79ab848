//! The live side of a plan's access diff: the live state seen as a policy and compiled, to
//! compare with the policy. When a plan changes only users, only the changed users' access
//! can differ, and the live org (teams, roles, assets) is the policy's: the live side is then
//! just those users, placed in the policy's org.

use crate::access::{
    Detail, RecordsAccess, Side, UserAccessDiff, lower, placed_diff_of, placed_records_diff,
    plan_access_diff, plan_records_diff,
};
use crate::diff::Diff;
use crate::live_policy::LiveOrg;
use crate::matching::Bindings;
use std::collections::HashSet;
use teamform_compiler::{Compiled, compile_access, place_users};
use teamform_model::Policy;
use teamform_portal::{Capabilities, LiveState, ObjectKind};

/// When only users change, the users whose access may differ between the live portal and
/// the policy: those of the user operations (lowercased emails). Every other user then has
/// the same record on both sides, under the same teams, roles and asset partitions, so the
/// same access. `None` when a team, role or asset changes, or when an asset's partition
/// cannot be read back, as that may change anyone's access.
pub fn changed_users(d: &Diff, caps: Capabilities) -> Option<HashSet<String>> {
    only_users_change(d, caps).then(|| user_ops(d))
}

/// Whether a diff changes users only (see [`changed_users`]).
pub(crate) fn only_users_change(d: &Diff, caps: Capabilities) -> bool {
    d.ops.iter().all(|o| o.kind == ObjectKind::User)
        && !(caps.of(ObjectKind::Asset).read
            && d.unverifiable.iter().any(|u| u.starts_with("asset:")))
}

/// The users of a diff's user operations (lowercased emails).
pub(crate) fn user_ops(d: &Diff) -> HashSet<String> {
    d.ops
        .iter()
        .filter(|o| o.kind == ObjectKind::User)
        .map(|o| lower(&o.key).into_owned())
        .collect()
}

/// The live side's teams, roles and managed assets: a role the portal cannot read back is
/// assumed to hold what the policy gives the role bound to it (unverifiable, so assumed
/// equal).
fn live_org<'a>(policy: &Policy, live: &'a LiveState, bound: &Bindings) -> LiveOrg<'a> {
    let keys: foldhash::HashMap<&str, &str> = bound
        .roles
        .iter()
        .map(|(key, id)| (id.as_str(), key.as_str()))
        .collect();
    let assumed = |id: &str| {
        let key = keys.get(id)?;
        let role = policy.roles.iter().find(|r| r.key.value == *key)?;
        Some((role.crm.clone(), role.tools.clone(), role.account.clone()))
    };
    let reserved: Vec<&str> = policy.teams.iter().map(|t| t.key.value.as_str()).collect();
    LiveOrg::new(live, bound, false, &assumed, &reserved)
}

/// The live side as compiled, handed back so that the caller drops it off its critical path.
pub(crate) type Leftover = Option<(Policy, Compiled)>;

/// The access diff of a plan: the live portal's access against the policy's. When only
/// users change (`only`, see [`changed_users`]), the live org is the policy's, so the changed
/// live users are placed in the policy's org ([`teamform_compiler::place_users`]); else the
/// whole live side ([`crate::live_policy`]) is compiled. The expanded lines are computed
/// only with [`Detail::Expanded`], as plans do for `--expand`.
pub fn access_changes(
    policy: (&Policy, &Compiled),
    live: &LiveState,
    bound: &Bindings,
    only: Option<&HashSet<String>>,
    (caps, detail): (Capabilities, Detail),
) -> Vec<UserAccessDiff> {
    access_changes_leaving(policy, live, bound, (only, &HashSet::new()), (caps, detail))
        .0
        .0
}

/// [`access_changes`] (in `detail`) and who gains and loses access over the records of the
/// users of `owners` (the plan's user operations, lowercased emails) whose teams change, with
/// what is left to drop.
pub(crate) fn access_changes_leaving(
    policy: (&Policy, &Compiled),
    live: &LiveState,
    bound: &Bindings,
    (only, owners): (Option<&HashSet<String>>, &HashSet<String>),
    (caps, detail): (Capabilities, Detail),
) -> ((Vec<UserAccessDiff>, Vec<RecordsAccess>), Leftover) {
    let desired = Side {
        policy: policy.0,
        compiled: policy.1,
    };
    match only {
        // No user changes, and nothing else does either: no one's access changes.
        Some(only) if only.is_empty() => ((Vec::new(), Vec::new()), None),
        Some(only) => {
            let mut users = LiveOrg::keys_only(live, bound);
            users.add_users(&|u| only.contains(&*lower(&u.email)));
            let users = users.policy.users;
            let placed = place_users(policy.0, policy.1, &users);
            // Who may act on whose records reads the same sides: on a thread of its own.
            let both = std::thread::scope(|s| {
                let records = s.spawn(|| placed_records_diff(&users, &placed, &desired, only));
                let changes = placed_diff_of(
                    &users,
                    &placed,
                    &desired,
                    (caps.of(ObjectKind::Asset).read, detail),
                    only,
                );
                let records = records
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
                (changes, records)
            });
            (both, None)
        }
        None => {
            let mut org = live_org(policy.0, live, bound);
            org.add_users(&|_| true);
            let compiled = compile_access(&org.policy);
            let live = Side {
                policy: &org.policy,
                compiled: &compiled,
            };
            let changes =
                plan_access_diff(&live, &desired, (caps.of(ObjectKind::Asset).read, detail));
            let records = plan_records_diff(&live, &desired, owners);
            ((changes, records), Some((org.policy, compiled)))
        }
    }
}
