//! Code actions: the compiler's "did you mean" suggestions as quick fixes that replace the
//! misspelt key, field or keyword with the suggestion.

use crate::convert::convert;
use crate::position::range;
use crate::project::Snapshot;
use crate::workspace::uri_of;
use lsp_types::{CodeAction, CodeActionKind, TextEdit, WorkspaceEdit};
use std::collections::HashMap;
use teamform_diagnostics::{Diagnostic, FileId};

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
        let Some(suggestion) = suggestion(d) else {
            continue;
        };
        let written = source.text.get(span.range()).unwrap_or_default();
        // Keep the quotes of a string value: the span of a reference includes them.
        let replacement = match written.chars().next() {
            Some(q @ ('"' | '\'')) => format!("{q}{suggestion}{q}"),
            _ => suggestion.to_string(),
        };
        if replacement == written {
            continue;
        }
        let edit = TextEdit::new(range(source, span), replacement);
        out.push(CodeAction {
            title: format!("Replace with `{suggestion}`"),
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

/// The suggestion of a diagnostic's help, `did you mean `X`?`.
///
/// The diagnostic type has no structured suggestion yet, so the help line, which the model and
/// compiler write in this one form, is read.
fn suggestion(d: &Diagnostic) -> Option<&str> {
    let help = d.help.as_deref()?;
    let rest = &help[help.find("did you mean `")? + "did you mean `".len()..];
    let end = rest.find('`')?;
    Some(&rest[..end]).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::suggestion;
    use teamform_diagnostics::{Code, Diagnostic};

    #[test]
    fn reads_the_suggestion_of_a_help_line() {
        let d = |help: &str| Diagnostic::new(Code::UnknownTeam, "x").help(help);
        assert_eq!(suggestion(&d("did you mean `sales-fr`?")), Some("sales-fr"));
        assert_eq!(
            suggestion(&d("did you mean `team`? allowed values: `a`")),
            Some("team")
        );
        assert_eq!(
            suggestion(&d("define it with a `[team.\"x\"]` table")),
            None
        );
    }
}
