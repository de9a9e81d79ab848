//! Publishing diagnostics: after a compilation, the diagnostics of every file whose list
//! changed since it was last published are sent, files that became clean get an empty list,
//! and files that left every policy (deleted on disk) are cleared.

use crate::Error;
use crate::convert;
use crate::project::Project;
use crate::workspace::{path_of, uri_of};
use lsp_server::{Connection, Message, Notification};
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{PublishDiagnosticsParams, Url};
use std::collections::HashMap;

/// What was last published per file.
#[derive(Debug, Default)]
pub struct Published {
    lists: HashMap<Url, Vec<lsp_types::Diagnostic>>,
}

impl Published {
    /// Publishes the latest compilation of every project that has unpublished results.
    pub fn publish(
        &mut self,
        projects: &mut [Project],
        connection: &Connection,
    ) -> Result<(), Error> {
        for project in projects.iter_mut().filter(|p| p.unpublished) {
            project.unpublished = false;
            let Some(snapshot) = project.snapshot() else {
                continue;
            };
            let lists = convert::by_file(snapshot);
            let files = snapshot.paths.iter().zip(lists).zip(&snapshot.versions);
            for ((path, list), version) in files {
                if let Some(uri) = uri_of(path) {
                    self.send(connection, uri, list, *version)?;
                }
            }
        }
        let known = |uri: &Url| {
            path_of(uri).is_some_and(|path| {
                projects
                    .iter()
                    .filter_map(Project::snapshot)
                    .any(|s| s.file_id(&path).is_some())
            })
        };
        let gone: Vec<Url> = self
            .lists
            .iter()
            .filter(|(uri, list)| !list.is_empty() && !known(uri))
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in gone {
            self.send(connection, uri, Vec::new(), None)?;
        }
        Ok(())
    }

    /// Sends the diagnostics of one file, unless they are what the editor already shows.
    fn send(
        &mut self,
        connection: &Connection,
        uri: Url,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> Result<(), Error> {
        if self.lists.get(&uri) == Some(&diagnostics) {
            return Ok(());
        }
        self.lists.insert(uri.clone(), diagnostics.clone());
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let n = Notification::new(PublishDiagnostics::METHOD.to_string(), params);
        connection.sender.send(Message::Notification(n))?;
        Ok(())
    }
}
