//! Offboarding that loses no customer records, and `expires` that acts, end to end:
//! - a removed user's contacts and deals go to the successor (their team's, or their
//!   `[offboard]` table's) before the removal, counted in the plan; a removal without a
//!   successor is refused (exit 3) unless `--allow-orphaned-records`;
//! - through the simulator's CRM objects API, records created with HubSpot's official Python
//!   client are handed over by `apply`, which is killed in the middle of the reassignment and
//!   resumed to a portal where the successor owns every record and the user is gone;
//! - a contractor whose `expires` date passed is removed by `plan`/`apply` and by `reconcile`
//!   with the reason "expired on DATE", without anyone editing the file; the guardrails still
//!   refuse mass removals and removing the last super admin.

mod common;

use common::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TODAY: &str = "--today=2026-11-30";
const BEFORE: &str = "--today=2026-10-01";
const TOKEN: &str = "pat-na1-OFFBOARD-TEST-TOKEN-41c2";

/// A role that can edit every kind of record, teams, and the users: `lead` (a super admin),
/// `rep`, `other` and, when given, a contractor whose access expires on `expires`.
fn policy(successor: bool, with_rep: bool, contractor: Option<&str>) -> String {
    let mut p = String::from(
        "[portal]\nname = \"Acme\"\ntiers = { sales = \"professional\" }\n\
         [guardrails]\nmin_super_admins = 1\n\
         [role.rep]\nname = \"Sales Rep\"\n\
         crm.contacts = { view = \"owned\", edit = \"owned\" }\n\
         crm.companies = { view = \"owned\", edit = \"owned\" }\n\
         crm.deals = { view = \"owned\", edit = \"owned\" }\n\
         crm.tickets = { view = \"owned\", edit = \"owned\" }\n\
         [team.sales]\nname = \"Sales\"\n",
    );
    if successor {
        p.push_str("successor = \"lead@acme.example\"\n");
    }
    p.push_str(
        "[user.\"lead@acme.example\"]\nname = \"Lea Lead\"\nrole = \"rep\"\nteam = \"sales\"\nsuper_admin = true\n\
         [user.\"other@acme.example\"]\nname = \"Oth Er\"\nrole = \"rep\"\nteam = \"sales\"\n",
    );
    if with_rep {
        p.push_str(
            "[user.\"rep@acme.example\"]\nname = \"Rep One\"\nrole = \"rep\"\nteam = \"sales\"\n",
        );
    }
    if let Some(date) = contractor {
        p.push_str(&format!(
            "[user.\"temp@agency.example\"]\nname = \"Tem Porary\"\nrole = \"rep\"\nteam = \"sales\"\nexpires = {date}\n"
        ));
    }
    p
}

fn write_policy(dir: &Path, text: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("policies"))?;
    std::fs::write(dir.join("policies/p.toml"), text)
}

/// Checks a run's exit code and that its output (standard output or error) says `needle`.
fn says(run: &Run, code: i32, needle: &str) {
    assert_eq!(run.code, code, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(needle) || run.stderr.contains(needle),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

/// The portal id of the user with `email` in a sandbox file.
fn user_id(portal: &Value, email: &str) -> Option<String> {
    portal["users"]
        .as_array()?
        .iter()
        .find(|u| u["email"] == email)
        .and_then(|u| u["id"].as_str())
        .map(String::from)
}

/// Adds `n` records of `object` owned by `owner` to the sandbox file at `path`.
fn add_records(path: &Path, object: &str, owner: &str, n: usize) -> std::io::Result<()> {
    let mut portal: Value = serde_json::from_slice(&std::fs::read(path)?)?;
    let records = portal["records"].as_array().cloned().unwrap_or_default();
    let first = 50_000_000 + records.len();
    let mut records = records;
    records.extend(
        (0..n).map(|i| json!({"id": (first + i).to_string(), "object": object, "owner": owner})),
    );
    portal["records"] = Value::Array(records);
    std::fs::write(path, serde_json::to_vec(&portal)?)
}

/// How many records of the sandbox at `path` each owner (by email, else id) holds.
fn owners(path: &Path) -> std::io::Result<std::collections::BTreeMap<String, usize>> {
    let portal: Value = serde_json::from_slice(&std::fs::read(path)?)?;
    let mut out = std::collections::BTreeMap::new();
    for r in portal["records"].as_array().into_iter().flatten() {
        let owner = r["owner"].as_str().unwrap_or("none");
        let name = portal["users"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|u| u["id"] == owner)
            .and_then(|u| u["email"].as_str())
            .unwrap_or(owner)
            .to_string();
        *out.entry(name).or_insert(0) += 1;
    }
    Ok(out)
}

#[test]
fn records_go_to_the_successor_before_the_removal_or_the_removal_is_refused() -> std::io::Result<()>
{
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    write_policy(d, &policy(false, true, None))?;
    assert_eq!(teamform_in(d, &["apply", TODAY, "--auto-approve"]).code, 0);
    let sandbox_path = d.join(".teamform/sandbox.json");
    let rep = user_id(&sandbox(d), "rep@acme.example").unwrap_or_default();
    add_records(&sandbox_path, "contacts", &rep, 1204)?;
    add_records(&sandbox_path, "deals", &rep, 87)?;

    // Without a successor, the removal is refused, in the plan and at apply.
    write_policy(d, &policy(false, false, None))?;
    let plan = teamform_in(d, &["plan", TODAY, "--detailed-exitcode"]);
    says(
        &plan,
        3,
        "removing `rep@acme.example` would orphan the 1,204 contacts, 87 deals they own",
    );
    let refused = teamform_in(d, &["apply", TODAY, "--auto-approve"]);
    assert_eq!(refused.code, 3, "{}{}", refused.stdout, refused.stderr);
    assert!(
        user_id(&sandbox(d), "rep@acme.example").is_some(),
        "nothing was removed"
    );

    // The team's successor receives them, before the removal.
    write_policy(d, &policy(true, false, None))?;
    let plan = teamform_in(d, &["plan", TODAY, "--format", "json"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let doc: Value = serde_json::from_str(&plan.stdout)?;
    assert_eq!(
        doc["handovers"],
        json!([{
            "user": "rep@acme.example",
            "records": {"contacts": 1204, "deals": 87},
            "successor": "lead@acme.example",
            "source": {"kind": "team", "team": "sales"},
        }])
    );
    let changes: Vec<(String, String)> = doc["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["action"].as_str().unwrap_or("").into(),
                c["fields"][0]["field"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("update".to_string(), "contacts owner".to_string()),
            ("update".to_string(), "deals owner".to_string()),
            ("delete".to_string(), "email".to_string()),
        ]
    );
    assert_eq!(doc["changes"][2]["depends_on"], json!([0, 1]));
    let markdown = teamform_in(d, &["plan", TODAY, "--format", "markdown"]);
    assert!(
        markdown.stdout.contains(
            "reassign 1,204 contacts, 87 deals from `rep@acme.example` to `lead@acme.example` (successor of team `sales`) before removing them"
        ),
        "{}",
        markdown.stdout
    );
    let applied = teamform_in(d, &["apply", TODAY, "--auto-approve"]);
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
    assert_eq!(
        owners(&sandbox_path)?.into_iter().collect::<Vec<_>>(),
        [("lead@acme.example".to_string(), 1291)]
    );
    assert!(user_id(&sandbox(d), "rep@acme.example").is_none());
    let again = teamform_in(d, &["plan", TODAY]);
    assert!(again.stdout.starts_with("No changes"), "{}", again.stdout);
    Ok(())
}

#[test]
fn orphaned_records_are_allowed_only_when_asked() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    write_policy(d, &policy(false, true, None))?;
    assert_eq!(teamform_in(d, &["apply", TODAY, "--auto-approve"]).code, 0);
    let rep = user_id(&sandbox(d), "rep@acme.example").unwrap_or_default();
    add_records(&d.join(".teamform/sandbox.json"), "tickets", &rep, 3)?;
    write_policy(d, &policy(false, false, None))?;
    let applied = teamform_in(
        d,
        &["apply", TODAY, "--auto-approve", "--allow-orphaned-records"],
    );
    says(
        &applied,
        0,
        "`rep@acme.example` owns 3 tickets and has no successor",
    );
    assert_eq!(
        owners(&d.join(".teamform/sandbox.json"))?.get(&rep),
        Some(&3)
    );
    Ok(())
}

/// The number of lines of the simulator's request log at `log` whose path ends with `suffix`.
fn requests(log: &Path, suffix: &str) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["path"].as_str().is_some_and(|p| p.ends_with(suffix)) && v["status"] == 200)
        .count()
}

/// Runs HubSpot's Python client script to create records owned by `email`; `None` when the
/// client is not installed.
fn python_creates(base: &str, email: &str) -> Option<Run> {
    let dir = root().join("crates/teamform-sim/tests/python");
    let probe = Command::new("python3")
        .args(["-c", "import hubspot"])
        .output()
        .ok()?;
    if !probe.status.success() {
        return None;
    }
    let out = Command::new("python3")
        .args(["hubspot_crm.py", base, TOKEN, email])
        .current_dir(dir)
        .output()
        .ok()?;
    Some(Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

#[test]
fn records_made_with_hubspots_python_client_are_handed_over_by_a_killed_and_resumed_apply()
-> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    std::fs::create_dir_all(d.join("seed"))?;
    std::fs::write(d.join("seed/p.toml"), policy(false, true, None))?;
    let state = seeded_sandbox(d, "seed")?;
    let seeded: Value = serde_json::from_slice(&std::fs::read(&state)?)?;
    let rep = user_id(&seeded, "rep@acme.example").unwrap_or_default();
    // Enough records that the hand-over takes many paced searches, so it can be killed midway.
    add_records(&state, "contacts", &rep, 3000)?;
    let log = d.join("sim.log");
    let log_arg = log.display().to_string();
    let sim = start_sim(&state, TOKEN, &["--log", &log_arg])?;
    let Some(created) = python_creates(&sim.base, "rep@acme.example") else {
        eprintln!(
            "SKIPPED: HubSpot's Python client is not installed (python3 -m pip install hubspot-api-client==12.0.0)"
        );
        return Ok(());
    };
    assert_eq!(created.code, 0, "{}{}", created.stdout, created.stderr);

    std::fs::create_dir_all(d.join("policies"))?;
    std::fs::write(
        d.join("policies/p.toml"),
        policy(false, false, None)
            + "[offboard.\"rep@acme.example\"]\nsuccessor = \"other@acme.example\"\nreason = \"left the company\"\ndate = 2026-11-28\n",
    )?;
    let hub = ["--portal", "hubspot", "--api-base", sim.base.as_str()];
    let env = [("HUBSPOT_TOKEN", TOKEN)];
    let plan = teamform_env(
        d,
        &[&["plan", TODAY, "-o", "plan.json"][..], &hub[..]].concat(),
        &env,
    );
    says(
        &plan,
        0,
        "reassign 3,025 contacts, 1 deals from `rep@acme.example` to `other@acme.example` before removing them; reason: left the company",
    );

    // The apply is killed once it has moved some pages: the event is the simulator logging
    // its batch updates.
    let mut child = Command::new(env!("CARGO_BIN_EXE_teamform"))
        .args([&["apply", TODAY, "plan.json"][..], &hub[..]].concat())
        .env("HUBSPOT_TOKEN", TOKEN)
        .current_dir(d)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(120);
    while requests(&log, "/contacts/batch/update") < 5 && Instant::now() < deadline {
        if child.try_wait()?.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        child.try_wait()?.is_none(),
        "the apply ended before it could be killed"
    );
    child.kill()?;
    child.wait()?;
    let midway = owners(&state)?;
    assert!(
        midway.get("rep@acme.example").is_some_and(|n| *n > 0),
        "{midway:?}"
    );
    assert!(
        midway.get("other@acme.example").is_some_and(|n| *n >= 500),
        "{midway:?}"
    );

    // Records created for the removed user meanwhile are caught too.
    let more = python_creates(&sim.base, "rep@acme.example");
    assert_eq!(more.map(|r| r.code), Some(0));

    let resumed = teamform_env(
        d,
        &[&["apply", TODAY, "plan.json"][..], &hub[..]].concat(),
        &env,
    );
    assert_eq!(resumed.code, 0, "{}{}", resumed.stdout, resumed.stderr);
    let after = owners(&state)?;
    assert_eq!(
        after.into_iter().collect::<Vec<_>>(),
        [("other@acme.example".to_string(), 3052)]
    );
    let portal: Value = serde_json::from_slice(&std::fs::read(&state)?)?;
    assert!(
        user_id(&portal, "rep@acme.example").is_none(),
        "the user is removed"
    );
    // No record was moved twice: one batch per page of 100, but for the page cut by the kill
    // and the last pages of each run.
    let batches = requests(&log, "/contacts/batch/update");
    assert!(batches <= 3050 / 100 + 4, "{batches} batch updates");
    Ok(())
}

#[test]
fn expired_access_is_removed_and_the_guardrails_still_hold() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let d = dir.path();
    // A contractor whose access ends, and a colleague lent to the events team until a date.
    let lent = "[team.events]\nname = \"Events\"\n\
                [user.\"helper@acme.example\"]\nname = \"Hel Per\"\nrole = \"rep\"\nteam = \"sales\"\n\
                teams = [{ team = \"events\", expires = 2026-11-20 }]\n";
    write_policy(d, &(policy(true, true, Some("2026-11-15")) + lent))?;
    assert_eq!(teamform_in(d, &["apply", BEFORE, "--auto-approve"]).code, 0);
    assert!(user_id(&sandbox(d), "temp@agency.example").is_some());

    let validate = teamform_in(d, &["validate", TODAY]);
    assert_eq!(
        validate.code, 0,
        "a stale entry is a warning: {}",
        validate.stdout
    );
    assert!(
        validate.stdout.contains("0 errors, 2 warnings") && validate.stdout.contains("TF0119"),
        "{}",
        validate.stdout
    );

    let plan = teamform_in(d, &["plan", TODAY, "--format", "json"]);
    let doc: Value = serde_json::from_str(&plan.stdout)?;
    assert_eq!(
        doc["expirations"],
        json!([
            {"user": "helper@acme.example", "team": "events", "date": "2026-11-20"},
            {"user": "temp@agency.example", "date": "2026-11-15"},
        ])
    );
    assert_eq!(
        doc["changes"][0]["fields"][1]["after"],
        "membership of team `events` expired on 2026-11-20"
    );
    assert_eq!(
        doc["changes"][1]["fields"][1]["after"],
        "expired on 2026-11-15"
    );
    let applied = teamform_in(d, &["apply", TODAY, "--auto-approve"]);
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
    assert!(
        applied
            .stdout
            .contains("remove `temp@agency.example`: expired on 2026-11-15")
    );
    assert!(user_id(&sandbox(d), "temp@agency.example").is_none());
    let helper = sandbox(d)["users"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["email"] == "helper@acme.example")
        .cloned()
        .unwrap_or_default();
    assert_eq!(helper["additional_team_ids"], Value::Null, "{helper}");
    assert!(helper["primary_team_id"].is_string(), "{helper}");

    // The last super admin's access expiring leaves a policy with no super admin: refused
    // before anything changes (the policy's `min_super_admins`, TF0112), the admin kept.
    write_policy(
        d,
        &policy(false, true, None).replace(
            "super_admin = true\n",
            "super_admin = true\nexpires = 2026-11-20\n",
        ),
    )?;
    let refused = teamform_in(d, &["apply", TODAY, "--auto-approve"]);
    says(&refused, 1, "fewer than `min_super_admins = 1`");
    assert!(user_id(&sandbox(d), "lead@acme.example").is_some());

    // Many contractors expiring at once is a mass removal.
    let mut many = (policy(false, true, None) + lent).replace(
        "min_super_admins = 1\n",
        "min_super_admins = 1\nmax_removal_ratio = 0.2\n",
    );
    for i in 0..8 {
        many.push_str(&format!(
            "[user.\"c{i}@agency.example\"]\nname = \"C {i}\"\nrole = \"rep\"\nteam = \"sales\"\nexpires = 2026-11-20\n"
        ));
    }
    write_policy(d, &many)?;
    assert_eq!(teamform_in(d, &["apply", BEFORE, "--auto-approve"]).code, 0);
    let mass = teamform_in(d, &["apply", TODAY, "--auto-approve"]);
    says(&mass, 3, "max_removal_ratio");
    Ok(())
}

#[test]
fn reconcile_removes_an_expired_contractor_without_a_commit() -> std::io::Result<()> {
    let repo = tempfile::tempdir()?;
    let r = repo.path();
    write_policy(r, &policy(true, true, Some("2026-11-15")))?;
    assert!(git(r, &["init", "-q", "-b", "main"]));
    assert!(git(r, &["add", "."]));
    assert!(git(r, &["commit", "-q", "-m", "Org with a contractor"]));
    let run_dir = tempfile::tempdir()?;
    let portal = run_dir.path().join("portal.json");
    let spec = format!("sandbox:{}", portal.display());
    let seed = teamform_in(r, &["apply", BEFORE, "--auto-approve", "--portal", &spec]);
    assert_eq!(seed.code, 0, "{}", seed.stderr);
    let temp = user_id(
        &serde_json::from_slice(&std::fs::read(&portal)?)?,
        "temp@agency.example",
    );
    assert!(temp.is_some());

    let (mut child, stdout) = start_reconcile(r, &spec, TODAY, run_dir.path())?;
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first)?;
    let _ = child.kill();
    let _ = child.wait();
    let line: Value = serde_json::from_str(&first)?;
    assert_eq!(line["status"], "ok", "{line}");
    assert_eq!(
        line["expired"],
        json!([{"user": "temp@agency.example", "date": "2026-11-15"}]),
        "{line}"
    );
    let after: Value = serde_json::from_slice(&std::fs::read(&portal)?)?;
    assert!(user_id(&after, "temp@agency.example").is_none());
    Ok(())
}
