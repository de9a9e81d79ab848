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
    /// Reading or writing failed.
    Io(String),
    /// The portal refused a change.
    Rejected(String),
}

impl fmt::Display for PortalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortalError::Locked(m)
            | PortalError::Corrupt(m)
            | PortalError::Io(m)
            | PortalError::Rejected(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for PortalError {}
