//! The one diagnostic type shared by the CLI, the language server and every renderer.

use crate::{Code, FileId, Span};
use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The policy is invalid: `validate` fails and nothing can be planned.
    Error,
    /// A likely mistake; `--deny-warnings` turns it into a failure.
    Warning,
}

impl Severity {
    /// The lowercase name (`error`, `warning`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A labelled span: the primary label says what is wrong there, secondary ones give context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there (may be empty).
    pub message: String,
    /// Whether this is the diagnostic's main location.
    pub primary: bool,
}

/// A fix as data (ruff's `Fix`, cedar's typed suggestions): the text to put in place of a
/// span, such as the key a misspelt reference most likely meant. The help line is rendered
/// from it ("did you mean `sales-fr`?"); the language server's quick fixes and `validate --fix`
/// apply it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// What to replace: a key, a field name or a string value (with its quotes).
    pub span: Span,
    /// The text meant, without quotes: a quoted value keeps its quotes when replaced.
    pub replacement: String,
}

impl Suggestion {
    /// The byte range of `text` (the text of the span's file) to replace, and the text to put
    /// there: the replacement, inside the same quotes when the span is a quoted string.
    pub fn edit(&self, text: &str) -> (std::ops::Range<usize>, String) {
        let range = self.span.range();
        let written = text.get(range.clone()).unwrap_or_default();
        let replacement = match written.chars().next() {
            Some(q @ ('"' | '\'')) if written.len() >= 2 && written.ends_with(q) => {
                format!("{q}{}{q}", self.replacement)
            }
            _ => self.replacement.clone(),
        };
        (range, replacement)
    }
}

/// One problem found in a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// The severity (usually the code's default, raised by settings such as `require_partition`).
    pub severity: Severity,
    /// The message: lowercase, no final period, user input in backticks.
    pub message: String,
    /// The labelled spans; the first primary label is the diagnostic's location.
    pub labels: Vec<Label>,
    /// What to do about it, besides the suggestion (see [`Diagnostic::help_text`]).
    pub help: Option<String>,
    /// The fix as data, when there is one likely meaning.
    pub suggestion: Option<Suggestion>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity and no labels yet.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.doc().severity,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            suggestion: None,
        }
    }

    /// Adds the primary label.
    pub fn primary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: true,
        });
        self
    }

    /// Adds a secondary label.
    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
            primary: false,
        });
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Suggests `replacement` in place of `span` (see [`Suggestion`]).
    pub fn suggest(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.suggestion = Some(Suggestion {
            span,
            replacement: replacement.into(),
        });
        self
    }

    /// The help line as every format shows it: the suggestion (`did you mean `X`?`), then the
    /// help.
    pub fn help_text(&self) -> Option<String> {
        match (&self.suggestion, &self.help) {
            (Some(s), Some(h)) => Some(format!("did you mean `{}`? {h}", s.replacement)),
            (Some(s), None) => Some(format!("did you mean `{}`?", s.replacement)),
            (None, h) => h.clone(),
        }
    }

    /// Overrides the severity.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Follows an edit of `file` (see [`Span::follow_edit`]) with every span it holds; false,
    /// leaving them as they were, when one of them overlaps the edited bytes.
    pub fn follow_edit(&mut self, file: FileId, edit: std::ops::Range<u32>, new_len: u32) -> bool {
        let moves = self
            .spans()
            .all(|mut span| span.follow_edit(file, edit.clone(), new_len));
        if moves {
            self.spans_mut(|span| {
                span.follow_edit(file, edit.clone(), new_len);
            });
        }
        moves
    }

    /// Every span it holds: its labels' and its suggestion's.
    pub fn spans(&self) -> impl Iterator<Item = Span> + '_ {
        self.labels
            .iter()
            .map(|l| l.span)
            .chain(self.suggestion.as_ref().map(|s| s.span))
    }

    /// [`Diagnostic::spans`], to move them (a table parsed alone and placed back in its file).
    pub fn spans_mut(&mut self, mut f: impl FnMut(&mut Span)) {
        for l in &mut self.labels {
            f(&mut l.span);
        }
        if let Some(s) = &mut self.suggestion {
            f(&mut s.span);
        }
    }

    /// The main location: the first primary label, else the first label.
    pub fn main_span(&self) -> Option<Span> {
        self.labels
            .iter()
            .find(|l| l.primary)
            .or_else(|| self.labels.first())
            .map(|l| l.span)
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: u32, end: u32) -> Span {
        Span {
            file: FileId(0),
            start,
            end,
        }
    }

    #[test]
    fn a_suggestion_keeps_the_quotes_of_a_string_and_renders_the_help() {
        let text = r#"team = "sales-fra"
parnet = 'x'"#;
        let d = Diagnostic::new(Code::UnknownTeam, "unknown team `sales-fra`")
            .suggest(at(7, 18), "sales-fr");
        assert_eq!(d.help_text().as_deref(), Some("did you mean `sales-fr`?"));
        let s = d.suggestion.as_ref().map(|s| s.edit(text));
        assert_eq!(s, Some((7..18, "\"sales-fr\"".to_string())));
        let bare = Suggestion {
            span: at(19, 25),
            replacement: "parent".to_string(),
        };
        assert_eq!(bare.edit(text), (19..25, "parent".to_string()));
        let with_help = Diagnostic::new(Code::InvalidValue, "x")
            .help("allowed values: `a`, `b`")
            .suggest(at(0, 1), "a");
        assert_eq!(
            with_help.help_text().as_deref(),
            Some("did you mean `a`? allowed values: `a`, `b`")
        );
    }

    #[test]
    fn a_suggestion_moves_with_an_edit_before_it() {
        let mut d = Diagnostic::new(Code::UnknownTeam, "x")
            .primary(at(10, 20), "here")
            .suggest(at(10, 20), "y");
        assert!(d.follow_edit(FileId(0), 0..2, 5));
        assert_eq!(
            d.suggestion.map(|s| (s.span.start, s.span.end)),
            Some((13, 23))
        );
    }
}
