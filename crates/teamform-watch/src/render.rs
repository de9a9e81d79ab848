//! One frame of watch mode: the diagnostics, then, for a valid policy, the plan and access
//! diff against the snapshot.

use crate::Snapshot;
use crate::compiling::Compiling;
use std::path::Path;
use teamform_diagnostics::render::{Format, HumanOptions, render};
use teamform_model::Date;
use teamform_plan::render::{HumanStyle, human};
use teamform_plan::{Filter, Known, PlanInput, make_plan};

/// What a frame is made from.
pub struct Frame<'a> {
    /// The policy directory.
    pub policies: &'a Path,
    /// Today.
    pub today: Date,
    /// The live snapshot, if it could be read.
    pub snapshot: Option<&'a Snapshot>,
    /// Why it could not be read.
    pub snapshot_error: Option<&'a str>,
    /// Colours.
    pub color: bool,
}

/// Loads, compiles (in place where `compiling` can) and plans, and returns the text to show.
pub fn render_frame(f: &Frame<'_>, compiling: &mut Compiling) -> String {
    let state = compiling.update(f.policies, f.today);
    let (load, compiled) = (state.load(), state.compiled());
    let mut out = Vec::new();
    let human_options = HumanOptions {
        color: f.color,
        width: 100,
    };
    let _ = render(
        Format::Human,
        &compiled.diagnostics,
        &load.sources,
        &human_options,
        &mut out,
    );
    let mut text = String::from_utf8_lossy(&out).into_owned();
    if compiled.has_errors() {
        text.push_str("\nThe policy is invalid: fix the errors above to see the plan.\n");
        return text;
    }
    match (f.snapshot, f.snapshot_error) {
        (Some(s), _) => {
            let known = match known_state(f.policies, s) {
                Ok(k) => k,
                Err(e) => {
                    text.push_str(&format!("\n{e}\n"));
                    return text;
                }
            };
            let plan = make_plan(&PlanInput {
                load,
                compiled,
                live: &s.live,
                capabilities: s.capabilities,
                portal: s.portal.clone(),
                filter: Filter::default(),
                fingerprints: false,
                known: known.as_ref(),
                detail: teamform_plan::Detail::Grants,
                screens: s.screens,
            });
            text.push('\n');
            text.push_str(&human(
                &plan,
                HumanStyle {
                    color: f.color,
                    ..HumanStyle::default()
                },
            ));
        }
        (None, Some(e)) => text.push_str(&format!(
            "\nThe portal could not be read ({e}); press r to try again.\n"
        )),
        (None, None) => {}
    }
    text
}

/// The known state of the snapshot's portal, read from the policy directory on every frame
/// (so that a `teamform confirm` shows at once), when the portal cannot read everything back.
fn known_state(policies: &Path, s: &Snapshot) -> Result<Option<Known>, String> {
    if !teamform_plan::known::needed(s.capabilities) {
        return Ok(None);
    }
    let path = teamform_plan::known::path(policies, &s.portal);
    teamform_plan::known::from_file(std::fs::read_to_string(&path), &path, &s.portal)
        .map_err(|e| format!("error: {e}"))
}
