//! The known-state file of a portal (see `teamform_plan::known`): where it lives beside the
//! policy, reading it, and saving it atomically after `teamform confirm`.

use std::path::{Path, PathBuf};
use teamform_plan::Known;
use teamform_portal::Capabilities;

/// The folder, inside the policy directory, that holds one known-state file per portal. The
/// policy loader reads only `*.toml`, so the files travel with the policy in git.
pub const DIR: &str = "known";

/// Whether a portal with `caps` needs a known state: it cannot read back some contents.
pub fn needed(caps: Capabilities) -> bool {
    !caps.roles.read_contents || !caps.assets.read
}

/// The file for `portal` (as a plan names it, such as `hubspot:api.hubapi.com`).
pub fn path(policies: &Path, portal: &str) -> PathBuf {
    let name: String = portal
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    policies.join(DIR).join(format!("{name}.json"))
}

/// The known state of `portal`, `None` when nothing was ever confirmed; an unreadable or
/// foreign file is an error (never silently ignored: the plan would be wrong).
pub fn load(policies: &Path, portal: &str) -> Result<Option<Known>, String> {
    let path = path(policies, portal);
    match std::fs::read_to_string(&path) {
        Ok(text) => Known::from_json(&text, portal)
            .map(Some)
            .map_err(|e| format!("cannot use `{}`: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read `{}`: {e}", path.display())),
    }
}

/// Saves the known state atomically.
pub fn save(policies: &Path, known: &Known) -> Result<PathBuf, String> {
    let path = path(policies, &known.portal);
    crate::files::write_atomic(&path, known.to_json().as_bytes())
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    Ok(path)
}
