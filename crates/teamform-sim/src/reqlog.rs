//! The request log (`--log FILE`): one JSON line per request with its method, path and status
//! (and the fault injected, if any). Headers are never logged, so the token cannot leak.

use serde_json::json;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

/// An append-only JSON-lines log.
#[derive(Debug)]
pub struct RequestLog {
    file: Mutex<File>,
}

impl RequestLog {
    /// Opens (or creates) the log for appending.
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let file = File::options().create(true).append(true).open(path)?;
        Ok(RequestLog {
            file: Mutex::new(file),
        })
    }

    /// Writes one line. `status` is `None` when the connection was dropped without an answer.
    /// A failed write is ignored: the log must not take the server down.
    pub fn write(&self, method: &str, path: &str, status: Option<u16>, fault: Option<&str>) {
        let mut line = json!({ "method": method, "path": path, "status": status });
        if let (Some(fault), Some(map)) = (fault, line.as_object_mut()) {
            map.insert("fault".into(), json!(fault));
        }
        let mut text = line.to_string();
        text.push('\n');
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let _ = file.write_all(text.as_bytes());
        let _ = file.flush();
    }
}
