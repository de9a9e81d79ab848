//! Choosing and opening the live portal from `--portal SPEC` or `[portal] provider`.

use std::path::PathBuf;
use teamform_model::Policy;
use teamform_portal::sandbox::{DEFAULT_PATH, Sandbox};

/// A parsed portal spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// `sandbox:PATH`.
    Sandbox(PathBuf),
}

/// Parses `sandbox`, `sandbox:PATH`.
pub fn parse(text: &str) -> Result<Spec, String> {
    match text.split_once(':') {
        Some(("sandbox", path)) if !path.is_empty() => Ok(Spec::Sandbox(PathBuf::from(path))),
        None if text == "sandbox" => Ok(Spec::Sandbox(PathBuf::from(DEFAULT_PATH))),
        _ if text == "hubspot" => Err(
            "the `hubspot` provider is not part of this build yet; use `sandbox:PATH`".to_string(),
        ),
        _ => Err(format!(
            "`{text}` is not a portal; write `sandbox:PATH` (such as `sandbox:{DEFAULT_PATH}`)"
        )),
    }
}

/// The spec to use: the flag, else the policy's `provider`, else the default sandbox.
pub fn choose(flag: Option<&str>, policy: Option<&Policy>) -> Result<Spec, String> {
    if let Some(f) = flag {
        return parse(f);
    }
    if let Some(p) = policy
        .and_then(|p| p.portal.as_ref())
        .and_then(|p| p.provider.as_ref())
    {
        return parse(&p.value);
    }
    Ok(Spec::Sandbox(PathBuf::from(DEFAULT_PATH)))
}

/// Opens the portal for reading.
pub fn open(spec: &Spec) -> Result<Sandbox, String> {
    match spec {
        Spec::Sandbox(path) => Sandbox::open(path).map_err(|e| e.to_string()),
    }
}

/// Opens the portal for writing, locked.
pub fn open_locked(spec: &Spec) -> Result<Sandbox, String> {
    match spec {
        Spec::Sandbox(path) => Sandbox::open_locked(path).map_err(|e| e.to_string()),
    }
}
