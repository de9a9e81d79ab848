//! A policy file as miette reads it for a diagnostic: only the lines around the span. miette
//! finds a span's lines by scanning the text it is given from its start, so a large file with
//! thousands of diagnostics (the findings of an access review of a 100,000-user org) made
//! rendering quadratic: half a minute for 6,865 findings.

use crate::source::SourceFile;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// A file whose spans miette reads through a window of lines around each one; the excerpt
/// drawn is the one miette draws from the whole text (files are split in lines at `\n`, as
/// TOML's line endings are `\n` and `\r\n`).
pub(super) struct Excerpt<'a>(pub(super) &'a SourceFile);

impl SourceCode for Excerpt<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let file = self.0;
        let line = |offset: usize| {
            let offset = u32::try_from(offset).unwrap_or(u32::MAX);
            file.line_col(offset).line.saturating_sub(1) as usize
        };
        let first = line(span.offset());
        let last = line(span.offset() + span.len().saturating_sub(1));
        // One line more on each side than miette shows, so that it reads the window as it
        // reads the whole text (it stops one line after the context it shows).
        let from = first.saturating_sub(context_lines_before + 1);
        let window = file.lines_span(from..last + context_lines_after + 2);
        let text = &file.text.as_bytes()[window.clone()];
        let inner = span.offset().checked_sub(window.start).map(|offset| {
            let shifted = SourceSpan::new(offset.into(), span.len());
            text.read_span(&shifted, context_lines_before, context_lines_after)
        });
        let contents = inner.ok_or(MietteError::OutOfBounds)??;
        Ok(Box::new(MietteSpanContents::new_named(
            file.path.clone(),
            contents.data(),
            SourceSpan::new(
                (contents.span().offset() + window.start).into(),
                contents.span().len(),
            ),
            contents.line() + from,
            contents.column(),
            contents.line_count() + from,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::NamedSource;

    /// What miette reads of `span` in the whole text and through the window: the same.
    fn same(file: &SourceFile, span: (usize, usize), (before, after): (usize, usize)) {
        let whole = NamedSource::new(&file.path, file.text.to_string());
        let span = SourceSpan::new(span.0.into(), span.1);
        let a = whole.read_span(&span, before, after);
        let excerpt = Excerpt(file);
        let b = excerpt.read_span(&span, before, after);
        match (a, b) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.data(), b.data(), "{span:?} {before} {after}");
                assert_eq!(a.span(), b.span(), "{span:?} {before} {after}");
                assert_eq!(a.line(), b.line(), "{span:?} {before} {after}");
                assert_eq!(a.column(), b.column(), "{span:?} {before} {after}");
                assert_eq!(a.line_count(), b.line_count(), "{span:?} {before} {after}");
                assert_eq!(a.name(), b.name());
            }
            (a, b) => assert_eq!(a.is_err(), b.is_err(), "{span:?} {before} {after}"),
        }
    }

    #[test]
    fn the_window_reads_as_the_whole_text_for_every_span() {
        for text in [
            "a = 1\nb = \"two\"\n\n[users.x]\nrole = \"r\"\nteams = [\"t\"]\n",
            "one line, no end",
            "crlf = 1\r\nnext = 2\r\n\r\nlast = 3",
            "",
            "\n\n\n",
        ] {
            let file = SourceFile::new("p.toml", text);
            for start in 0..=text.len() {
                for len in [0, 1, 3, 12] {
                    for context in [(0, 0), (1, 1), (2, 3)] {
                        same(&file, (start, len), context);
                    }
                }
            }
        }
    }
}
