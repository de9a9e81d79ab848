//! Staleness: whether the objects a saved plan touches changed since it was made.

use std::collections::{BTreeMap, BTreeSet};
use teamform_plan::{Action, Plan};
use teamform_portal::{Change, LiveState, ObjectKind};

/// Each object the plan touches that changed since the plan was made, with what changed.
/// Operations already done or possibly done (`skip`, from the journal of an interrupted
/// apply) are not checked: the apply changed them itself.
pub fn stale_objects(plan: &Plan, now: &LiveState, skip: &BTreeSet<usize>) -> Vec<String> {
    let current: BTreeMap<String, String> = now.fingerprints();
    let mut out = Vec::new();
    for (i, op) in plan.changes.iter().enumerate() {
        if skip.contains(&i) {
            continue;
        }
        match (&op.portal_id, op.action) {
            (Some(id), _) => {
                let address = format!("{}:{id}", op.kind.as_str());
                match (plan.fingerprints.get(&address), current.get(&address)) {
                    (Some(_), None) => out.push(format!(
                        "{} `{}` was deleted from the portal since the plan",
                        op.kind.as_str(),
                        op.key
                    )),
                    (Some(before), Some(after)) if before != after => {
                        out.push(format!(
                            "{} `{}` changed in the portal since the plan",
                            op.kind.as_str(),
                            op.key
                        ));
                    }
                    _ => {}
                }
            }
            (None, Action::Create) => {
                let exists = match &op.change {
                    Change::CreateTeam { name, .. } => now.teams.iter().any(|t| &t.name == name),
                    Change::CreateRole { name, .. } => now.roles.iter().any(|r| &r.name == name),
                    Change::CreateUser { email, .. } => now
                        .users
                        .iter()
                        .any(|u| teamform_email::same(&u.email, email)),
                    Change::CreateAsset { kind, name, .. } => now
                        .assets
                        .iter()
                        .any(|a| &a.kind == kind && &a.name == name),
                    _ => false,
                };
                if exists {
                    let what = if op.kind == ObjectKind::User {
                        ""
                    } else {
                        " named"
                    };
                    out.push(format!(
                        "a {}{what} `{}` was created in the portal since the plan",
                        op.kind.as_str(),
                        if op.kind == ObjectKind::User {
                            &op.key
                        } else {
                            &op.name
                        }
                    ));
                }
            }
            _ => {}
        }
    }
    out
}
