//! Ownership modes (`[portal.manage]`): which of the portal's users and teams teamform
//! manages. Users not declared in `declared` mode, and users and teams matching an ignore
//! glob, stay in the portal as they are: never created, changed or removed.
//!
//! The globs are `globset`'s (`*`, `?`, `[abc]`, `{a,b}`); an email glob matches without
//! case, as emails are compared (`teamform_email`), a team glob matches the team's name
//! exactly.

use crate::types::Sp;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use teamform_diagnostics::Span;

/// Which users teamform manages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UsersMode {
    /// Every user of the portal: a user the policy does not declare is removed.
    #[default]
    All,
    /// Only the users the policy declares: the others are left alone.
    Declared,
}

impl UsersMode {
    /// The modes as written.
    pub const NAMES: &'static [&'static str] = &["all", "declared"];

    /// The mode written as `text`.
    pub fn parse(text: &str) -> Option<UsersMode> {
        match text {
            "all" => Some(UsersMode::All),
            "declared" => Some(UsersMode::Declared),
            _ => None,
        }
    }

    /// The mode as written.
    pub fn as_str(self) -> &'static str {
        match self {
            UsersMode::All => "all",
            UsersMode::Declared => "declared",
        }
    }
}

/// The `[portal.manage]` table, as written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Manage {
    /// The table.
    pub span: Span,
    /// `users`: absent means `all`.
    pub users: Option<Sp<UsersMode>>,
    /// `ignore_users`: globs of emails never created, changed or removed (the valid ones).
    pub ignore_users: Vec<Sp<String>>,
    /// `ignore_teams`: globs of team names never created, changed or removed (the valid
    /// ones).
    pub ignore_teams: Vec<Sp<String>>,
}

/// Why a glob cannot be used, if it cannot.
pub fn glob_error(pattern: &str) -> Option<String> {
    if pattern.trim().is_empty() {
        return Some("the glob is empty".to_string());
    }
    builder(pattern).build().err().map(|e| e.kind().to_string())
}

fn builder(pattern: &str) -> GlobBuilder<'_> {
    let mut b = GlobBuilder::new(pattern);
    b.literal_separator(false).backslash_escape(true);
    b
}

/// A set of globs, with the position of each in the list it was written in.
fn set<'a>(patterns: impl Iterator<Item = &'a str>) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        // An invalid glob was reported and left out by the reader; one slipping through
        // here matches nothing rather than failing the whole set.
        if let Ok(g) = builder(p).build() {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

/// The ownership modes of a policy, ready to ask: which users and teams are managed.
#[derive(Clone, Debug)]
pub struct Ownership {
    /// The users mode.
    pub users: UsersMode,
    /// The email globs (folded).
    ignore_users: GlobSet,
    /// The team-name globs.
    ignore_teams: GlobSet,
}

impl Default for Ownership {
    fn default() -> Self {
        Ownership {
            users: UsersMode::All,
            ignore_users: GlobSet::empty(),
            ignore_teams: GlobSet::empty(),
        }
    }
}

impl Ownership {
    /// The modes `manage` sets (`None`: everything is managed).
    pub fn new(manage: Option<&Manage>) -> Ownership {
        let Some(m) = manage else {
            return Ownership::default();
        };
        let folded: Vec<String> = m
            .ignore_users
            .iter()
            .map(|g| teamform_email::fold(&g.value).into_owned())
            .collect();
        Ownership {
            users: m.users.as_ref().map_or(UsersMode::All, |u| u.value),
            ignore_users: set(folded.iter().map(String::as_str)),
            ignore_teams: set(m.ignore_teams.iter().map(|g| g.value.as_str())),
        }
    }

    /// The modes of a policy's `[portal.manage]`.
    pub fn of(policy: &crate::Policy) -> Ownership {
        Ownership::new(policy.portal.as_ref().and_then(|p| p.manage.as_ref()))
    }

    /// Whether everything is managed (no mode set), so that nothing is left alone.
    pub fn manages_everything(&self) -> bool {
        self.users == UsersMode::All && self.ignore_users.is_empty() && self.ignore_teams.is_empty()
    }

    /// Whether an `ignore_users` glob matches `email` (without case).
    pub fn ignores_user(&self, email: &str) -> bool {
        !self.ignore_users.is_empty() && self.ignore_users.is_match(&*teamform_email::fold(email))
    }

    /// The positions, in `ignore_users`, of the globs matching `email`.
    pub fn user_globs(&self, email: &str) -> Vec<usize> {
        self.ignore_users.matches(&*teamform_email::fold(email))
    }

    /// Whether an `ignore_teams` glob matches the team named `name`.
    pub fn ignores_team(&self, name: &str) -> bool {
        !self.ignore_teams.is_empty() && self.ignore_teams.is_match(name)
    }

    /// The positions, in `ignore_teams`, of the globs matching `name`.
    pub fn team_globs(&self, name: &str) -> Vec<usize> {
        self.ignore_teams.matches(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manage(users: &[&str], teams: &[&str]) -> Manage {
        let sp = |s: &&str| Sp::new((*s).to_string(), Span::default());
        Manage {
            ignore_users: users.iter().map(sp).collect(),
            ignore_teams: teams.iter().map(sp).collect(),
            ..Manage::default()
        }
    }

    #[test]
    fn email_globs_match_without_case_and_team_globs_exactly() {
        let o = Ownership::new(Some(&manage(&["*@Agency.example"], &["Partners*"])));
        assert!(o.ignores_user("ANA@agency.EXAMPLE"));
        assert!(!o.ignores_user("ana@agency.example.com"));
        assert!(o.ignores_team("Partners EU"));
        assert!(!o.ignores_team("partners EU"));
        assert_eq!(o.team_globs("Partners"), vec![0]);
    }

    #[test]
    fn no_table_manages_everything() {
        assert!(Ownership::new(None).manages_everything());
        assert!(!Ownership::new(Some(&manage(&["x"], &[]))).manages_everything());
    }

    #[test]
    fn bad_globs_are_explained() {
        assert!(glob_error("[abc").is_some());
        assert!(glob_error("  ").is_some());
        assert_eq!(glob_error("*@acme.example"), None);
    }
}
