//! Which portal a command talks to: `--portal SPEC` (`sandbox:PATH`, `hubspot`), else the
//! policy's `[portal] provider`, else the default sandbox. Opening a spec is done by the
//! crate that has every provider (`teamform_hubspot::open`).

use crate::sandbox::DEFAULT_PATH;
use std::path::PathBuf;
use teamform_model::Policy;

/// A parsed portal spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// `sandbox:PATH`.
    Sandbox(PathBuf),
    /// `hubspot`, with `--api-base`.
    HubSpot(Option<String>),
}

impl Spec {
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

    /// The spec to use: the flag, else the policy's `provider`, else HubSpot when an API base
    /// is given, else the default sandbox.
    pub fn choose(
        flag: Option<&str>,
        api_base: Option<&str>,
        policy: Option<&Policy>,
    ) -> Result<Spec, String> {
        if let Some(f) = flag {
            return Spec::parse(f, api_base);
        }
        if let Some(p) = policy
            .and_then(|p| p.portal.as_ref())
            .and_then(|p| p.provider.as_ref())
        {
            return Spec::parse(&p.value, api_base);
        }
        if api_base.is_some() {
            return Ok(Spec::HubSpot(api_base.map(str::to_string)));
        }
        Ok(Spec::Sandbox(PathBuf::from(DEFAULT_PATH)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_read_as_written() {
        assert_eq!(
            Spec::parse("sandbox:x.json", None),
            Ok(Spec::Sandbox(PathBuf::from("x.json")))
        );
        assert_eq!(
            Spec::parse("sandbox", None),
            Ok(Spec::Sandbox(PathBuf::from(DEFAULT_PATH)))
        );
        assert_eq!(
            Spec::parse("hubspot", Some("http://127.0.0.1:1")),
            Ok(Spec::HubSpot(Some("http://127.0.0.1:1".to_string())))
        );
        assert!(Spec::parse("salesforce", None).is_err());
        assert_eq!(
            Spec::choose(None, Some("http://127.0.0.1:1"), None),
            Ok(Spec::HubSpot(Some("http://127.0.0.1:1".to_string())))
        );
        assert_eq!(
            Spec::choose(None, None, None),
            Ok(Spec::Sandbox(PathBuf::from(DEFAULT_PATH)))
        );
    }
}
