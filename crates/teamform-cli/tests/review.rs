//! `teamform review` end to end: the evidence pack of the demo policy against the demo
//! sandbox with activity and against the simulator serving seeded activity, and a full
//! review period in a temporary git repository (start, decisions committed, validate's
//! diagnostics at file:line, status, a refused and an accepted close, the policy edits).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Tests and their helpers stop with a clear message.

mod common;

use common::{demo_workspace, git, git_output, root, teamform_env, teamform_in};
use std::path::Path;

const TODAY: &str = "--today=2026-11-30";

/// The demo workspace with the demo sandbox (activity included) at `portal.json`.
fn workspace() -> tempfile::TempDir {
    let dir = demo_workspace().expect("a temporary workspace");
    std::fs::copy(
        root().join("examples/review-sandbox.json"),
        dir.path().join("portal.json"),
    )
    .expect("the demo sandbox");
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The CSV row of `email`, split into fields (the demo's rows quote nothing).
fn row<'a>(csv: &'a str, email: &str) -> Vec<&'a str> {
    csv.lines()
        .find(|l| l.starts_with(&format!("{email},")))
        .unwrap_or_else(|| panic!("no row for {email}"))
        .split(',')
        .collect()
}

#[test]
fn the_demo_pack_holds_every_user_with_findings_and_a_manifest_of_its_files() {
    let dir = workspace();
    let run = teamform_in(
        dir.path(),
        &[
            "review",
            TODAY,
            "--portal",
            "sandbox:portal.json",
            "--out",
            "pack",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(
            "Reviewed 41 users (41 in the portal, 40 in the policy): 7 findings about 5 users."
        ),
        "{}",
        run.stdout
    );
    let pack = dir.path().join("pack");
    let csv = read(&pack.join("users.csv"));
    assert!(
        csv.starts_with(
            "email,name,role,primary_team,teams,super_admin,seats,last_login,findings,"
        )
    );
    assert!(csv.ends_with("\r\n"));
    assert_eq!(csv.lines().count(), 42, "a header and 41 users");
    let lea = row(&csv, "lea.fontaine@acme.example");
    assert_eq!(lea[7], "", "no login in the window");
    assert_eq!(lea[8], "TF0400");
    assert_eq!(
        row(&csv, "marc-antoine.chevalier@acme.example")[8],
        "TF0400 TF0401 TF0405"
    );
    assert_eq!(row(&csv, "intern@acme.example")[8], "TF0403");
    assert_eq!(row(&csv, "pilar.dominguez@acme.example")[8], "TF0404");
    let camille = row(&csv, "camille.lefevre@acme.example");
    assert_eq!(camille[3], "Sales France");
    assert!(camille[7].starts_with("2026-"), "{camille:?}");
    assert_eq!(camille[8], "");

    let review: serde_json::Value = serde_json::from_str(&read(&pack.join("review.json"))).unwrap();
    assert_eq!(review["format"], "teamform-review");
    assert_eq!(review["format_version"], 1);
    assert_eq!(review["generated_at"], "2026-11-30T00:00:00Z");
    assert_eq!(review["activity"]["since"], "2026-09-01T00:00:00Z");

    let manifest: serde_json::Value =
        serde_json::from_str(&read(&pack.join("manifest.json"))).unwrap();
    let files = manifest["files"].as_array().unwrap();
    let names: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "report.html",
            "review.json",
            "review.schema.json",
            "users.csv"
        ]
    );
    for f in files {
        let bytes = std::fs::read(pack.join(f["path"].as_str().unwrap())).unwrap();
        assert_eq!(
            f["sha256"].as_str().unwrap(),
            teamform_review::pack::sha256(&bytes)
        );
    }
    assert_eq!(manifest["portal"], "sandbox:portal.json");
    assert_eq!(manifest["policy"]["hash"].as_str().map(str::len), Some(64));

    let html = read(&pack.join("report.html"));
    assert!(html.contains("<svg"), "the org chart");
    // Nothing is fetched: no source, no link out, no stylesheet import (the SVG's `xmlns` is
    // a name, not a request).
    for external in ["src=", "href=\"http", "url(", "@import", "<link"] {
        assert!(!html.contains(external), "{external} in the report");
    }
    assert!(html.find("id=\"findings\"") < html.find("id=\"users\""));
}

#[test]
fn a_review_reads_logins_from_the_simulator() {
    let dir = workspace();
    // The simulator serves the demo portal and, from its own file, the same activity.
    let activity: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("portal.json"))).unwrap();
    std::fs::write(
        dir.path().join("activity.json"),
        serde_json::to_vec(&activity["activity"]).unwrap(),
    )
    .unwrap();
    let mut portal = activity.clone();
    portal.as_object_mut().unwrap().remove("activity");
    std::fs::write(
        dir.path().join("served.json"),
        serde_json::to_vec(&portal).unwrap(),
    )
    .unwrap();
    let token = "pat-na1-review-test";
    let sim = common::start_sim(
        &dir.path().join("served.json"),
        token,
        &[
            "--activity",
            dir.path().join("activity.json").to_str().unwrap(),
        ],
    )
    .expect("the simulator starts");
    let run = teamform_env(
        dir.path(),
        &[
            "review",
            TODAY,
            "--portal",
            "hubspot",
            "--api-base",
            &sim.base,
            "--out",
            "pack",
        ],
        &[("HUBSPOT_TOKEN", token)],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let csv = read(&dir.path().join("pack/users.csv"));
    assert_eq!(row(&csv, "lea.fontaine@acme.example")[8], "TF0400");
    assert_eq!(row(&csv, "pilar.dominguez@acme.example")[8], "TF0404");
    assert!(row(&csv, "camille.lefevre@acme.example")[7].starts_with("2026-"));
    assert!(!run.stdout.contains(token) && !run.stderr.contains(token));
}

/// Sets a member's fields in a decisions file: the lines after its table header.
fn decide(path: &Path, email: &str, fields: &str) {
    let text = read(path);
    let header = format!("[member.\"{email}\"]");
    let at = text
        .find(&header)
        .unwrap_or_else(|| panic!("{email} in {}", path.display()));
    let rest = &text[at..];
    let from = rest.find("decision = \"\"").unwrap() + at;
    let to = rest.find("reason = \"\"").unwrap() + at + "reason = \"\"".len();
    let new = format!("{}{fields}{}", &text[..from], &text[to..]);
    std::fs::write(path, new).unwrap();
}

fn commit_as(dir: &Path, name: &str, email: &str, message: &str) {
    let ok = std::process::Command::new("git")
        .args(["commit", "-q", "-a", "-m", message])
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", name)
        .env("GIT_AUTHOR_EMAIL", email)
        .env("GIT_COMMITTER_NAME", name)
        .env("GIT_COMMITTER_EMAIL", email)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "git commit");
}

#[test]
fn a_review_period_runs_from_start_to_policy_edits_in_git() {
    let dir = workspace();
    let d = dir.path();
    assert!(git(d, &["init", "-q", "-b", "main"]) && git(d, &["add", "."]));
    assert!(git(d, &["commit", "-q", "-m", "Demo org"]));
    let portal = ["--portal", "sandbox:portal.json"];
    let start = teamform_in(
        d,
        &[
            &["review", "start", "--period", "2026-Q4", TODAY][..],
            &portal[..],
        ]
        .concat(),
    );
    assert_eq!(start.code, 0, "{}{}", start.stdout, start.stderr);
    let period = d.join("reviews/2026-Q4");
    assert!(period.join("snapshot.json").is_file());
    let sales_fr = period.join("sales-fr.toml");
    assert!(read(&sales_fr).contains("[member.\"lea.fontaine@acme.example\"]"));
    // A second start would overwrite decisions: refused.
    let again = teamform_in(
        d,
        &[&["review", "start", "--period", "2026-Q4"][..], &portal[..]].concat(),
    );
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert!(git(d, &["add", "reviews"]) && git(d, &["commit", "-q", "-m", "Start 2026-Q4"]));

    // Nothing decided yet: status lists who is waited for, close refuses.
    let status = teamform_in(d, &["review", "status", "--period", "2026-Q4"]);
    assert_eq!(status.code, 1, "{}{}", status.stdout, status.stderr);
    assert!(
        status
            .stdout
            .contains("sales-fr: 0 of 5 decided; waiting for"),
        "{}",
        status.stdout
    );
    let close = teamform_in(d, &["review", "close", "--period", "2026-Q4"]);
    assert_eq!(close.code, 1, "{}", close.stdout);
    assert!(
        close.stderr.contains("cannot be closed"),
        "{}",
        close.stderr
    );

    // Bad decisions: validate reports them with their codes at file:line.
    let text = read(&sales_fr).replacen(
        "reviewer = \"\"",
        "reviewer = \"theo.girard@acme.example\"",
        1,
    );
    std::fs::write(&sales_fr, text).unwrap();
    decide(
        &sales_fr,
        "lea.fontaine@acme.example",
        "decision = \"keep\"\nreason = \"\"",
    );
    decide(
        &sales_fr,
        "theo.girard@acme.example",
        "decision = \"keep\"\nreason = \"mine\"",
    );
    decide(
        &sales_fr,
        "chloe.moreau@acme.example",
        "decision = \"remove\"\nreason = \"\"",
    );
    let validate = teamform_in(d, &["validate", TODAY, "--format", "github"]);
    assert_eq!(validate.code, 1, "{}", validate.stdout);
    let out = &validate.stdout;
    // The line of the first `needle` after `after` in the file.
    let line_of = |after: &str, needle: &str| {
        let text = read(&sales_fr);
        let start = text.lines().position(|l| l.contains(after)).unwrap();
        text.lines()
            .enumerate()
            .skip(start)
            .find(|(_, l)| l.contains(needle))
            .map(|(i, _)| i + 1)
            .unwrap()
    };
    for (code, line) in [
        ("TF0414", line_of("reviewer = ", "reviewer = ")),
        ("TF0413", line_of("[member.\"lea.fontaine", "decision = ")),
        ("TF0412", line_of("[member.\"theo.girard", "decision = ")),
        ("TF0410", line_of("[member.\"chloe.moreau", "decision = ")),
    ] {
        assert!(
            out.lines().any(|l| l.contains(code)
                && l.contains(&format!("reviews/2026-Q4/sales-fr.toml,line={line},"))),
            "{code} at line {line} missing:\n{out}"
        );
    }

    // Every team decided by its reviewers, committed by them.
    let sales_reviewer = "amelie.durand@acme.example";
    for entry in std::fs::read_dir(&period).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let text = read(&path);
        let reviewers_line = text.lines().nth(1).unwrap();
        let reviewer = if reviewers_line.contains(sales_reviewer) {
            sales_reviewer
        } else {
            "ioana.ionescu@acme.example"
        };
        let mut text = text
            .lines()
            .map(|l| {
                if l.starts_with("reviewer = ") {
                    format!("reviewer = \"{reviewer}\"")
                } else {
                    l.replace("decision = \"keep\"", "decision = \"\"")
                        .replace("decision = \"remove\"", "decision = \"\"")
                        .replace("reason = \"mine\"", "reason = \"\"")
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        text.push('\n');
        std::fs::write(&path, &text).unwrap();
        let emails: Vec<String> = text
            .lines()
            .filter_map(|l| {
                l.strip_prefix("[member.\"")?
                    .strip_suffix("\"]")
                    .map(str::to_string)
            })
            .collect();
        for email in emails {
            let fields = match email.as_str() {
                "lea.fontaine@acme.example" => {
                    "decision = \"revoke\"\nreason = \"left the company in October\"".to_string()
                }
                "theo.girard@acme.example" => {
                    "decision = \"change\"\nreason = \"promoted\"\nrole = \"sales-manager\""
                        .to_string()
                }
                e if e == reviewer => format!(
                    "decision = \"keep\"\nreason = \"owner of the contract\"\nby = \"{}\"",
                    if reviewer == sales_reviewer {
                        "ioana.ionescu@acme.example"
                    } else {
                        "marc-antoine.chevalier@acme.example"
                    }
                ),
                _ => "decision = \"keep\"\nreason = \"still needed\"".to_string(),
            };
            decide(&path, &email, &fields);
        }
    }
    let status = teamform_in(d, &["review", "status", "--period", "2026-Q4"]);
    assert_eq!(status.code, 0, "{}{}", status.stdout, status.stderr);
    // Uncommitted decisions are not evidence: close refuses until they are committed.
    let close = teamform_in(d, &["review", "close", "--period", "2026-Q4"]);
    assert_eq!(close.code, 1, "{}{}", close.stdout, close.stderr);
    assert!(close.stderr.contains("uncommitted"), "{}", close.stderr);
    commit_as(d, "Amélie Durand", sales_reviewer, "Decisions of 2026-Q4");

    let close = teamform_in(d, &["review", "close", "--period", "2026-Q4"]);
    assert_eq!(close.code, 0, "{}{}", close.stdout, close.stderr);
    assert!(
        close
            .stdout
            .contains("- removed lea.fontaine@acme.example from"),
        "{}",
        close.stdout
    );
    assert!(
        close
            .stdout
            .contains("~ theo.girard@acme.example: role sales-manager"),
        "{}",
        close.stdout
    );
    let evidence = period.join("evidence");
    for f in [
        "manifest.json",
        "decisions.json",
        "users.csv",
        "report.html",
        "review.json",
    ] {
        assert!(evidence.join(f).is_file(), "{f}");
    }
    let decisions: serde_json::Value =
        serde_json::from_str(&read(&evidence.join("decisions.json"))).unwrap();
    let head = git_output(d, &["rev-parse", "HEAD"]);
    let lea = decisions
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["user"] == "lea.fontaine@acme.example")
        .unwrap();
    assert_eq!(lea["decision"], "revoke");
    assert_eq!(lea["recorded"]["commit"], head.as_str());
    assert_eq!(lea["recorded"]["email"], sales_reviewer);
    assert_eq!(lea["recorded_by_decider"], true);

    // The policy edits keep everything else of the files.
    let sales = read(&d.join("policies/users/sales.toml"));
    assert!(!sales.contains("lea.fontaine"), "{sales}");
    assert!(sales.contains("# the parent team: sees every country through its role"));
    let theo = &sales[sales.find("[user.\"theo.girard@acme.example\"]").unwrap()..];
    assert!(
        theo.lines()
            .take(5)
            .any(|l| l == "role = \"sales-manager\""),
        "{theo}"
    );
    let valid = teamform_in(d, &["validate", TODAY]);
    assert_eq!(valid.code, 0, "{}", valid.stdout);
    // A closed review is closed.
    let again = teamform_in(d, &["review", "close", "--period", "2026-Q4"]);
    assert_eq!(again.code, 1);
}

#[test]
fn many_findings_print_the_first_of_each_code_and_count_the_others() {
    let dir = workspace();
    // A day without login is inactivity: 45 findings, 39 of them `TF0400`, 2 of them errors.
    let review = |out: &str, all: &[&str]| {
        let mut args = vec![
            "review",
            TODAY,
            "--portal",
            "sandbox:portal.json",
            "--inactive-days",
            "1",
            "--out",
            out,
        ];
        args.extend(all);
        let run = teamform_in(dir.path(), &args);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        run.stdout
    };
    let printed = |stdout: &str| stdout.lines().filter(|l| l.starts_with("TF0")).count();
    let cut = review("cut", &[]);
    assert!(
        cut.contains(
            "… and 36 more findings (36 TF0400): every finding is in the pack's `review.json`; `--all-findings` prints them here."
        ),
        "{cut}"
    );
    assert_eq!(printed(&cut), 9, "{cut}");
    // The closing line counts them all.
    assert!(
        cut.contains("checked 12 files: 2 errors, 43 warnings"),
        "{cut}"
    );
    let all = review("all", &["--all-findings"]);
    assert_eq!(printed(&all), 45, "{all}");
    assert!(
        all.contains("checked 12 files: 2 errors, 43 warnings"),
        "{all}"
    );
    assert!(!all.contains("more findings"), "{all}");
    for pack in ["cut", "all"] {
        let json: serde_json::Value =
            serde_json::from_str(&read(&dir.path().join(pack).join("review.json")))
                .expect("review.json is JSON");
        assert_eq!(json["findings"].as_array().map(Vec::len), Some(45));
    }
}
