//! Git, through git2: the policy directory read at any revision straight from git objects (no
//! checkout, the work tree untouched), the merge base with the default branch, the commit a
//! work tree is at and whether it is dirty, the first-parent history of the policy, and the
//! commit along it where something (a user, for `blame`) disappeared from the policy.

mod blame;

pub use blame::LineOrigin;

use std::path::{Path, PathBuf};
use teamform_diagnostics::{SourceFile, SourceMap};
use teamform_model::{LoadResult, load_sources};

/// A repository holding a policy directory.
pub struct PolicyRepo {
    repo: git2::Repository,
    /// The policy directory, relative to the repository root (`policies`).
    subdir: PathBuf,
}

/// A git error, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitError(pub String);

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GitError {}

fn err(context: &str, e: &git2::Error) -> GitError {
    GitError(format!("{context}: {}", e.message()))
}

/// Where something disappeared from the policy, along the first-parent history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removal<T> {
    /// The newest commit without it whose first parent has it: where it was removed.
    pub removed_in: CommitInfo,
    /// That first parent: the last commit that has it.
    pub last_seen: CommitInfo,
    /// What the search found at `last_seen`.
    pub found: T,
}

/// What [`PolicyRepo::find_removal`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Presence<T> {
    /// It is in the policy at the revision itself.
    Present(T),
    /// It was removed by a commit within the history walked.
    Removed(Removal<T>),
    /// It is in none of the commits walked (how many they were).
    Absent(usize),
}

/// One commit, as people read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitInfo {
    /// The full id.
    pub id: String,
    /// The author's name.
    pub author: String,
    /// The author date, `YYYY-MM-DD` (UTC).
    pub date: String,
    /// The first line of the message.
    pub summary: String,
}

impl PolicyRepo {
    /// Opens the repository holding `policies` (searching upwards).
    pub fn discover(policies: &Path) -> Result<Self, GitError> {
        let repo = git2::Repository::discover(policies).map_err(|e| {
            err(
                &format!("`{}` is not in a git repository", policies.display()),
                &e,
            )
        })?;
        let subdir = within(&repo, policies)?.unwrap_or_default();
        Ok(PolicyRepo { repo, subdir })
    }

    /// Opens a bare or non-bare repository at `path`, with the policy at `subdir` inside it.
    pub fn open(path: &Path, subdir: &Path) -> Result<Self, GitError> {
        let repo = git2::Repository::open(path)
            .map_err(|e| err(&format!("cannot open `{}`", path.display()), &e))?;
        Ok(PolicyRepo {
            repo,
            subdir: subdir.to_path_buf(),
        })
    }

    /// A bare mirror of the repository at `url` (a path or a `file://`, `https://` URL) kept
    /// in `cache`, created on first use; call [`PolicyRepo::fetch`] to update it.
    pub fn mirror(url: &str, cache: &Path, subdir: &Path) -> Result<Self, GitError> {
        let repo = match git2::Repository::open_bare(cache) {
            Ok(r) => r,
            Err(_) => {
                std::fs::create_dir_all(cache)
                    .map_err(|e| GitError(format!("cannot create `{}`: {e}", cache.display())))?;
                let r = git2::Repository::init_bare(cache)
                    .map_err(|e| err("cannot create the mirror", &e))?;
                r.remote("origin", url)
                    .map_err(|e| err("cannot add the remote", &e))?;
                r
            }
        };
        Ok(PolicyRepo {
            repo,
            subdir: subdir.to_path_buf(),
        })
    }

    /// Fetches `branch` from `origin` and returns the commit it points at.
    pub fn fetch(&self, branch: &str) -> Result<String, GitError> {
        let mut remote = self
            .repo
            .find_remote("origin")
            .map_err(|e| err("no remote `origin`", &e))?;
        let refspec = format!("+refs/heads/{branch}:refs/remotes/origin/{branch}");
        remote
            .fetch(&[refspec.as_str()], None, None)
            .map_err(|e| err(&format!("cannot fetch `{branch}`"), &e))?;
        self.resolve(&format!("refs/remotes/origin/{branch}"))
            .map(|(id, _)| id)
    }

    /// The repository's git directory (`.git`, a worktree's, or a bare mirror), for opening
    /// it again with [`PolicyRepo::open`].
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// The policy directory inside the repository.
    pub fn subdir(&self) -> &Path {
        &self.subdir
    }

    fn commit(&self, rev: &str) -> Result<git2::Commit<'_>, GitError> {
        self.repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| err(&format!("unknown revision `{rev}`"), &e))
    }

    /// The full id and short id of a revision.
    pub fn resolve(&self, rev: &str) -> Result<(String, String), GitError> {
        let c = self.commit(rev)?;
        let id = c.id().to_string();
        let short = id.chars().take(8).collect();
        Ok((id, short))
    }

    /// The policy files at `rev`, read from git objects; paths are shown as `LABEL:PATH`.
    pub fn sources_at(&self, rev: &str, label: &str) -> Result<SourceMap, GitError> {
        let commit = self.commit(rev)?;
        let tree = commit
            .tree()
            .map_err(|e| err("cannot read the commit's tree", &e))?;
        let mut files = Vec::new();
        let dir_tree = if self.subdir.as_os_str().is_empty() {
            Some(tree)
        } else {
            match tree.get_path(&self.subdir) {
                Ok(entry) => Some(
                    entry
                        .to_object(&self.repo)
                        .and_then(|o| o.peel_to_tree())
                        .map_err(|e| err("cannot read the policy directory", &e))?,
                ),
                Err(_) => None,
            }
        };
        if let Some(t) = dir_tree {
            let mut failure = None;
            let walked = t.walk(git2::TreeWalkMode::PreOrder, |parent, entry| {
                let name = entry.name().unwrap_or_default();
                // Hidden entries are not policy, nor is the tests directory directly under the
                // policy directory (expectations for `teamform test`).
                if name.starts_with('.') || (parent.is_empty() && name == teamform_model::TESTS_DIR)
                {
                    return git2::TreeWalkResult::Skip;
                }
                if entry.kind() == Some(git2::ObjectType::Blob) && name.ends_with(".toml") {
                    match self.repo.find_blob(entry.id()) {
                        Ok(blob) => {
                            let mut bytes = blob.content().to_vec();
                            if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
                                bytes.drain(..3);
                            }
                            let text = String::from_utf8_lossy(&bytes).into_owned();
                            files.push((format!("{}{parent}{name}", self.prefix()), text));
                        }
                        Err(e) => failure = Some(err("cannot read a blob", &e)),
                    }
                }
                git2::TreeWalkResult::Ok
            });
            walked.map_err(|e| err("cannot walk the tree", &e))?;
            if let Some(f) = failure {
                return Err(f);
            }
        }
        files.sort();
        let mut sources = SourceMap::new();
        for (path, text) in files {
            sources.add(SourceFile::new(format!("{label}:{path}"), text));
        }
        Ok(sources)
    }

    /// The names of the directories directly under `dir` (relative to the repository root) at
    /// `rev`, sorted, hidden ones left out; none when `dir` does not exist there.
    pub fn dirs_at(&self, rev: &str, dir: &Path) -> Result<Vec<String>, GitError> {
        let tree = self
            .commit(rev)?
            .tree()
            .map_err(|e| err("cannot read the commit's tree", &e))?;
        let Ok(entry) = tree.get_path(dir) else {
            return Ok(Vec::new());
        };
        let sub = entry
            .to_object(&self.repo)
            .and_then(|o| o.peel_to_tree())
            .map_err(|e| err(&format!("`{}` is not a directory", dir.display()), &e))?;
        let mut names: Vec<String> = sub
            .iter()
            .filter(|e| e.kind() == Some(git2::ObjectType::Tree))
            .filter_map(|e| e.name().map(str::to_string))
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        Ok(names)
    }

    fn prefix(&self) -> String {
        if self.subdir.as_os_str().is_empty() {
            String::new()
        } else {
            format!("{}/", self.subdir.display())
        }
    }

    /// The default branch: `origin/HEAD`'s target, else `main`, else `master`.
    pub fn default_branch(&self) -> Option<String> {
        if let Ok(r) = self.repo.find_reference("refs/remotes/origin/HEAD")
            && let Some(target) = r.symbolic_target()
        {
            return Some(target.trim_start_matches("refs/remotes/").to_string());
        }
        ["main", "master", "origin/main", "origin/master"]
            .into_iter()
            .find(|b| self.repo.revparse_single(b).is_ok())
            .map(str::to_string)
    }

    /// The merge base of `HEAD` with the default branch.
    pub fn merge_base_with_default(&self) -> Result<String, GitError> {
        let branch = self.default_branch().ok_or_else(|| {
            GitError(
                "no default branch (`main` or `master`) to compare with; name a base revision"
                    .to_string(),
            )
        })?;
        let head = self.commit("HEAD")?.id();
        let base = self.commit(&branch)?.id();
        self.repo
            .merge_base(head, base)
            .map(|id| id.to_string())
            .map_err(|e| err(&format!("no merge base between HEAD and `{branch}`"), &e))
    }

    /// The commit `HEAD` is at, and whether files under the policy directory differ from it
    /// (modified, added or untracked).
    pub fn head_and_dirty(&self) -> Option<(String, bool)> {
        let head = self.commit("HEAD").ok()?.id().to_string();
        let mut options = git2::StatusOptions::new();
        options.include_untracked(true).recurse_untracked_dirs(true);
        if !self.subdir.as_os_str().is_empty() {
            options.pathspec(&self.subdir);
        }
        let dirty = self
            .repo
            .statuses(Some(&mut options))
            .map(|s| !s.is_empty())
            .unwrap_or(true);
        Some((head, dirty))
    }

    /// The committer's email from the repository's git configuration (`user.email`).
    pub fn user_email(&self) -> Option<String> {
        self.repo.config().ok()?.get_string("user.email").ok()
    }

    /// The first-parent history from `rev`, newest first, at most `limit` commits.
    pub fn history(&self, rev: &str, limit: usize) -> Result<Vec<CommitInfo>, GitError> {
        let start = self.commit(rev)?;
        let mut out = Vec::new();
        let mut current = Some(start);
        while let Some(c) = current {
            if out.len() >= limit {
                break;
            }
            out.push(info(&c));
            current = c.parent(0).ok();
        }
        Ok(out)
    }

    /// Walks the first-parent history from `rev`, at most `limit` commits, loading the policy
    /// of each (from git objects, as [`PolicyRepo::sources_at`]) until `find` finds something
    /// in it, and tells where that was: at `rev` itself, or at the last commit before the
    /// one that removed it (the newest removal, when it came and went more than once).
    pub fn find_removal<T>(
        &self,
        rev: &str,
        limit: usize,
        mut find: impl FnMut(&LoadResult) -> Option<T>,
    ) -> Result<Presence<T>, GitError> {
        let mut current = Some(self.commit(rev)?);
        let mut newer: Option<CommitInfo> = None;
        let mut walked = 0;
        while let Some(c) = current {
            if walked >= limit {
                break;
            }
            walked += 1;
            let id = c.id().to_string();
            let load = load_sources(self.sources_at(&id, &id[..8.min(id.len())])?);
            if let Some(found) = find(&load) {
                return Ok(match newer {
                    None => Presence::Present(found),
                    Some(removed_in) => Presence::Removed(Removal {
                        removed_in,
                        last_seen: info(&c),
                        found,
                    }),
                });
            }
            newer = Some(info(&c));
            current = c.parent(0).ok();
        }
        Ok(Presence::Absent(walked))
    }
}

/// `path` relative to the work tree of `repo` (both canonical), or `None` when it is outside.
fn within(repo: &git2::Repository, path: &Path) -> Result<Option<PathBuf>, GitError> {
    let root = repo
        .workdir()
        .ok_or_else(|| GitError("the repository has no work tree".to_string()))?
        .canonicalize()
        .map_err(|e| GitError(e.to_string()))?;
    let abs = path
        .canonicalize()
        .map_err(|e| GitError(format!("`{}`: {e}", path.display())))?;
    Ok(abs.strip_prefix(&root).ok().map(Path::to_path_buf))
}

fn info(c: &git2::Commit<'_>) -> CommitInfo {
    let secs = c.author().when().seconds();
    CommitInfo {
        id: c.id().to_string(),
        author: c.author().name().unwrap_or("unknown").to_string(),
        date: date_of(secs),
        summary: c.summary().unwrap_or_default().to_string(),
    }
}

/// `YYYY-MM-DD` of a Unix time (UTC).
fn date_of(secs: i64) -> String {
    teamform_model::Date::from_unix_days(secs.div_euclid(86_400)).to_string()
}

#[cfg(test)]
mod tests;
