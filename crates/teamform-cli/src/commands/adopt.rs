//! The users a policy leaves alone (`[portal.manage]`) brought into a query: with
//! `--portal`, the live portal is read and they are adopted as they are live
//! (`teamform_plan::manage::adopt`), so that `who-can` counts what they hold; without it, a
//! note says they are not counted.

use crate::cli::PortalArgs;
use crate::error::Error;
use crate::policy::Loaded;
use crate::portal;
use teamform_model::Ownership;

/// Adopts into `loaded` the users and teams its policy leaves alone, read from the portal
/// when `--portal` (or `--api-base`) is given.
pub fn left_alone(loaded: &mut Loaded, args: &PortalArgs) -> Result<(), Error> {
    if Ownership::of(&loaded.load.policy).manages_everything() {
        return Ok(());
    }
    if args.portal.is_none() && args.api_base.is_none() {
        eprintln!(
            "note: the policy leaves some of the portal's users alone (`[portal.manage]`); they \
             are not counted: add `--portal` to count what they hold"
        );
        return Ok(());
    }
    let spec = portal::Spec::choose(
        args.portal.as_deref(),
        args.api_base.as_deref(),
        Some(&loaded.load.policy),
    )
    .map_err(Error::invalid)?;
    let live = super::read_portal(&spec)?;
    if let Some(a) = teamform_plan::manage::adopt(&loaded.load.policy, &live) {
        loaded.load.policy = a.policy;
        loaded.compiled = a.compiled;
    }
    Ok(())
}
