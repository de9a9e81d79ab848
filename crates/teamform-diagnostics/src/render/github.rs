//! The GitHub Actions renderer: one workflow command per diagnostic, so that problems show as
//! annotations on the pull request's changed lines. An annotation has one place, so the
//! related labels (the other definition, the chain that grants an access) are lines of its
//! message, `FILE:LINE: label`.

use super::location;
use crate::{Diagnostic, Severity, SourceMap};
use std::io::{self, Write};

pub(super) fn render(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    out: &mut dyn Write,
) -> io::Result<()> {
    for d in diagnostics {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(help) = d.help_text() {
            message.push_str("\nhelp: ");
            message.push_str(&help);
        }
        for label in d.labels.iter().filter(|l| !l.primary) {
            let Some((file, at)) = sources.locate(label.span) else {
                continue;
            };
            let text = if label.message.is_empty() {
                "related"
            } else {
                &label.message
            };
            message.push_str(&format!("\n{file}:{}: {text}", at.line));
        }
        match location(d, sources) {
            Some(l) => writeln!(
                out,
                "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(l.file),
                l.line,
                l.column,
                l.end_line,
                l.end_column,
                d.code,
                escape_data(&message)
            )?,
            None => writeln!(out, "::{kind} title={}::{}", d.code, escape_data(&message))?,
        }
    }
    Ok(())
}

/// Escapes a message as the workflow command syntax requires.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value, which also may not hold `:` or `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
