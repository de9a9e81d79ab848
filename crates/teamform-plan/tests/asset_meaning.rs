//! One meaning of access to an asset, as HubSpot applies it: `view` in the tool of the
//! asset's type *and* the asset's partition (super admins see everything). The plan's `see`
//! lines (which `blame` and `diff` show too) and `who-can … --asset` give the same users for
//! every asset of the demo policy; a Sales France rep, whose role has no forms tool, does not
//! see the form partitioned to Sales France.

use std::path::Path;
use teamform_compiler::{AssetId, Options, UserId, WhoCanTarget, compile, who_can};
use teamform_model::{Date, ToolAction, asset_tool, load_dir};
use teamform_plan::{Side, user_access_lines};

#[test]
fn plan_lines_and_who_can_agree_on_every_asset_of_the_demo() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies");
    let load = load_dir(&root);
    let today = Date {
        year: 2026,
        month: 11,
        day: 25,
    };
    let compiled = compile(&load, Options { today });
    assert!(!compiled.has_errors());
    let policy = &load.policy;
    let side = Side {
        policy,
        compiled: &compiled,
    };
    let lines: Vec<_> = (0..policy.users.len())
        .map(|u| user_access_lines(&side, UserId(u as u32)))
        .collect();
    let mut checked = 0;
    for (a, asset) in policy.assets.iter().enumerate() {
        let Some(tool) = asset_tool(asset.kind) else {
            continue;
        };
        let name = asset.name.as_ref().map_or(&asset.key.value, |n| &n.value);
        let line = format!("see {} {name}", asset.kind);
        let super_admin = "super admin: every record, tool, setting and asset";
        let in_plan: Vec<&str> = policy
            .users
            .iter()
            .zip(&lines)
            .filter(|(_, l)| l.contains_key(&line) || l.contains_key(super_admin))
            .map(|(u, _)| u.key.value.as_str())
            .collect();
        let asked: Vec<&str> = who_can(
            policy,
            &compiled,
            WhoCanTarget::Tool(tool, ToolAction::View),
            None,
            Some(AssetId(a as u32)),
        )
        .iter()
        .map(|w| policy.users[w.user.index()].key.value.as_str())
        .collect();
        assert_eq!(in_plan, asked, "{line}");
        checked += 1;
    }
    assert!(checked > 30, "the demo's assets were checked ({checked})");

    // The README's showcase: Sales France's form is seen by the super admins only, as no sales
    // role may view forms; the reps of Sales France do not see it.
    let rep = policy
        .users
        .iter()
        .position(|u| u.key.value == "theo.girard@acme.example")
        .unwrap_or_default();
    assert!(!lines[rep].contains_key("see form Contact us (FR)"));
}
