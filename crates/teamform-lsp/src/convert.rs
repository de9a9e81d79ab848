//! Compiler diagnostics to LSP diagnostics: the one place where this conversion happens.

use crate::position::range;
use crate::project::Snapshot;
use crate::workspace::uri_of;
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Range,
};
use teamform_diagnostics::{Diagnostic, FileId, Severity};

/// The `source` of every diagnostic the server publishes.
pub const SOURCE: &str = "teamform";

/// The diagnostics of a compilation, grouped by file: one list per file, by `FileId`, so
/// that files without problems get an empty list (which clears what the editor showed).
/// A diagnostic without a location is shown at the start of the first file.
pub fn by_file(snapshot: &Snapshot) -> Vec<Vec<lsp_types::Diagnostic>> {
    let mut out = vec![Vec::new(); snapshot.paths.len()];
    for d in snapshot.diagnostics() {
        if let Some((file, diagnostic)) = convert(snapshot, d)
            && let Some(list) = out.get_mut(file.0 as usize)
        {
            list.push(diagnostic);
        }
    }
    out
}

/// One diagnostic in LSP terms, with the file it belongs to.
pub fn convert(snapshot: &Snapshot, d: &Diagnostic) -> Option<(FileId, lsp_types::Diagnostic)> {
    let (file, at) = match d.main_span() {
        Some(span) => (span.file, range(snapshot.file(span.file)?, span)),
        None => (
            FileId(0),
            Range::new(Position::new(0, 0), Position::new(0, 0)),
        ),
    };
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter(|l| !l.primary)
        .filter_map(|l| {
            let source = snapshot.file(l.span.file)?;
            let uri = uri_of(snapshot.path(l.span.file)?)?;
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri, range(source, l.span)),
                message: if l.message.is_empty() {
                    d.message.clone()
                } else {
                    l.message.clone()
                },
            })
        })
        .collect();
    let message = match d.help_text() {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    Some((
        file,
        lsp_types::Diagnostic {
            range: at,
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
            }),
            code: Some(NumberOrString::String(d.code.as_str().to_string())),
            code_description: None,
            source: Some(SOURCE.to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        },
    ))
}
