//! Property test: for a random valid policy and a random live portal (made by applying a
//! second random policy to a fresh sandbox), planning, applying the plan and planning again
//! gives no changes, and the portal then holds exactly the policy's teams, roles and users.
//! The first plan's access diff is checked too: users only in the policy are `new`, users
//! only in the portal are `removed`.

mod common;

use common::spec::{ACTIONS, SCOPES, Spec, spec};
use common::{
    CompiledPolicy, TestResult, apply, compile_texts, compile_valid, plan, plan_summary, read_live,
};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Display;
use teamform_plan::Status;
use teamform_plan::render::{HumanStyle, human};
use teamform_plan::{Plan, parse_placeholder};
use teamform_portal::{Change, CrmPermission, LiveState, ObjectKind, Permissions};

impl Spec {
    fn expected(&self) -> Expected {
        let team_name = |i: usize| self.teams[i].name.clone();
        Expected {
            teams: self
                .teams
                .iter()
                .map(|t| (t.name.clone(), t.parent.map(team_name)))
                .collect(),
            roles: self
                .roles
                .iter()
                .map(|r| {
                    let mut p = Permissions::default();
                    for g in &r.crm {
                        if g.view > 0 || g.edit > 0 || g.delete {
                            p.crm.insert(
                                g.object.to_string(),
                                CrmPermission {
                                    view: SCOPES[g.view].to_string(),
                                    edit: SCOPES[g.edit].to_string(),
                                    delete: g.delete,
                                },
                            );
                        }
                    }
                    for (tool, level) in &r.tools {
                        p.tools.insert(
                            tool.to_string(),
                            ACTIONS[..*level].iter().map(|a| a.to_string()).collect(),
                        );
                    }
                    p.account = r.account.iter().map(|f| f.to_string()).collect();
                    (r.name.clone(), p)
                })
                .collect(),
            users: self
                .users
                .iter()
                .map(|u| {
                    let mut extra: Vec<String> = u.teams.iter().map(|t| team_name(*t)).collect();
                    extra.sort();
                    let mut seats: Vec<String> = u.seats.iter().map(|s| s.to_string()).collect();
                    seats.sort();
                    (
                        u.email.to_lowercase(),
                        UserView {
                            name: u.name.clone(),
                            role: u.role.map(|r| self.roles[r].name.clone()),
                            team: Some(team_name(u.team)),
                            teams: extra,
                            super_admin: u.super_admin,
                            seats,
                        },
                    )
                })
                .collect(),
            assets: self
                .assets
                .iter()
                .map(|a| {
                    let mut ts: Vec<String> = a.teams.iter().map(|t| team_name(*t)).collect();
                    ts.sort();
                    ((a.kind.to_string(), a.name.clone()), ts)
                })
                .collect(),
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
struct UserView {
    name: String,
    role: Option<String>,
    team: Option<String>,
    teams: Vec<String>,
    super_admin: bool,
    seats: Vec<String>,
}

/// A portal's contents by names, to compare with the policy's.
#[derive(Debug, PartialEq, Eq)]
struct Expected {
    /// Team name to parent name.
    teams: BTreeMap<String, Option<String>>,
    /// Role name to contents.
    roles: BTreeMap<String, Permissions>,
    /// Lowercase email to the user.
    users: BTreeMap<String, UserView>,
    /// `(type, name)` to the partition's team names (the managed assets only).
    assets: BTreeMap<(String, String), Vec<String>>,
}

/// The live state by names; fails on dangling ids and duplicate names or emails.
fn seen(live: &LiveState, managed: &BTreeSet<(String, String)>) -> Result<Expected, String> {
    let teams: HashMap<&str, &str> = live
        .teams
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str()))
        .collect();
    let roles: HashMap<&str, &str> = live
        .roles
        .iter()
        .map(|r| (r.id.as_str(), r.name.as_str()))
        .collect();
    let team = |id: &str| {
        teams
            .get(id)
            .map(|n| n.to_string())
            .ok_or_else(|| format!("dangling team id `{id}` in {live:#?}"))
    };
    let mut out = Expected {
        teams: BTreeMap::new(),
        roles: BTreeMap::new(),
        users: BTreeMap::new(),
        assets: BTreeMap::new(),
    };
    for t in &live.teams {
        let parent = t.parent_id.as_deref().map(team).transpose()?;
        if out.teams.insert(t.name.clone(), parent).is_some() {
            return Err(format!("two live teams named `{}`", t.name));
        }
    }
    for r in &live.roles {
        let p = r.permissions.clone().unwrap_or_default();
        if out.roles.insert(r.name.clone(), p).is_some() {
            return Err(format!("two live roles named `{}`", r.name));
        }
    }
    for u in &live.users {
        let role = match u.role_id.as_deref() {
            Some(id) => Some(
                roles
                    .get(id)
                    .map(|n| n.to_string())
                    .ok_or_else(|| format!("dangling role id `{id}`"))?,
            ),
            None => None,
        };
        let mut extra = u
            .additional_team_ids
            .iter()
            .map(|id| team(id))
            .collect::<Result<Vec<_>, _>>()?;
        extra.sort();
        let mut seats = u.seats.clone();
        seats.sort();
        let view = UserView {
            name: u.name.clone(),
            role,
            team: u.primary_team_id.as_deref().map(team).transpose()?,
            teams: extra,
            super_admin: u.super_admin,
            seats,
        };
        if out.users.insert(u.email.to_lowercase(), view).is_some() {
            return Err(format!("two live users with email `{}`", u.email));
        }
    }
    for a in &live.assets {
        let mut ts = a
            .team_ids
            .iter()
            .flatten()
            .map(|id| team(id))
            .collect::<Result<Vec<_>, _>>()?;
        ts.sort();
        let k = (a.kind.clone(), a.name.clone());
        if managed.contains(&k) && out.assets.insert(k, ts).is_some() {
            return Err(format!("two live {} assets named `{}`", a.kind, a.name));
        }
    }
    Ok(out)
}

trait OrFail<T> {
    fn or_fail(self) -> Result<T, TestCaseError>;
}

impl<T, E: Display> OrFail<T> for Result<T, E> {
    fn or_fail(self) -> Result<T, TestCaseError> {
        self.map_err(|e| TestCaseError::fail(e.to_string()))
    }
}

fn text(plan: &Plan) -> String {
    human(plan, HumanStyle::default())
}

/// The plan's structural invariants: dependencies point backwards, and every placeholder
/// refers to an object that an earlier operation of the plan creates.
fn check_plan_shape(plan: &Plan) -> Result<(), TestCaseError> {
    let mut created: BTreeSet<(ObjectKind, String)> = BTreeSet::new();
    for (i, op) in plan.changes.iter().enumerate() {
        prop_assert!(
            op.depends_on.iter().all(|d| *d < i),
            "operation {i} depends on a later one:\n{}",
            plan_summary(plan)
        );
        let mut ids: Vec<&str> = Vec::new();
        match &op.change {
            Change::CreateTeam { parent_id, .. } => ids.extend(parent_id.as_deref()),
            Change::UpdateTeam { parent_id, .. } => {
                ids.extend(parent_id.iter().flatten().map(String::as_str))
            }
            Change::CreateUser {
                role_id,
                primary_team_id,
                additional_team_ids,
                ..
            } => {
                ids.extend(role_id.as_deref());
                ids.extend(primary_team_id.as_deref());
                ids.extend(additional_team_ids.iter().map(String::as_str));
            }
            Change::UpdateUser {
                role_id,
                primary_team_id,
                additional_team_ids,
                ..
            } => {
                ids.extend(role_id.iter().flatten().map(String::as_str));
                ids.extend(primary_team_id.iter().flatten().map(String::as_str));
                ids.extend(additional_team_ids.iter().flatten().map(String::as_str));
            }
            Change::CreateAsset { team_ids, .. } => ids.extend(team_ids.iter().map(String::as_str)),
            Change::UpdateAsset { team_ids, .. } => {
                ids.extend(team_ids.iter().flatten().map(String::as_str))
            }
            _ => {}
        }
        for id in ids {
            if let Some((kind, key)) = parse_placeholder(id) {
                prop_assert!(
                    created.contains(&(kind, key.to_string())),
                    "operation {i} refers to `{id}` before it is created:\n{}",
                    plan_summary(plan)
                );
            }
        }
        if op.action == teamform_plan::Action::Create {
            created.insert((op.kind, op.key.clone()));
        }
    }
    Ok(())
}

/// The access diff of a plan made from `policy` against `live`: users only in the policy are
/// `new`, users only live are `removed`, the others `changed`.
fn check_access(plan: &Plan, policy: &Spec, live: &LiveState) -> Result<(), TestCaseError> {
    let wanted: BTreeSet<String> = policy
        .users
        .iter()
        .map(|u| u.email.to_lowercase())
        .collect();
    let had: BTreeSet<String> = live.users.iter().map(|u| u.email.to_lowercase()).collect();
    let mut new = BTreeSet::new();
    let mut removed = BTreeSet::new();
    for u in &plan.access {
        let email = u.user.to_lowercase();
        match u.status {
            Status::New => {
                new.insert(email);
            }
            Status::Removed => {
                removed.insert(email);
            }
            Status::Changed => prop_assert!(
                wanted.contains(&email) && had.contains(&email),
                "`{}` is `changed` but not both wanted and live",
                u.user
            ),
        }
    }
    let only_wanted: BTreeSet<String> = wanted.difference(&had).cloned().collect();
    let only_live: BTreeSet<String> = had.difference(&wanted).cloned().collect();
    prop_assert_eq!(new, only_wanted, "the `new` users");
    prop_assert_eq!(removed, only_live, "the `removed` users");
    Ok(())
}

fn check_state(path: &std::path::Path, policy: &Spec, what: &str) -> Result<(), TestCaseError> {
    let want = policy.expected();
    let managed: BTreeSet<(String, String)> = want.assets.keys().cloned().collect();
    let live = read_live(path).or_fail()?;
    let got = seen(&live, &managed).or_fail()?;
    prop_assert_eq!(&got.teams, &want.teams, "teams after {}", what);
    prop_assert_eq!(&got.roles, &want.roles, "roles after {}", what);
    prop_assert_eq!(&got.users, &want.users, "users after {}", what);
    prop_assert_eq!(&got.assets, &want.assets, "managed assets after {}", what);
    Ok(())
}

fn compile(spec: &Spec) -> Result<CompiledPolicy, TestCaseError> {
    compile_valid(&spec.files())
        .map_err(|e| TestCaseError::fail(format!("{e}\nfiles: {:#?}", spec.files())))
}

fn roundtrip(policy: &Spec, before: &Spec) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().or_fail()?;
    let path = dir.path().join("sandbox.json");

    // The live portal: the other policy applied to an empty sandbox.
    let old = compile(before)?;
    let (first, report) = apply(&old, &path).or_fail()?;
    prop_assert!(
        first
            .changes
            .iter()
            .all(|o| o.action == teamform_plan::Action::Create)
    );
    prop_assert_eq!(report.performed, first.changes.len());
    check_state(&path, before, "setting the live portal up")?;

    // The policy, applied to that portal.
    let new = compile(policy)?;
    let live = read_live(&path).or_fail()?;
    let (plan_a, report) = apply(&new, &path).or_fail()?;
    check_plan_shape(&plan_a)?;
    check_access(&plan_a, policy, &live)?;
    prop_assert!(plan_a.manual_steps.is_empty());
    prop_assert!(
        report.blocked.is_empty() && report.manual.is_empty(),
        "{:?}",
        report
    );
    prop_assert_eq!(report.performed, plan_a.changes.len());

    let again = plan(&new, &path).or_fail()?;
    prop_assert!(
        !again.has_changes(),
        "planning again after the apply still has changes:\n{}\nthe plan applied was:\n{}",
        text(&again),
        text(&plan_a)
    );
    prop_assert!(
        again.access.is_empty(),
        "no changes, yet an access diff:\n{}",
        text(&again)
    );
    check_state(&path, policy, "applying the plan")?;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn applying_a_plan_then_planning_again_gives_no_changes(policy in spec(), live in spec()) {
        roundtrip(&policy, &live)?;
    }
}

/// A policy that compiles without errors converges: applied to a fresh portal, planning again
/// gives no changes. (A policy the compiler rejects is never applied.)
fn converges_or_is_rejected(body: &str) -> TestResult {
    let source = format!(
        "[portal]\nname = \"Acme\"\ntiers = {{ marketing = \"enterprise\" }}\n\n\
         [team.a]\nname = \"A\"\n\n[team.b]\nname = \"B\"\n\n\
         [role.r]\nname = \"R\"\ncrm.contacts = {{ view = \"team\" }}\n\n{body}"
    );
    let policy = compile_texts(&[("policy.toml".to_string(), source)]);
    if !policy.errors().is_empty() {
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("sandbox.json");
    apply(&policy, &path)?;
    let again = plan(&policy, &path)?;
    if again.has_changes() {
        return Err(format!(
            "the policy compiles without errors, yet planning again after applying it has changes:\n{}",
            text(&again)
        )
        .into());
    }
    Ok(())
}

/// Assets are matched by type and name, so two assets of one type with one name cannot both
/// be managed: the second is "created" on every apply (the sandbox returns the first).
#[test]
fn two_assets_of_one_type_and_name_are_rejected_or_converge() -> TestResult {
    converges_or_is_rejected(
        "[user.\"ana@acme.example\"]\nname = \"Ana\"\nrole = \"r\"\nteam = \"a\"\nteams = [\"b\"]\n\n\
         [asset.form.contact-a]\nname = \"Contact us\"\nteams = [\"a\"]\n\n\
         [asset.form.contact-b]\nname = \"Contact us\"\nteams = [\"b\"]\n",
    )
}

/// Emails are compared without case everywhere (matching, the sandbox, the access diff), so
/// two users whose emails differ only in case are one login with two contradictory settings.
#[test]
fn two_users_whose_emails_differ_only_in_case_are_rejected_or_converge() -> TestResult {
    converges_or_is_rejected(
        "[user.\"ana@acme.example\"]\nname = \"Ana\"\nrole = \"r\"\nteam = \"a\"\n\n\
         [user.\"Ana@acme.example\"]\nname = \"Ana B\"\nrole = \"r\"\nteam = \"b\"\n",
    )
}

/// The guard of the two tests above: a policy without either problem converges.
#[test]
fn a_plain_policy_converges() -> TestResult {
    converges_or_is_rejected(
        "[user.\"ana@acme.example\"]\nname = \"Ana\"\nrole = \"r\"\nteam = \"a\"\nteams = [\"b\"]\n\n\
         [asset.form.contact-a]\nname = \"Contact us\"\nteams = [\"a\"]\n\n\
         [asset.form.contact-b]\nname = \"Contact us (B)\"\nteams = [\"b\"]\n",
    )
}
