//! A review period on disk: `reviews/PERIOD/` beside the policy directory, holding the
//! snapshot the review started from and one decisions file per team; closed once its
//! evidence pack has a manifest (`evidence/manifest.json`).

use super::{DecisionFile, EVIDENCE_DIR, REVIEWS_DIR, SNAPSHOT, check, load_dir};
use crate::types::Review;
use std::path::{Path, PathBuf};
use teamform_compiler::Compiled;
use teamform_diagnostics::{Code, Diagnostic, SourceMap};
use teamform_model::Policy;

/// The reviews directory of a policy directory: `reviews/` beside it.
pub fn reviews_dir(policies: &Path) -> PathBuf {
    let parent = policies
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(REVIEWS_DIR)
}

/// One period, read.
pub struct Period {
    /// Its directory.
    pub dir: PathBuf,
    /// The snapshot, when it could be read.
    pub snapshot: Option<Review>,
    /// The decisions files.
    pub files: Vec<DecisionFile>,
    /// What could not be read.
    pub diagnostics: Vec<Diagnostic>,
}

impl Period {
    /// Whether the period was closed (its evidence has a manifest).
    pub fn closed(dir: &Path) -> bool {
        dir.join(EVIDENCE_DIR).join("manifest.json").is_file()
    }

    /// The snapshot of the period in `dir`: `None` when there is none, a TF0410 when it
    /// cannot be read.
    pub fn snapshot(dir: &Path) -> Result<Option<Review>, Diagnostic> {
        let path = dir.join(SNAPSHOT);
        let Ok(bytes) = std::fs::read(&path) else {
            return Ok(None);
        };
        serde_json::from_slice::<Review>(&bytes)
            .map(Some)
            .map_err(|e| {
                Diagnostic::new(
                    Code::InvalidDecisionFile,
                    format!(
                        "the review snapshot `{}` cannot be read: {e}",
                        path.display()
                    ),
                )
            })
    }

    /// Reads a period's directory, adding its files to `sources`.
    pub fn read(dir: &Path, sources: &mut SourceMap) -> Period {
        let (files, mut diagnostics) = load_dir(dir, sources);
        let snapshot = Period::snapshot(dir).unwrap_or_else(|d| {
            diagnostics.push(d);
            None
        });
        Period {
            dir: dir.to_path_buf(),
            snapshot,
            files,
            diagnostics,
        }
    }

    /// Every diagnostic of the period: what could not be read, then the checks.
    pub fn check(&self, policy: &Policy, compiled: &Compiled) -> Vec<Diagnostic> {
        let mut out = self.diagnostics.clone();
        out.extend(check(&self.files, policy, compiled, self.snapshot.as_ref()));
        out
    }
}

/// The directories of the open (not closed) periods under the reviews directory of
/// `policies`, sorted.
pub fn open_periods(policies: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(reviews_dir(policies))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir() && !Period::closed(p))
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// The diagnostics of every open (not closed) period under the reviews directory of
/// `policies`, for `validate` and the language server; the decision files are added to
/// `sources`.
pub fn check_open_reviews(
    policies: &Path,
    policy: &Policy,
    compiled: &Compiled,
    sources: &mut SourceMap,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for dir in open_periods(policies) {
        out.extend(Period::read(&dir, sources).check(policy, compiled));
    }
    out
}
