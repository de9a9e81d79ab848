//! `teamform plan --portal sandbox:PATH`: the plan is the same as through the default path; a
//! corrupt sandbox is refused with its error, and an invalid policy is reported without a
//! word about the portal (which is not read).

mod common;

use common::{demo_workspace, teamform_in};

const TODAY: &str = "--today=2026-11-25";
const PORTAL: &str = "--portal=sandbox:.teamform/sandbox.json";

#[test]
fn a_sandbox_named_by_portal_plans_like_the_default() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    assert_eq!(
        teamform_in(dir, &["apply", TODAY, "--auto-approve"]).code,
        0
    );
    let run = teamform_in(dir, &["plan", TODAY, PORTAL, "--detailed-exitcode"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("No changes"), "{}", run.stdout);

    common::edit(
        &dir.join("policies/users/other.toml"),
        "role = \"revops-admin\"       #",
        "role = \"marketing-manager\"       #",
    )?;
    let flagged = teamform_in(dir, &["plan", TODAY, PORTAL, "--format", "json"]);
    let default = teamform_in(dir, &["plan", TODAY, "--format", "json"]);
    assert_eq!(flagged.code, 0, "{}", flagged.stderr);
    let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap_or_default();
    let (mut a, mut b) = (parse(&flagged.stdout), parse(&default.stdout));
    assert_eq!(
        a["changes"].as_array().map(Vec::len),
        Some(1),
        "{}",
        flagged.stdout
    );
    assert!(!a["access"].as_array().is_none_or(Vec::is_empty));
    a["portal"] = serde_json::Value::Null;
    b["portal"] = serde_json::Value::Null;
    assert_eq!(a, b);
    Ok(())
}

#[test]
fn a_corrupt_sandbox_named_by_portal_is_refused_with_its_error() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    std::fs::create_dir_all(dir.join(".teamform"))?;
    std::fs::write(
        dir.join(".teamform/sandbox.json"),
        "{\"format\": \"teamform-sandbox\", \"format_version\": 7}",
    )?;
    let run = teamform_in(dir, &["plan", TODAY, PORTAL]);
    assert_eq!(run.code, 4, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("format version 7"), "{}", run.stderr);

    // With an invalid policy, only the policy's errors are reported.
    std::fs::write(
        dir.join("policies/users/broken.toml"),
        "[user.\"zoe@acme.example\"]\nname = \"Zoe\"\nteam = \"no-such-team\"\nrole = \"revops-admin\"\n",
    )?;
    let run = teamform_in(dir, &["plan", TODAY, PORTAL]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("format version"), "{}", run.stderr);
    assert!(run.stderr.contains("no-such-team"), "{}", run.stderr);
    Ok(())
}

#[test]
fn a_hubspot_api_base_where_nothing_listens_fails_at_once() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    // A loopback port the system handed out, closed again: nothing listens there.
    let address = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let base = format!("http://{address}");
    let token = "pat-na1-0000c0de-dead-beef-0000-refused00000";
    let run = common::teamform_env(
        dir,
        &[
            "plan",
            "--debug",
            TODAY,
            "--portal=hubspot",
            "--api-base",
            &base,
        ],
        &[("HUBSPOT_TOKEN", token)],
    );
    assert_eq!(run.code, 4, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "cannot reach HubSpot at {address}: the connection was refused"
        )),
        "{}",
        run.stderr
    );
    // Each of the three lists was tried once, not retried with backoff.
    let tries = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("debug: http GET") && l.contains("failed"))
        .count();
    assert_eq!(tries, 3, "{}", run.stderr);
    assert!(!run.stderr.contains(token) && !run.stdout.contains(token));
    Ok(())
}

#[test]
fn a_missing_sandbox_is_refused_by_read_only_commands_which_create_nothing() -> std::io::Result<()>
{
    let ws = demo_workspace()?;
    let dir = ws.path();
    let missing = dir.join("nodir/x.json");
    let portal = format!("--portal=sandbox:{}", missing.display());
    let message = format!(
        "error: there is no sandbox portal at `{}`; check the path (`teamform apply` creates a sandbox)\n",
        missing.display()
    );
    let plan = teamform_in(dir, &["plan", TODAY, &portal]);
    assert_eq!((plan.code, plan.stdout.as_str()), (4, ""));
    assert_eq!(plan.stderr, message);
    let watch = teamform_in(dir, &["watch", TODAY, &portal]);
    assert_eq!((watch.code, watch.stdout.as_str()), (4, ""));
    assert_eq!(watch.stderr, message);
    let import = teamform_in(dir, &["import", &portal, "-o", "imported"]);
    assert_eq!(import.code, 4, "{}", import.stderr);
    assert!(
        import.stderr.contains("there is no sandbox portal at"),
        "{}",
        import.stderr
    );
    assert!(!dir.join("nodir").exists(), "no folder or portal created");
    assert!(!dir.join("imported").exists());

    // `apply` creates it; then `plan` reads it.
    let apply = teamform_in(dir, &["apply", TODAY, &portal, "--auto-approve"]);
    assert_eq!(apply.code, 0, "{}{}", apply.stdout, apply.stderr);
    let again = teamform_in(dir, &["plan", TODAY, &portal]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stdout.starts_with("No changes"), "{}", again.stdout);
    Ok(())
}

#[test]
fn the_default_sandbox_is_an_empty_portal_until_the_first_apply_creates_it() -> std::io::Result<()>
{
    let ws = demo_workspace()?;
    let dir = ws.path();
    let plan = teamform_in(dir, &["plan", TODAY]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert!(
        plan.stdout.starts_with(
            "Plan for sandbox:.teamform/sandbox.json: 107 to create, 0 to update, 0 to delete."
        ),
        "{}",
        plan.stdout
    );
    assert!(!dir.join(".teamform").exists(), "plan created nothing");
    let apply = teamform_in(dir, &["apply", TODAY, "--auto-approve"]);
    assert_eq!(apply.code, 0, "{}{}", apply.stdout, apply.stderr);
    assert!(dir.join(".teamform/sandbox.json").is_file());
    Ok(())
}
