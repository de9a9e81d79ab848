//! Applying a plan: the guardrails and staleness checks that may refuse it, and the execution
//! of its operations through a provider, in order, in batches, with a journal so that an
//! apply killed at any point and run again finishes the work without repeating or losing any
//! step.

mod flow;
mod journal;
mod records;
mod run;
mod saved;
mod stale;

pub use flow::{Applied, FlowError, apply_plan};
pub use journal::Journal;
pub use records::hand_over;
pub use run::{ApplyError, Progress, Report, execute};
pub use saved::{Here, check_saved};
pub use stale::stale_objects;
pub use teamform_plan::guard::{Guardrails, check_guardrails};
