//! The registry of diagnostic codes: each code's name, default severity, summary and
//! documentation (`teamform explain CODE`). Codes are stable: a code is never reused.

use crate::Severity;

/// The documentation of one code.
#[derive(Debug)]
pub struct CodeDoc {
    /// The code, `TF` and four digits.
    pub code: &'static str,
    /// A kebab-case name.
    pub name: &'static str,
    /// The default severity.
    pub severity: Severity,
    /// One line saying what the check finds.
    pub summary: &'static str,
    /// The full documentation in Markdown, with the sections What it does, Why is this bad,
    /// Example and Fix.
    pub doc: &'static str,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $name:literal, $sev:ident, $summary:literal;)*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        /// Every code's documentation, in code order.
        pub static CODES: &[CodeDoc] = &[
            $(CodeDoc {
                code: $code,
                name: $name,
                severity: Severity::$sev,
                summary: $summary,
                doc: include_str!(concat!("../docs/", $code, ".md")),
            },)*
        ];

        impl Code {
            /// All codes, in order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];
        }
    };
}

codes! {
    TomlSyntax = "TF0001", "toml-syntax", Error, "the file is not valid TOML";
    UnknownField = "TF0002", "unknown-field", Error, "a field or table that the policy language does not have";
    WrongType = "TF0003", "wrong-type", Error, "a value of the wrong type";
    InvalidValue = "TF0004", "invalid-value", Error, "a value outside the allowed set or range";
    DuplicateDefinition = "TF0005", "duplicate-definition", Error, "a key defined twice, in one file or across files";
    MissingField = "TF0006", "missing-field", Error, "a required field is missing";
    UnreadableFile = "TF0007", "unreadable-file", Error, "a policy file could not be read";
    NoPolicyFiles = "TF0008", "no-policy-files", Error, "the policy directory holds no policy file";
    MissingPortal = "TF0100", "missing-portal", Error, "no `[portal]` table";
    DuplicatePortal = "TF0101", "duplicate-portal", Error, "more than one `[portal]` table";
    UnknownTeam = "TF0102", "unknown-team", Error, "a reference to a team that is not defined";
    UnknownRole = "TF0103", "unknown-role", Error, "a reference to a role that is not defined";
    UnknownUser = "TF0104", "unknown-user", Error, "a reference to a user that is not defined";
    DuplicateName = "TF0105", "duplicate-name", Error, "two teams, two roles or two assets of one type with the same portal name";
    TeamCycle = "TF0106", "team-cycle", Error, "the team tree has a cycle";
    MissingPrimaryTeam = "TF0107", "missing-primary-team", Error, "a user without a primary team";
    PrimaryTeamRepeated = "TF0108", "primary-team-repeated", Error, "a primary team also listed as an additional team";
    InvalidEmail = "TF0109", "invalid-email", Error, "a user key that is not an email address";
    EditWiderThanView = "TF0110", "edit-wider-than-view", Error, "a role may edit records it cannot view";
    TierCannotPartition = "TF0111", "tier-cannot-partition", Error, "an asset type that the portal's tiers cannot partition";
    TooFewSuperAdmins = "TF0112", "too-few-super-admins", Error, "fewer super admins than `min_super_admins`";
    TooManySuperAdmins = "TF0113", "too-many-super-admins", Error, "more super admins than `max_super_admins`";
    SeatsOverCapacity = "TF0114", "seats-over-capacity", Error, "more users on a seat than the portal has";
    UnknownSeat = "TF0115", "unknown-seat", Error, "a seat the portal does not have";
    UnassignedAsset = "TF0116", "unassigned-asset", Warning, "an asset partitioned to no team, visible to every team";
    UnusedRole = "TF0117", "unused-role", Warning, "a role that no user holds";
    EmptyTeam = "TF0118", "empty-team", Warning, "a team with no members and no child teams";
    AccessExpired = "TF0119", "access-expired", Warning, "a user whose access expired: teamform removes it, the entry is left to clean up";
    DenyRule = "TF0120", "deny-rule", Error, "a custom deny rule of the guardrails is broken";
    MissingRole = "TF0121", "missing-role", Error, "a user without a role who is not a super admin";
    ToolActionPrerequisite = "TF0122", "tool-action-prerequisite", Error, "a tool action without the action it needs";
    UnknownAsset = "TF0123", "unknown-asset", Error, "a reference to an asset that is not defined";
    UnknownSuccessor = "TF0130", "unknown-successor", Error, "a successor for removed users' records who is not a user that stays";
    SuccessorWithoutAccess = "TF0131", "successor-without-access", Error, "a successor whose role cannot edit the records they receive";
    OffboardedUserDeclared = "TF0132", "offboarded-user-declared", Error, "an offboarded user who is still declared as a user";
    SuccessorLeaving = "TF0133", "successor-leaving", Warning, "a successor whose own access expires";
    ExpiringSoon = "TF0134", "expiring-soon", Warning, "a user whose access expires soon (`validate --expiring-within`)";
    RoleNamesCollide = "TF0140", "role-names-collide", Warning, "two roles whose names differ only in case or spacing";
    UnknownManageMode = "TF0141", "unknown-manage-mode", Error, "a `[portal.manage]` mode that does not exist";
    InvalidGlob = "TF0142", "invalid-glob", Error, "an `ignore_users` or `ignore_teams` glob that cannot be read";
    DeclaredUserIgnored = "TF0143", "declared-user-ignored", Error, "a declared user that an `ignore_users` glob matches";
    DeclaredTeamIgnored = "TF0144", "declared-team-ignored", Error, "a declared team that an `ignore_teams` glob matches";
    InvalidExpectation = "TF0300", "invalid-expectation", Error, "an expectation of `teamform test` that cannot be checked as written";
    MissingExpectedAccess = "TF0301", "missing-expected-access", Error, "a user lacks an access that a `[[can]]` test says they hold";
    ForbiddenAccessHeld = "TF0302", "forbidden-access-held", Error, "a user holds an access that a `[[cannot]]` test forbids";
    UnexpectedHolders = "TF0303", "unexpected-holders", Error, "other users hold an access than an `[[only]]` test allows";
    AssetHidden = "TF0304", "asset-hidden", Error, "a user does not see an asset that a `[[sees]]` test says they see";
    AssetVisible = "TF0305", "asset-visible", Error, "a user sees an asset that a `[[not_sees]]` test says they do not";
    RiskyAccessGained = "TF0306", "risky-access-gained", Error, "a plan gives users access of a risk level a `[[plan]]` test forbids";
    InactivePaidSeat = "TF0400", "inactive-paid-seat", Warning, "a user holding a paid seat has not logged in within the review's inactivity window";
    InactiveSuperAdmin = "TF0401", "inactive-super-admin", Warning, "a super admin has not logged in within the review's inactivity window";
    AccessExpiring = "TF0402", "access-expiring", Warning, "a user's access expires within the review's window";
    UserNotInPolicy = "TF0403", "user-not-in-policy", Warning, "a user in the portal is not declared in the policy";
    NeverLoggedIn = "TF0404", "never-logged-in", Warning, "a user of the policy never logged in since they were added";
    SeparationOfDuties = "TF0405", "separation-of-duties", Error, "a user holds permissions that a separation-of-duties rule keeps apart";
    InvalidDecisionFile = "TF0410", "invalid-decision-file", Error, "a review decisions file is not as `teamform review start` writes it";
    DecisionUnknownUser = "TF0411", "decision-unknown-user", Error, "a review decision is about a user who is not a member of the team under review";
    DecisionOnOwnAccess = "TF0412", "decision-on-own-access", Error, "a reviewer decides on their own access";
    FlaggedKeptWithoutReason = "TF0413", "flagged-kept-without-reason", Error, "a user with findings is kept without a reason";
    DecisionByNonReviewer = "TF0414", "decision-by-non-reviewer", Error, "decisions recorded by someone who is not a reviewer of the team";
    DecisionMissing = "TF0415", "decision-missing", Warning, "a member of a team under review has no decision yet";
}

impl Code {
    /// This code's documentation.
    pub fn doc(self) -> &'static CodeDoc {
        &CODES[self as usize]
    }

    /// The code as written, `TF` and four digits.
    pub fn as_str(self) -> &'static str {
        self.doc().code
    }

    /// Looks a code up by its text (`TF0102`, case-insensitive) or its name (`unknown-team`).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| {
            let d = c.doc();
            d.code.eq_ignore_ascii_case(text) || d.name == text
        })
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_documented_with_all_sections() {
        for doc in CODES {
            for section in [
                "## What it does",
                "## Why is this bad",
                "## Example",
                "## Fix",
            ] {
                assert!(
                    doc.doc.contains(section),
                    "{} lacks the section `{section}`",
                    doc.code
                );
            }
            assert!(
                doc.doc.starts_with(&format!("# {} ", doc.code)),
                "{}",
                doc.code
            );
        }
    }

    #[test]
    fn codes_are_unique_and_in_order() {
        let mut seen: Vec<&str> = CODES.iter().map(|d| d.code).collect();
        let sorted = {
            let mut s = seen.clone();
            s.sort_unstable();
            s
        };
        assert_eq!(seen, sorted);
        seen.dedup();
        assert_eq!(seen.len(), CODES.len());
        assert_eq!(Code::parse("tf0102"), Some(Code::UnknownTeam));
        assert_eq!(Code::parse("team-cycle"), Some(Code::TeamCycle));
        assert_eq!(Code::parse("TF9999"), None);
    }
}
