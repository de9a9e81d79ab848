//! Saved plans: written and read back unchanged; any edit of the document is refused as
//! tampered; another format or version is unreadable.

mod common;

use common::{BEFORE, TestResult, compile_valid, one_file, plan_against, scenario};
use serde_json::Value;
use teamform_plan::{FORMAT_VERSION, Plan, SavedPlan, SavedPlanError, policy_hash};
use teamform_portal::{Change, LiveState};

fn save(plan: Plan) -> TestResult<SavedPlan> {
    let policy = compile_valid(&one_file(BEFORE))?;
    Ok(SavedPlan::new(
        plan,
        policy_hash(&policy.load.sources, ""),
        Some("0123456789abcdef0123456789abcdef01234567".to_string()),
        Some(false),
    ))
}

/// Reads a saved plan (`SavedPlanError` is not a `std::error::Error`).
fn read(text: &str) -> TestResult<SavedPlan> {
    SavedPlan::from_json(text).map_err(|e| format!("{e:?}").into())
}

/// The plan of [`BEFORE`] against an empty portal: creates only, with placeholders.
fn creates_only() -> TestResult<Plan> {
    let policy = compile_valid(&one_file(BEFORE))?;
    Ok(plan_against(&policy, &LiveState::default()))
}

#[test]
fn a_saved_plan_reads_back_as_written() -> TestResult {
    let saved = save(creates_only()?)?;
    assert_eq!(saved.format_version, FORMAT_VERSION);
    assert!(!saved.plan.changes.is_empty());
    let text = saved.to_json();
    let back = read(&text)?;
    assert_eq!(back, saved);
    assert_eq!(back.to_json(), text);
    // The checksum is of the contents, not of the layout.
    let compact = serde_json::to_string(&serde_json::from_str::<Value>(&text)?)?;
    assert_eq!(read(&compact)?, saved);
    Ok(())
}

/// The scenario's plan makes `support` a root team (`parent_id: Some(None)`) and takes the
/// super admin's role away (`role_id: Some(None)`). Read back, the plan must still do so.
#[test]
fn a_saved_plan_that_clears_a_parent_or_a_role_reads_back_as_written() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (_, plan) = scenario(dir.path())?;
    let clears_parent = |p: &Plan| {
        p.changes.iter().any(|o| {
            o.key == "support"
                && matches!(
                    o.change,
                    Change::UpdateTeam {
                        parent_id: Some(None),
                        ..
                    }
                )
        })
    };
    let clears_role = |p: &Plan| {
        p.changes.iter().any(|o| {
            o.key == "root@acme.example"
                && matches!(
                    o.change,
                    Change::UpdateUser {
                        role_id: Some(None),
                        ..
                    }
                )
        })
    };
    assert!(clears_parent(&plan) && clears_role(&plan));
    let saved = save(plan)?;
    let back = read(&saved.to_json())?;
    assert!(
        clears_parent(&back.plan),
        "read back, the plan no longer makes `support` a root team"
    );
    assert!(
        clears_role(&back.plan),
        "read back, the plan no longer takes the super admin's role away"
    );
    assert_eq!(back, saved);
    Ok(())
}

#[test]
fn an_edited_team_name_is_refused_as_tampered() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (_, plan) = scenario(dir.path())?;
    let text = save(plan)?.to_json();
    assert!(SavedPlan::from_json(&text).is_ok());
    for (from, to) in [
        ("\"Ventes France\"", "\"Ventes Francf\""),
        ("\"Partners\"", "\"partners\""),
        ("\"Legacy\"", "\"Legacz\""),
    ] {
        assert!(text.contains(from), "{from} is not in the plan");
        let edited = text.replacen(from, to, 1);
        assert_eq!(
            SavedPlan::from_json(&edited),
            Err(SavedPlanError::Tampered),
            "{from} → {to}"
        );
        // Read without the check (as the fuzz target reads), the edit is there to inspect.
        let unchecked = SavedPlan::from_json_unchecked(&edited)?;
        assert!(
            unchecked.to_json().contains(to),
            "{to} is not in the unchecked plan"
        );
    }
    Ok(())
}

/// Every string, number and boolean of the document, by path (`/plan/changes/0/key`).
fn leaves(value: &Value, path: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                leaves(
                    v,
                    format!("{path}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                leaves(v, format!("{path}/{i}"), out);
            }
        }
        Value::Null => {}
        _ => out.push(path),
    }
}

fn mutate(value: &mut Value) {
    *value = match value.take() {
        Value::String(s) => Value::String(if s.is_empty() {
            "x".to_string()
        } else {
            let mut chars: Vec<char> = s.chars().collect();
            chars[0] = if chars[0] == 'x' { 'y' } else { 'x' };
            chars.into_iter().collect()
        }),
        Value::Number(n) => Value::from(n.as_u64().map_or(1, |n| n + 1)),
        Value::Bool(b) => Value::Bool(!b),
        other => other,
    };
}

#[test]
fn any_edited_value_is_refused_as_tampered() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (_, plan) = scenario(dir.path())?;
    let text = save(plan)?.to_json();
    let doc: Value = serde_json::from_str(&text)?;
    let mut paths = Vec::new();
    leaves(&doc, String::new(), &mut paths);
    let mut checked = 0;
    let mut accepted = Vec::new();
    for path in paths {
        if path == "/format" || path == "/format_version" {
            continue;
        }
        let mut edited = doc.clone();
        if let Some(v) = edited.pointer_mut(&path) {
            mutate(v);
        }
        let result = SavedPlan::from_json(&serde_json::to_string_pretty(&edited)?);
        if result != Err(SavedPlanError::Tampered) {
            accepted.push(format!("{path}: {result:?}"));
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} values");
    assert!(
        accepted.is_empty(),
        "edits not refused as tampered: {accepted:#?}"
    );
    Ok(())
}

#[test]
fn another_format_or_version_is_unreadable() -> TestResult {
    let text = save(creates_only()?)?.to_json();
    let doc: Value = serde_json::from_str(&text)?;
    let unreadable = |edit: &dyn Fn(&mut Value)| -> TestResult<SavedPlanError> {
        let mut d = doc.clone();
        edit(&mut d);
        match SavedPlan::from_json(&serde_json::to_string_pretty(&d)?) {
            Err(e) => Ok(e),
            Ok(_) => Err("an edited plan was accepted".into()),
        }
    };
    let is_unreadable = |e: &SavedPlanError| matches!(e, SavedPlanError::Unreadable(_));
    for version in [
        Value::from(FORMAT_VERSION + 1),
        Value::from(0),
        Value::from(FORMAT_VERSION.to_string()),
        Value::Null,
    ] {
        let e = unreadable(&|d| d["format_version"] = version.clone())?;
        assert!(is_unreadable(&e), "format_version {version}: {e:?}");
    }
    let e = unreadable(&|d| {
        if let Some(o) = d.as_object_mut() {
            o.remove("format_version");
        }
    })?;
    assert!(is_unreadable(&e), "{e:?}");
    let e = unreadable(&|d| d["format"] = Value::from("teamform-sandbox"))?;
    assert!(is_unreadable(&e), "{e:?}");
    let e = SavedPlan::from_json("not a plan").err();
    assert!(e.as_ref().is_some_and(is_unreadable), "{e:?}");
    let e = SavedPlan::from_json(&text[..text.len() / 2]).err();
    assert!(e.as_ref().is_some_and(is_unreadable), "{e:?}");
    Ok(())
}

#[test]
fn the_policy_hash_follows_the_files_and_not_the_root() -> TestResult {
    let a = compile_valid(&one_file(BEFORE))?;
    let b = compile_valid(&one_file(common::AFTER))?;
    let hash = |p: &common::CompiledPolicy, root: &str| policy_hash(&p.load.sources, root);
    assert_eq!(hash(&a, ""), hash(&compile_valid(&one_file(BEFORE))?, ""));
    assert_ne!(hash(&a, ""), hash(&b, ""));
    // Paths are relative to the root: the same files elsewhere hash the same.
    let moved = compile_valid(&[("somewhere/policy.toml".to_string(), BEFORE.to_string())])?;
    assert_eq!(hash(&moved, "somewhere"), hash(&a, ""));
    Ok(())
}

/// The checksum is the SHA-256 of the document as compact JSON with an empty checksum (how
/// the plans saved so far were summed), whether or not it has a git commit.
#[test]
fn the_checksum_is_of_the_compact_document_with_an_empty_checksum() -> TestResult {
    use sha2::{Digest, Sha256};
    let with_commit = save(creates_only()?)?;
    let without = SavedPlan::new(creates_only()?, "hash".to_string(), None, None);
    for saved in [with_commit, without] {
        let mut copy = saved.clone();
        copy.checksum = String::new();
        let expected: String = Sha256::digest(serde_json::to_vec(&copy)?)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(saved.checksum, expected);
        assert_eq!(read(&saved.to_json())?, saved);
    }
    Ok(())
}
