//! The example plans in `docs/examples/`, made by the binary as a user makes them: the demo
//! policy's first plan against an empty portal, and a reorganisation of the applied demo (the
//! Web Team and its sub-teams moved under Marketing, the sales reps' contacts widened from
//! their own to their team's), each in the three formats. The test fails when an example is
//! out of date; `UPDATE_EXAMPLES=1 cargo test -p teamform-cli --test examples` writes them.

mod common;

use common::{demo_workspace, edit, root, teamform_in};
use std::path::Path;

const TODAY: &str = "--today=2026-11-30";

/// The three formats, with the extension of their example file.
const FORMATS: [(&str, &str); 3] = [("human", "txt"), ("json", "json"), ("markdown", "md")];

/// The plan of `dir` in `format` as the example shows it: JSON indented (the binary prints
/// it on one line; the example reads as `jq -S .` shows it).
fn plan(dir: &Path, format: &str) -> String {
    let run = teamform_in(dir, &["plan", TODAY, &format!("--format={format}")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    if format != "json" {
        return run.stdout;
    }
    assert_eq!(run.stdout.lines().count(), 1, "the JSON plan is one line");
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_default();
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// Compares `text` with the example `name`, or writes it with `UPDATE_EXAMPLES=1`.
fn example(name: &str, text: &str) -> Result<(), String> {
    let path = root().join("docs/examples").join(name);
    if std::env::var_os("UPDATE_EXAMPLES").is_some() {
        std::fs::create_dir_all(root().join("docs/examples")).map_err(|e| e.to_string())?;
        return std::fs::write(&path, text).map_err(|e| e.to_string());
    }
    let saved = std::fs::read_to_string(&path).unwrap_or_default();
    if saved != text {
        return Err(format!(
            "docs/examples/{name} is out of date; run `UPDATE_EXAMPLES=1 cargo test -p teamform-cli --test examples`:\n{text}"
        ));
    }
    Ok(())
}

#[test]
fn the_examples_in_docs_are_what_teamform_prints() -> Result<(), String> {
    let ws = demo_workspace().map_err(|e| e.to_string())?;
    let dir = ws.path();
    let mut first = Vec::new();
    for (format, ext) in FORMATS {
        let text = plan(dir, format);
        example(&format!("first-plan.{ext}"), &text)?;
        first.push(text);
    }
    // The first plan names every new user's access in groups, riskiest first.
    assert!(first[0].contains("Access risk: "), "{}", first[0]);
    assert!(first[0].contains("[critical] "), "{}", first[0]);
    let applied = teamform_in(dir, &["apply", TODAY, "--auto-approve"]);
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    let policies = dir.join("policies");
    edit(
        &policies.join("teams.toml"),
        "[team.web]\nname = \"Web Team\"\n",
        "[team.web]\nname = \"Web Team\"\nparent = \"marketing\"\n",
    )
    .map_err(|e| e.to_string())?;
    edit(
        &policies.join("roles.toml"),
        "crm.contacts  = { view = \"owned\", edit = \"owned\" }",
        "crm.contacts  = { view = \"team\", edit = \"owned\" }",
    )
    .map_err(|e| e.to_string())?;
    let mut reorg = Vec::new();
    for (format, ext) in FORMATS {
        let text = plan(dir, format);
        example(&format!("reorganisation.{ext}"), &text)?;
        reorg.push(text);
    }
    // The move reads as one grant over the subtree, the widening as one scope change per
    // team of reps.
    assert!(
        reorg[0].contains(
            "    + edit contacts of team Web Team and its 3 sub-teams (via team marketing ← role marketing-manager)"
        ),
        "{}",
        reorg[0]
    );
    assert!(
        reorg[0].contains("  3 users: chloe.moreau@acme.example, lea.fontaine@acme.example, theo.girard@acme.example\n    ~ view contacts: owned → team Sales France (via team sales-fr ← role sales-rep)"),
        "{}",
        reorg[0]
    );
    assert!(reorg[2].contains("12 users"), "{}", reorg[2]);
    Ok(())
}
