//! The review's `report.html` in a real browser (Debian's `chromium`, headless; `.ci/run`
//! installs it): it loads with no console message at all (no script error, no blocked
//! request), its script makes the table sortable and filterable, it reads completely with
//! JavaScript off, and it renders to a screenshot. Skipped, saying so, where chromium is
//! not installed.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Tests and their helpers stop with a clear message.

mod common;

use common::{root, teamform_in};
use std::path::Path;
use std::process::Command;

/// The browser, when one is installed.
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|b| {
        Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Runs headless chromium on `page` with `args`, in a profile of its own under `dir`;
/// returns standard output and standard error.
fn headless(
    browser: &str,
    dir: &Path,
    profile: &str,
    args: &[&str],
    page: &Path,
) -> (String, String) {
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .args(["--enable-logging=stderr", "--log-level=0"])
        .arg(format!("--user-data-dir={}", dir.join(profile).display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_report_renders_in_a_real_browser_with_and_without_javascript() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: chromium is not installed (`.ci/run` installs Debian's `chromium`)");
        return;
    };
    let dir = common::demo_workspace().expect("a workspace");
    std::fs::copy(
        root().join("examples/review-sandbox.json"),
        dir.path().join("portal.json"),
    )
    .expect("the demo sandbox");
    let run = teamform_in(
        dir.path(),
        &[
            "review",
            "--today=2026-11-30",
            "--portal",
            "sandbox:portal.json",
            "--out",
            "pack",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let page = dir.path().join("pack/report.html");

    // With JavaScript: no console message, and the script ran to its end.
    let (dom, log) = headless(browser, dir.path(), "js", &["--dump-dom"], &page);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    assert!(
        dom.contains("data-ready=\"true\""),
        "the script did not finish"
    );
    assert!(
        dom.contains("<p id=\"filter-box\">"),
        "the filter box is shown"
    );
    assert!(dom.contains("aria-sort=\"none\""), "the headers sort");

    // Without its script (headless chromium needs JavaScript itself to dump or shoot a
    // page, so the page's own script is forbidden by its policy instead): everything is
    // there, the filter box stays hidden.
    let source = std::fs::read_to_string(&page).expect("the report");
    let blocked = source.replacen("script-src 'unsafe-inline'", "script-src 'none'", 1);
    assert_ne!(blocked, source, "the report's content security policy");
    let nojs = dir.path().join("pack/report-nojs.html");
    std::fs::write(&nojs, blocked).expect("write");
    let (dom, _) = headless(browser, dir.path(), "nojs", &["--dump-dom"], &nojs);
    assert!(!dom.contains("data-ready=\"true\""), "the script ran");
    assert!(
        dom.contains("<p id=\"filter-box\" hidden=\"\">"),
        "the filter box is hidden"
    );
    assert_eq!(dom.matches("<tr id=\"user-").count(), 41);
    assert!(dom.contains("<svg"), "the org chart");

    // A screenshot, as a PNG of some substance.
    let shot = dir.path().join("report.png");
    headless(
        browser,
        dir.path(),
        "shot",
        &[
            "--window-size=1280,2000",
            &format!("--screenshot={}", shot.display()),
        ],
        &page,
    );
    let png = std::fs::read(&shot).expect("the screenshot");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(png.len() > 20_000, "a blank page? {} bytes", png.len());
}
