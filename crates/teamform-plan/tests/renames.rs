//! Renames in the access diff: a plan compares teams and assets by policy key (the live
//! side's bound objects carry the policy's keys), so renaming a team changes nobody's access,
//! while a team replaced by another shows its members losing the old and gaining the new,
//! even when the old team's name makes the key of the new one.

mod common;

use common::{TestResult, apply, compile_texts, plan};
use teamform_plan::{Action, Plan};
use teamform_portal::ObjectKind;

const ROLE: &str = "[role.r]\nname = \"R\"\ncrm.contacts = { view = \"team\" }\n\n";

/// The plan of `after` against a sandbox holding `before`.
fn plan_between(before: &str, after: &str) -> TestResult<Plan> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("sandbox.json");
    let file = |body: &str| {
        vec![(
            "policy.toml".to_string(),
            format!(
                "[portal]\nname = \"Acme\"\ntiers = {{ marketing = \"enterprise\" }}\n\n{ROLE}{body}"
            ),
        )]
    };
    let old = compile_texts(&file(before));
    let new = compile_texts(&file(after));
    assert!(old.errors().is_empty(), "{:?}", old.errors());
    assert!(new.errors().is_empty(), "{:?}", new.errors());
    apply(&old, &path)?;
    plan(&new, &path)
}

/// The access lines of `user` in `plan`, gained then lost.
fn lines(plan: &Plan, user: &str) -> (Vec<String>, Vec<String>) {
    let Some(u) = plan.access.iter().find(|u| u.user == user) else {
        return (Vec::new(), Vec::new());
    };
    let text = |l: &teamform_plan::AccessLine| l.access.clone();
    (
        u.gained.iter().map(text).collect(),
        u.lost.iter().map(text).collect(),
    )
}

#[test]
fn renaming_a_team_changes_nobodys_access() -> TestResult {
    let user = "[user.\"ana@acme.example\"]\nname = \"Ana\"\nrole = \"r\"\nteam = \"sales\"\n\n\
                [asset.form.contact]\nname = \"Contact us\"\nteams = [\"sales\"]\n";
    let before = format!("[team.sales]\nname = \"Sales France\"\n\n{user}");
    let after =
        format!("[team.sales]\nname = \"Ventes France\"\npreviously = \"Sales France\"\n\n{user}");
    let made = plan_between(&before, &after)?;
    let ops: Vec<(ObjectKind, Action, &str)> = made
        .changes
        .iter()
        .map(|o| (o.kind, o.action, o.key.as_str()))
        .collect();
    assert_eq!(ops, [(ObjectKind::Team, Action::Update, "sales")]);
    assert!(made.access.is_empty(), "{:#?}", made.access);
    Ok(())
}

#[test]
fn a_team_replaced_by_another_shows_the_move_even_when_names_make_the_same_key() -> TestResult {
    // The old team is named "Sales EMEA" (a key made from it would be `sales-emea`); the new
    // team has the key `sales-emea` but another name, so it does not bind to the old one.
    let before = "[team.emea]\nname = \"Sales EMEA\"\n\n\
                  [user.\"bo@acme.example\"]\nname = \"Bo\"\nrole = \"r\"\nteam = \"emea\"\n";
    let after = "[team.sales-emea]\nname = \"Sales Europe\"\n\n\
                 [user.\"bo@acme.example\"]\nname = \"Bo\"\nrole = \"r\"\nteam = \"sales-emea\"\n";
    let made = plan_between(before, after)?;
    assert!(
        made.changes
            .iter()
            .any(|o| o.kind == ObjectKind::Team && o.action == Action::Delete)
    );
    let (gained, lost) = lines(&made, "bo@acme.example");
    assert_eq!(gained, ["view contacts of team Sales Europe"]);
    assert_eq!(lost, ["view contacts of team Sales EMEA"]);
    Ok(())
}
