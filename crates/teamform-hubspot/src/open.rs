//! Opening any provider from its spec ([`teamform_portal::spec::Spec`]): this crate depends on
//! every provider (the sandbox through `teamform-portal`, and HubSpot), so adding a provider
//! means adding it here, not to the command line.

use crate::{DEFAULT_API_BASE, HubSpot, Options};
use std::path::Path;
use teamform_portal::Provider;
use teamform_portal::sandbox::{DEFAULT_PATH, Sandbox};
use teamform_portal::spec::Spec;

/// Opens the portal of `spec` for reading; a sandbox is never created here (only `apply`
/// creates one). A missing sandbox file is an error naming it, except the default one
/// (`.teamform/sandbox.json`), which reads as an empty portal until the first apply creates
/// it. `debug` traces what talks to HubSpot to standard error (never the token).
pub fn open(spec: &Spec, debug: bool) -> Result<Box<dyn Provider>, String> {
    match spec {
        Spec::Sandbox(path) => Sandbox::open_read_only(path, path == Path::new(DEFAULT_PATH))
            .map(|s| Box::new(s) as Box<dyn Provider>)
            .map_err(|e| e.to_string()),
        Spec::HubSpot(base) => hubspot(base.as_deref(), debug),
    }
}

/// Opens the portal of `spec` for writing (the sandbox locked; HubSpot detects concurrent
/// changes through the plan's fingerprints).
pub fn open_locked(spec: &Spec, debug: bool) -> Result<Box<dyn Provider>, String> {
    match spec {
        Spec::Sandbox(path) => Sandbox::open_locked(path)
            .map(|s| Box::new(s) as Box<dyn Provider>)
            .map_err(|e| e.to_string()),
        Spec::HubSpot(base) => hubspot(base.as_deref(), debug),
    }
}

fn hubspot(api_base: Option<&str>, debug: bool) -> Result<Box<dyn Provider>, String> {
    let options = Options {
        debug,
        ..Options::default()
    };
    if debug {
        eprintln!(
            "debug: portal hubspot at {}",
            api_base.unwrap_or(DEFAULT_API_BASE)
        );
    }
    HubSpot::from_env_with(api_base, options)
        .map(|h| Box::new(h) as Box<dyn Provider>)
        .map_err(|e| e.to_string())
}
