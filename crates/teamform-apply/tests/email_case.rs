//! An email with non-ASCII capitals in the policy (`ÉLODIE@Acme.example`) and the same email
//! lowercased in the portal (`élodie@acme.example`) are one user everywhere: the plan matches
//! them, the sandbox's create finds the existing user, the staleness check sees that the user
//! now exists, and a protected user is protected whatever the case.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests and their helpers stop with a clear message.

use std::collections::BTreeSet;
use teamform_apply::{Guardrails, Journal, check_guardrails, execute, stale_objects};
use teamform_compiler::{Compiled, Options, compile};
use teamform_diagnostics::{SourceFile, SourceMap};
use teamform_model::{Date, LoadResult, load_sources};
use teamform_plan::{Action, Filter, Plan, PlanInput, make_plan};
use teamform_portal::sandbox::Sandbox;
use teamform_portal::{Change, LiveState, ObjectKind, Provider};

const OPTIONS: Options = Options {
    today: Date {
        year: 2026,
        month: 11,
        day: 25,
    },
};

const POLICY: &str = r#"[portal]
name = "Acme"
tiers = { marketing = "enterprise" }

[team.sales]
name = "Sales"

[role.rep]
name = "Rep"
crm.contacts = { view = "team" }

[user."admin@acme.example"]
name = "Ada Admin"
team = "sales"
super_admin = true
"#;

const ELODIE: &str = r#"
[user."ÉLODIE@Acme.example"]
name = "Élodie Dupont"
role = "rep"
team = "sales"
"#;

fn compiled(text: &str) -> (LoadResult, Compiled) {
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new("policy.toml".to_string(), text.to_string()));
    let load = load_sources(sources);
    let compiled = compile(&load, OPTIONS);
    assert!(!compiled.has_errors(), "{:#?}", compiled.diagnostics);
    (load, compiled)
}

fn plan(text: &str, live: &LiveState, portal: &dyn Provider) -> Plan {
    let (load, compiled) = compiled(text);
    make_plan(&PlanInput {
        load: &load,
        compiled: &compiled,
        live,
        capabilities: portal.capabilities(),
        portal: portal.describe(),
        filter: Filter::default(),
        fingerprints: true,
        known: None,
        detail: teamform_plan::Detail::Expanded,
        screens: &teamform_portal::Screens::HUBSPOT,
    })
}

#[test]
fn an_email_with_non_ascii_capitals_is_the_same_user_in_plan_sandbox_and_checks() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut sandbox = Sandbox::open_locked(dir.path().join("sandbox.json")).expect("sandbox");
    let policy = format!("{POLICY}{ELODIE}");

    // The policy applied, then the portal holding Élodie's email lowercased, as HubSpot
    // stores it.
    let empty = sandbox.read().expect("read");
    let first = plan(&policy, &empty, &sandbox);
    let mut journal = Journal::open(&dir.path().join("journal"), "first").expect("journal");
    execute(
        &mut sandbox,
        &first,
        &mut journal,
        &mut |_: usize, _: usize| {},
    )
    .expect("apply");
    let mut data = sandbox.load().expect("load");
    let elodie = data
        .state
        .users
        .iter_mut()
        .find(|u| u.email == "ÉLODIE@Acme.example")
        .expect("created");
    elodie.email = "élodie@acme.example".to_string();
    let id = elodie.id.clone();
    sandbox.save(&data).expect("save");
    let live = sandbox.read().expect("read");

    // The plan matches the two: nothing to do.
    let again = plan(&policy, &live, &sandbox);
    assert!(again.changes.is_empty(), "{:#?}", again.changes);
    assert!(again.access.is_empty(), "{:#?}", again.access);

    // A saved plan that creates her is stale: she exists now.
    let stale = stale_objects(&first, &live, &BTreeSet::new());
    assert!(
        stale
            .iter()
            .any(|s| s == "a user `ÉLODIE@Acme.example` was created in the portal since the plan"),
        "{stale:?}"
    );

    // Creating her again in the sandbox finds the existing user.
    let (outcomes, error) = sandbox.apply(&[Change::CreateUser {
        email: "ÉLODIE@Acme.example".to_string(),
        name: "Élodie Dupont".to_string(),
        role_id: None,
        primary_team_id: None,
        additional_team_ids: vec![],
        super_admin: false,
        seats: vec![],
    }]);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(outcomes[0].created_id.as_deref(), Some(id.as_str()));
    assert_eq!(sandbox.read().expect("read").users.len(), 2);

    // Removing her is refused when the guardrails protect her, in any case.
    let removal = plan(POLICY, &live, &sandbox);
    let deletes: Vec<&str> = removal
        .changes
        .iter()
        .filter(|o| o.kind == ObjectKind::User && o.action == Action::Delete)
        .map(|o| o.key.as_str())
        .collect();
    assert_eq!(deletes, ["élodie@acme.example"]);
    let guardrails = Guardrails {
        protected_users: vec!["ÉLODIE@Acme.example".to_string()],
        ..Guardrails::default()
    };
    let refusals = check_guardrails(&removal, &live, &guardrails, None);
    assert!(
        refusals.iter().any(|r| r.contains("protected user")),
        "{refusals:?}"
    );
}
