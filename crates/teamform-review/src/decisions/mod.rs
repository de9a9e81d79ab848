//! Reviewers' decisions, kept as files in the repository: `reviews/PERIOD/TEAM.toml` beside
//! the policy directory (so never read as policy), with the snapshot the review started from
//! (`reviews/PERIOD/snapshot.json`, a `review.json`). `teamform review start` writes one file
//! per team with members (`start.rs`); reviewers fill in `keep`, `revoke` or `change` with a
//! reason and commit; `validate` and the language server check the files (`check.rs`,
//! TF0410–TF0415); `teamform review close` turns the decisions into edits of the policy files
//! (`edits.rs`).

mod check;
mod edits;
mod period;
mod read;
mod record;
mod start;

pub use check::{check, reviewers_of, undecided};
pub use edits::{Edit, EditError, apply_edits, edits};
pub use period::{Period, check_open_reviews, open_periods, reviews_dir};
pub use read::{load_dir, parse};
pub use record::{DecisionRecord, Recorded, records};
pub use start::{TeamFile, render, team_files};

use teamform_diagnostics::{FileId, Span};
use teamform_model::Sp;

/// The directory of reviews, beside the policy directory.
pub const REVIEWS_DIR: &str = "reviews";
/// The snapshot a review started from, in its period's directory.
pub const SNAPSHOT: &str = "snapshot.json";
/// Where `close` writes the evidence pack, in the period's directory.
pub const EVIDENCE_DIR: &str = "evidence";

/// What a reviewer decided about one member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The access stays as it is.
    Keep,
    /// The user is removed.
    Revoke,
    /// The user's role or primary team changes.
    Change,
}

impl Decision {
    /// Reads `keep`, `revoke` or `change`.
    pub fn parse(text: &str) -> Option<Decision> {
        match text {
            "keep" => Some(Decision::Keep),
            "revoke" => Some(Decision::Revoke),
            "change" => Some(Decision::Change),
            _ => None,
        }
    }

    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Keep => "keep",
            Decision::Revoke => "revoke",
            Decision::Change => "change",
        }
    }
}

/// One decisions file.
#[derive(Clone, Debug)]
pub struct DecisionFile {
    /// Its path.
    pub path: String,
    /// Its id in the source map.
    pub file: FileId,
    /// The whole file, for diagnostics about it.
    pub span: Span,
    /// The review period.
    pub period: Option<Sp<String>>,
    /// The team's key.
    pub team: Option<Sp<String>>,
    /// The reviewer recording the decisions.
    pub reviewer: Option<Sp<String>>,
    /// The members, in file order.
    pub members: Vec<Member>,
}

/// One member's entry.
#[derive(Clone, Debug)]
pub struct Member {
    /// The email (the table's key).
    pub email: Sp<String>,
    /// The findings the review made (as `start` wrote them).
    pub findings: Vec<String>,
    /// The decision; `None` while undecided (empty) or when it is not a decision.
    pub decision: Option<Sp<Decision>>,
    /// Whether a `decision` was written that is not one (reported when read, so not
    /// reported again as missing).
    pub unreadable: bool,
    /// Why.
    pub reason: Option<Sp<String>>,
    /// For `change`: the new role's key.
    pub role: Option<Sp<String>>,
    /// For `change`: the new primary team's key.
    pub team: Option<Sp<String>>,
    /// Who decided, when not the file's reviewer (a reviewer's own access).
    pub by: Option<Sp<String>>,
    /// The line (1-based) of the `decision` value, for blame.
    pub line: usize,
}

impl Member {
    /// Who decided: `by`, else the file's reviewer.
    pub fn decider<'a>(&'a self, file: &'a DecisionFile) -> Option<&'a Sp<String>> {
        self.by.as_ref().or(file.reviewer.as_ref())
    }
}
