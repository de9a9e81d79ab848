//! Errors of providers: a kind that says what went wrong and what a caller can do about it, the
//! message a person reads, and the error underneath (an I/O or HTTP error), if any.

use std::fmt;
use std::sync::Arc;

/// What went wrong with the portal, in the terms a caller acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PortalErrorKind {
    /// Another process holds the portal's lock.
    Locked,
    /// The portal's data could not be understood (a corrupt or unknown-version file, a body
    /// that cannot be read); nothing was written.
    Corrupt,
    /// Reading or writing a local file failed.
    Io,
    /// The portal refused a change or a request.
    Rejected,
    /// The credentials were missing or refused (401, 403, no token): the portal was reached
    /// and nothing was done.
    Auth,
    /// The command's settings cannot work (an API base that is not a URL, HTTP to a remote
    /// host): nothing was sent.
    Config,
    /// The portal could not be reached, or kept failing (refused connections, timeouts, 5xx
    /// after retries): what was sent before is in the journal.
    Transport,
    /// A create was sent and its answer lost: it may or may not have happened, so it is not
    /// sent again blindly.
    OutcomeUnknown,
}

impl PortalErrorKind {
    /// The kind in one word (`locked`, `corrupt`, `io`, `rejected`, `auth`, `config`,
    /// `transport`, `outcome-unknown`), for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            PortalErrorKind::Locked => "locked",
            PortalErrorKind::Corrupt => "corrupt",
            PortalErrorKind::Io => "io",
            PortalErrorKind::Rejected => "rejected",
            PortalErrorKind::Auth => "auth",
            PortalErrorKind::Config => "config",
            PortalErrorKind::Transport => "transport",
            PortalErrorKind::OutcomeUnknown => "outcome-unknown",
        }
    }
}

impl fmt::Display for PortalErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why the portal could not be read or written: its kind, the message (complete: it already
/// says what the source says, so printing the message alone loses nothing), and the source.
#[derive(Clone, Debug)]
pub struct PortalError {
    kind: PortalErrorKind,
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl PortalError {
    /// An error of `kind` with `message` and no source.
    pub fn new(kind: PortalErrorKind, message: impl Into<String>) -> Self {
        PortalError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// The same error, caused by `source` (kept for [`std::error::Error::source`]; the
    /// message is unchanged).
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// Another process holds the portal's lock.
    pub fn locked(message: impl Into<String>) -> Self {
        Self::new(PortalErrorKind::Locked, message)
    }

    /// The portal's data could not be understood.
    pub fn corrupt(message: impl Into<String>) -> Self {
        Self::new(PortalErrorKind::Corrupt, message)
    }

    /// A local file could not be read or written.
    pub fn io(message: impl Into<String>) -> Self {
        Self::new(PortalErrorKind::Io, message)
    }

    /// The portal refused.
    pub fn rejected(message: impl Into<String>) -> Self {
        Self::new(PortalErrorKind::Rejected, message)
    }

    /// The credentials were missing or refused.
    pub fn auth(message: impl Into<String>) -> Self {
        Self::new(PortalErrorKind::Auth, message)
    }

    /// The settings cannot work; nothing was sent.
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(PortalErrorKind::Config, message)
    }

    /// The portal could not be reached, or kept failing.
    pub fn transport(message: impl Into<String>) -> Self {
        Self::new(PortalErrorKind::Transport, message)
    }

    /// A create's answer was lost.
    pub fn outcome_unknown(message: impl Into<String>) -> Self {
        Self::new(PortalErrorKind::OutcomeUnknown, message)
    }

    /// The kind.
    pub fn kind(&self) -> PortalErrorKind {
        self.kind
    }

    /// The message, as [`fmt::Display`] prints it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Two errors are equal when their kinds and messages are (sources are not compared: most
/// error types cannot be).
impl PartialEq for PortalError {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.message == other.message
    }
}

impl Eq for PortalError {}

impl fmt::Display for PortalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PortalError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn the_source_is_kept_and_the_message_unchanged() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        let error = PortalError::io("cannot read `x`: denied").with_source(io);
        assert_eq!(error.kind(), PortalErrorKind::Io);
        assert_eq!(error.to_string(), "cannot read `x`: denied");
        let source = error
            .source()
            .and_then(|s| s.downcast_ref::<std::io::Error>());
        assert_eq!(
            source.map(std::io::Error::kind),
            Some(std::io::ErrorKind::PermissionDenied)
        );
        assert_eq!(error, PortalError::io("cannot read `x`: denied"));
        assert_ne!(error, PortalError::rejected("cannot read `x`: denied"));
    }
}
