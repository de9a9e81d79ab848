//! The message loop: the protocol's handshake, the notifications that change the text, the
//! requests, and the publication of diagnostics.
//!
//! Every message that has already arrived is applied before the policy is compiled, so that
//! a burst of keystrokes costs one compilation, of the newest text. Diagnostics are published
//! only when no message is waiting after a compilation: when newer text arrived meanwhile,
//! the stale results are dropped and the next round compiles the newer text. Requests are
//! answered from a compilation of the text as it is when they arrive.

use crate::project::Project;
use crate::publish::Published;
use crate::workspace::{path_of, policy_dir_of_file, policy_dir_of_folder};
use crate::{Error, requests, today};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    Notification as _,
};
use lsp_types::request::{RegisterCapability, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern,
    HoverProviderCapability, InitializeParams, OneOf, PositionEncodingKind, Registration,
    RegistrationParams, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions,
};
use std::path::{Path, PathBuf};

/// What the server can do, as announced in the handshake.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".to_string()]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// Runs the server on `connection`: the handshake, then messages until the client asks the
/// server to exit (or goes away).
pub fn run(connection: &Connection) -> Result<(), Error> {
    let params = connection.initialize(serde_json::to_value(capabilities())?)?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let mut server = Server::new(connection, &params);
    if watches_files(&params) {
        server.register_file_watcher()?;
    }
    server.main_loop()
}

/// Whether the client lets the server register a watcher of the policy files.
fn watches_files(params: &InitializeParams) -> bool {
    params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false)
}

struct Server<'c> {
    connection: &'c Connection,
    /// The policies open, one per policy directory.
    projects: Vec<Project>,
    /// The workspace folder, above which no policy directory is looked for.
    ceiling: Option<PathBuf>,
    /// What was last published per file, so that only changes are sent.
    published: Published,
}

impl<'c> Server<'c> {
    fn new(connection: &'c Connection, params: &InitializeParams) -> Server<'c> {
        #[allow(deprecated)] // `root_uri` is what clients without workspace folders send.
        let folders: Vec<PathBuf> = match &params.workspace_folders {
            Some(folders) if !folders.is_empty() => {
                folders.iter().filter_map(|f| path_of(&f.uri)).collect()
            }
            _ => params.root_uri.iter().filter_map(path_of).collect(),
        };
        let projects = folders
            .iter()
            .filter_map(|f| policy_dir_of_folder(f))
            .map(Project::open)
            .collect();
        Server {
            connection,
            projects,
            ceiling: folders.into_iter().next(),
            published: Published::default(),
        }
    }

    fn register_file_watcher(&self) -> Result<(), Error> {
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String("**/*.toml".to_string()),
                kind: None,
            }],
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "teamform-policy-files".to_string(),
                method: DidChangeWatchedFiles::METHOD.to_string(),
                register_options: Some(serde_json::to_value(options)?),
            }],
        };
        let id = RequestId::from("teamform/register-watcher".to_string());
        let request = Request::new(id, RegisterCapability::METHOD.to_string(), params);
        self.connection.sender.send(Message::Request(request))?;
        Ok(())
    }

    fn main_loop(&mut self) -> Result<(), Error> {
        let receiver = &self.connection.receiver;
        self.compile();
        self.publish()?;
        while let Ok(message) = receiver.recv() {
            if self.handle(message)? {
                return Ok(());
            }
            // Apply what arrived meanwhile, so that only the newest text is compiled.
            while let Ok(message) = receiver.try_recv() {
                if self.handle(message)? {
                    return Ok(());
                }
            }
            self.compile();
            // Newer messages make these results stale: the next round replaces them.
            if receiver.is_empty() {
                self.publish()?;
            }
        }
        Ok(())
    }

    /// Handles one message; true when the server must exit.
    fn handle(&mut self, message: Message) -> Result<bool, Error> {
        match message {
            Message::Request(request) => {
                if self.connection.handle_shutdown(&request)? {
                    return Ok(true);
                }
                self.compile();
                let response = requests::respond(&self.projects, request);
                self.connection.sender.send(Message::Response(response))?;
            }
            Message::Notification(notification) => {
                if notification.method == "exit" {
                    return Ok(true);
                }
                self.notification(notification);
            }
            Message::Response(_) => {}
        }
        Ok(false)
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    n.extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                    && let Some(path) = path_of(&p.text_document.uri)
                    && let Some(project) = self.project_for(&path, true)
                {
                    let doc = p.text_document;
                    project.set_text(&path, doc.text, Some(doc.version));
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidChangeTextDocumentParams>(
                    DidChangeTextDocument::METHOD,
                ) && let Some(path) = path_of(&p.text_document.uri)
                    && let Some(project) = self.project_for(&path, false)
                {
                    project.edit(&path, p.content_changes, p.text_document.version);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    n.extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                    && let Some(path) = path_of(&p.text_document.uri)
                    && let Some(project) = self.project_for(&path, false)
                {
                    project.reload(&path);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidChangeWatchedFilesParams>(
                    DidChangeWatchedFiles::METHOD,
                ) {
                    for change in p.changes {
                        if let Some(path) = path_of(&change.uri)
                            && let Some(project) = self.project_for(&path, false)
                            && !project.is_open(&path)
                        {
                            project.reload(&path);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// The project that `path` belongs to (the deepest policy directory holding it). When
    /// none does and `create` is set, the nearest ancestor directory holding a `[portal]`
    /// table becomes a new project; files outside every policy are left alone.
    fn project_for(&mut self, path: &Path, create: bool) -> Option<&mut Project> {
        let found = self
            .projects
            .iter()
            .enumerate()
            .filter(|(_, p)| p.contains(path))
            .max_by_key(|(_, p)| p.dir.components().count())
            .map(|(i, _)| i);
        let index = match found {
            Some(i) => i,
            None if create => {
                let dir = policy_dir_of_file(path, self.ceiling.as_deref())?;
                self.projects.push(Project::open(dir));
                self.projects.len() - 1
            }
            None => return None,
        };
        self.projects.get_mut(index)
    }

    fn publish(&mut self) -> Result<(), Error> {
        self.published.publish(&mut self.projects, self.connection)
    }

    fn compile(&mut self) {
        let today = today::today();
        for project in &mut self.projects {
            project.compile_if_dirty(today);
        }
    }
}
