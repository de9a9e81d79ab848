//! The private-app token: a secret that never shows itself.
//!
//! [`Token`] prints as `***` through both `Debug` and `Display`, is only ever turned into an
//! `Authorization` header marked sensitive, and can scrub itself out of any text (an error
//! body that echoes a header, say) before that text goes into an error message.

use reqwest::header::HeaderValue;
use std::fmt;
use teamform_portal::PortalError;

/// The environment variable the token is read from.
pub const TOKEN_VAR: &str = "HUBSPOT_TOKEN";

/// The environment variable naming a file that holds the token (a mounted secret), read when
/// `HUBSPOT_TOKEN` is not set.
pub const TOKEN_FILE_VAR: &str = "HUBSPOT_TOKEN_FILE";

/// The environment variable naming a directory of token files, one per portal of a fleet,
/// named after the portal (a Kubernetes Secret mounted as a volume).
pub const TOKEN_DIR_VAR: &str = "HUBSPOT_TOKEN_DIR";

/// The name of a setting of one portal of a fleet: `base`, `_`, and the portal's name in upper
/// case with every character other than a letter or a digit as `_` (`acme-emea` →
/// `HUBSPOT_TOKEN_ACME_EMEA`).
pub fn portal_var(base: &str, portal: &str) -> String {
    let suffix: String = portal
        .chars()
        .map(|c| match c.is_ascii_alphanumeric() {
            true => c.to_ascii_uppercase(),
            false => '_',
        })
        .collect();
    format!("{base}_{suffix}")
}

/// Reads an environment variable that may be unset; a value that is not UTF-8 is an error
/// naming the variable, never showing the value.
fn var(name: &str) -> Result<Option<String>, PortalError> {
    match std::env::var(name) {
        Ok(v) => Ok(Some(v)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(PortalError::auth(format!("`{name}` is not valid UTF-8")))
        }
    }
}

/// Reads a token file; the error names the file, never its contents.
fn from_file(path: &std::path::Path, named_by: &str) -> Result<Token, PortalError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        PortalError::auth(format!(
            "cannot read the token file `{}` ({named_by}): {e}",
            path.display()
        ))
    })?;
    Token::new(text)
}

/// A HubSpot private-app access token.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a token. Surrounding whitespace (a trailing newline from a secrets file) is
    /// removed; an empty token, or one that cannot be sent in a header, is refused without
    /// repeating it.
    pub fn new(secret: impl Into<String>) -> Result<Token, PortalError> {
        let secret = secret.into().trim().to_string();
        if secret.is_empty() {
            return Err(PortalError::auth(format!(
                "the HubSpot token is empty; set `{TOKEN_VAR}` to a private app's access token"
            )));
        }
        if HeaderValue::from_str(&format!("Bearer {secret}")).is_err() {
            return Err(PortalError::auth(format!(
                "the HubSpot token in `{TOKEN_VAR}` contains characters that cannot be sent in a header"
            )));
        }
        Ok(Token(secret))
    }

    /// Reads the token from `HUBSPOT_TOKEN`, else from the file `HUBSPOT_TOKEN_FILE` names.
    pub fn from_env() -> Result<Token, PortalError> {
        if let Some(value) = var(TOKEN_VAR)? {
            return Token::new(value);
        }
        match var(TOKEN_FILE_VAR)? {
            Some(path) => from_file(std::path::Path::new(&path), TOKEN_FILE_VAR),
            None => Err(PortalError::auth(format!(
                "`{TOKEN_VAR}` is not set; export a HubSpot private app's access token in it, or name a file holding it in `{TOKEN_FILE_VAR}`"
            ))),
        }
    }

    /// Reads the token of the portal `name` of a fleet from its own sources only, the first
    /// set of: `HUBSPOT_TOKEN_<NAME>`, the file `HUBSPOT_TOKEN_FILE_<NAME>` names, the file
    /// `<name>` in the directory `HUBSPOT_TOKEN_DIR` names ([`portal_var`]). `Ok(None)` when
    /// none is set: a fleet never falls back on a token shared by all portals.
    pub fn for_portal(name: &str) -> Result<Option<Token>, PortalError> {
        let own = portal_var(TOKEN_VAR, name);
        if let Some(value) = var(&own)? {
            return Token::new(value).map(Some);
        }
        let file = portal_var(TOKEN_FILE_VAR, name);
        if let Some(path) = var(&file)? {
            return from_file(std::path::Path::new(&path), &file).map(Some);
        }
        if let Some(dir) = var(TOKEN_DIR_VAR)? {
            let path = std::path::Path::new(&dir).join(name);
            if path.exists() {
                return from_file(&path, TOKEN_DIR_VAR).map(Some);
            }
        }
        Ok(None)
    }

    /// The `Authorization` header value, marked sensitive so that no debug output of a request
    /// shows it.
    pub(crate) fn header(&self) -> HeaderValue {
        match HeaderValue::from_str(&format!("Bearer {}", self.0)) {
            Ok(mut value) => {
                value.set_sensitive(true);
                value
            }
            // `new` checked the value already; an empty header would only fail authentication.
            Err(_) => HeaderValue::from_static(""),
        }
    }

    /// `text` with every occurrence of the token replaced by `***`.
    pub(crate) fn redact(&self, text: &str) -> String {
        text.replace(&self.0, "***")
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_itself() {
        let token = Token::new("pat-na1-secret-123").unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(format!("{token}"), "***");
        assert_eq!(format!("{token:?}"), "Token(***)");
        assert!(token.header().is_sensitive());
        assert_eq!(
            token.redact("echo: Bearer pat-na1-secret-123!"),
            "echo: Bearer ***!"
        );
    }

    #[test]
    fn portal_settings_are_named_after_the_portal() {
        assert_eq!(
            portal_var(TOKEN_VAR, "acme-emea"),
            "HUBSPOT_TOKEN_ACME_EMEA"
        );
        assert_eq!(
            portal_var(TOKEN_FILE_VAR, "shop.2"),
            "HUBSPOT_TOKEN_FILE_SHOP_2"
        );
    }

    #[test]
    fn refuses_empty_and_unsendable_tokens_without_echoing_them() {
        assert!(Token::new("  \n").is_err());
        let err = Token::new("bad\u{7f}secret").err().map(|e| e.to_string());
        assert!(err.is_some_and(|m| !m.contains("secret")));
    }
}
