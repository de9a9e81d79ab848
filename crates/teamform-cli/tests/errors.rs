//! Errors are printed once, by `main`, as one `error: …` and the exit code of their kind: a
//! refused token (401) and a refused connection exit 4 with what to check, an edited plan exits
//! 3 with why, a missing plan file exits 1. The words are the ones users saw before errors had
//! kinds.

mod common;

use common::*;

const TODAY: &str = "--today=2026-11-25";
const TOKEN: &str = "pat-na1-TEAMFORM-ERRORS-TOKEN-41c2";

/// The lines of standard error that report an error.
fn errors(run: &Run) -> Vec<&str> {
    (run.stderr.lines())
        .filter(|l| l.starts_with("error:"))
        .collect()
}

/// `teamform plan` in a copy of the demo policy against HubSpot at `base`, with `token`.
fn plan_hubspot(base: &str, token: &str) -> std::io::Result<Run> {
    let ws = demo_workspace()?;
    let args = ["plan", TODAY, "--portal", "hubspot", "--api-base", base];
    Ok(teamform_env(ws.path(), &args, &[("HUBSPOT_TOKEN", token)]))
}

/// A loopback address where nothing listens: a port the system handed out, closed again.
fn closed_port() -> std::io::Result<String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?;
    drop(listener);
    Ok(format!("http://{address}"))
}

#[test]
fn a_refused_token_is_an_error_of_the_portal_printed_once() -> std::io::Result<()> {
    let state = tempfile::tempdir()?;
    let sim = start_sim(&state.path().join("portal.json"), TOKEN, &[])?;
    let run = plan_hubspot(&sim.base, "pat-na1-wrong")?;
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(errors(&run).len(), 1, "{}", run.stderr);
    let error = errors(&run)[0];
    assert!(
        error.starts_with("error: cannot read the portal: HubSpot refused `GET "),
        "{error}"
    );
    assert!(error.contains("(401"), "{error}");
    assert!(
        error.ends_with("check that `HUBSPOT_TOKEN` holds a valid private app token"),
        "{error}"
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    Ok(())
}

#[test]
fn a_refused_connection_is_an_error_of_the_portal_naming_the_host() -> std::io::Result<()> {
    let base = closed_port()?;
    let run = plan_hubspot(&base, TOKEN)?;
    assert_eq!(run.code, 4, "{}", run.stderr);
    let host = base.trim_start_matches("http://");
    assert_eq!(
        errors(&run),
        [format!(
            "error: cannot read the portal: cannot reach HubSpot at {host}: the connection was refused (nothing is listening there); check `--api-base` and that the portal is up"
        )],
        "{}",
        run.stderr
    );
    Ok(())
}

#[test]
fn plain_http_to_a_remote_host_is_refused_before_anything_is_sent() -> std::io::Result<()> {
    let run = plan_hubspot("http://portal.example.com", TOKEN)?;
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(
        errors(&run),
        [
            "error: `--api-base http://portal.example.com/` is plain HTTP: the token would travel unencrypted; use https:// (plain http:// is only allowed to a loopback address such as 127.0.0.1, ::1 or localhost)"
        ],
        "{}",
        run.stderr
    );
    Ok(())
}

#[test]
fn an_edited_plan_is_refused_and_a_missing_one_is_a_usage_error() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    let plan = teamform_in(dir, &["plan", TODAY, "-o", "plan.json"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    edit(
        &dir.join("plan.json"),
        "\"portal\": \"sandbox:",
        "\"portal\": \"sandbox:x",
    )?;
    let apply = teamform_in(dir, &["apply", TODAY, "plan.json"]);
    assert_eq!(apply.code, 3, "{}", apply.stderr);
    assert_eq!(
        apply.stderr.trim_end(),
        "error: apply refused; nothing was changed:\n  - the plan file's checksum does not match its contents: it was edited after `teamform plan` wrote it; make a new plan"
    );
    let missing = teamform_in(dir, &["apply", TODAY, "gone.json"]);
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    assert_eq!(errors(&missing).len(), 1, "{}", missing.stderr);
    assert!(
        missing
            .stderr
            .starts_with("error: cannot read the plan `gone.json`: "),
        "{}",
        missing.stderr
    );
    Ok(())
}
