//! The renderers on a fixed scenario (snapshots), the order of its operations, renames as
//! renames, and the size limit of the Markdown rendering on a plan of thousands of users.

mod common;

use common::{TestResult, apply, compile_valid, one_file, plan_against, read_live, scenario};
use teamform_plan::render::{HumanStyle, MARKDOWN_LIMIT, human, json, markdown, write_json};
use teamform_plan::{Action, Op, Plan, Status};
use teamform_portal::{Change, LiveState, ObjectKind};

/// The index of the one operation `action kind:key`.
fn find(plan: &Plan, action: Action, kind: ObjectKind, key: &str) -> TestResult<usize> {
    let found: Vec<usize> = plan
        .changes
        .iter()
        .enumerate()
        .filter(|(_, o)| o.action == action && o.kind == kind && o.key == key)
        .map(|(i, _)| i)
        .collect();
    match found.as_slice() {
        [i] => Ok(*i),
        _ => Err(format!(
            "expected one `{} {}:{key}`, found {}:\n{}",
            action.as_str(),
            kind.as_str(),
            found.len(),
            human(plan, HumanStyle::default())
        )
        .into()),
    }
}

fn live_id(live: &LiveState, team_name: &str) -> TestResult<String> {
    live.teams
        .iter()
        .find(|t| t.name == team_name)
        .map(|t| t.id.clone())
        .ok_or_else(|| format!("no live team `{team_name}`").into())
}

#[test]
fn the_scenario_renders_as_text_json_and_markdown() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (_, plan) = scenario(dir.path())?;
    insta::assert_snapshot!("human", human(&plan, HumanStyle::default()));
    insta::assert_snapshot!(
        "human_expanded",
        human(
            &plan,
            HumanStyle {
                expand: true,
                ..HumanStyle::default()
            }
        )
    );
    // The output is one line; the snapshot is indented to be reviewable.
    let text = json(&plan, false);
    assert_eq!(text.lines().count(), 1, "{text}");
    let doc: serde_json::Value = serde_json::from_str(&text)?;
    insta::assert_snapshot!("json", serde_json::to_string_pretty(&doc)?);
    insta::assert_snapshot!("markdown", markdown(&plan));
    // The JSON rendering is JSON, valid against the plan's JSON Schema, with and without the
    // expanded view.
    let schema = teamform_plan::render::plan_schema();
    let validator = jsonschema::validator_for(&schema)?;
    for expand in [false, true] {
        let doc: serde_json::Value = serde_json::from_str(&json(&plan, expand))?;
        assert_eq!(
            doc["changes"].as_array().map(Vec::len),
            Some(plan.changes.len())
        );
        assert_eq!(doc["expanded"].is_array(), expand);
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
    Ok(())
}

#[test]
fn colours_are_only_drawn_when_asked_for() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (_, plan) = scenario(dir.path())?;
    let plain = human(&plan, HumanStyle::default());
    let coloured = human(
        &plan,
        HumanStyle {
            color: true,
            ..HumanStyle::default()
        },
    );
    assert!(!plain.contains('\x1b'));
    assert!(coloured.contains("\x1b[32m") && coloured.contains("\x1b[31m"));
    // Without the escapes, the coloured text is the plain text.
    let mut stripped = String::new();
    let mut rest = coloured.as_str();
    while let Some(start) = rest.find('\x1b') {
        stripped.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find('m').map_or(after.len(), |e| e + 1);
        rest = &after[end..];
    }
    stripped.push_str(rest);
    assert_eq!(stripped, plain);
    Ok(())
}

#[test]
fn operations_come_after_what_they_depend_on() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (live, plan) = scenario(dir.path())?;
    for (i, op) in plan.changes.iter().enumerate() {
        assert!(
            op.depends_on.iter().all(|d| *d < i),
            "operation {i} ({}) depends on a later one: {:?}",
            op.address(),
            op.depends_on
        );
    }
    // A new team is created before the user put on it and the asset partitioned to it.
    let partners = find(&plan, Action::Create, ObjectKind::Team, "partners")?;
    let dave = find(&plan, Action::Create, ObjectKind::User, "dave@acme.example")?;
    let form = find(&plan, Action::Update, ObjectKind::Asset, "form.contact")?;
    assert!(partners < dave && plan.changes[dave].depends_on.contains(&partners));
    assert!(partners < form && plan.changes[form].depends_on.contains(&partners));
    // Dave's change names the team to be created, not an id.
    assert!(matches!(
        &plan.changes[dave].change,
        Change::CreateUser { primary_team_id: Some(t), .. } if t == "new:team:partners"
    ));
    // A user moves off a team before the team is deleted.
    let bob = find(&plan, Action::Update, ObjectKind::User, "bob@acme.example")?;
    let legacy = find(&plan, Action::Delete, ObjectKind::Team, "Legacy")?;
    assert!(bob < legacy && plan.changes[legacy].depends_on.contains(&bob));
    assert_eq!(
        plan.changes[legacy].change,
        Change::DeleteTeam {
            id: live_id(&live, "Legacy")?
        }
    );
    // Carol is removed; nothing else is deleted.
    find(
        &plan,
        Action::Delete,
        ObjectKind::User,
        "carol@acme.example",
    )?;
    let deletes: Vec<String> = plan
        .changes
        .iter()
        .filter(|o| o.action == Action::Delete)
        .map(|o| o.address().to_string())
        .collect();
    assert_eq!(deletes, ["user:carol@acme.example", "team:Legacy"]);
    Ok(())
}

#[test]
fn a_renamed_team_is_renamed_in_place() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (live, plan) = scenario(dir.path())?;
    let id = live_id(&live, "Sales France")?;
    let rename = find(&plan, Action::Update, ObjectKind::Team, "sales-fr")?;
    assert_eq!(
        plan.changes[rename].change,
        Change::UpdateTeam {
            id: id.clone(),
            name: Some("Ventes France".to_string()),
            parent_id: None,
        }
    );
    assert_eq!(plan.bindings.teams.get("sales-fr"), Some(&id));
    let touched: Vec<&Op> = plan
        .changes
        .iter()
        .filter(|o| o.kind == ObjectKind::Team && o.action != Action::Update)
        .collect();
    assert!(
        touched
            .iter()
            .all(|o| o.name != "Ventes France" && o.name != "Sales France"),
        "the renamed team is created or deleted: {:?}",
        touched.iter().map(|o| o.address()).collect::<Vec<_>>()
    );
    // Alice, on the renamed team, keeps her team (by id): no change for her.
    assert!(
        plan.changes.iter().all(|o| o.key != "alice@acme.example"),
        "alice is changed"
    );

    // Applied, the team keeps its id and its members; planning again gives no changes.
    let path = dir.path().join("sandbox.json");
    let after = compile_valid(&one_file(common::AFTER))?;
    apply(&after, &path)?;
    let now = read_live(&path)?;
    assert_eq!(live_id(&now, "Ventes France")?, id);
    let alice = now
        .users
        .iter()
        .find(|u| u.email == "alice@acme.example")
        .ok_or("alice is gone")?;
    assert_eq!(alice.primary_team_id.as_deref(), Some(id.as_str()));
    let again = common::plan(&after, &path)?;
    assert!(
        !again.has_changes(),
        "{}",
        human(&again, HumanStyle::default())
    );
    Ok(())
}

#[test]
fn the_access_diff_of_the_scenario_names_who_gains_and_loses_what() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (_, plan) = scenario(dir.path())?;
    let status = |email: &str| {
        plan.access
            .iter()
            .find(|u| u.user == email)
            .map(|u| u.status)
    };
    assert_eq!(status("dave@acme.example"), Some(Status::New));
    assert_eq!(status("carol@acme.example"), Some(Status::Removed));
    // Bob moves between two teams that see the same: his access does not change.
    assert_eq!(status("bob@acme.example"), None);
    // The super admin loses a role, but a super admin holds everything either way.
    assert_eq!(status("root@acme.example"), None);
    assert_eq!(status("alice@acme.example"), Some(Status::Changed));
    let alice = plan
        .access
        .iter()
        .find(|u| u.user == "alice@acme.example")
        .ok_or("no alice")?;
    let gained: Vec<&str> = alice.gained.iter().map(|l| l.access.as_str()).collect();
    assert!(gained.contains(&"publish in forms"), "{gained:?}");
    assert!(
        gained.contains(&"delete contacts of team Ventes France"),
        "{gained:?}"
    );
    Ok(())
}

/// An update that clears a field (the super admin's role, a team's parent) must not read
/// like an update that sets it: the reviewer of `teamform plan` must see which it is.
#[test]
fn a_cleared_field_does_not_read_like_a_set_field() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (_, plan) = scenario(dir.path())?;
    for (kind, key, field) in [
        (ObjectKind::User, "root@acme.example", "role"),
        (ObjectKind::Team, "support", "parent"),
    ] {
        let i = find(&plan, Action::Update, kind, key)?;
        let f = plan.changes[i]
            .changes
            .iter()
            .position(|c| c.field.to_string() == field)
            .ok_or("no such field change")?;
        let cleared = &plan.changes[i].changes[f];
        assert!(cleared.before.is_some() && cleared.after.is_none());
        // The same plan, but setting the field where it had none.
        let mut set = plan.clone();
        let c = &mut set.changes[i].changes[f];
        std::mem::swap(&mut c.before, &mut c.after);
        let style = HumanStyle::default();
        let text = human(&plan, style);
        assert!(
            text != human(&set, style),
            "clearing `{field}` of {key} reads exactly like setting it:\n{text}"
        );
        assert!(markdown(&plan) != markdown(&set));
    }
    Ok(())
}

/// A policy of `users` users over 20 teams and 3 roles.
fn big_policy(users: usize) -> String {
    let mut text = String::from(
        "[portal]\nname = \"Big\"\ntiers = { marketing = \"enterprise\" }\n\n\
         [role.rep]\nname = \"Rep\"\ncrm.contacts = { view = \"team\", edit = \"owned\" }\ntools.forms = [\"view\"]\n\n\
         [role.lead]\nname = \"Lead\"\ncrm.contacts = { view = \"team\", edit = \"team\" }\ncrm.deals = { view = \"team\" }\n\n\
         [role.viewer]\nname = \"Viewer\"\ncrm.contacts = { view = \"everything\" }\n\n",
    );
    for t in 0..20 {
        text.push_str(&format!("[team.t{t}]\nname = \"Team {t}\"\n"));
        if t > 0 {
            text.push_str(&format!("parent = \"t{}\"\n", (t - 1) / 4));
        }
        text.push('\n');
    }
    let roles = ["rep", "lead", "viewer"];
    for u in 0..users {
        text.push_str(&format!(
            "[user.\"person{u}@big.example\"]\nname = \"Person {u}\"\nrole = \"{}\"\nteam = \"t{}\"\n\n",
            roles[u % 3],
            u % 20
        ));
    }
    text
}

#[test]
fn the_markdown_of_a_plan_of_thousands_of_users_stays_under_the_limit() -> TestResult {
    let policy = compile_valid(&one_file(&big_policy(5_000)))?;
    let plan = plan_against(&policy, &LiveState::default());
    assert_eq!(plan.changes.len(), 5_000 + 20 + 3);
    assert_eq!(plan.access.len(), 5_000);
    let text = markdown(&plan);
    let chars = text.chars().count();
    assert!(
        chars <= MARKDOWN_LIMIT,
        "{chars} characters, over {MARKDOWN_LIMIT}"
    );
    // The summary is complete; the details say that some were left out.
    assert!(
        text.contains("| user | 5000 | 0 | 0 | 0 |"),
        "{}",
        &text[..500.min(text.len())]
    );
    assert!(
        text.contains("**Access:** 5,000 users affected"),
        "{}",
        &text[..800.min(text.len())]
    );
    assert!(text.contains("more, not shown"));
    assert!(text.trim_end().ends_with("_Generated by `teamform plan`._"));
    // Every section still shows something.
    assert!(text.contains("`+` team `t0`"));
    // 5,000 new users are 41 groups (2 roles in 20 teams, and the viewers, whose access does
    // not depend on their team), each named with its first users and how many more.
    assert!(
        text.contains("**Access:** 5,000 users affected, in 41 group(s)."),
        "{}",
        &text[..800.min(text.len())]
    );
    assert!(
        text.contains("- [high] **1,666 users: person1001@big.example, person1004@big.example, "),
        "{text}"
    );
    assert!(text.contains(" and 1,656 more"), "{text}");
    Ok(())
}

#[test]
fn a_json_plan_written_as_made_is_the_document_serialized_whole() -> TestResult {
    // 5,023 operations: five chunks of operations, shared by the two threads.
    let policy = compile_valid(&one_file(&big_policy(5_000)))?;
    let plan = plan_against(&policy, &LiveState::default());
    assert_eq!(plan.changes.len(), 5_023);
    for expand in [false, true] {
        let mut written = Vec::new();
        write_json(&mut written, &plan, expand)?;
        assert!(
            written == json(&plan, expand).into_bytes(),
            "expand: {expand}"
        );
        let parsed: serde_json::Value = serde_json::from_slice(&written)?;
        assert_eq!(parsed["changes"][5_022]["index"], 5_022);
    }
    Ok(())
}

/// A writer that fails once it has taken `left` bytes, like a full disk.
struct Failing {
    left: usize,
}

impl std::io::Write for Failing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() > self.left {
            return Err(std::io::Error::other("no space left"));
        }
        self.left -= buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_json_plan_that_cannot_be_written_fails_and_its_helper_stops() -> TestResult {
    let policy = compile_valid(&one_file(&big_policy(5_000)))?;
    let plan = plan_against(&policy, &LiveState::default());
    let text = json(&plan, false);
    let (grants, groups) = (text.find("\"grants\":["), text.find("\"access\":["));
    let (Some(grants), Some(groups)) = (grants, groups) else {
        return Err("no grants or groups in the plan".into());
    };
    let whole = text.len();
    // The writer fails in the operations (before the grant table may be made), in the
    // grants, in the groups, and at the last byte; the helper must stop each time, or this
    // test would not return.
    for left in [0, 1_000, grants + 100, groups + 100, whole - 1] {
        let failed = write_json(&mut Failing { left }, &plan, false);
        assert!(failed.is_err(), "failed after {left} bytes of {whole}");
    }
    Ok(())
}
