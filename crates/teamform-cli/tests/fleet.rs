//! `teamform reconcile --portals-dir` over three simulated portals, each with its own token
//! (one from `HUBSPOT_TOKEN_<NAME>`, one from a file `HUBSPOT_TOKEN_FILE_<NAME>` names, one
//! from `HUBSPOT_TOKEN_DIR`): one portal's simulator dies and the others go on; a change Bob
//! makes by hand is attributed to him; the metrics parse as Prometheus text and count what
//! happened; each finding is announced once (a failed webhook post is retried, a restart
//! announces nothing again, a new change is announced and updates the issue); no token shows
//! anywhere. Then a work tree behind a link (as git-sync keeps it) without `--repo`: a portal
//! without a token of its own fails rather than borrow the process's, one portal runs alone
//! (`--portal-dir`, `HUBSPOT_TOKEN_FILE`), and in `apply` mode a change by hand is attributed
//! before it is reverted.

mod common;

use common::fleet::{Received, fleet, rename_bob, stand_in};
use common::*;
use std::process::{Command, Stdio};

const GITHUB_TOKEN: &str = "ghp-stand-in-secret-0099";

/// Runs `reconcile` over the portals in `dir` (report mode, every 300 ms), notifying `hooks`.
fn reconcile(
    dir: &std::path::Path,
    portals: &[common::fleet::Portal],
    hooks: &str,
    extra: &[&str],
) -> std::io::Result<std::process::Child> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_teamform"));
    cmd.args(["reconcile", "--portals-dir", "portals", "--mode", "report"])
        .args(["--interval", "300ms", "--today=2026-11-25"])
        .args(["--notify", &format!("{hooks}/hook")])
        .args([
            "--notify-github-issue",
            "acme/policies",
            "--github-api",
            hooks,
        ])
        .arg("--repo")
        .arg(dir.join("repo"))
        .arg("--cache")
        .arg(dir.join("cache"))
        .args(extra)
        .current_dir(dir)
        .env("GITHUB_TOKEN", GITHUB_TOKEN)
        .env("HUBSPOT_TOKEN", "pat-shared-decoy-0000")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join("stderr.txt"))?);
    let (alpha, beta, gamma) = (&portals[0], &portals[1], &portals[2]);
    std::fs::write(dir.join("beta-token"), &beta.token)?;
    std::fs::create_dir_all(dir.join("secrets"))?;
    std::fs::write(dir.join("secrets/gamma"), format!("{}\n", gamma.token))?;
    cmd.env("HUBSPOT_TOKEN_ALPHA", &alpha.token)
        .env("HUBSPOT_TOKEN_FILE_BETA", dir.join("beta-token"))
        .env("HUBSPOT_TOKEN_DIR", dir.join("secrets"));
    for p in portals {
        cmd.env(
            format!("HUBSPOT_API_BASE_{}", p.name.to_uppercase()),
            &p.sim.base,
        );
    }
    cmd.spawn()
}

/// The webhook messages delivered (the stand-in's first answer is a 500).
fn delivered(received: &Received) -> Vec<String> {
    let all = received.lock().map(|r| r.clone()).unwrap_or_default();
    (all.into_iter())
        .filter(|(m, p, _)| m == "POST" && p == "/hook")
        .skip(1)
        .map(|(_, _, body)| body)
        .collect()
}

fn is(v: &serde_json::Value, portal: &str) -> bool {
    v["portal"] == portal && v["event"] == "cycle"
}

#[test]
fn a_fleet_survives_a_dead_portal_attributes_drift_and_notifies_once() -> std::io::Result<()> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path();
    let mut portals = fleet(dir, &["alpha", "beta", "gamma"], |_| Vec::new())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let (hooks, received) = stand_in(&rt, 1)?;
    let mut child = reconcile(dir, &portals, &hooks, &["--listen", "127.0.0.1:0"])?;
    let Some(stdout) = child.stdout.take() else {
        return Err(std::io::Error::other("no stdout"));
    };
    let rx = json_lines(stdout);
    let mut seen = Vec::new();
    let listening = until_line(&rx, &mut seen, |v| v["event"] == "listening");
    let addr = listening.map(|v| v["addr"].as_str().unwrap_or_default().to_string());
    let base = format!("http://{}", addr.unwrap_or_default());

    // Every portal starts in line with its policy.
    for name in ["alpha", "beta", "gamma"] {
        let clean = until_line(&rx, &mut seen, |v| {
            is(v, name) && v["status"] == "ok" && v["changes"] == 0
        });
        assert!(clean.is_some(), "{name} had a clean cycle: {seen:?}");
    }

    // Bob renames himself by hand in alpha; gamma's simulator dies.
    let http = reqwest::Client::new();
    let alpha = &portals[0];
    let renamed = rt.block_on(rename_bob(&http, alpha));
    let bob_id = renamed.map_err(std::io::Error::other)?;
    portals[2].sim.child.kill()?;

    let drift =
        until_line(&rx, &mut seen, |v| is(v, "alpha") && v["drift"] == true).unwrap_or_default();
    assert_eq!(
        drift["objects"],
        serde_json::json!(["user:bob@alpha.example"])
    );
    let who = &drift["attribution"][0];
    assert_eq!(who["object"], "user:bob@alpha.example", "{drift}");
    assert_eq!(who["id"], bob_id.as_str());
    assert_eq!(who["by"], "bob@alpha.example");
    assert_eq!(who["event"], "UPDATE");
    let dead = until_line(&rx, &mut seen, |v| {
        is(v, "gamma") && v["status"] == "portal-error"
    });
    assert!(dead.is_some(), "gamma failed: {seen:?}");
    // The others go on: two more rounds of alpha (still drifted) and beta (clean).
    for _ in 0..2 {
        assert!(until_line(&rx, &mut seen, |v| is(v, "alpha") && v["drift"] == true).is_some());
        assert!(until_line(&rx, &mut seen, |v| is(v, "beta") && v["status"] == "ok").is_some());
    }

    // Both findings get delivered (the one whose first post failed at its portal's next
    // cycle); later cycles with the same findings announce nothing more.
    let about = |messages: &[String], portal: &str| {
        (messages.iter())
            .filter(|m| m.contains(&format!("portal `{portal}`")))
            .count()
    };
    let announced = |p: &str| about(&delivered(&received), p) > 0;
    let deadline = std::time::Instant::now() + DEADLINE;
    while !(announced("alpha") && announced("gamma")) && std::time::Instant::now() < deadline {
        // The stand-in records as it answers; look again when the next line comes.
        let _ = until_line(&rx, &mut seen, |_| true);
    }
    for _ in 0..2 {
        assert!(until_line(&rx, &mut seen, |v| is(v, "alpha") && v["drift"] == true).is_some());
    }
    assert!(until_line(&rx, &mut seen, |v| is(v, "gamma")).is_some());
    let refused = seen
        .iter()
        .filter(|v| v["event"] == "notification-failed")
        .count();
    assert_eq!(
        refused, 1,
        "the first webhook post failed and was logged: {seen:?}"
    );
    let messages = delivered(&received);
    let about = |portal: &str| about(&messages, portal);
    assert_eq!(about("alpha"), 1, "{messages:?}");
    assert_eq!(about("gamma"), 1, "{messages:?}");
    assert_eq!(about("beta"), 0, "{messages:?}");
    let alpha_message: serde_json::Value = (messages.iter())
        .find(|m| m.contains("portal `alpha`"))
        .and_then(|m| serde_json::from_str(m).ok())
        .unwrap_or_default();
    assert!(
        alpha_message["text"]
            .as_str()
            .unwrap_or_default()
            .contains("UPDATE by bob@alpha.example")
    );
    assert_eq!(alpha_message["blocks"][0]["type"], "section");
    let issues: Vec<String> = (received
        .lock()
        .map(|r| r.clone())
        .unwrap_or_default()
        .into_iter())
    .filter(|(m, p, _)| m == "POST" && p == "/repos/acme/policies/issues")
    .map(|(_, _, b)| b)
    .collect();
    assert_eq!(
        issues.len(),
        2,
        "one issue per portal with news: {issues:?}"
    );

    // A new change by hand is news again: a second message, and alpha's issue updated.
    rt.block_on(async {
        let url = format!("{}/settings/v3/users/{bob_id}", portals[0].sim.base);
        let body = serde_json::json!({ "lastName": "Ionescu-Pop" });
        (http
            .put(url)
            .bearer_auth(&portals[0].bob_token)
            .json(&body)
            .send()
            .await)?
            .error_for_status()
            .map(|_| ())
    })
    .map_err(std::io::Error::other)?;
    let patched = |r: &Received| {
        (r.lock().map(|r| r.clone()).unwrap_or_default().into_iter())
            .filter(|(m, p, _)| m == "PATCH" && p == "/repos/acme/policies/issues/7")
            .count()
    };
    let deadline = std::time::Instant::now() + DEADLINE;
    while patched(&received) == 0 && std::time::Instant::now() < deadline {
        let _ = until_line(&rx, &mut seen, |_| true);
    }
    assert_eq!(patched(&received), 1, "alpha's issue was updated once");
    let alpha_messages = (delivered(&received).iter())
        .filter(|m| m.contains("portal `alpha`"))
        .count();
    assert_eq!(alpha_messages, 2, "the new change was announced");

    // The metrics, read by a Prometheus text parser.
    let (metrics, ready, health) = rt
        .block_on(async {
            let get = |path: &str| http.get(format!("{base}{path}")).send();
            let metrics = get("/metrics").await?.text().await?;
            let ready = get("/readyz").await?;
            let ready = (ready.status().as_u16(), ready.text().await?);
            let health = get("/healthz").await?.status().as_u16();
            Ok::<_, reqwest::Error>((metrics, ready, health))
        })
        .map_err(std::io::Error::other)?;
    let scrape = prometheus_parse::Scrape::parse(metrics.lines().map(|l| Ok(l.to_string())))?;
    let value = |name: &str, labels: &[(&str, &str)]| -> f64 {
        (scrape.samples.iter())
            .filter(|s| s.metric == name)
            .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
            .map(|s| match s.value {
                prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Untyped(v) => v,
                _ => f64::NAN,
            })
            .sum()
    };
    let cycles = "teamform_reconcile_cycles_total";
    assert!(
        value(cycles, &[("portal", "alpha"), ("status", "ok")]) >= 4.0,
        "{metrics}"
    );
    assert!(value(cycles, &[("portal", "gamma"), ("status", "portal-error")]) >= 1.0);
    assert!(
        value(
            "teamform_reconcile_drift_objects_total",
            &[("portal", "alpha")]
        ) >= 3.0
    );
    assert_eq!(
        value(
            "teamform_reconcile_drift_objects_total",
            &[("portal", "beta")]
        ),
        0.0
    );
    assert!(
        value(
            "teamform_reconcile_api_requests_total",
            &[("portal", "beta"), ("status", "200")]
        ) >= 4.0
    );
    assert!(
        value(
            "teamform_reconcile_api_requests_total",
            &[("portal", "gamma"), ("status", "transport")]
        ) >= 1.0
    );
    // Gamma's last success is its first cycle's, before beta's latest.
    let last = |portal: &str| {
        value(
            "teamform_reconcile_last_success_timestamp_seconds",
            &[("portal", portal)],
        )
    };
    assert!(
        last("gamma") > 1.7e9 && last("gamma") < last("beta"),
        "{metrics}"
    );
    assert_eq!(
        value("teamform_reconcile_notifications_failed_total", &[]),
        1.0
    );
    assert_eq!(health, 200);
    assert_eq!(ready.0, 503, "gamma's last cycle failed");
    assert!(
        ready.1.contains("gamma") && !ready.1.contains("alpha"),
        "{}",
        ready.1
    );

    assert_eq!(terminate(&mut child)?, Some(0), "stops cleanly on SIGTERM");

    // A restart remembers what was announced.
    let before = delivered(&received).len();
    let mut again = reconcile(dir, &portals, &hooks, &["--once"])?;
    let code = again.wait()?.code();
    assert_eq!(code, Some(4), "gamma still fails");
    assert_eq!(
        delivered(&received).len(),
        before,
        "nothing announced again after a restart"
    );

    // No token anywhere: logs, errors, metrics, notifications.
    let stderr = std::fs::read_to_string(dir.join("stderr.txt"))?;
    let bodies: Vec<String> = (received
        .lock()
        .map(|r| r.clone())
        .unwrap_or_default()
        .into_iter())
    .map(|(_, p, b)| format!("{p} {b}"))
    .collect();
    let logs: Vec<String> = seen.iter().map(|v| v.to_string()).collect();
    let mut secrets = vec![
        GITHUB_TOKEN.to_string(),
        "pat-shared-decoy-0000".to_string(),
    ];
    secrets.extend(
        portals
            .iter()
            .flat_map(|p| [p.token.clone(), p.bob_token.clone()]),
    );
    for secret in &secrets {
        for (what, text) in [
            ("logs", logs.join("\n")),
            ("stderr", stderr.clone()),
            ("metrics", metrics.clone()),
            ("notifications", bodies.join("\n")),
        ] {
            assert!(
                !text.contains(secret.as_str()),
                "a token shows in the {what}"
            );
        }
    }
    Ok(())
}

#[test]
fn a_fleet_reads_a_work_tree_behind_a_link_and_never_lends_a_token_and_one_portal_runs_alone()
-> std::io::Result<()> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path();
    let portals = fleet(dir, &["alpha", "beta"], |_| Vec::new())?;
    // As git-sync does: the work tree behind a symbolic link, no `--repo`.
    std::os::unix::fs::symlink(dir.join("repo"), dir.join("current"))?;
    std::fs::create_dir_all(dir.join("secrets"))?;
    std::fs::write(dir.join("secrets/alpha"), &portals[0].token)?;
    let run = teamform_env(
        dir,
        &[
            "reconcile",
            "--portals-dir",
            "current/portals",
            "--once",
            "--today=2026-11-25",
        ],
        &[
            ("HUBSPOT_TOKEN_DIR", "secrets"),
            // Beta's own token, but the process's: a fleet never hands it to a portal.
            ("HUBSPOT_TOKEN", &portals[1].token),
            ("HUBSPOT_API_BASE_ALPHA", &portals[0].sim.base),
            ("HUBSPOT_API_BASE_BETA", &portals[1].sim.base),
        ],
    );
    assert_eq!(run.code, 4, "beta has no token of its own: {}", run.stdout);
    let lines: Vec<serde_json::Value> = (run.stdout.lines())
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let of = |name: &str| {
        lines
            .iter()
            .find(|v| v["portal"] == name)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(of("alpha")["status"], "ok", "{}", run.stdout);
    assert_eq!(of("alpha")["changes"], 0);
    assert_eq!(of("beta")["status"], "portal-error");
    assert!(
        (of("beta")["message"].as_str().unwrap_or_default())
            .starts_with("no token for the portal `beta`: set `HUBSPOT_TOKEN_BETA`"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains(&portals[1].token) && !run.stderr.contains(&portals[1].token));

    // One process per portal: beta alone, with the process's token from a mounted file.
    std::fs::write(dir.join("beta-token"), format!("{}\n", portals[1].token))?;
    let alone = teamform_env(
        dir,
        &[
            "reconcile",
            "--portal-dir",
            "current/portals/beta",
            "--once",
            "--today=2026-11-25",
        ],
        &[
            ("HUBSPOT_TOKEN_FILE", "beta-token"),
            ("HUBSPOT_API_BASE_BETA", &portals[1].sim.base),
        ],
    );
    assert_eq!(alone.code, 0, "{}{}", alone.stdout, alone.stderr);
    let line: serde_json::Value = serde_json::from_str(alone.stdout.trim()).unwrap_or_default();
    assert_eq!(line["portal"], "beta");
    assert_eq!(line["status"], "ok", "{line}");
    assert!(!alone.stdout.contains(&portals[1].token));

    // In apply mode a change by hand is attributed, then reverted.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let http = reqwest::Client::new();
    let bob = rt
        .block_on(rename_bob(&http, &portals[0]))
        .map_err(std::io::Error::other)?;
    let apply = teamform_env(
        dir,
        &[
            "reconcile",
            "--portal-dir",
            "current/portals/alpha",
            "--mode",
            "apply",
            "--once",
            "--today=2026-11-25",
        ],
        &[
            ("HUBSPOT_TOKEN_ALPHA", &portals[0].token),
            ("HUBSPOT_API_BASE_ALPHA", &portals[0].sim.base),
        ],
    );
    assert_eq!(apply.code, 0, "{}{}", apply.stdout, apply.stderr);
    let line: serde_json::Value = serde_json::from_str(apply.stdout.trim()).unwrap_or_default();
    assert_eq!(line["performed"], 1, "{line}");
    assert_eq!(line["attribution"][0]["by"], "bob@alpha.example", "{line}");
    assert_eq!(line["attribution"][0]["id"], bob.as_str());
    let url = format!("{}/settings/v3/users/{bob}", portals[0].sim.base);
    let now: serde_json::Value = rt
        .block_on(async {
            http.get(url)
                .bearer_auth(&portals[0].token)
                .send()
                .await?
                .json()
                .await
        })
        .map_err(std::io::Error::other)?;
    assert_eq!(now["firstName"], "Bob", "reverted");
    Ok(())
}
