//! Where a policy comes from: its git commit and whether the work tree is dirty.

use std::path::Path;

/// The commit of the repository holding `dir`, and whether files under it have uncommitted
/// changes; `None` outside a repository.
pub fn git(dir: &Path) -> Option<(String, bool)> {
    teamform_git::PolicyRepo::discover(dir)
        .ok()?
        .head_and_dirty()
}
