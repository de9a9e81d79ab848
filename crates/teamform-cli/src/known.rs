//! The known-state file of a portal (see `teamform_plan::known`): where it lives beside the
//! policy, reading it, and saving it atomically after `teamform confirm`.

use std::path::{Path, PathBuf};
use teamform_plan::Known;

pub use teamform_plan::known::{needed, path};

/// The known state of `portal`, `None` when nothing was ever confirmed; an unreadable or
/// foreign file is an error (never silently ignored: the plan would be wrong).
pub fn load(policies: &Path, portal: &str) -> Result<Option<Known>, String> {
    let path = path(policies, portal);
    teamform_plan::known::from_file(std::fs::read_to_string(&path), &path, portal)
}

/// Saves the known state atomically.
pub fn save(policies: &Path, known: &Known) -> Result<PathBuf, String> {
    let path = path(policies, &known.portal);
    crate::files::write_atomic(&path, known.to_json().as_bytes())
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    Ok(path)
}
