//! The hand-over of CRM records in a plan: the provider counts what the users a plan removes
//! own, and the planner (`teamform_plan::offboard`) puts the reassignments before the
//! removals. Apply then performs them like any operation: `Change::ReassignRecords` is
//! idempotent (it moves what the removed user still owns, and verifies that nothing is left),
//! so an apply killed in the middle of one redoes it without moving a record twice.

use teamform_model::Policy;
use teamform_plan::Plan;
use teamform_plan::offboard::{hand_over as plan_hand_over, removed_user_ids};
use teamform_portal::{LiveState, PortalError, Provider};

/// Counts the records of the users `plan` removes and puts their hand-overs into it; with
/// `allow_orphaned` a removal without a successor is not refused.
pub fn hand_over(
    provider: &mut dyn Provider,
    plan: &mut Plan,
    policy: &Policy,
    live: &LiveState,
    allow_orphaned: bool,
) -> Result<(), PortalError> {
    let removed = removed_user_ids(plan);
    if removed.is_empty() {
        return Ok(());
    }
    let owned = provider.owned_records(&removed)?;
    plan_hand_over(plan, policy, live, &owned, allow_orphaned);
    Ok(())
}
