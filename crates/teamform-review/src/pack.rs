//! Writing an evidence pack: `users.csv`, `review.json`, its JSON Schema, `report.html`, any
//! extra files (the decisions of a closed review), then `manifest.json` with the SHA-256 of
//! every other file, and the same sums as `SHA256SUMS` (`sha256sum -c SHA256SUMS`). Each
//! file is written to a temporary file and renamed, so none is ever half-written; the
//! manifest is written last, so a pack with a manifest is complete.

use crate::types::{PolicyRef, Review, review_schema};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

/// The `format` of `manifest.json`.
pub const MANIFEST_FORMAT: &str = "teamform-review-manifest";

/// `manifest.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// Always 1.
    pub format_version: u32,
    /// The time of the snapshot.
    pub generated_at: String,
    /// The version of teamform.
    pub teamform_version: String,
    /// The portal reviewed.
    pub portal: String,
    /// The policy's hash and commit.
    pub policy: PolicyRef,
    /// Every other file of the pack, by name.
    pub files: Vec<FileSum>,
}

/// A file and its sum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSum {
    /// The name, relative to the pack.
    pub path: String,
    /// The SHA-256, in hexadecimal.
    pub sha256: String,
    /// The size in bytes.
    pub bytes: u64,
}

/// The hexadecimal SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `bytes` to `path` through a temporary file in the same directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp.{}", std::process::id()));
    let tmp = dir.join(name);
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

/// The files of a review's pack, before the manifest.
pub fn files(review: &Review) -> Vec<(String, Vec<u8>)> {
    let json = |v: serde_json::Value| {
        let mut bytes = serde_json::to_vec_pretty(&v).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    };
    vec![
        ("users.csv".into(), crate::users_csv(review).into_bytes()),
        (
            "review.json".into(),
            json(serde_json::to_value(review).unwrap_or_default()),
        ),
        ("review.schema.json".into(), json(review_schema())),
        (
            "report.html".into(),
            crate::report_html(review).into_bytes(),
        ),
    ]
}

/// Writes the pack of `review`, with `extra` files, into `dir`; returns the manifest.
pub fn write(
    dir: &Path,
    review: &Review,
    extra: Vec<(String, Vec<u8>)>,
) -> Result<Manifest, String> {
    let io = |what: &str, e: std::io::Error| format!("cannot write `{what}`: {e}");
    std::fs::create_dir_all(dir).map_err(|e| io(&dir.display().to_string(), e))?;
    let mut sums = Vec::new();
    let mut all = files(review);
    all.extend(extra);
    for (name, bytes) in &all {
        let path = dir.join(name);
        write_atomic(&path, bytes).map_err(|e| io(&path.display().to_string(), e))?;
        sums.push(FileSum {
            path: name.clone(),
            sha256: sha256(bytes),
            bytes: bytes.len() as u64,
        });
    }
    sums.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = Manifest {
        format: MANIFEST_FORMAT.to_string(),
        format_version: 1,
        generated_at: review.generated_at.clone(),
        teamform_version: review.teamform_version.clone(),
        portal: review.portal.clone(),
        policy: review.policy.clone(),
        files: sums,
    };
    let lines: String = manifest
        .files
        .iter()
        .map(|f| format!("{}  {}\n", f.sha256, f.path))
        .collect();
    let path = dir.join("SHA256SUMS");
    write_atomic(&path, lines.as_bytes()).map_err(|e| io("SHA256SUMS", e))?;
    let mut bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    write_atomic(&dir.join("manifest.json"), &bytes).map_err(|e| io("manifest.json", e))?;
    Ok(manifest)
}
