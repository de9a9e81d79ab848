//! A test client speaking JSON-RPC to the server process over stdio, and a small policy with
//! accents and astral characters to run it on.

// Each test file uses its own part of the client. The helpers stop their test with a clear
// message when something fails, as `clippy.toml` allows tests to do.
#![allow(dead_code, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long a test waits for an answer before failing.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The `file:` URI of a path.
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A language server process and the messages it sent.
pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// The latest `publishDiagnostics` parameters per URI.
    pub latest: HashMap<String, Value>,
    /// Every `publishDiagnostics` received, in order.
    pub published: Vec<Value>,
}

impl Client {
    /// Starts the server binary and completes the handshake for the workspace folder `root`.
    pub fn start(root: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_teamform-lsp"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            next_id: 0,
            latest: HashMap::new(),
            published: Vec::new(),
        };
        let root_uri = uri(root);
        client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{ "uri": root_uri, "name": "test" }],
                "capabilities": {},
            }),
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its result (panics on an error response).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.next(deadline).expect("a response before the timeout");
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message.get("result").cloned().unwrap_or(Value::Null);
            }
        }
    }

    /// The next message, recording diagnostics and answering the server's requests.
    fn next(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = match self.incoming.recv_timeout(left) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
        };
        match message.get("method").and_then(Value::as_str) {
            Some("textDocument/publishDiagnostics") => {
                let params = message["params"].clone();
                let uri = params["uri"].as_str().unwrap_or_default().to_string();
                self.published.push(params.clone());
                self.latest.insert(uri, params);
            }
            Some(_) if message.get("id").is_some() => {
                let id = message["id"].clone();
                self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": null }));
            }
            _ => {}
        }
        Some(message)
    }

    /// Waits until the latest diagnostics of `uri` satisfy `check`, and returns them.
    pub fn diagnostics_until(&mut self, uri: &str, check: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(params) = self.latest.get(uri) {
                let list = params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                if check(&list) {
                    return list;
                }
            }
            if self.next(deadline).is_none() {
                panic!(
                    "timed out waiting for diagnostics of {uri}; latest: {:?}",
                    self.latest.get(uri)
                );
            }
        }
    }

    /// Waits for the diagnostics of `uri` at the buffer version `version`, and returns them.
    pub fn diagnostics_at(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(params) = self.latest.get(uri)
                && params["version"].as_i64() == Some(version)
            {
                return params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            if self.next(deadline).is_none() {
                panic!("timed out waiting for version {version} of {uri}");
            }
        }
    }

    /// Removes the UTF-16 range `start..end` of one line of an open buffer.
    pub fn delete(&mut self, path: &Path, version: i32, line: u32, start: u32, end: u32) {
        let at = |c: u32| json!({ "line": line, "character": c });
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri(path), "version": version },
                "contentChanges": [{ "range": { "start": at(start), "end": at(end) }, "text": "" }],
            }),
        );
    }

    /// Opens a buffer.
    pub fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(path), "languageId": "toml", "version": 1, "text": text } }),
        );
    }

    /// Replaces the whole text of an open buffer.
    pub fn replace(&mut self, path: &Path, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(path), "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    /// Inserts `text` at a UTF-16 position of an open buffer.
    pub fn insert(&mut self, path: &Path, version: i32, line: u32, character: u32, text: &str) {
        let at = json!({ "line": line, "character": character });
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri(path), "version": version },
                "contentChanges": [{ "range": { "start": at, "end": at }, "text": text }],
            }),
        );
    }

    /// A request at a position of a file.
    pub fn at(&mut self, method: &str, path: &Path, line: u32, character: u32) -> Value {
        let mut params = json!({
            "textDocument": { "uri": uri(path) },
            "position": { "line": line, "character": character },
        });
        if method == "textDocument/references" {
            params["context"] = json!({ "includeDeclaration": true });
        }
        self.request(method, params)
    }

    /// Shuts the server down and waits for it to exit.
    pub fn shutdown(mut self) -> ExitStatus {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.child.wait().expect("the server exits")
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// `portal.toml` of the test policy.
pub const PORTAL: &str = "[portal]\nname = \"Acme Été\"\n";

/// `teams.toml` of the test policy (the comment names a code, for the hover).
pub const TEAMS: &str = "# Les équipes 🌍 (see TF0102)\n[team.ventes]\nname = \"Ventes\"\n\n[team.ventes-fr]\nname = \"Ventes Île-de-France 🥐\"\nparent = \"ventes\"\n";

/// `roles.toml` of the test policy.
pub const ROLES: &str = "[role.commercial]\nname = \"Commercial·e\"\ncrm.contacts = { view = \"team\", edit = \"owned\" }\ncrm.deals = { view = \"team\", edit = \"team\", delete = true }\n";

/// `users.toml` of the test policy: Zoé's references come after accents and an emoji on
/// their line, so their UTF-16 columns differ from their byte and character columns.
pub const USERS: &str = "[user.\"amelie@acme.example\"]\nname = \"Amélie Durand\"\nrole = \"commercial\"\nteam = \"ventes\"\n\n[user]\n\"zoe@acme.example\" = { name = \"Zoé 😀 Ørsted\", role = \"commercial\", team = \"ventes-fr\" }\n";

/// The 0-based line of Zoé's inline table in `users.toml`.
pub const ZOE_LINE: u32 = 6;

/// The UTF-16 column of the opening quote of `"ventes-fr"` on Zoé's line: its byte column is
/// 79, its character column 74, and the emoji counts two UTF-16 units.
pub const ZOE_TEAM_COLUMN: u32 = 75;

/// A workspace folder holding the test policy under `policies/`, and a `Cargo.toml` that is
/// not part of it.
pub struct Workspace {
    /// Deleted at the end of the test.
    pub dir: tempfile::TempDir,
    /// `policies/`.
    pub policies: PathBuf,
}

impl Workspace {
    /// Writes the test policy.
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let policies = dir.path().join("policies");
        std::fs::create_dir_all(&policies).expect("mkdir");
        for (name, text) in [
            ("portal.toml", PORTAL),
            ("teams.toml", TEAMS),
            ("roles.toml", ROLES),
            ("users.toml", USERS),
        ] {
            std::fs::write(policies.join(name), text).expect("write");
        }
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"x\"\n").expect("write");
        Workspace { dir, policies }
    }

    /// The path of a policy file.
    pub fn file(&self, name: &str) -> PathBuf {
        self.policies.join(name)
    }
}
