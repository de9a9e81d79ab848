//! Saved plans (`plan -o FILE`): the plan with the fingerprints it was made from, the policy's
//! content hash and git commit, the tool version, and a checksum of the whole, so that a
//! hand-edited plan is refused. The file is written and read through types of its own
//! ([`file`]), not the planner's.

mod file;

use crate::plan::Plan;
use file::{DocumentIn, DocumentOut};
use serde::Serialize;
use sha2::{Digest, Sha256};
use teamform_diagnostics::SourceMap;

/// The version of the saved-plan format.
pub const FORMAT_VERSION: u32 = 3;

/// A plan as saved to a file: the plan and what the file says about it. It serialises as the
/// file ([`SavedPlan::to_json`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedPlan {
    /// Always `teamform-plan`.
    pub format: String,
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// The teamform version that made it.
    pub tool_version: String,
    /// The SHA-256 of the policy files (paths relative to the policy directory, and texts).
    pub policy_hash: String,
    /// The git commit of the policy, when it is in a repository.
    pub git_commit: Option<String>,
    /// Whether the work tree had uncommitted changes.
    pub git_dirty: Option<bool>,
    /// The plan.
    pub plan: Plan,
    /// The SHA-256 of this document with an empty checksum.
    pub checksum: String,
}

/// Why a saved plan cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SavedPlanError {
    /// Not a plan file, or one this version cannot read.
    Unreadable(String),
    /// The checksum does not match: the file was edited.
    Tampered,
}

impl std::fmt::Display for SavedPlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SavedPlanError::Unreadable(m) => f.write_str(m),
            SavedPlanError::Tampered => f.write_str(
                "the plan file's checksum does not match its contents: it was edited after `teamform plan` wrote it; make a new plan",
            ),
        }
    }
}

impl std::error::Error for SavedPlanError {}

/// A saved plan serialises as its file.
impl Serialize for SavedPlan {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.document(&self.checksum).serialize(serializer)
    }
}

/// The content hash of a policy: every file's path (relative to `root`) and text.
pub fn policy_hash(sources: &SourceMap, root: &str) -> String {
    let mut files: Vec<(&str, &str)> = sources
        .iter()
        .map(|(_, f)| {
            let rel = f
                .path
                .strip_prefix(root)
                .unwrap_or(&f.path)
                .trim_start_matches(['/', '\\']);
            (rel, &*f.text)
        })
        .collect();
    files.sort_unstable();
    let mut hasher = Sha256::new();
    for (path, text) in files {
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    hex(&hasher.finalize())
}

/// A digest in lowercase hexadecimal.
fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl SavedPlan {
    /// Wraps a plan, computing its checksum.
    pub fn new(
        plan: Plan,
        policy_hash: String,
        git_commit: Option<String>,
        git_dirty: Option<bool>,
    ) -> Self {
        let mut saved = SavedPlan {
            format: "teamform-plan".to_string(),
            format_version: FORMAT_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            policy_hash,
            git_commit,
            git_dirty,
            plan,
            checksum: String::new(),
        };
        saved.checksum = saved.compute_checksum();
        saved
    }

    /// The document as the file holds it, with `checksum`.
    fn document<'a>(&'a self, checksum: &'a str) -> DocumentOut<'a> {
        DocumentOut {
            format: &self.format,
            format_version: self.format_version,
            tool_version: &self.tool_version,
            policy_hash: &self.policy_hash,
            git_commit: &self.git_commit,
            git_dirty: &self.git_dirty,
            plan: (&self.plan).into(),
            checksum,
        }
    }

    /// The SHA-256 of this document as JSON with an empty checksum: the document is
    /// serialised straight into the hash (a whole org's plan is hundreds of megabytes of
    /// JSON), through a view that borrows it.
    fn compute_checksum(&self) -> String {
        struct Hashing(Sha256);
        impl std::io::Write for Hashing {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.update(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let view = self.document("");
        let mut hashing = Hashing(Sha256::new());
        // Writing into a hash cannot fail; a plan that cannot be serialised hashes as far as
        // it got, which no saved file can match.
        let _ = serde_json::to_writer(std::io::BufWriter::new(&mut hashing), &view);
        hex(&hashing.0.finalize())
    }

    /// The JSON text to write.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a saved plan, refusing other formats and edited files.
    pub fn from_json(text: &str) -> Result<SavedPlan, SavedPlanError> {
        let saved = Self::from_json_unchecked(text)?;
        if saved.compute_checksum() != saved.checksum {
            return Err(SavedPlanError::Tampered);
        }
        Ok(saved)
    }

    /// Reads a saved plan of this format without checking its checksum: for tools that
    /// inspect a file (the fuzz target renders whatever a file holds). `apply` reads plans
    /// only through [`SavedPlan::from_json`]. A document that does not have the plan's shape
    /// is still refused, as [`SavedPlanError::Tampered`].
    pub fn from_json_unchecked(text: &str) -> Result<SavedPlan, SavedPlanError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| SavedPlanError::Unreadable(format!("not a plan file: {e}")))?;
        if value.get("format").and_then(|f| f.as_str()) != Some("teamform-plan") {
            return Err(SavedPlanError::Unreadable(
                "not a plan file (no `\"format\": \"teamform-plan\"`)".to_string(),
            ));
        }
        let version = value
            .get("format_version")
            .and_then(serde_json::Value::as_u64);
        if version != Some(u64::from(FORMAT_VERSION)) {
            return Err(SavedPlanError::Unreadable(format!(
                "the plan has format version {}, and this teamform reads version {FORMAT_VERSION}",
                version.map_or_else(|| "?".to_string(), |v| v.to_string())
            )));
        }
        let read: DocumentIn =
            serde_json::from_value(value).map_err(|_| SavedPlanError::Tampered)?;
        let saved = SavedPlan {
            format: read.format,
            format_version: read.format_version,
            tool_version: read.tool_version,
            policy_hash: read.policy_hash,
            git_commit: read.git_commit,
            git_dirty: read.git_dirty,
            plan: read.plan.into(),
            checksum: read.checksum,
        };
        Ok(saved)
    }
}
