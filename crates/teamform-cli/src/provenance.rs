//! Where a policy comes from: its git commit and whether the work tree is dirty (git2).

use std::path::Path;

/// The commit of the repository holding `dir`, and whether files under it have uncommitted
/// changes; `None` outside a repository.
pub fn git(dir: &Path) -> Option<(String, bool)> {
    let repo = git2::Repository::discover(dir).ok()?;
    let commit = repo.head().ok()?.peel_to_commit().ok()?.id().to_string();
    let mut options = git2::StatusOptions::new();
    options.include_untracked(true).include_ignored(false);
    let dirty = repo
        .statuses(Some(&mut options))
        .map(|s| !s.is_empty())
        .unwrap_or(true);
    Some((commit, dirty))
}
