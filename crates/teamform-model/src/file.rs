//! Reading one policy file safely: a file larger than [`MAX_FILE_BYTES`] is refused without
//! being read, and a symbolic link whose target lies outside the policy directory is refused,
//! so that a link cannot pull an arbitrary file (or a device) into the policy.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest policy file read, in bytes (64 MiB): far beyond any real policy, and small
/// enough that parsing it cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a policy file was not read.
#[derive(Debug)]
pub enum FileRefusal {
    /// The file is larger than [`MAX_FILE_BYTES`]; `bytes` is its size (at least).
    TooLarge {
        /// The size seen.
        bytes: u64,
    },
    /// The file is a symbolic link to a file outside the policy directory.
    OutsidePolicyDir {
        /// Where the link leads.
        target: PathBuf,
    },
    /// The file could not be read.
    Io(std::io::Error),
}

impl std::fmt::Display for FileRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileRefusal::TooLarge { bytes } => write!(
                f,
                "the file is {} MiB, over the limit of {} MiB for a policy file",
                bytes.div_ceil(1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            FileRefusal::OutsidePolicyDir { target } => write!(
                f,
                "it is a symbolic link to `{}`, outside the policy directory",
                target.display()
            ),
            FileRefusal::Io(e) => match e.kind() {
                std::io::ErrorKind::NotFound => f.write_str("no such file or directory"),
                std::io::ErrorKind::PermissionDenied => f.write_str("permission denied"),
                _ => f.write_str(&e.to_string().to_lowercase()),
            },
        }
    }
}

impl FileRefusal {
    /// What the user can do about it.
    pub fn help(&self) -> &'static str {
        match self {
            FileRefusal::TooLarge { .. } => "split the policy into smaller files",
            FileRefusal::OutsidePolicyDir { .. } => {
                "copy the file into the policy directory, or link to a file inside it"
            }
            FileRefusal::Io(_) => "check the file's permissions",
        }
    }
}

/// Reads the policy file `path`, found under the policy directory whose canonical path is
/// `root` (see [`std::fs::canonicalize`]).
pub fn read_policy_file(root: &Path, path: &Path) -> Result<Vec<u8>, FileRefusal> {
    let link = std::fs::symlink_metadata(path).map_err(FileRefusal::Io)?;
    if link.file_type().is_symlink() {
        let target = std::fs::canonicalize(path).map_err(FileRefusal::Io)?;
        if !target.starts_with(root) {
            return Err(FileRefusal::OutsidePolicyDir { target });
        }
    }
    let file = std::fs::File::open(path).map_err(FileRefusal::Io)?;
    let size = file.metadata().map_err(FileRefusal::Io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(FileRefusal::TooLarge { bytes: size });
    }
    // The file may grow between the check and the read: never read more than the limit.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(FileRefusal::Io)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > MAX_FILE_BYTES {
        return Err(FileRefusal::TooLarge { bytes: read });
    }
    Ok(bytes)
}
