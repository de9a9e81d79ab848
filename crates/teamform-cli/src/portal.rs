//! Choosing and opening the live portal from `--portal SPEC` or `[portal] provider`: the spec
//! is read by `teamform_portal::spec` and opened by `teamform_hubspot::open` (beside the
//! providers); here only the `--debug` switch is kept for the providers opened afterwards.

pub use teamform_portal::spec::Spec;
use teamform_portal::{PortalError, Provider};

static DEBUG: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turns the `--debug` trace on for the providers opened afterwards.
pub fn set_debug(on: bool) {
    DEBUG.store(on, std::sync::atomic::Ordering::Relaxed);
}

fn debug() -> bool {
    DEBUG.load(std::sync::atomic::Ordering::Relaxed)
}

/// Opens the portal for reading (see [`teamform_hubspot::open::open`]).
pub fn open(spec: &Spec) -> Result<Box<dyn Provider>, PortalError> {
    teamform_hubspot::open::open(spec, debug())
}

/// Opens the portal for writing (see [`teamform_hubspot::open::open_locked`]).
pub fn open_locked(spec: &Spec) -> Result<Box<dyn Provider>, PortalError> {
    teamform_hubspot::open::open_locked(spec, debug())
}

/// Opens the portal `name` of a fleet for writing, with its own token and journal in
/// `journals` (see [`teamform_hubspot::open::open_portal`]).
pub fn open_portal(
    spec: &Spec,
    name: &str,
    tokens: teamform_hubspot::open::Tokens,
    journals: &std::path::Path,
) -> Result<Box<dyn Provider>, PortalError> {
    teamform_hubspot::open::open_portal(spec, name, tokens, journals, debug())
}
