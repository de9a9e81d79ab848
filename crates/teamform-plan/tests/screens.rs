//! Manual steps name the provider's screens, not HubSpot's by default: a provider for another
//! CRM brings its own words.

mod common;

use common::{TestResult, compile_valid};
use teamform_plan::{Detail, Filter, PlanInput, make_plan};
use teamform_portal::{Capabilities, KindCaps, LiveState, ObjectKind, Screens};

const OTHER: Screens = Screens {
    permission_sets: "Admin > Access > Roles",
    users: "Admin > People",
    teams: "Admin > Groups",
    asset_teams: "Share > Groups",
};

#[test]
fn manual_steps_name_the_providers_screens() -> TestResult {
    let policy = compile_valid(&[(
        "policy.toml".to_string(),
        "[portal]\nname = \"Other CRM\"\n\n[role.rep]\nname = \"Rep\"\ncrm.contacts = { view = \"owned\" }\n\n[team.sales]\nname = \"Sales\"\n\n[user.\"ana@acme.example\"]\nname = \"Ana\"\nteam = \"sales\"\nsuper_admin = true\n".to_string(),
    )])?;
    let live = LiveState::default();
    let manual = KindCaps {
        create: false,
        update: false,
        delete: false,
        ..KindCaps::FULL
    };
    let plan = make_plan(&PlanInput {
        load: &policy.load,
        compiled: &policy.compiled,
        live: &live,
        capabilities: Capabilities::FULL
            .with(ObjectKind::Role, manual)
            .with(ObjectKind::Team, manual),
        portal: "other:test".to_string(),
        filter: Filter::default(),
        fingerprints: false,
        known: None,
        detail: Detail::Grants,
        screens: &OTHER,
    });
    let steps: Vec<&str> = plan
        .manual_steps
        .iter()
        .map(|s| s.instruction.as_str())
        .collect();
    assert_eq!(steps.len(), 2, "{steps:#?}");
    assert!(
        steps.contains(&"in Admin > Groups, create team `Sales`: name: Sales"),
        "{steps:#?}"
    );
    assert!(
        steps.iter().any(|s| s.starts_with(
            "create permission set `Rep` in Admin > Access > Roles with these rights: "
        )),
        "{steps:#?}"
    );
    assert!(steps.iter().all(|s| !s.contains("Settings")), "{steps:#?}");
    Ok(())
}
