//! The JSON renderer: a stable document for scripts and editors.

use super::{Summary, location};
use crate::{Diagnostic, SourceMap};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Document<'a> {
    diagnostics: Vec<Entry<'a>>,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct Entry<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
    help: Option<String>,
}

pub(super) fn render(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    out: &mut dyn Write,
) -> io::Result<()> {
    let summary = Summary::of(diagnostics);
    let doc = Document {
        diagnostics: diagnostics
            .iter()
            .map(|d| {
                let loc = location(d, sources);
                Entry {
                    code: d.code.as_str(),
                    severity: d.severity.as_str(),
                    message: &d.message,
                    file: loc.as_ref().map(|l| l.file),
                    line: loc.as_ref().map(|l| l.line),
                    column: loc.as_ref().map(|l| l.column),
                    end_line: loc.as_ref().map(|l| l.end_line),
                    end_column: loc.as_ref().map(|l| l.end_column),
                    help: d.help_text(),
                }
            })
            .collect(),
        errors: summary.errors,
        warnings: summary.warnings,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
