//! Who recorded each line of a file: git blame of its committed version, for the evidence
//! of a closed access review (the commit and author that recorded each decision).

use crate::{CommitInfo, GitError, PolicyRepo, err, info, within};
use std::path::Path;

/// The origin of one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineOrigin {
    /// The commit that last changed the line.
    pub commit: CommitInfo,
    /// Its author's email.
    pub email: String,
}

impl PolicyRepo {
    /// The origin of every line (index 0 is line 1) of `path` as committed at `HEAD`, or an
    /// error when the file is not committed or differs from what is committed (the evidence
    /// would not say who wrote the lines as they are).
    pub fn blame(&self, path: &Path) -> Result<Vec<LineOrigin>, GitError> {
        let rel = within(&self.repo, path)?
            .ok_or_else(|| GitError(format!("`{}` is not in the repository", path.display())))?;
        let rel = rel.as_path();
        let head = self
            .repo
            .head()
            .and_then(|h| h.peel_to_tree())
            .map_err(|e| err("cannot read HEAD", &e))?;
        let entry = head.get_path(rel).map_err(|_| {
            GitError(format!(
                "`{}` is not committed; commit it first",
                rel.display()
            ))
        })?;
        let blob = self
            .repo
            .find_blob(entry.id())
            .map_err(|e| err("cannot read the committed file", &e))?;
        let text = std::fs::read(path).map_err(|e| GitError(e.to_string()))?;
        if blob.content() != text.as_slice() {
            return Err(GitError(format!(
                "`{}` has uncommitted changes; commit them first",
                rel.display()
            )));
        }
        let blame = self
            .repo
            .blame_file(rel, None)
            .map_err(|e| err(&format!("cannot blame `{}`", rel.display()), &e))?;
        let lines = text.iter().filter(|b| **b == b'\n').count() + 1;
        let mut out = Vec::with_capacity(lines);
        for line in 1..=lines {
            let Some(hunk) = blame.get_line(line) else {
                break;
            };
            let commit = self
                .repo
                .find_commit(hunk.final_commit_id())
                .map_err(|e| err("cannot read a commit", &e))?;
            out.push(LineOrigin {
                commit: info(&commit),
                email: commit.author().email().unwrap_or_default().to_string(),
            });
        }
        Ok(out)
    }
}
