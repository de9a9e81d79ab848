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
    /// The portal failed (reading, or an operation); the journal keeps what was done.
    Portal(String),
}

impl std::fmt::Display for FlowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlowError::Refused(reasons) => write!(f, "refused: {}", reasons.join("; ")),
            FlowError::Portal(m) => f.write_str(m),
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
    let portal = |e: PortalError| FlowError::Portal(e.to_string());
    let mut journal = Journal::open(&provider.journal_path(), plan_id)
        .map_err(|e| FlowError::Portal(format!("cannot open the apply journal: {e}")))?;
    let live = provider.read().map_err(portal)?;
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
        Err(ApplyError::Portal(e, r)) => Err(FlowError::Portal(format!(
            "the portal refused an operation after {} were applied: {e}; run again to resume",
            r.performed
        ))),
        Err(ApplyError::Journal(e, _)) => Err(FlowError::Portal(format!(
            "cannot write the apply journal: {e}"
        ))),
    }
}
