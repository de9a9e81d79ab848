//! The live side of a plan's access diff: the live state seen as a policy and compiled, to
//! compare with the policy. When a plan changes only users, only the changed users' access
//! can differ, so the live side holds just those users.

use crate::access::{Side, UserAccessDiff, access_diff, access_diff_of, lower};
use crate::diff::Diff;
use crate::live_policy::{Grants, LiveOrg};
use crate::matching::Bindings;
use std::collections::HashSet;
use teamform_compiler::{Compiled, compile_access};
use teamform_model::Policy;
use teamform_portal::{Capabilities, Kind, LiveState, LiveUser};

/// When only users change, the users whose access may differ between the live portal and
/// the policy: those of the user operations (lowercased emails). Every other user then has
/// the same record on both sides, under the same teams, roles and asset partitions, so the
/// same access. `None` when a team, role or asset changes, or when an asset's partition
/// cannot be read back, as that may change anyone's access.
pub fn changed_users(d: &Diff, caps: Capabilities) -> Option<HashSet<String>> {
    if d.ops.iter().any(|o| o.kind != Kind::User) {
        return None;
    }
    if caps.assets.read && d.unverifiable.iter().any(|u| u.starts_with("asset:")) {
        return None;
    }
    Some(d.ops.iter().map(|o| lower(&o.key).into_owned()).collect())
}

/// Whether a live user is among `only` (lowercased emails), or `only` is `None`.
fn kept(only: Option<&HashSet<String>>, u: &LiveUser) -> bool {
    only.is_none_or(|o| o.contains(&*lower(&u.email)))
}

/// The live state as a policy, for the access diff: everyone, or only the users in `only`
/// (lowercased emails); every team, role and managed asset. A role whose contents the portal
/// cannot read back takes what `unreadable` gives (see [`crate::live_policy`]).
pub fn live_side(
    live: &LiveState,
    bound: &Bindings,
    only: Option<&HashSet<String>>,
    unreadable: &dyn Fn(&str) -> Option<Grants>,
) -> Policy {
    let mut org = LiveOrg::new(live, bound, false, unreadable);
    org.add_users(&|u| kept(only, u));
    org.policy
}

/// The live side's teams, roles and managed assets (users come once the diff is known): a
/// role the portal cannot read back is assumed to hold what the policy gives the role bound
/// to it (unverifiable, so assumed equal).
pub(crate) fn live_org<'a>(policy: &Policy, live: &'a LiveState, bound: &Bindings) -> LiveOrg<'a> {
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
    LiveOrg::new(live, bound, false, &assumed)
}

/// The live side as compiled, handed back so that the caller drops it off its critical path.
pub(crate) type Leftover = Option<(Policy, Compiled)>;

/// The access diff: the live side (`org` and the users in `only`, or everyone) compiled,
/// against the policy; see [`changed_users`].
pub(crate) fn access_changes(
    mut org: LiveOrg<'_>,
    policy: (&Policy, &Compiled),
    only: Option<&HashSet<String>>,
    caps: Capabilities,
) -> (Vec<UserAccessDiff>, Leftover) {
    if only.is_some_and(HashSet::is_empty) {
        // No user changes, and nothing else does either: no one's access changes.
        return (Vec::new(), None);
    }
    org.add_users(&|u| kept(only, u));
    let live_compiled = compile_access(&org.policy);
    let live = Side {
        policy: &org.policy,
        compiled: &live_compiled,
    };
    let desired = Side {
        policy: policy.0,
        compiled: policy.1,
    };
    let changes = match only {
        Some(only) => access_diff_of(&live, &desired, caps.assets.read, only),
        None => access_diff(&live, &desired, caps.assets.read),
    };
    (changes, Some((org.policy, live_compiled)))
}
