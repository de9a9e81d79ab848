//! Tests of the files `init` writes (the workflows are also linted with actionlint by the
//! CLI's tests and by `.ci/run`).

use super::*;
use teamform_portal::{LiveRole, LiveTeam, LiveUser};

fn live() -> LiveState {
    LiveState {
        teams: vec![LiveTeam {
            id: "10".to_string(),
            name: "Sales".to_string(),
            parent_id: None,
        }],
        roles: vec![LiveRole {
            id: "20".to_string(),
            name: "Sales Rep".to_string(),
            permissions: None,
        }],
        users: vec![LiveUser {
            id: "30".to_string(),
            email: "lea@acme.example".to_string(),
            name: "Lea".to_string(),
            role_id: Some("20".to_string()),
            primary_team_id: Some("10".to_string()),
            additional_team_ids: Vec::new(),
            super_admin: false,
            seats: Vec::new(),
        }],
        ..LiveState::default()
    }
}

fn options() -> Options<'static> {
    Options {
        name: "acme",
        provider: Some("hubspot"),
        users_mode: Some(UsersMode::Declared),
        ignore_users: &[],
        screens: &Screens::HUBSPOT,
        assets_readable: false,
    }
}

fn file<'a>(files: &'a [(String, String)], path: &str) -> &'a str {
    files
        .iter()
        .find(|(p, _)| p == path)
        .map_or("", |(_, t)| t.as_str())
}

#[test]
fn the_repository_has_its_policy_workflows_and_readme() {
    let files = files(&live(), &options());
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            ".github/workflows/teamform-apply.yml",
            ".github/workflows/teamform-drift.yml",
            ".github/workflows/teamform-pr-comment.yml",
            ".github/workflows/teamform-pr.yml",
            ".gitignore",
            "README.md",
            "policies/assets.toml",
            "policies/portal.toml",
            "policies/roles.toml",
            "policies/teams.toml",
            "policies/users/sales.toml",
        ]
    );
    let portal = file(&files, "policies/portal.toml");
    assert!(portal.contains("provider = \"hubspot\""), "{portal}");
    assert!(
        portal.contains("[portal.manage]\nusers = \"declared\""),
        "{portal}"
    );
    let roles = file(&files, "policies/roles.toml");
    assert!(
        roles.contains("# `teamform confirm role:sales-rep`"),
        "the role whose contents could not be read says so: {roles}"
    );
    assert!(file(&files, "policies/assets.toml").starts_with("# The portal's API cannot read"));
}

#[test]
fn the_workflows_install_the_pinned_release_and_never_build() {
    for (path, text) in files(&live(), &options()) {
        if !path.starts_with(".github/") {
            continue;
        }
        assert!(!text.contains("cargo"), "{path} builds teamform");
        for line in text.lines().filter(|l| l.contains("uses: teamform/")) {
            assert_eq!(line.trim(), format!("uses: teamform/teamform@v{RELEASE}"));
        }
        for line in text.lines().filter(|l| l.contains("version:")) {
            assert_eq!(line.trim(), format!("version: \"{RELEASE}\""), "{path}");
        }
    }
    let apply = files(&live(), &options());
    let apply = file(&apply, ".github/workflows/teamform-apply.yml");
    assert!(apply.contains("concurrency:\n  group: teamform-apply\n  cancel-in-progress: false"));
    assert!(apply.contains("environment: production"));
}
