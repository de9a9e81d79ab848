//! The sandbox file: a versioned JSON document, read strictly and written atomically.

use crate::activity::ActivityFile;
use crate::{LiveState, PortalError};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// The `format` field of every sandbox file.
pub const FORMAT: &str = "teamform-sandbox";
/// The version of the format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// The whole sandbox file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SandboxFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`FORMAT_VERSION`].
    pub format_version: u32,
    /// The next id to assign.
    pub next_id: u64,
    /// The portal's contents.
    #[serde(flatten)]
    pub state: LiveState,
    /// The portal's activity (logins, security and audit events), in HubSpot's shapes, for
    /// access reviews; none when empty.
    #[serde(default, skip_serializing_if = "ActivityFile::is_empty")]
    pub activity: ActivityFile,
    /// The portal's CRM records (contacts, companies, deals, tickets) and their owners.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<crate::LiveRecord>,
}

impl Default for SandboxFile {
    fn default() -> Self {
        SandboxFile {
            format: FORMAT.to_string(),
            format_version: FORMAT_VERSION,
            next_id: 1_000_001,
            state: LiveState::default(),
            activity: ActivityFile::default(),
            records: Vec::new(),
        }
    }
}

impl SandboxFile {
    /// Assigns a new id, as a portal would.
    pub fn new_id(&mut self) -> String {
        let id = self.next_id;
        self.next_id += 1;
        id.to_string()
    }
}

/// The largest `next_id` accepted: 2^53, so that every id stays exact for JavaScript clients
/// of the simulator and assigning new ids can never overflow.
pub const MAX_NEXT_ID: u64 = 1 << 53;

/// Reads and checks a sandbox file.
pub(super) fn load(path: &Path) -> Result<SandboxFile, PortalError> {
    let bytes = std::fs::read(path).map_err(|e| {
        PortalError::io(format!("cannot read `{}`: {e}", path.display())).with_source(e)
    })?;
    parse(&bytes).map_err(|why| {
        PortalError::corrupt(format!(
            "`{}` is not a usable sandbox portal file: {why}; it was left untouched (move it away to start afresh)",
            path.display()
        ))
    })
}

/// The file as written, read in one pass straight into its types: no `flatten` (which
/// buffers the whole contents) and no intermediate `serde_json::Value`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Direct {
    format: String,
    format_version: u32,
    next_id: u64,
    #[serde(default)]
    teams: Vec<crate::LiveTeam>,
    #[serde(default)]
    roles: Vec<crate::LiveRole>,
    #[serde(default)]
    users: Parallel<crate::LiveUser>,
    #[serde(default)]
    assets: Parallel<crate::LiveAsset>,
    #[serde(default)]
    activity: ActivityFile,
    #[serde(default)]
    records: Vec<crate::LiveRecord>,
}

/// A long list read in two passes: one finds each item's JSON text (without reading it into
/// its type), then the items are read on every thread. A portal of 100,000 users and 50,000
/// assets is most of a sandbox file.
struct Parallel<T>(Vec<T>);

impl<T> Default for Parallel<T> {
    fn default() -> Self {
        Parallel(Vec::new())
    }
}

impl<'de, T: serde::de::DeserializeOwned + Send> Deserialize<'de> for Parallel<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use rayon::prelude::*;
        let items: Vec<&'de serde_json::value::RawValue> = Vec::deserialize(d)?;
        items
            .par_iter()
            .map(|item| serde_json::from_str::<T>(item.get()))
            .collect::<Result<Vec<T>, _>>()
            .map(Parallel)
            .map_err(serde::de::Error::custom)
    }
}

/// Parses and checks the bytes of a sandbox file; the error says why they are not usable.
/// Pure, so that it can be fuzzed.
pub fn parse(bytes: &[u8]) -> Result<SandboxFile, String> {
    // The common case: a well-formed file of this format and version. Anything else goes the
    // slow way below, which says precisely what is wrong.
    if let Ok(d) = serde_json::from_slice::<Direct>(bytes)
        && d.format == FORMAT
        && d.format_version == FORMAT_VERSION
    {
        let file = SandboxFile {
            format: d.format,
            format_version: d.format_version,
            next_id: d.next_id,
            state: LiveState {
                teams: d.teams,
                roles: d.roles,
                users: d.users.0,
                assets: d.assets.0,
            },
            activity: d.activity,
            records: d.records,
        };
        return checked(file);
    }
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("invalid JSON ({e})"))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(format!("its `format` is not `{FORMAT}`"));
    }
    match value
        .get("format_version")
        .and_then(serde_json::Value::as_u64)
    {
        Some(v) if v == u64::from(FORMAT_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "it has format version {v}, and this teamform reads version {FORMAT_VERSION}"
            ));
        }
        None => return Err("it has no `format_version`".to_string()),
    }
    let file: SandboxFile = serde_json::from_value(value).map_err(|e| e.to_string())?;
    checked(file)
}

/// Refuses a `next_id` over the limit.
fn checked(file: SandboxFile) -> Result<SandboxFile, String> {
    if file.next_id > MAX_NEXT_ID {
        return Err(format!(
            "its `next_id` ({}) is over the limit of {MAX_NEXT_ID}",
            file.next_id
        ));
    }
    Ok(file)
}

/// Writes a sandbox file atomically: a temporary file in the same directory, flushed to disk,
/// then renamed over the old one. On any failure the old file is intact.
pub(super) fn save(path: &Path, data: &SandboxFile) -> Result<(), PortalError> {
    let io = |what: &str, e: std::io::Error| {
        PortalError::io(format!("cannot {what} `{}`: {e}", path.display())).with_source(e)
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| io("create the directory of", e))?;
    let bytes = serde_json::to_vec_pretty(data)
        .map_err(|e| PortalError::io(e.to_string()).with_source(e))?;
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp.{}", std::process::id()));
    let tmp = dir.join(name);
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.write_all(b"\n")?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io("write", e));
    }
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io("replace", e));
    }
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod fast_path {
    use super::*;

    /// A file as `save` writes it (no activity, no records: both are left out when empty) is
    /// read by the one-pass path, not the slow one (twice the time for a large portal).
    #[test]
    fn a_saved_file_without_activity_or_records_takes_the_direct_path() {
        let file = SandboxFile {
            format: FORMAT.to_string(),
            format_version: FORMAT_VERSION,
            next_id: 1000,
            state: LiveState::default(),
            activity: ActivityFile::default(),
            records: Vec::new(),
        };
        let text = serde_json::to_string(&file).unwrap_or_default();
        assert!(
            !text.contains("records") && !text.contains("activity"),
            "{text}"
        );
        let direct = serde_json::from_str::<Direct>(&text);
        assert!(direct.is_ok(), "{:?}", direct.err());
        assert_eq!(parse(text.as_bytes()).map(|f| f.next_id), Ok(1000));
    }
}
