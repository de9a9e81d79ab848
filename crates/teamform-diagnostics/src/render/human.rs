//! The human renderer: source excerpts with labels, drawn by miette, then a summary line.

use super::Summary;
use super::excerpt::Excerpt;
use crate::{Diagnostic, Label, Severity, SourceMap, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use std::fmt;
use std::io::{self, Write};

/// Options of the human renderer.
#[derive(Clone, Debug)]
pub struct HumanOptions {
    /// Whether to use colours (on a terminal).
    pub color: bool,
    /// The width to wrap at.
    pub width: usize,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            width: 100,
        }
    }
}

pub(super) fn render(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    options: &HumanOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    render_counted(diagnostics, Summary::of(diagnostics), sources, options, out)
}

/// Draws `diagnostics`, then the closing line with the counts of `summary` (which may count
/// more diagnostics than are drawn).
pub(super) fn render_counted(
    diagnostics: &[Diagnostic],
    summary: Summary,
    sources: &SourceMap,
    options: &HumanOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false);
    for d in diagnostics {
        let report = Report::new(d, sources);
        let mut text = String::new();
        if handler.render_report(&mut text, &report).is_err() {
            text = format!("{}: {} [{}]\n", d.severity.as_str(), d.message, d.code);
        }
        // Labels in other files follow as notes of their own. (As miette's related reports,
        // each would be headed by a bare `Advice: `, a severity with nothing after it.)
        for note in &report.related {
            let mut more = String::new();
            if handler.render_report(&mut more, note).is_ok() {
                text.push('\n');
                text.push_str(&more);
            }
        }
        out.write_all(text.as_bytes())?;
        writeln!(out)?;
    }
    let files = sources.len();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if summary.errors == 0 && summary.warnings == 0 {
        writeln!(out, "checked {}: no problems found", plural(files, "file"))
    } else {
        writeln!(
            out,
            "checked {}: {}, {}",
            plural(files, "file"),
            plural(summary.errors, "error"),
            plural(summary.warnings, "warning")
        )
    }
}

/// One diagnostic seen through miette's eyes: the labels in the primary file drawn on its
/// source; the labels in other files as notes with their own source, drawn after it.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<Excerpt<'a>>,
    labels: Vec<&'a Label>,
    related: Vec<Note<'a>>,
}

impl<'a> Report<'a> {
    fn new(diagnostic: &'a Diagnostic, sources: &'a SourceMap) -> Self {
        let main = diagnostic.main_span();
        let file = main.and_then(|s| sources.get(s.file));
        let source = file.map(Excerpt);
        let (labels, others): (Vec<&Label>, Vec<&Label>) = diagnostic
            .labels
            .iter()
            .partition(|l| Some(l.span.file) == main.map(|m| m.file));
        let related = others
            .into_iter()
            .filter_map(|l| {
                let f = sources.get(l.span.file)?;
                Some(Note {
                    message: if l.message.is_empty() {
                        "related".to_string()
                    } else {
                        l.message.clone()
                    },
                    source: Excerpt(f),
                    span: l.span,
                })
            })
            .collect();
        Report {
            diagnostic,
            source,
            labels,
            related,
        }
    }
}

fn labeled(span: Span, message: &str, primary: bool) -> LabeledSpan {
    let text = (!message.is_empty()).then(|| message.to_string());
    let range = span.range();
    if primary {
        LabeledSpan::new_primary_with_span(text, range)
    } else {
        LabeledSpan::new_with_span(text, range)
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help_text()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(
            self.labels
                .iter()
                .map(|l| labeled(l.span, &l.message, l.primary)),
        ))
    }
}

/// A label in another file than the diagnostic's main one.
struct Note<'a> {
    message: String,
    source: Excerpt<'a>,
    span: Span,
}

impl fmt::Debug for Note<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Note<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Note<'_> {}

impl miette::Diagnostic for Note<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(labeled(self.span, "", true))))
    }
}
