//! What a command returns: the exit status of a command that ran to its end, or the error that
//! stopped it. Commands never print their errors: `main` prints each one once, as
//! `error: MESSAGE` on standard error, and turns both into the exit code ([`crate::exit`]).

use crate::exit;
use std::fmt;
use teamform_portal::PortalError;

/// How a command that ran ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// It did what it was asked (and, with `--detailed-exitcode`, found no changes).
    Success,
    /// It found problems and reported them (an invalid policy, a failed test).
    Failure,
    /// It found changes pending (`plan --detailed-exitcode`).
    Changes,
    /// It reported a refusal (guardrails in a plan, manual steps left, a cancelled apply).
    Refused,
    /// It reported failures of the portal as it went (a `reconcile --once` cycle that failed).
    PortalFailed,
}

impl ExitStatus {
    /// The process's exit code.
    pub fn code(self) -> i32 {
        match self {
            ExitStatus::Success => exit::SUCCESS,
            ExitStatus::Failure => exit::INVALID,
            ExitStatus::Changes => exit::CHANGES,
            ExitStatus::Refused => exit::REFUSED,
            ExitStatus::PortalFailed => exit::PORTAL,
        }
    }
}

/// What kind of error stopped a command, which decides its exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad arguments, an unreadable file or an invalid policy (exit 1).
    Invalid,
    /// Refused before anything changed: a stale or edited plan, guardrails (exit 3).
    Refused,
    /// The portal could not be opened, read or written, or differs after apply (exit 4).
    Portal,
}

/// The error that stopped a command.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    /// What `main` prints after `error: `; `None` when the command already showed it in full
    /// (a policy's diagnostics).
    message: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: Some(message.into()),
            source: None,
        }
    }

    /// A usage error, an unreadable file or anything else that exits 1.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, message)
    }

    /// A refusal (exit 3).
    pub fn refused(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Refused, message)
    }

    /// `apply refused; nothing was changed:` and the reasons, one per line (exit 3).
    pub fn apply_refused(reasons: &[String]) -> Self {
        let mut message = "apply refused; nothing was changed:".to_string();
        for r in reasons {
            message.push_str("\n  - ");
            message.push_str(r);
        }
        Self::refused(message)
    }

    /// A failure of the portal given as a message (exit 4).
    pub fn portal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Portal, message)
    }

    /// A failure of the portal, after `context` (`cannot read the portal`), with the portal's
    /// error as its source (exit 4).
    pub fn portal_with(context: &str, e: PortalError) -> Self {
        Self::portal(format!("{context}: {e}")).with_source(e)
    }

    /// An error already shown in full (the policy's diagnostics): nothing more is printed.
    pub fn shown(kind: ErrorKind) -> Self {
        Error {
            kind,
            message: None,
            source: None,
        }
    }

    /// The same error, caused by `source`.
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// The process's exit code: that of the exit status the error's kind stands for, so the
    /// codes are mapped in one place ([`ExitStatus::code`]).
    pub fn code(&self) -> i32 {
        let status = match self.kind {
            ErrorKind::Invalid => ExitStatus::Failure,
            ErrorKind::Refused => ExitStatus::Refused,
            ErrorKind::Portal => ExitStatus::PortalFailed,
        };
        status.code()
    }

    /// Prints the error to standard error, unless it was shown already.
    pub fn print(&self) {
        if self.message.is_some() {
            eprintln!("error: {self}");
        }
    }
}

/// A portal's error as it is (`error: MESSAGE`, exit 4).
impl From<PortalError> for Error {
    fn from(e: PortalError) -> Self {
        Self::portal(e.to_string()).with_source(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message.as_deref().unwrap_or(""))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// What every command returns.
pub type Outcome = Result<ExitStatus, Error>;

#[cfg(test)]
mod tests {
    use super::*;
    use teamform_portal::PortalErrorKind;

    #[test]
    fn kinds_decide_the_exit_code() {
        assert_eq!(Error::invalid("x").code(), exit::INVALID);
        assert_eq!(Error::apply_refused(&["a".into()]).code(), exit::REFUSED);
        let auth = teamform_portal::PortalError::auth("HubSpot refused `GET /x` (401)");
        let error = Error::portal_with("cannot read the portal", auth);
        assert_eq!(error.code(), exit::PORTAL);
        assert_eq!(
            error.to_string(),
            "cannot read the portal: HubSpot refused `GET /x` (401)"
        );
        let source = std::error::Error::source(&error)
            .and_then(|s| s.downcast_ref::<teamform_portal::PortalError>());
        assert_eq!(source.map(|s| s.kind()), Some(PortalErrorKind::Auth));
    }

    #[test]
    fn refusals_list_their_reasons_one_per_line() {
        let error = Error::apply_refused(&["stale".into(), "guardrail".into()]);
        assert_eq!(
            error.to_string(),
            "apply refused; nothing was changed:\n  - stale\n  - guardrail"
        );
    }
}
