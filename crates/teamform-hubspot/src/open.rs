//! Opening any provider from its spec ([`teamform_portal::spec::Spec`]): this crate depends on
//! every provider (the sandbox through `teamform-portal`, and HubSpot), so adding a provider
//! means adding it here, not to the command line.

use crate::{DEFAULT_API_BASE, HubSpot, Options, Token, portal_var};
use std::path::Path;
use teamform_portal::sandbox::{DEFAULT_PATH, Sandbox};
use teamform_portal::spec::Spec;
use teamform_portal::{PortalError, Provider};

/// Opens the portal of `spec` for reading; a sandbox is never created here (only `apply`
/// creates one). A missing sandbox file is an error naming it, except the default one
/// (`.teamform/sandbox.json`), which reads as an empty portal until the first apply creates
/// it. `debug` traces what talks to HubSpot to standard error (never the token).
pub fn open(spec: &Spec, debug: bool) -> Result<Box<dyn Provider>, PortalError> {
    match spec {
        Spec::Sandbox(path) => Sandbox::open_read_only(path, path == Path::new(DEFAULT_PATH))
            .map(|s| Box::new(s) as Box<dyn Provider>),
        Spec::HubSpot(base) => hubspot(base.as_deref(), debug),
    }
}

/// Opens the portal of `spec` for writing (the sandbox locked; HubSpot detects concurrent
/// changes through the plan's fingerprints).
pub fn open_locked(spec: &Spec, debug: bool) -> Result<Box<dyn Provider>, PortalError> {
    match spec {
        Spec::Sandbox(path) => Sandbox::open_locked(path).map(|s| Box::new(s) as Box<dyn Provider>),
        Spec::HubSpot(base) => hubspot(base.as_deref(), debug),
    }
}

fn hubspot(api_base: Option<&str>, debug: bool) -> Result<Box<dyn Provider>, PortalError> {
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
    HubSpot::from_env_with(api_base, options).map(|h| Box::new(h) as Box<dyn Provider>)
}

/// The environment variable overriding the API base of one portal of a fleet, named after it
/// like its token ([`portal_var`]): `HUBSPOT_API_BASE_<NAME>`.
pub const API_BASE_VAR: &str = "HUBSPOT_API_BASE";

/// Whose token a portal of a fleet uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tokens {
    /// Its own only ([`Token::for_portal`]): one process serving many portals never hands one
    /// portal's token to another.
    Own,
    /// Its own, else the process's (`HUBSPOT_TOKEN`, `HUBSPOT_TOKEN_FILE`): one process per
    /// portal.
    OwnOrProcess,
}

/// Opens the portal `name` of a fleet for writing: its spec (a sandbox, or HubSpot at
/// `HUBSPOT_API_BASE_<NAME>`, else the spec's API base), with its own token, and its apply
/// journal in `journals` (`NAME.journal`), since the portals of a fleet share a host.
pub fn open_portal(
    spec: &Spec,
    name: &str,
    tokens: Tokens,
    journals: &Path,
    debug: bool,
) -> Result<Box<dyn Provider>, PortalError> {
    let Spec::HubSpot(base) = spec else {
        return open_locked(spec, debug);
    };
    let own_base = std::env::var(portal_var(API_BASE_VAR, name)).ok();
    let base = own_base.as_deref().or(base.as_deref());
    let token = match (Token::for_portal(name)?, tokens) {
        (Some(t), _) => t,
        (None, Tokens::OwnOrProcess) => Token::from_env()?,
        (None, Tokens::Own) => {
            return Err(PortalError::auth(format!(
                "no token for the portal `{name}`: set `{}`, name a file in `{}`, or mount one named `{name}` in the directory `{}` names",
                portal_var(crate::TOKEN_VAR, name),
                portal_var(crate::TOKEN_FILE_VAR, name),
                crate::TOKEN_DIR_VAR
            )));
        }
    };
    let options = Options {
        debug,
        ..Options::default()
    };
    let file: String = (name.chars())
        .map(
            |c| match c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                true => c,
                false => '_',
            },
        )
        .collect();
    HubSpot::with_options(base.unwrap_or(DEFAULT_API_BASE), token, options).map(|h| {
        Box::new(h.with_journal(journals.join(format!("{file}.journal")))) as Box<dyn Provider>
    })
}
