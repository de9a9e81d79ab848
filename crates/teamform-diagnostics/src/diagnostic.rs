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
    /// What to do about it.
    pub help: Option<String>,
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

    /// Overrides the severity.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Follows an edit of `file` (see [`Span::follow_edit`]) with every label; false, leaving
    /// the labels as they were, when one of them overlaps the edited bytes.
    pub fn follow_edit(&mut self, file: FileId, edit: std::ops::Range<u32>, new_len: u32) -> bool {
        let moves = self.labels.iter().all(|l| {
            let mut span = l.span;
            span.follow_edit(file, edit.clone(), new_len)
        });
        if moves {
            for l in &mut self.labels {
                l.span.follow_edit(file, edit.clone(), new_len);
            }
        }
        moves
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
