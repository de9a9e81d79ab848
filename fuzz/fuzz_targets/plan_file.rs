//! Plan-file bytes → `SavedPlan::from_json`, then, past the checksum (which a fuzzer cannot
//! forge, but an attacker with write access to the file could recompute; read with
//! `from_json_unchecked`), the plan itself
//! through every renderer and a save/read round trip. Nothing may panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use teamform_plan::SavedPlan;
use teamform_plan::render::{HumanStyle, human, json, markdown};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = SavedPlan::from_json(text);
    let Ok(saved) = SavedPlan::from_json_unchecked(text) else {
        return;
    };
    let plan = saved.plan;
    let _ = human(&plan, HumanStyle::default());
    let _ = human(
        &plan,
        HumanStyle {
            expand: true,
            ..HumanStyle::default()
        },
    );
    let _ = json(&plan, true);
    let _ = markdown(&plan);
    // A plan written by this build reads back, checksum and all.
    let again = SavedPlan::new(plan, saved.policy_hash, saved.git_commit, saved.git_dirty);
    assert_eq!(SavedPlan::from_json(&again.to_json()).as_ref(), Ok(&again));
});
