//! Choosing and opening the live portal from `--portal SPEC` or `[portal] provider`.

use std::path::{Path, PathBuf};
use teamform_hubspot::HubSpot;
use teamform_model::Policy;
use teamform_portal::Provider;
use teamform_portal::sandbox::{DEFAULT_PATH, Sandbox};

/// A parsed portal spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// `sandbox:PATH`.
    Sandbox(PathBuf),
    /// `hubspot`, with `--api-base`.
    HubSpot(Option<String>),
}

/// Parses `sandbox`, `sandbox:PATH`, `hubspot`.
pub fn parse(text: &str, api_base: Option<&str>) -> Result<Spec, String> {
    match text.split_once(':') {
        Some(("sandbox", path)) if !path.is_empty() => Ok(Spec::Sandbox(PathBuf::from(path))),
        None if text == "sandbox" => Ok(Spec::Sandbox(PathBuf::from(DEFAULT_PATH))),
        None if text == "hubspot" => Ok(Spec::HubSpot(api_base.map(str::to_string))),
        _ => Err(format!(
            "`{text}` is not a portal; write `sandbox:PATH` (such as `sandbox:{DEFAULT_PATH}`) or `hubspot`"
        )),
    }
}

/// The spec to use: the flag, else the policy's `provider`, else the default sandbox.
pub fn choose(
    flag: Option<&str>,
    api_base: Option<&str>,
    policy: Option<&Policy>,
) -> Result<Spec, String> {
    if let Some(f) = flag {
        return parse(f, api_base);
    }
    if let Some(p) = policy
        .and_then(|p| p.portal.as_ref())
        .and_then(|p| p.provider.as_ref())
    {
        return parse(&p.value, api_base);
    }
    if api_base.is_some() {
        return Ok(Spec::HubSpot(api_base.map(str::to_string)));
    }
    Ok(Spec::Sandbox(PathBuf::from(DEFAULT_PATH)))
}

static DEBUG: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turns the `--debug` trace on for the providers opened afterwards.
pub fn set_debug(on: bool) {
    DEBUG.store(on, std::sync::atomic::Ordering::Relaxed);
}

fn hubspot(api_base: Option<&str>) -> Result<Box<dyn Provider>, String> {
    let options = teamform_hubspot::Options {
        debug: DEBUG.load(std::sync::atomic::Ordering::Relaxed),
        ..teamform_hubspot::Options::default()
    };
    if options.debug {
        eprintln!(
            "debug: portal hubspot at {}",
            api_base.unwrap_or(teamform_hubspot::DEFAULT_API_BASE)
        );
    }
    HubSpot::from_env_with(api_base, options)
        .map(|h| Box::new(h) as Box<dyn Provider>)
        .map_err(|e| e.to_string())
}

/// Opens the portal for reading; a sandbox is never created here (only `apply` creates one).
/// A missing sandbox file is an error naming it, except the default one
/// (`.teamform/sandbox.json`), which reads as an empty portal until the first apply creates
/// it, so that `plan` shows what that apply will do.
pub fn open(spec: &Spec) -> Result<Box<dyn Provider>, String> {
    match spec {
        Spec::Sandbox(path) => Sandbox::open_read_only(path, path == Path::new(DEFAULT_PATH))
            .map(|s| Box::new(s) as Box<dyn Provider>)
            .map_err(|e| e.to_string()),
        Spec::HubSpot(base) => hubspot(base.as_deref()),
    }
}

/// Opens the portal for writing (the sandbox locked; HubSpot detects concurrent changes
/// through the plan's fingerprints).
pub fn open_locked(spec: &Spec) -> Result<Box<dyn Provider>, String> {
    match spec {
        Spec::Sandbox(path) => Sandbox::open_locked(path)
            .map(|s| Box::new(s) as Box<dyn Provider>)
            .map_err(|e| e.to_string()),
        Spec::HubSpot(base) => hubspot(base.as_deref()),
    }
}
