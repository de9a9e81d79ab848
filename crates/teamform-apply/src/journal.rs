//! The apply journal: one JSON line per completed operation, beside the portal's state, so
//! that an interrupted apply resumes where it stopped. Each line is flushed to disk before the
//! next batch starts.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Serialize, Deserialize)]
struct Header {
    plan: String,
}

#[derive(Serialize, Deserialize)]
struct Intent {
    intent: Vec<usize>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    op: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created_id: Option<String>,
}

/// The journal of the apply of one plan.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    plan: String,
    /// The operations done, with the ids they created.
    pub done: BTreeMap<usize, Option<String>>,
    /// Operations sent to the portal by an interrupted run without confirmation: they may or
    /// may not have happened (every operation is idempotent, so they are simply redone).
    pub uncertain: BTreeSet<usize>,
    /// Whether an interrupted apply of this plan was found.
    pub resumed: bool,
}

impl Journal {
    /// Opens the journal at `path` for the plan identified by `plan_id`. An existing journal of
    /// the same plan is resumed; one of another plan is set aside (its work is in the portal
    /// already, and the new plan was made from that state).
    pub fn open(path: &Path, plan_id: &str) -> std::io::Result<Journal> {
        let mut journal = Journal {
            path: path.to_path_buf(),
            plan: plan_id.to_string(),
            done: BTreeMap::new(),
            uncertain: BTreeSet::new(),
            resumed: false,
        };
        if let Ok(text) = std::fs::read_to_string(path) {
            // A journal left readable by others (by an older version, a copy or a restore)
            // is made owner-only before it is used: `mode` applies only to new files.
            make_owner_only(path)?;
            let mut lines = text.lines();
            let same = lines
                .next()
                .and_then(|l| serde_json::from_str::<Header>(l).ok())
                .is_some_and(|h| h.plan == plan_id);
            if same {
                for line in lines {
                    // A line cut short by a kill is ignored: its batch is redone, harmlessly.
                    if let Ok(e) = serde_json::from_str::<Entry>(line) {
                        journal.done.insert(e.op, e.created_id);
                    } else if let Ok(i) = serde_json::from_str::<Intent>(line) {
                        journal.uncertain.extend(i.intent);
                    }
                }
                let done = journal.done_ops();
                journal.uncertain.retain(|op| !done.contains(op));
                journal.resumed = true;
                return Ok(journal);
            }
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut f = owner_only(
            std::fs::File::options()
                .create(true)
                .write(true)
                .truncate(true),
        )
        .open(path)?;
        make_owner_only(path)?;
        let header = serde_json::to_string(&Header {
            plan: plan_id.to_string(),
        })
        .unwrap_or_default();
        writeln!(f, "{header}")?;
        f.sync_all()?;
        Ok(journal)
    }

    /// The operations done.
    pub fn done_ops(&self) -> BTreeSet<usize> {
        self.done.keys().copied().collect()
    }

    /// Records, durably, that operations are about to be sent to the portal.
    pub fn intend(&mut self, ops: &[usize]) -> std::io::Result<()> {
        let mut f = std::fs::File::options().append(true).open(&self.path)?;
        let line = serde_json::to_string(&Intent {
            intent: ops.to_vec(),
        })
        .unwrap_or_default();
        f.write_all(format!("{line}\n").as_bytes())?;
        f.sync_all()
    }

    /// Records completed operations durably.
    pub fn record(&mut self, entries: &[(usize, Option<String>)]) -> std::io::Result<()> {
        let mut f = std::fs::File::options().append(true).open(&self.path)?;
        let mut text = String::new();
        for (op, created_id) in entries {
            text.push_str(
                &serde_json::to_string(&Entry {
                    op: *op,
                    created_id: created_id.clone(),
                })
                .unwrap_or_default(),
            );
            text.push('\n');
            self.done.insert(*op, created_id.clone());
        }
        f.write_all(text.as_bytes())?;
        f.sync_all()
    }

    /// Removes the journal once the plan is fully applied.
    pub fn finish(self) -> std::io::Result<()> {
        let _ = &self.plan;
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(unix)]
fn make_owner_only(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn make_owner_only(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn owner_only(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    options.mode(0o600)
}

#[cfg(not(unix))]
fn owner_only(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    options
}
