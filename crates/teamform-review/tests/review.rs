//! The review crate against a small policy and portal: the JSON validates against its
//! committed schema, the decisions files `start` writes read back and check clean once
//! decided, and revoke / change decisions edit the policy files keeping comments.

use std::path::Path;
use teamform_compiler::{Options, compile};
use teamform_diagnostics::{Code, SourceFile, SourceMap};
use teamform_model::{Date, load_dir};
use teamform_portal::activity::{Activity, ActivityFile, Instant};
use teamform_portal::sandbox::parse;
use teamform_review::decisions::{self, Decision, Edit};
use teamform_review::{Built, Input, PolicyRef, ReviewOptions, build, review_schema};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const TODAY: Date = Date {
    year: 2026,
    month: 11,
    day: 30,
};

const USERS: &str = "# The sales team.\n\n# Amélie runs it.\n[user.\"amelie@acme.example\"]\nname = \"Amélie Durand\"\nrole = \"rep\"   # for now\nteam = \"sales\"\n\n# Théo sells in France.\n[user.\"theo@acme.example\"]\nname = \"Théo Girard\"\nrole = \"rep\"\nteam = \"sales-fr\"\nseats = [\"sales\"]\n\n# Léa, since 2024.\n[user.\"lea@acme.example\"]\nname = \"Léa Fontaine\"\nrole = \"rep\"\nteam = \"sales-fr\"\n";

const ORG: &str = "[portal]\nname = \"Acme\"\nseats = { sales = 5 }\n\n[team.sales]\nname = \"Sales\"\nreviewers = [\"amelie@acme.example\", \"ioana@acme.example\"]\n\n[team.sales-fr]\nname = \"Sales France\"\nparent = \"sales\"\n\n[role.rep]\nname = \"Sales Rep\"\ncrm.contacts = { view = \"owned\", edit = \"owned\" }\n\n[role.manager]\nname = \"Sales Manager\"\ncrm.contacts = { view = \"team\", edit = \"team\" }\n";

const PORTAL: &str = r#"{"format": "teamform-sandbox", "format_version": 1, "next_id": 10,
 "teams": [{"id": "101", "name": "Sales"}, {"id": "102", "name": "Sales France", "parent_id": "101"}],
 "roles": [{"id": "201", "name": "Sales Rep"}],
 "users": [
  {"id": "1", "email": "amelie@acme.example", "name": "Amélie Durand", "role_id": "201", "primary_team_id": "101"},
  {"id": "2", "email": "theo@acme.example", "name": "Théo Girard", "role_id": "201", "primary_team_id": "102", "seats": ["sales"]},
  {"id": "3", "email": "lea@acme.example", "name": "Léa Fontaine", "role_id": "201", "primary_team_id": "102"}],
 "activity": {"login": [
  {"id": "a", "loginAt": "2026-11-20T09:00:00Z", "loginSucceeded": true, "userId": 1},
  {"id": "b", "loginAt": "2026-11-21T09:00:00Z", "loginSucceeded": true, "userId": 3}]}}"#;

fn workspace(dir: &Path) -> TestResult {
    std::fs::create_dir_all(dir.join("policies"))?;
    std::fs::write(dir.join("policies/org.toml"), ORG)?;
    std::fs::write(dir.join("policies/users.toml"), USERS)?;
    Ok(())
}

fn review(dir: &Path) -> Result<(teamform_model::LoadResult, Built), Box<dyn std::error::Error>> {
    let load = load_dir(&dir.join("policies"));
    let compiled = compile(&load, Options { today: TODAY });
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    let file = parse(PORTAL.as_bytes())?;
    let now = Instant::from_date(TODAY);
    let activity: ActivityFile = file.activity.clone();
    let activity = Activity::from_file(&activity, now.days_before(90), now);
    let built = build(&Input {
        policy: &load.policy,
        compiled: &compiled,
        live: &file.state,
        activity: &activity,
        now,
        options: ReviewOptions::default(),
        portal: "sandbox:test".into(),
        policy_ref: PolicyRef {
            hash: "0".repeat(64),
            commit: None,
            dirty: false,
        },
    });
    Ok((load, built))
}

#[test]
fn review_json_follows_its_committed_schema() -> TestResult {
    let schema = review_schema();
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema/review.schema.json");
    let text = format!("{}\n", serde_json::to_string_pretty(&schema)?);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&committed, &text)?;
    }
    assert_eq!(
        std::fs::read_to_string(&committed)?,
        text,
        "schema/review.schema.json is out of date: run `UPDATE_EXPECT=1 cargo test -p teamform-review` and commit it"
    );
    let dir = tempfile::tempdir()?;
    workspace(dir.path())?;
    let (_, built) = review(dir.path())?;
    let doc = serde_json::to_value(&built.review)?;
    let validator = jsonschema::validator_for(&schema)?;
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let theo = built
        .review
        .users
        .iter()
        .find(|u| u.email == "theo@acme.example")
        .ok_or("theo")?;
    assert_eq!(theo.findings, ["TF0400"]);
    assert_eq!(theo.review_team.as_deref(), Some("sales-fr"));
    assert!(
        built
            .review
            .grants_of(theo)
            .any(|g| g.grant == "edit own contacts" && g.via == "via role rep")
    );
    let fr = built
        .review
        .teams
        .iter()
        .find(|t| t.key == "sales-fr")
        .ok_or("team")?;
    assert_eq!(fr.reviewers_from.as_deref(), Some("sales"));
    Ok(())
}

#[test]
fn decisions_written_by_start_read_back_and_edit_the_policy_keeping_comments() -> TestResult {
    let dir = tempfile::tempdir()?;
    workspace(dir.path())?;
    let (load, built) = review(dir.path())?;
    let files = decisions::team_files(&built.review, "2026-Q4");
    let fr = files
        .iter()
        .find(|f| f.team == "sales-fr")
        .ok_or("sales-fr")?;
    let compiled = compile(&load, Options { today: TODAY });
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("sales-fr.toml", fr.text.clone()));
    let mut diags = Vec::new();
    let read = decisions::parse("sales-fr.toml", id, &fr.text, &mut diags).ok_or("parses")?;
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(read.members.len(), 2);
    let found = decisions::check(&[read], &load.policy, &compiled, Some(&built.review));
    let codes: Vec<Code> = found.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::DecisionMissing, Code::DecisionMissing]);

    let decided = fr
        .text
        .replacen("reviewer = \"\"", "reviewer = \"ioana@acme.example\"", 1)
        .replacen(
            "decision = \"\"\nreason = \"\"",
            "decision = \"change\"\nreason = \"now leads France\"\nrole = \"manager\"",
            1,
        )
        .replacen(
            "decision = \"\"\nreason = \"\"",
            "decision = \"revoke\"\nreason = \"left\"",
            1,
        );
    let id = sources.add(SourceFile::new("sales-fr.toml", decided.clone()));
    let read = decisions::parse("sales-fr.toml", id, &decided, &mut diags).ok_or("parses")?;
    let found = decisions::check(
        std::slice::from_ref(&read),
        &load.policy,
        &compiled,
        Some(&built.review),
    );
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(
        read.members
            .iter()
            .map(|m| m.decision.as_ref().map(|d| d.value))
            .collect::<Vec<_>>(),
        [Some(Decision::Change), Some(Decision::Revoke)]
    );
    let edits = decisions::edits(&[read], &load.policy, &load.sources);
    assert!(matches!(&edits[0], Edit::Change { email, .. } if email == "lea@acme.example"));
    assert!(matches!(&edits[1], Edit::Revoke { email, .. } if email == "theo@acme.example"));
    decisions::apply_edits(&edits)?;
    let users = std::fs::read_to_string(dir.path().join("policies/users.toml"))?;
    assert_eq!(
        users,
        "# The sales team.\n\n# Amélie runs it.\n[user.\"amelie@acme.example\"]\nname = \"Amélie Durand\"\nrole = \"rep\"   # for now\nteam = \"sales\"\n\n# Léa, since 2024.\n[user.\"lea@acme.example\"]\nname = \"Léa Fontaine\"\nrole = \"manager\"\nteam = \"sales-fr\"\n"
    );
    // Applying them again changes nothing more: a closed review can be closed again after
    // an interruption.
    let load = load_dir(&dir.path().join("policies"));
    let again = decisions::edits(&[], &load.policy, &load.sources);
    assert!(again.is_empty());
    Ok(())
}

#[test]
fn the_pack_holds_the_review_a_user_per_line_and_each_grant_set_once() -> TestResult {
    let dir = tempfile::tempdir()?;
    workspace(dir.path())?;
    let (_, built) = review(dir.path())?;
    let pack = dir.path().join("pack");
    let manifest = teamform_review::pack::write(&pack, &built.review, Vec::new())?;
    // review.json reads back as the review, each user on a line of their own.
    let text = std::fs::read_to_string(pack.join("review.json"))?;
    let back: teamform_review::Review = serde_json::from_str(&text)?;
    assert_eq!(back, built.review);
    for u in &built.review.users {
        let needle = format!("    {{\"email\":\"{}\",", u.email);
        assert_eq!(text.lines().filter(|l| l.starts_with(&needle)).count(), 1);
    }
    // The files streamed to disk are the files rendered in memory, and the manifest's sums
    // are theirs.
    let csv = std::fs::read_to_string(pack.join("users.csv"))?;
    assert_eq!(csv, teamform_review::users_csv(&built.review));
    let html = std::fs::read_to_string(pack.join("report.html"))?;
    assert_eq!(html, teamform_review::report_html(&built.review));
    for f in &manifest.files {
        let bytes = std::fs::read(pack.join(&f.path))?;
        assert_eq!(
            f.sha256,
            teamform_review::pack::sha256(&bytes),
            "{}",
            f.path
        );
        assert_eq!(f.bytes, bytes.len() as u64);
    }
    // The three users hold the same grants: one set, held by 3 users, linked from each row.
    assert_eq!(
        html.matches("<section class=\"set\" id=\"grants-1\">")
            .count(),
        1
    );
    assert!(!html.contains("id=\"grants-2\""), "one set");
    assert!(html.contains("Held by 3 users."), "{html}");
    assert_eq!(html.matches("<a href=\"#grants-1\">").count(), 3);
    assert!(html.contains("edit own contacts") || html.contains("normal grant"));
    Ok(())
}
