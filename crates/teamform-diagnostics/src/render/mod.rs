//! Renderers: one per output format, each taking the same diagnostics and source map.

mod excerpt;
mod github;
mod human;
mod json;
mod sarif;

use crate::{Diagnostic, SourceMap};
use std::io::{self, Write};

pub use human::HumanOptions;

/// An output format for diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Excerpts of the source with labels (miette), and a summary line.
    Human,
    /// A JSON document with every diagnostic and the counts.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...`).
    Github,
}

/// Counts of errors and warnings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// How many errors.
    pub errors: usize,
    /// How many warnings.
    pub warnings: usize,
}

impl Summary {
    /// Counts the diagnostics by severity.
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        Summary {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

/// Renders `diagnostics` in `format` to `out`.
pub fn render(
    format: Format,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    options: &HumanOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(diagnostics, sources, options, out),
        Format::Json => json::render(diagnostics, sources, out),
        Format::Sarif => sarif::render(diagnostics, sources, out),
        Format::Github => github::render(diagnostics, sources, out),
    }
}

/// Draws some of `all` in the human format (`shown`, such as the first few of each code),
/// closed by the counts of `all`: for lists too long to read whole on a terminal.
pub fn render_human_part(
    shown: &[Diagnostic],
    all: &[Diagnostic],
    sources: &SourceMap,
    options: &HumanOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    human::render_counted(shown, Summary::of(all), sources, options, out)
}

/// The location of a diagnostic as the line-based formats report it: file, start and end
/// line and column, all 1-based.
pub(crate) struct Location<'a> {
    pub file: &'a str,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

pub(crate) fn location<'a>(d: &Diagnostic, sources: &'a SourceMap) -> Option<Location<'a>> {
    let span = d.main_span()?;
    let file = sources.get(span.file)?;
    let start = file.line_col(span.start);
    let end = file.line_col(span.end);
    Some(Location {
        file: &file.path,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    })
}

#[cfg(test)]
mod tests;
