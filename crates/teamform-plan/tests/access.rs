//! Property test of the access diff's shortcuts: when a plan changes only users, `make_plan`
//! compares the access of the users it changes, not of everyone; and for a user who keeps
//! the same teams, asset visibility is not compared. For a random policy and a portal holding
//! the same teams, roles and assets but other users (some the same, some changed, some only
//! on one side), the plan's access diff must equal both the diff of every user's access
//! computed the long way (the whole live side as a policy, compiled) and a naive reference:
//! every line of every user on both sides, compared one by one.

mod common;

use common::spec::{Spec, spec};
use common::{CompiledPolicy, apply, compile_valid, plan, read_live};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use std::collections::BTreeMap;
use teamform_compiler::UserId;
use teamform_compiler::compile_access;
use teamform_plan::{
    AccessLine, HolderGroup, RecordsAccess, Side, Status, UserAccessDiff, access_diff, bindings,
    desired, live_policy, user_access_lines,
};
use teamform_portal::ObjectKind;

/// `policy` with the users of `other`, their teams and roles taken modulo the policy's
/// (each user keeps a valid primary team, distinct additional teams, and a role or super
/// admin status).
fn with_users_of(policy: &Spec, other: &Spec) -> Spec {
    let mut out = policy.clone();
    let teams = policy.teams.len();
    out.users = other
        .users
        .iter()
        .map(|u| {
            let mut u = u.clone();
            u.team %= teams;
            let mut extra: Vec<usize> = Vec::new();
            for t in u.teams.iter().map(|t| t % teams) {
                if t != u.team && !extra.contains(&t) {
                    extra.push(t);
                }
            }
            u.teams = extra;
            u.role = u.role.map(|r| r % policy.roles.len());
            u
        })
        .collect();
    out
}

/// The users of `a` followed by those of `b` whose email (whatever the case) `a` lacks.
fn merged(a: &Spec, b: &Spec) -> Spec {
    let mut out = a.clone();
    for u in &b.users {
        if !out
            .users
            .iter()
            .any(|v| v.email.eq_ignore_ascii_case(&u.email))
        {
            out.users.push(u.clone());
        }
    }
    out
}

/// Every user's access lines on both sides, compared line by line: desired users in policy
/// order (matched by email whatever the case), then the live users no longer in the policy.
fn naive(live: &Side<'_>, desired: &Side<'_>) -> Vec<UserAccessDiff> {
    let lines = |side: &Side<'_>, i: usize| user_access_lines(side, UserId(i as u32));
    let live_by_email: BTreeMap<String, usize> = live
        .policy
        .users
        .iter()
        .enumerate()
        .map(|(i, u)| (u.key.value.to_lowercase(), i))
        .collect();
    let only = |a: &BTreeMap<String, String>, b: &BTreeMap<String, String>| {
        a.iter()
            .filter(|(k, _)| !b.contains_key(*k))
            .map(|(access, via)| AccessLine {
                access: access.clone(),
                via: via.clone(),
            })
            .collect::<Vec<_>>()
    };
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, u) in desired.policy.users.iter().enumerate() {
        let email = u.key.value.to_lowercase();
        let after = lines(desired, i);
        let (status, before) = match live_by_email.get(&email) {
            Some(l) => (Status::Changed, lines(live, *l)),
            None => (Status::New, BTreeMap::new()),
        };
        seen.insert(email);
        let (gained, lost) = (only(&after, &before), only(&before, &after));
        if status == Status::New || !gained.is_empty() || !lost.is_empty() {
            out.push(UserAccessDiff {
                user: u.key.value.clone(),
                status,
                gained,
                lost,
                changed: Vec::new(),
                grants: Default::default(),
            });
        }
    }
    for (i, u) in live.policy.users.iter().enumerate() {
        if !seen.contains(&u.key.value.to_lowercase()) {
            out.push(UserAccessDiff {
                user: u.key.value.clone(),
                status: Status::Removed,
                gained: Vec::new(),
                lost: only(&lines(live, i), &BTreeMap::new()),
                changed: Vec::new(),
                grants: Default::default(),
            });
        }
    }
    out.into_iter().map(paired).collect()
}

/// The scope a line grants, read from its text: (action, object) and `all`, `own` or the
/// team's name.
fn scope_line(text: &str) -> Option<((String, String), Scoped)> {
    let (action, rest) = text.split_once(' ')?;
    if !["view", "edit", "delete"].contains(&action) {
        return None;
    }
    let key = |o: &str| (action.to_string(), o.to_string());
    if let Some(object) = rest.strip_prefix("all ") {
        return Some((key(object), Scoped::All));
    }
    if let Some(object) = rest.strip_prefix("own ") {
        return Some((key(object), Scoped::Own));
    }
    let (object, team) = rest.split_once(" of team ")?;
    Some((key(object), Scoped::Team(team.to_string())))
}

#[derive(Clone, Debug, PartialEq)]
enum Scoped {
    All,
    Own,
    Team(String),
}

/// The reference's scope changes: a CRM action whose lines lost and gained grant scopes of
/// different kinds is one change (`owned → team A`), as the plan shows it.
fn paired(mut d: UserAccessDiff) -> UserAccessDiff {
    type Group = BTreeMap<(String, String), Vec<(Scoped, AccessLine)>>;
    let group = |lines: &[AccessLine]| {
        let mut g = Group::new();
        for l in lines {
            if let Some((key, scoped)) = scope_line(&l.access) {
                g.entry(key).or_default().push((scoped, l.clone()));
            }
        }
        g
    };
    let text = |v: &[(Scoped, AccessLine)]| -> String {
        let mut teams: Vec<&str> = Vec::new();
        for (s, _) in v {
            match s {
                Scoped::All => return "everything".to_string(),
                Scoped::Own => return "owned".to_string(),
                Scoped::Team(t) => teams.push(t),
            }
        }
        teams.sort_unstable();
        match teams.len() {
            1 => format!("team {}", teams[0]),
            2 | 3 => format!("teams {}", teams.join(", ")),
            n => format!("teams {} and {} more", teams[..3].join(", "), n - 3),
        }
    };
    let kind = |s: &Scoped| match s {
        Scoped::All => 0,
        Scoped::Own => 1,
        Scoped::Team(_) => 2,
    };
    let (lost, gained) = (group(&d.lost), group(&d.gained));
    for (key, old) in &lost {
        let Some(new) = gained.get(key) else { continue };
        if kind(&old[0].0) == kind(&new[0].0) {
            continue;
        }
        d.lost.retain(|l| !old.iter().any(|(_, o)| o == l));
        d.gained.retain(|l| !new.iter().any(|(_, n)| n == l));
        let via = new
            .iter()
            .map(|(_, l)| l)
            .min_by(|a, b| a.access.cmp(&b.access))
            .map(|l| l.via.clone())
            .unwrap_or_default();
        d.changed.push(teamform_plan::ScopeChange {
            access: format!("{} {}", key.0, key.1),
            before: text(old),
            after: text(new),
            via,
        });
    }
    d.changed.sort_by(|a, b| a.access.cmp(&b.access));
    d
}

fn check(policy: &Spec, other: &Spec) -> Result<(), TestCaseError> {
    let fail = |e: Box<dyn std::error::Error>| TestCaseError::fail(e.to_string());
    let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
    let path = dir.path().join("sandbox.json");
    // The portal: the policy's org with partly other users, some of the policy's kept.
    let live_spec = merged(&with_users_of(policy, other), policy);
    let live_policy_compiled = compile_valid(&live_spec.files()).map_err(fail)?;
    apply(&live_policy_compiled, &path).map_err(fail)?;

    let new = compile_valid(&policy.files()).map_err(fail)?;
    let made = plan(&new, &path).map_err(fail)?;
    prop_assert!(
        made.changes.iter().all(|o| o.kind == ObjectKind::User),
        "the plan changes more than users: {:?}",
        made.changes.iter().map(|o| o.address()).collect::<Vec<_>>()
    );

    let records = the_long_way(&new, &path, &made)?;
    for u in &made.access {
        agree(u)?;
    }
    prop_assert_eq!(
        made.groups.iter().map(|g| g.users.len()).sum::<usize>(),
        made.access.len()
    );
    prop_assert_eq!(&made.records, &records);
    // Without `--expand`, the same grants and groups, and no lines.
    let short = common::plan_in(&new, &path, teamform_plan::Detail::Grants).map_err(fail)?;
    prop_assert_eq!(&short.groups, &made.groups);
    prop_assert_eq!(short.access.len(), made.access.len());
    for (s, m) in short.access.iter().zip(&made.access) {
        prop_assert_eq!(
            (&s.user, s.status, &s.grants),
            (&m.user, m.status, &m.grants)
        );
        prop_assert!(s.gained.is_empty() && s.lost.is_empty() && s.changed.is_empty());
    }
    Ok(())
}

/// The grant view of a user's access changes and the expanded view (one line per team and
/// asset) agree: every grant expands to as many lines as it says, with the same reasons, and
/// every line is in one grant.
fn agree(u: &UserAccessDiff) -> Result<(), TestCaseError> {
    use teamform_plan::{Grant, GrantScope};
    for (grants, lines) in [(&u.grants.gained, &u.gained), (&u.grants.lost, &u.lost)] {
        let mut expanded = 0;
        for g in grants {
            let via = g.via.text();
            let count = match &g.grant {
                Grant::Crm {
                    scope: GrantScope::Teams { .. },
                    ..
                } => {
                    prop_assert!(false, "team scopes are TeamRecords: {}", g.grant.text());
                    0
                }
                Grant::TeamRecords { access, teams } => {
                    let said: usize = teams.iter().map(|t| 1 + t.sub_teams).sum();
                    let mut total = 0;
                    for a in access {
                        for object in &a.objects {
                            let prefix = format!("{} {object} of team ", a.action);
                            let n = lines
                                .iter()
                                .filter(|l| l.access.starts_with(&prefix) && l.via == via)
                                .count();
                            prop_assert_eq!(n, said, "{} in {:?}", g.grant.text(), lines);
                            total += said;
                        }
                    }
                    total
                }
                Grant::Assets { count, .. } => *count,
                other => {
                    let text = other.text();
                    prop_assert!(
                        lines.iter().any(|l| l.access == text && l.via == via),
                        "{} ({}) not in {:?}",
                        text,
                        via,
                        lines
                    );
                    1
                }
            };
            expanded += count;
        }
        let assets = lines
            .iter()
            .filter(|l| l.access.starts_with("see "))
            .count();
        let said: usize = grants
            .iter()
            .filter_map(|g| match g.grant {
                Grant::Assets { count, .. } => Some(count),
                _ => None,
            })
            .sum();
        prop_assert_eq!(assets, said, "asset lines of {}", u.user);
        prop_assert_eq!(
            expanded,
            lines.len(),
            "every line of {} is in a grant",
            u.user
        );
    }
    prop_assert_eq!(u.grants.changed.len(), u.changed.len());
    Ok(())
}

/// Who gains and loses team-scope access over the records of every user whose teams differ,
/// asked of the compiler's `who-can --owned-by` on each side, action by action.
fn naive_records(live: &Side<'_>, desired: &Side<'_>) -> Vec<RecordsAccess> {
    use teamform_compiler::{WhoCanTarget, who_can};
    use teamform_model::{CrmAction, CrmObject, Scope};
    let teams = |u: &teamform_model::User| {
        let mut t: Vec<String> = u
            .team
            .iter()
            .chain(&u.teams)
            .map(|t| t.value.clone())
            .collect();
        t.sort();
        t.dedup();
        t
    };
    let holders = |side: &Side<'_>, owner: UserId| {
        let mut out: BTreeMap<String, Vec<(CrmAction, CrmObject)>> = BTreeMap::new();
        for object in CrmObject::ALL {
            for action in CrmAction::ALL {
                for w in who_can(
                    side.policy,
                    side.compiled,
                    WhoCanTarget::Crm(*object, *action),
                    Some(owner),
                    None,
                ) {
                    if w.how == "team" && w.user != owner {
                        let email = side.policy.users[w.user.index()].key.value.to_lowercase();
                        out.entry(email).or_default().push((*action, *object));
                    }
                }
            }
        }
        out
    };
    let scope = |side: &Side<'_>, email: &str, (a, o): (CrmAction, CrmObject)| {
        side.compiled
            .index
            .user(email)
            .map_or(Scope::None, |u| side.compiled.access.user(u).scope(o, a))
    };
    let written = |side: &Side<'_>, email: &str| {
        side.compiled
            .index
            .user(email)
            .map_or(email.to_string(), |u| {
                side.policy.users[u.index()].key.value.clone()
            })
    };
    let mut out = Vec::new();
    for (d, user) in desired.policy.users.iter().enumerate() {
        let email = user.key.value.to_lowercase();
        let Some(l) = live.compiled.index.user(&email) else {
            continue;
        };
        if teams(user) == teams(&live.policy.users[l.index()]) {
            continue;
        }
        let (was, will) = (holders(live, l), holders(desired, UserId(d as u32)));
        let diff = |from: &BTreeMap<String, Vec<(CrmAction, CrmObject)>>,
                    to: &BTreeMap<String, Vec<(CrmAction, CrmObject)>>,
                    other: &Side<'_>,
                    shown: &Side<'_>| {
            let mut groups: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
            for (holder, actions) in to {
                let mut access: Vec<String> = actions
                    .iter()
                    .filter(|a| !from.get(holder).is_some_and(|f| f.contains(a)))
                    .filter(|a| scope(other, holder, **a) != Scope::Everything)
                    .map(|(a, o)| format!("{a} {o}"))
                    .collect();
                if access.is_empty() {
                    continue;
                }
                access.sort();
                groups
                    .entry(access)
                    .or_default()
                    .push(written(shown, holder));
            }
            groups
                .into_iter()
                .map(|(access, mut users)| {
                    users.sort();
                    HolderGroup { users, access }
                })
                .collect::<Vec<_>>()
        };
        let gained = diff(&was, &will, live, desired);
        let lost = diff(&will, &was, desired, live);
        if gained.is_empty() && lost.is_empty() {
            continue;
        }
        out.push(RecordsAccess {
            owner: user.key.value.clone(),
            gained,
            lost,
        });
    }
    out.sort_by(|a, b| a.owner.cmp(&b.owner));
    out
}

/// A reorganisation: the portal holds `policy`, and the policy gives its teams other parents
/// (each among the teams before it, so still a forest). Teams change, so the whole live side
/// is compiled, and users whose direct teams sit differently in the two trees are compared
/// by the subtrees they cover: the plan's access diff must equal the long way's and the
/// naive reference.
fn check_reorganisation(
    policy: &Spec,
    parents: &[prop::sample::Index],
) -> Result<(), TestCaseError> {
    let fail = |e: Box<dyn std::error::Error>| TestCaseError::fail(e.to_string());
    let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
    let path = dir.path().join("sandbox.json");
    apply(&compile_valid(&policy.files()).map_err(fail)?, &path).map_err(fail)?;
    let mut moved = policy.clone();
    for (i, team) in moved.teams.iter_mut().enumerate() {
        team.parent = (i > 0)
            .then(|| parents[i % parents.len()].index(i + 1))
            .filter(|p| *p < i);
    }
    let new = compile_valid(&moved.files()).map_err(fail)?;
    let made = plan(&new, &path).map_err(fail)?;
    the_long_way(&new, &path, &made)?;
    Ok(())
}

/// Checks the plan `made` of `new` against the portal at `path` the long way: its access diff
/// equals the one of the whole live side compiled and compared with the policy, and its lines
/// the naive reference's. Returns the naive reference's records diff.
fn the_long_way(
    new: &CompiledPolicy,
    path: &std::path::Path,
    made: &teamform_plan::Plan,
) -> Result<Vec<RecordsAccess>, TestCaseError> {
    let fail = |e: Box<dyn std::error::Error>| TestCaseError::fail(e.to_string());
    let live = read_live(path).map_err(fail)?;
    let bound = bindings(&desired(&new.load.policy), &live);
    let everyone = live_policy(&live, &bound, false, &|_| None);
    let everyone_compiled = compile_access(&everyone);
    let live_side = Side {
        policy: &everyone,
        compiled: &everyone_compiled,
    };
    let desired_side = Side {
        policy: &new.load.policy,
        compiled: &new.compiled,
    };
    prop_assert_eq!(&made.access, &access_diff(&live_side, &desired_side, true));
    let lines_only: Vec<UserAccessDiff> = (made.access.iter().cloned())
        .map(|u| UserAccessDiff {
            grants: Default::default(),
            ..u
        })
        .collect();
    prop_assert_eq!(&lines_only, &naive(&live_side, &desired_side));
    Ok(naive_records(&live_side, &desired_side))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_plan_changing_only_users_has_the_access_diff_of_every_user(
        policy in spec(),
        other in spec(),
    ) {
        check(&policy, &other)?;
    }

    #[test]
    fn a_reorganisation_has_the_access_diff_of_every_user(
        policy in spec(),
        parents in prop::collection::vec(any::<prop::sample::Index>(), 5),
    ) {
        check_reorganisation(&policy, &parents)?;
    }
}
