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
    write_with(path, |w| w.write_all(bytes)).map(|_| ())
}

/// A writer that hashes and counts what goes through it.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes what `fill` writes to `path` through a temporary file in the same directory,
/// flushed to disk and renamed; returns its SHA-256 and size. Large files are streamed, never
/// held whole in memory: what `fill` writes is buffered, then hashed and written a buffer at
/// a time (the hasher sees large blocks, not each small write).
fn write_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<(String, u64)> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp.{}", std::process::id()));
    let tmp = dir.join(name);
    let written = (|| {
        let file = std::fs::File::create(&tmp)?;
        let mut w = std::io::BufWriter::with_capacity(
            BUFFER,
            Hashing {
                inner: file,
                hasher: Sha256::new(),
                bytes: 0,
            },
        );
        fill(&mut w)?;
        let hashing = w.into_inner().map_err(|e| e.into_error())?;
        hashing.inner.sync_all()?;
        let sum: String = hashing
            .hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok((sum, hashing.bytes))
    })();
    let done = written.and_then(|sum| std::fs::rename(&tmp, path).map(|()| sum));
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    done
}

/// The size of the buffer between a file's writer and its hasher.
const BUFFER: usize = 256 * 1024;

/// Writes the pack of `review`, with `extra` files, into `dir`; returns the manifest.
pub fn write(
    dir: &Path,
    review: &Review,
    extra: Vec<(String, Vec<u8>)>,
) -> Result<Manifest, String> {
    let io = |what: &str, e: std::io::Error| format!("cannot write `{what}`: {e}");
    std::fs::create_dir_all(dir).map_err(|e| io(&dir.display().to_string(), e))?;
    fn json(w: &mut dyn Write, v: &impl serde::Serialize) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, v).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    }
    type Fill<'a> = Box<dyn FnOnce(&mut dyn Write) -> std::io::Result<()> + Send + 'a>;
    let schema = review_schema();
    let mut files: Vec<(String, Fill<'_>)> = vec![
        (
            "users.csv".into(),
            Box::new(|w: &mut dyn Write| crate::csv::write(w, review)),
        ),
        (
            "review.json".into(),
            Box::new(|w: &mut dyn Write| crate::lines::write(w, review)),
        ),
        (
            "review.schema.json".into(),
            Box::new(move |w: &mut dyn Write| json(w, &schema)),
        ),
        (
            "report.html".into(),
            Box::new(|w: &mut dyn Write| crate::html::write(w, review)),
        ),
    ];
    for (name, bytes) in extra {
        files.push((name, Box::new(move |w: &mut dyn Write| w.write_all(&bytes))));
    }
    // The files do not depend on each other: each is made and written on a thread of its own
    // (the HTML report and the JSON of a large org take about as long each).
    let written: Vec<Result<FileSum, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = files
            .into_iter()
            .map(|(name, fill)| {
                s.spawn(move || {
                    let path = dir.join(&name);
                    write_with(&path, fill)
                        .map(|(sha256, bytes)| FileSum {
                            path: name,
                            sha256,
                            bytes,
                        })
                        .map_err(|e| io(&path.display().to_string(), e))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut sums = written.into_iter().collect::<Result<Vec<_>, _>>()?;
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
