//! The private-app token: a secret that never shows itself.
//!
//! [`Token`] prints as `***` through both `Debug` and `Display`, is only ever turned into an
//! `Authorization` header marked sensitive, and can scrub itself out of any text (an error
//! body that echoes a header, say) before that text goes into an error message.

use reqwest::header::HeaderValue;
use std::fmt;
use teamform_portal::PortalError;

/// The environment variable the token is read from, and the only place it is read from.
pub const TOKEN_VAR: &str = "HUBSPOT_TOKEN";

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
            return Err(PortalError::Auth(format!(
                "the HubSpot token is empty; set `{TOKEN_VAR}` to a private app's access token"
            )));
        }
        if HeaderValue::from_str(&format!("Bearer {secret}")).is_err() {
            return Err(PortalError::Auth(format!(
                "the HubSpot token in `{TOKEN_VAR}` contains characters that cannot be sent in a header"
            )));
        }
        Ok(Token(secret))
    }

    /// Reads the token from `HUBSPOT_TOKEN`.
    pub fn from_env() -> Result<Token, PortalError> {
        match std::env::var(TOKEN_VAR) {
            Ok(value) => Token::new(value),
            Err(std::env::VarError::NotPresent) => Err(PortalError::Auth(format!(
                "`{TOKEN_VAR}` is not set; export a HubSpot private app's access token in it"
            ))),
            Err(std::env::VarError::NotUnicode(_)) => Err(PortalError::Auth(format!(
                "`{TOKEN_VAR}` is not valid UTF-8"
            ))),
        }
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
    fn refuses_empty_and_unsendable_tokens_without_echoing_them() {
        assert!(Token::new("  \n").is_err());
        let err = Token::new("bad\u{7f}secret").err().map(|e| e.to_string());
        assert!(err.is_some_and(|m| !m.contains("secret")));
    }
}
