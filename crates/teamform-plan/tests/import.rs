//! Import round trips: every example policy (but `broken`) and the demo policy is applied to
//! a fresh sandbox, imported back as policy files, and the imported policy must compile
//! without errors, plan no changes against that portal, and grant everybody exactly the
//! access the original grants.

mod common;

use common::{
    CompiledPolicy, TestResult, apply, compile_dir, plan, plan_summary, read_live,
    shipped_policies, write_files,
};
use std::collections::BTreeMap;
use std::path::Path;
use teamform_plan::render::{HumanStyle, human};
use teamform_plan::{Side, access_diff};
use teamform_portal::LiveState;

fn side(p: &CompiledPolicy) -> Side<'_> {
    Side {
        policy: &p.load.policy,
        compiled: &p.compiled,
    }
}

/// A portal's contents by names and emails, without ids, to compare two portals.
fn by_names(live: &LiveState) -> serde_json::Value {
    let team: BTreeMap<&str, &str> = live
        .teams
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str()))
        .collect();
    let role: BTreeMap<&str, &str> = live
        .roles
        .iter()
        .map(|r| (r.id.as_str(), r.name.as_str()))
        .collect();
    let names = |ids: &[String]| {
        let mut v: Vec<&str> = ids
            .iter()
            .map(|i| team.get(i.as_str()).copied().unwrap_or("?"))
            .collect();
        v.sort_unstable();
        v
    };
    let teams: BTreeMap<&str, Option<&str>> = live
        .teams
        .iter()
        .map(|t| {
            let parent = t
                .parent_id
                .as_deref()
                .map(|p| team.get(p).copied().unwrap_or("?"));
            (t.name.as_str(), parent)
        })
        .collect();
    let roles: BTreeMap<&str, _> = live
        .roles
        .iter()
        .map(|r| (r.name.as_str(), &r.permissions))
        .collect();
    let users: BTreeMap<String, serde_json::Value> = live
        .users
        .iter()
        .map(|u| {
            (
                u.email.to_lowercase(),
                serde_json::json!({
                    "name": u.name,
                    "role": u.role_id.as_deref().map(|r| role.get(r).copied().unwrap_or("?")),
                    "team": u.primary_team_id.as_deref().map(|t| team.get(t).copied().unwrap_or("?")),
                    "teams": names(&u.additional_team_ids),
                    "super_admin": u.super_admin,
                    "seats": u.seats,
                }),
            )
        })
        .collect();
    let assets: BTreeMap<String, Vec<&str>> = live
        .assets
        .iter()
        .map(|a| {
            (
                format!("{}.{}", a.kind, a.name),
                names(a.team_ids.as_deref().unwrap_or_default()),
            )
        })
        .collect();
    serde_json::json!({ "teams": teams, "roles": roles, "users": users, "assets": assets })
}

/// Applies, imports, and checks the imported policy; returns its warnings.
fn round_trip(dir: &Path) -> TestResult<Vec<String>> {
    let shown = dir.display();
    let original = compile_dir(dir);
    let errors = original.errors();
    if !errors.is_empty() {
        return Err(format!("{shown}: the original policy has errors: {errors:#?}").into());
    }
    let work = tempfile::tempdir()?;
    let first = work.path().join("first.json");
    apply(&original, &first)?;
    let after = plan(&original, &first)?;
    if after.has_changes() {
        return Err(format!(
            "{shown}: planning the original again after applying it has changes:\n{}",
            plan_summary(&after)
        )
        .into());
    }

    let live = read_live(&first)?;
    let files = teamform_plan::import::import(&live, "x");
    let imported_dir = work.path().join("imported");
    write_files(&imported_dir, &files)?;
    let imported = compile_dir(&imported_dir);
    let errors = imported.errors();
    if !errors.is_empty() {
        return Err(format!(
            "{shown}: the imported policy has errors: {errors:#?}\nfiles: {files:#?}"
        )
        .into());
    }

    // The imported policy describes the portal it came from exactly.
    let again = plan(&imported, &first)?;
    if again.has_changes() || !again.access.is_empty() {
        return Err(format!(
            "{shown}: the imported policy plans changes against its own portal:\n{}",
            human(&again, HumanStyle::default())
        )
        .into());
    }

    // Applied to a second, empty portal, it builds the same portal (by names).
    let second = work.path().join("second.json");
    apply(&imported, &second)?;
    let (a, b) = (by_names(&live), by_names(&read_live(&second)?));
    if a != b {
        return Err(format!(
            "{shown}: the imported policy applied to an empty portal builds another portal:\n{a:#}\n{b:#}"
        )
        .into());
    }

    // And it grants everybody the access the original grants.
    let diff = access_diff(&side(&original), &side(&imported), true);
    if !diff.is_empty() {
        return Err(format!("{shown}: the access differs after import: {diff:#?}").into());
    }
    Ok(imported.warnings())
}

#[test]
fn every_example_survives_apply_import_and_apply_again() -> TestResult {
    let mut failures = Vec::new();
    let mut warnings = BTreeMap::new();
    for dir in shipped_policies()? {
        match round_trip(&dir) {
            Ok(w) => {
                warnings.insert(dir.display().to_string(), w);
            }
            Err(e) => failures.push(e.to_string()),
        }
    }
    // Warnings are allowed; print them for the record (`--nocapture`).
    for (dir, w) in &warnings {
        println!("{dir}: {} warning(s) after import", w.len());
        for line in w {
            println!("  {line}");
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n").into())
    }
}
