//! Errors of providers.

use std::fmt;

/// Why the portal could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortalError {
    /// Another process holds the portal's lock.
    Locked(String),
    /// The portal's data could not be understood (a corrupt or unknown-version file); nothing
    /// was written.
    Corrupt(String),
    /// Reading or writing a local file failed.
    Io(String),
    /// The portal refused a change.
    Rejected(String),
    /// The credentials were missing or refused (401, 403, no token): the portal was reached and
    /// nothing was done.
    Auth(String),
    /// The command's settings cannot work (an API base that is not a URL, HTTP to a remote
    /// host): nothing was sent.
    Config(String),
    /// The portal could not be reached, or kept failing (refused connections, timeouts, 5xx
    /// after retries): what was sent before is in the journal.
    Transport(String),
    /// A create was sent and its answer lost: it may or may not have happened, so it is not
    /// sent again blindly.
    OutcomeUnknown(String),
}

impl PortalError {
    /// The kind, in one word (`locked`, `corrupt`, `io`, `rejected`, `auth`, `config`,
    /// `transport`, `outcome-unknown`), for logs and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            PortalError::Locked(_) => "locked",
            PortalError::Corrupt(_) => "corrupt",
            PortalError::Io(_) => "io",
            PortalError::Rejected(_) => "rejected",
            PortalError::Auth(_) => "auth",
            PortalError::Config(_) => "config",
            PortalError::Transport(_) => "transport",
            PortalError::OutcomeUnknown(_) => "outcome-unknown",
        }
    }
}

impl fmt::Display for PortalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortalError::Locked(m)
            | PortalError::Corrupt(m)
            | PortalError::Io(m)
            | PortalError::Rejected(m)
            | PortalError::Auth(m)
            | PortalError::Config(m)
            | PortalError::Transport(m)
            | PortalError::OutcomeUnknown(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for PortalError {}
