//! The whole apply of one plan: the journal (resuming an interrupted run), the staleness check,
//! the guardrails, then the execution. Callers print; this decides.

use crate::journal::Journal;
use crate::run::{ApplyError, Progress, Report, execute};
use crate::stale::stale_objects;
use teamform_plan::Plan;
use teamform_plan::guard::{Guardrails, check_guardrails};
use teamform_portal::{PortalError, Provider};

/// Why a plan was not (fully) applied.
#[derive(Debug)]
pub enum FlowError {
    /// Refused before anything changed: stale objects or guardrails, each reason listed.
    Refused(Vec<String>),
    /// The apply journal could not be opened (`opening`) or written; when writing failed, the
    /// operations already done are in the portal and the journal holds those it recorded.
    Journal {
        /// Whether it was opening the journal (nothing was done) or writing it.
        opening: bool,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Reading the portal failed; nothing was done.
    Read(PortalError),
    /// The portal failed an operation after `performed` were applied; the journal keeps what
    /// was done, and running again resumes.
    Operation {
        /// How many operations were applied before.
        performed: usize,
        /// The portal's error.
        source: PortalError,
    },
}

impl std::fmt::Display for FlowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlowError::Refused(reasons) => write!(f, "refused: {}", reasons.join("; ")),
            FlowError::Journal {
                opening: true,
                source,
            } => write!(f, "cannot open the apply journal: {source}"),
            FlowError::Journal {
                opening: false,
                source,
            } => write!(f, "cannot write the apply journal: {source}"),
            FlowError::Read(e) => write!(f, "{e}"),
            FlowError::Operation { performed, source } => write!(
                f,
                "the portal refused an operation after {performed} were applied: {source}; run again to resume"
            ),
        }
    }
}

impl std::error::Error for FlowError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FlowError::Refused(_) => None,
            FlowError::Journal { source, .. } => Some(source),
            FlowError::Read(e) | FlowError::Operation { source: e, .. } => Some(e),
        }
    }
}

/// The result of a completed flow.
#[derive(Debug)]
pub struct Applied {
    /// What was done.
    pub report: Report,
    /// Whether an interrupted apply of the same plan was resumed.
    pub resumed: bool,
    /// The journal, to be finished once the caller has verified the portal.
    pub journal: Journal,
}

/// Applies `plan` (identified by `plan_id`, its checksum) through `provider`.
pub fn apply_plan(
    provider: &mut dyn Provider,
    plan: &Plan,
    plan_id: &str,
    guardrails: &Guardrails,
    allow_removals: Option<usize>,
    progress: &mut dyn Progress,
) -> Result<Applied, FlowError> {
    let mut journal =
        Journal::open(&provider.journal_path(), plan_id).map_err(|source| FlowError::Journal {
            opening: true,
            source,
        })?;
    let live = provider.read().map_err(FlowError::Read)?;
    let mut skip = journal.done_ops();
    skip.extend(journal.uncertain.iter().copied());
    let stale = stale_objects(plan, &live, &skip);
    if !stale.is_empty() {
        return Err(FlowError::Refused(stale));
    }
    let resumed = journal.resumed;
    if !resumed {
        let refusals = check_guardrails(plan, &live, guardrails, allow_removals);
        if !refusals.is_empty() {
            let _ = journal.finish();
            return Err(FlowError::Refused(refusals));
        }
    }
    match execute(provider, plan, &mut journal, progress) {
        Ok(report) => Ok(Applied {
            report,
            resumed,
            journal,
        }),
        Err(ApplyError::Portal(source, r)) => Err(FlowError::Operation {
            performed: r.performed,
            source,
        }),
        Err(ApplyError::Journal(source, _)) => Err(FlowError::Journal {
            opening: false,
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use teamform_portal::PortalErrorKind;

    #[test]
    fn a_failed_operation_keeps_the_portals_error_as_its_source() {
        let e = FlowError::Operation {
            performed: 3,
            source: PortalError::transport("connection refused"),
        };
        assert_eq!(
            e.to_string(),
            "the portal refused an operation after 3 were applied: connection refused; run again to resume"
        );
        let source = std::error::Error::source(&e)
            .and_then(|s| s.downcast_ref::<PortalError>())
            .map(PortalError::kind);
        assert_eq!(source, Some(PortalErrorKind::Transport));
    }

    #[test]
    fn a_journal_that_cannot_be_opened_says_so_with_the_io_error() {
        let e = FlowError::Journal {
            opening: true,
            source: std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied"),
        };
        assert_eq!(e.to_string(), "cannot open the apply journal: denied");
        assert!(std::error::Error::source(&e).is_some());
    }
}
