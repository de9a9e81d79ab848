//! Code actions: the compiler's suggestions (`Diagnostic::suggestion`, a fix as data) as quick
//! fixes that replace the misspelt key, field or keyword with the suggestion.

use crate::convert::convert;
use crate::position::range;
use crate::project::Snapshot;
use crate::workspace::uri_of;
use lsp_types::{CodeAction, CodeActionKind, TextEdit, WorkspaceEdit};
use std::collections::HashMap;
use teamform_diagnostics::{FileId, Span};

/// The quick fixes for the diagnostics of `file` whose location overlaps the bytes
/// `start..=end`.
pub fn quick_fixes(snapshot: &Snapshot, file: FileId, start: u32, end: u32) -> Vec<CodeAction> {
    let (Some(source), Some(path)) = (snapshot.file(file), snapshot.path(file)) else {
        return Vec::new();
    };
    let Some(uri) = uri_of(path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for d in snapshot.diagnostics() {
        let Some(span) = d.main_span() else { continue };
        if span.file != file || span.end < start || span.start > end {
            continue;
        }
        let Some(suggestion) = &d.suggestion else {
            continue;
        };
        if suggestion.span.file != file {
            continue;
        }
        let (bytes, replacement) = suggestion.edit(&source.text);
        if source.text.get(bytes.clone()) == Some(replacement.as_str()) {
            continue;
        }
        let at = Span {
            file,
            start: bytes.start as u32,
            end: bytes.end as u32,
        };
        let edit = TextEdit::new(range(source, at), replacement);
        out.push(CodeAction {
            title: format!("Replace with `{}`", suggestion.replacement),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: convert(snapshot, d).map(|(_, lsp)| vec![lsp]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                ..WorkspaceEdit::default()
            }),
            is_preferred: Some(true),
            ..CodeAction::default()
        });
    }
    out
}
