//! The server process, driven over stdio by a JSON-RPC test client: diagnostics across files
//! as buffers change, hovers, navigation, completion, quick fixes, and UTF-16 positions on
//! lines with accents and emoji.

mod support;

use serde_json::{Value, json};
use support::{Client, USERS, Workspace, ZOE_LINE, ZOE_TEAM_COLUMN, uri};

fn codes(list: &[Value]) -> Vec<&str> {
    list.iter().filter_map(|d| d["code"].as_str()).collect()
}

fn range(v: &Value) -> (u64, u64, u64, u64) {
    let r = &v["range"];
    let n = |p: &str, f: &str| r[p][f].as_u64().unwrap_or(u64::MAX);
    (
        n("start", "line"),
        n("start", "character"),
        n("end", "line"),
        n("end", "character"),
    )
}

#[test]
fn a_team_deleted_in_one_file_marks_its_users_in_another_until_fixed() {
    let ws = Workspace::new();
    let mut client = Client::start(ws.dir.path());
    let users = uri(&ws.file("users.toml"));
    // Every file is diagnosed at start, clean ones with an empty list.
    for name in ["portal.toml", "teams.toml", "roles.toml", "users.toml"] {
        client.diagnostics_until(&uri(&ws.file(name)), |l| l.is_empty());
    }
    let teams = ws.file("teams.toml");
    client.open(&teams, support::TEAMS);
    let without = support::TEAMS.replace(
        "[team.ventes-fr]\nname = \"Ventes Île-de-France 🥐\"\nparent = \"ventes\"\n",
        "",
    );
    client.replace(&teams, 2, &without);
    let list = client.diagnostics_until(&users, |l| codes(l) == ["TF0102"]);
    assert_eq!(
        range(&list[0]),
        (
            ZOE_LINE.into(),
            ZOE_TEAM_COLUMN.into(),
            ZOE_LINE.into(),
            (ZOE_TEAM_COLUMN + 11).into()
        ),
        "{list:?}"
    );
    let message = list[0]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("unknown team `ventes-fr`"), "{message}");
    assert_eq!(list[0]["severity"], json!(1));
    assert_eq!(list[0]["source"], json!("teamform"));
    // Putting the team back clears the users' diagnostic.
    client.replace(&teams, 3, support::TEAMS);
    client.diagnostics_until(&users, <[Value]>::is_empty);
    // Closing the buffer falls back to the file on disk, which is clean too.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri(&teams) } }),
    );
    let status = client.shutdown();
    assert!(status.success(), "{status:?}");
}

#[test]
fn hovers_show_access_teams_roles_and_code_docs() {
    let ws = Workspace::new();
    let mut client = Client::start(ws.dir.path());
    let users = ws.file("users.toml");
    let teams = ws.file("teams.toml");
    // On the team reference of Zoé's line, after the emoji.
    let team = client.at("textDocument/hover", &users, ZOE_LINE, ZOE_TEAM_COLUMN + 3);
    let text = team["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("team `ventes-fr`"), "{text}");
    assert!(
        text.contains("parent chain: `ventes-fr` → `ventes`"),
        "{text}"
    );
    assert!(text.contains("`zoe@acme.example`"), "{text}");
    assert_eq!(
        team["range"]["start"],
        json!({ "line": ZOE_LINE, "character": ZOE_TEAM_COLUMN })
    );
    // On Zoé's key.
    let user = client.at("textDocument/hover", &users, ZOE_LINE, 3);
    let text = user["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("**Zoé 😀 Ørsted**"), "{text}");
    assert!(
        text.contains("- contacts: view `team`, edit `owned`, delete `none`"),
        "{text}"
    );
    assert!(
        text.contains("- deals: view `team`, edit `team`, delete `team`"),
        "{text}"
    );
    assert!(text.contains("- account: none\n"), "{text}");
    assert!(text.contains("`team` covers `ventes-fr`"), "{text}");
    // On a role reference: who holds it.
    let role = client.at("textDocument/hover", &users, 2, 10);
    let text = role["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("**held by 2 users**"), "{text}");
    // On the parent team, its members and child teams.
    let parent = client.at("textDocument/hover", &teams, 1, 8);
    let text = parent["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("a root team"), "{text}");
    assert!(text.contains("child teams: `ventes-fr`"), "{text}");
    // On a code in a comment, after an emoji: its documentation.
    let code = client.at("textDocument/hover", &teams, 0, 25);
    let text = code["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.starts_with("# TF0102"), "{text}");
    assert!(client.shutdown().success());
}

#[test]
fn definitions_and_references_cross_files() {
    let ws = Workspace::new();
    let mut client = Client::start(ws.dir.path());
    let users = ws.file("users.toml");
    let teams = ws.file("teams.toml");
    let def = client.at(
        "textDocument/definition",
        &users,
        ZOE_LINE,
        ZOE_TEAM_COLUMN + 1,
    );
    assert_eq!(def["uri"], json!(uri(&teams)));
    assert_eq!(range(&def), (4, 6, 4, 15), "{def}");
    let refs = client.at("textDocument/references", &teams, 1, 8);
    let refs = refs.as_array().cloned().unwrap_or_default();
    let places: Vec<(String, u64)> = refs
        .iter()
        .map(|l| {
            (
                l["uri"]
                    .as_str()
                    .unwrap_or_default()
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                range(l).0,
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("teams.toml".to_string(), 1),
            ("teams.toml".to_string(), 6),
            ("users.toml".to_string(), 3)
        ]
    );
    assert!(client.shutdown().success());
}

#[test]
fn completion_offers_keys_and_fields() {
    let ws = Workspace::new();
    let mut client = Client::start(ws.dir.path());
    let users = ws.file("users.toml");
    let text = format!("{USERS}\n[user.\"léa@acme.example\"]\nrol\nteam = \"ven");
    client.open(&users, &text);
    let items = client.at("textDocument/completion", &users, 10, 11);
    let labels: Vec<&str> = items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, ["ventes", "ventes-fr"]);
    let edit = &items[1]["textEdit"];
    assert_eq!(
        edit["range"]["start"],
        json!({ "line": 10, "character": 8 })
    );
    let items = client.at("textDocument/completion", &users, 9, 3);
    let labels: Vec<&str> = items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"role") && labels.contains(&"teams"),
        "{labels:?}"
    );
    assert!(client.shutdown().success());
}

#[test]
fn did_you_mean_becomes_a_quick_fix() {
    let ws = Workspace::new();
    let mut client = Client::start(ws.dir.path());
    let users = ws.file("users.toml");
    let typo = USERS.replace("team = \"ventes-fr\"", "team = \"ventes-fx\"");
    client.open(&users, &typo);
    let list = client.diagnostics_until(&uri(&users), |l| codes(l) == ["TF0102"]);
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(&users) },
            "range": list[0]["range"],
            "context": { "diagnostics": list },
        }),
    );
    let action = &actions[0];
    assert_eq!(action["kind"], json!("quickfix"));
    assert_eq!(action["title"], json!("Replace with `ventes-fr`"));
    let edits = &action["edit"]["changes"][uri(&users)];
    assert_eq!(edits[0]["newText"], json!("\"ventes-fr\""));
    assert_eq!(
        range(&edits[0]),
        (
            ZOE_LINE.into(),
            ZOE_TEAM_COLUMN.into(),
            ZOE_LINE.into(),
            (ZOE_TEAM_COLUMN + 11).into()
        )
    );
    assert!(client.shutdown().success());
}

#[test]
fn a_burst_of_keystrokes_ends_with_the_diagnostics_of_the_newest_text() {
    let ws = Workspace::new();
    let mut client = Client::start(ws.dir.path());
    let users = ws.file("users.toml");
    client.open(&users, USERS);
    // Type `xyz…` after `ventes` in Amélie's `team = "ventes"` (line 3, column 14), one
    // character per change, without waiting.
    let typed = "-nowhere";
    for (i, c) in typed.chars().enumerate() {
        let i = u32::try_from(i).unwrap_or_default();
        client.insert(&users, 2 + i as i32, 3, 14 + i, &c.to_string());
    }
    let last = 1 + typed.len() as i64;
    let list = client.diagnostics_until(&uri(&users), |l| {
        l.iter().any(|d| {
            d["message"]
                .as_str()
                .unwrap_or_default()
                .contains("`ventes-nowhere`")
        })
    });
    assert_eq!(codes(&list), ["TF0102"]);
    let versions: Vec<i64> = client
        .published
        .iter()
        .filter(|p| p["uri"] == json!(uri(&users)))
        .filter_map(|p| p["version"].as_i64())
        .collect();
    assert_eq!(versions.last(), Some(&last), "{versions:?}");
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    assert!(client.shutdown().success());
}

#[test]
fn files_outside_the_policy_are_left_alone() {
    let ws = Workspace::new();
    let mut client = Client::start(ws.dir.path());
    let cargo = ws.dir.path().join("Cargo.toml");
    client.open(&cargo, "[package]\nname = \"x\"\nbogus = [\n");
    // Two round trips: anything published for the open would have arrived by then.
    client.at("textDocument/hover", &cargo, 0, 0);
    client.at("textDocument/hover", &cargo, 0, 0);
    assert!(!client.latest.contains_key(&uri(&cargo)));
    assert!(client.shutdown().success());
}

/// The policy's test files (`tests/*.toml`) are checked as expectations as you type, never read
/// as policy: a failing expectation is reported at its header, with the policy line that breaks
/// it; fixing it, in the test or in the policy, clears it.
#[test]
fn failing_expectations_are_reported_as_you_type() {
    let ws = Workspace::new();
    let tests = ws.file("tests/roles.toml");
    std::fs::create_dir_all(ws.file("tests")).expect("mkdir");
    let passing = "[[cannot]]\nrole = \"commercial\"\npermission = \"crm.contacts.delete\"\n";
    std::fs::write(&tests, passing).expect("write");
    let mut client = Client::start(ws.dir.path());
    // A test file is no policy file: no unknown-field errors for `[[cannot]]`.
    client.diagnostics_until(&uri(&tests), <[Value]>::is_empty);
    client.open(&tests, passing);
    // Deals may be deleted by the role: the expectation fails at its header.
    let failing = "[[cannot]]\nrole = \"commercial\"\npermission = \"crm.deals.delete\"\n";
    client.replace(&tests, 2, failing);
    let list = client.diagnostics_until(&uri(&tests), |l| codes(l) == ["TF0302"]);
    assert_eq!(range(&list[0]), (0, 0, 0, 10), "{list:?}");
    let related = list[0]["relatedInformation"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        related
            .iter()
            .any(|r| r["location"]["uri"] == json!(uri(&ws.file("roles.toml")))),
        "the role's grant is pointed at: {list:?}"
    );
    // Fixed in the policy (the role no longer deletes deals): the failure goes away.
    let roles = ws.file("roles.toml");
    client.open(&roles, support::ROLES);
    client.replace(&roles, 2, &support::ROLES.replace(", delete = true", ""));
    client.diagnostics_until(&uri(&tests), <[Value]>::is_empty);
    assert!(client.shutdown().success());
}

/// The decisions files of an open access review (`reviews/PERIOD/*.toml` beside the policy
/// directory) are checked against the policy as you type, never read as policy.
#[test]
fn review_decisions_are_checked_as_you_type() {
    let ws = Workspace::new();
    let period = ws.dir.path().join("reviews/2026-Q4");
    std::fs::create_dir_all(&period).expect("mkdir");
    let file = period.join("ventes.toml");
    let head = "period = \"2026-Q4\"\nteam = \"ventes\"\n";
    let bad = format!(
        "{head}reviewer = \"\"\n\n[member.\"amelie@acme.example\"]\nfindings = []\ndecision = \"remove\"\nreason = \"\"\n"
    );
    std::fs::write(&file, &bad).expect("write");
    let mut client = Client::start(ws.dir.path());
    let list = client.diagnostics_until(&uri(&file), |l| codes(l) == ["TF0410"]);
    assert_eq!(range(&list[0]), (6, 11, 6, 19), "{list:?}");
    // Decided by someone the team does not name as a reviewer (it names none).
    client.open(&file, &bad);
    let kept = bad
        .replace("reviewer = \"\"", "reviewer = \"zoe@acme.example\"")
        .replace("\"remove\"", "\"keep\"");
    client.replace(&file, 2, &kept);
    let list = client.diagnostics_until(&uri(&file), |l| codes(l) == ["TF0414"]);
    assert_eq!(range(&list[0]).0, 2, "{list:?}");
    assert!(client.shutdown().success());
}
