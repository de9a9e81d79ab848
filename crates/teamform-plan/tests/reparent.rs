//! Re-parenting: teams that swap places in the tree are moved top-down in the tree they end
//! in, so that the portal never sees a team under its own descendant (the sandbox refuses
//! that, as HubSpot does), whatever order the policy lists the teams in.

mod common;

use common::{TestResult, apply, compile_texts, plan};
use teamform_plan::Action;
use teamform_portal::ObjectKind;

/// A policy of teams (`key`, `name`, `parent`), in the order given.
fn teams(list: &[(&str, &str, Option<&str>)]) -> String {
    let mut out = String::from("[portal]\nname = \"Acme\"\n\n");
    for (key, name, parent) in list {
        out.push_str(&format!("[team.{key}]\nname = \"{name}\"\n"));
        if let Some(p) = parent {
            out.push_str(&format!("parent = \"{p}\"\n"));
        }
        out.push('\n');
    }
    out
}

/// Applies `before` to a fresh sandbox, then `after`, and checks that `after` then plans no
/// change; returns the keys of the teams moved, in the order the plan moved them.
fn moves(before: &str, after: &str) -> TestResult<Vec<String>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("sandbox.json");
    let old = compile_texts(&[("teams.toml".to_string(), before.to_string())]);
    let new = compile_texts(&[("teams.toml".to_string(), after.to_string())]);
    assert!(old.errors().is_empty() && new.errors().is_empty());
    apply(&old, &path)?;
    let (made, report) = apply(&new, &path)?;
    assert_eq!(report.performed, made.changes.len(), "{report:?}");
    assert!(!plan(&new, &path)?.has_changes());
    Ok(made
        .changes
        .iter()
        .filter(|o| o.kind == ObjectKind::Team && o.action == Action::Update)
        .map(|o| o.key.clone())
        .collect())
}

#[test]
fn a_parent_and_its_child_swap_places() -> TestResult {
    let before = teams(&[
        ("sales", "Sales", None),
        ("sales-fr", "Sales France", Some("sales")),
    ]);
    // The child of the end state is listed first.
    let after = teams(&[
        ("sales", "Sales", Some("sales-fr")),
        ("sales-fr", "Sales France", None),
    ]);
    assert_eq!(moves(&before, &after)?, ["sales-fr", "sales"]);
    Ok(())
}

#[test]
fn a_chain_of_teams_is_turned_upside_down() -> TestResult {
    let before = teams(&[
        ("a", "A", None),
        ("b", "B", Some("a")),
        ("c", "C", Some("b")),
        ("d", "D", Some("c")),
    ]);
    let after = teams(&[
        ("a", "A", Some("b")),
        ("b", "B", Some("c")),
        ("c", "C", Some("d")),
        ("d", "D", None),
    ]);
    assert_eq!(moves(&before, &after)?, ["d", "c", "b", "a"]);
    Ok(())
}

#[test]
fn a_team_moves_under_a_new_team_placed_below_its_old_child() -> TestResult {
    let before = teams(&[("a", "A", None), ("b", "B", Some("a"))]);
    // A new team N is created under B, and A moves under N, while B becomes a root team.
    let after = teams(&[
        ("a", "A", Some("n")),
        ("n", "N", Some("b")),
        ("b", "B", None),
    ]);
    assert_eq!(moves(&before, &after)?, ["b", "a"]);
    Ok(())
}
