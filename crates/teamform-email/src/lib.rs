//! Emails as keys: the one rule by which every part of teamform (the policy's merge, the
//! planner's matching and access diff, the sandbox, the simulator, apply's checks) decides
//! that two emails name the same user.
//!
//! HubSpot identifies a user by email and compares emails without regard to case: it stores
//! and returns them lowercased, so `Alice@Acme.example` and `alice@acme.example` are one user.
//! The rule here is Unicode lowercasing (Rust's [`str::to_lowercase`], the Unicode default
//! case conversion, which is what Java's `toLowerCase(Locale.ROOT)` and JavaScript's
//! `toLowerCase()` do), not ASCII-only lowercasing: an address with non-ASCII capitals
//! (`ÉLODIE@acme.example`, allowed by internationalised email) must meet the same user as
//! `élodie@acme.example`, as it does in HubSpot. It is lowercasing, not full case folding:
//! `ß` stays `ß`, as HubSpot keeps it.
//!
//! The crate has no dependencies, so every layer can use it (the portal layer and the
//! simulator do not depend on the policy model).

use std::borrow::Cow;
use std::fmt;

/// An email as a key: folded by the one rule ([`fold`]), so that two keys are equal exactly
/// when HubSpot takes the emails for the same user. Borrows the email when it is already
/// folded.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct EmailKey<'a>(Cow<'a, str>);

impl<'a> EmailKey<'a> {
    /// The key of `email`.
    pub fn new(email: &'a str) -> Self {
        EmailKey(fold(email))
    }

    /// The key of an owned email, without copying it when it is already folded.
    pub fn from_string(email: String) -> EmailKey<'static> {
        if is_folded(&email) {
            EmailKey(Cow::Owned(email))
        } else {
            EmailKey(Cow::Owned(email.to_lowercase()))
        }
    }

    /// The folded email.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key, owning its text.
    pub fn into_owned(self) -> EmailKey<'static> {
        EmailKey(Cow::Owned(self.0.into_owned()))
    }

    /// The folded email, as text.
    pub fn into_cow(self) -> Cow<'a, str> {
        self.0
    }
}

impl<'a> From<&'a str> for EmailKey<'a> {
    fn from(email: &'a str) -> Self {
        EmailKey::new(email)
    }
}

impl fmt::Display for EmailKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `email` folded by the one rule (Unicode lowercase); a copy only when it changes.
pub fn fold(email: &str) -> Cow<'_, str> {
    if is_folded(email) {
        Cow::Borrowed(email)
    } else {
        Cow::Owned(email.to_lowercase())
    }
}

/// Whether two emails name the same user.
pub fn same(a: &str, b: &str) -> bool {
    a == b || fold(a) == fold(b)
}

/// Whether lowercasing leaves `email` as it is: every character is its own lowercase. (The
/// one context-dependent rule of [`str::to_lowercase`], the final sigma, applies to a
/// capital, which this already rejects.)
fn is_folded(email: &str) -> bool {
    if email.is_ascii() {
        !email.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        email.chars().all(|c| {
            let mut lower = c.to_lowercase();
            lower.next() == Some(c) && lower.next().is_none()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_non_ascii_capitals_fold_to_one_key() {
        assert_eq!(
            EmailKey::new("ÉLODIE@Acme.example"),
            EmailKey::new("élodie@acme.example")
        );
        assert_eq!(
            EmailKey::new("ÉLODIE@Acme.example").as_str(),
            "élodie@acme.example"
        );
        assert!(same("Alice@ACME.example", "alice@acme.example"));
        assert!(same("ÖZLEM@acme.example", "özlem@acme.example"));
        assert!(!same("alice@acme.example", "alicia@acme.example"));
        // Lowercasing, not case folding: `ß` is not `ss`.
        assert!(!same("straße@acme.example", "strasse@acme.example"));
        assert_eq!(
            EmailKey::from_string("Zoë@Acme.example".to_string()),
            EmailKey::new("zoë@acme.example")
        );
    }

    #[test]
    fn folded_emails_are_borrowed() {
        assert!(matches!(fold("élodie@acme.example"), Cow::Borrowed(_)));
        assert!(matches!(fold("alice@acme.example"), Cow::Borrowed(_)));
        assert!(matches!(fold("Alice@acme.example"), Cow::Owned(_)));
        // A capital whose lowercase is longer than one character still folds.
        assert_eq!(fold("İ@acme.example"), "i\u{307}@acme.example");
    }
}
