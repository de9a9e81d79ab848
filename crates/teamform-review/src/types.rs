//! The review as data: `review.json`'s types, versioned, with the JSON Schema derived from the
//! same types (`review_schema`, committed as `schema/review.schema.json`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use teamform_plan::Risk;

/// The `format` of `review.json`.
pub const FORMAT: &str = "teamform-review";
/// The version of `review.json` this build writes; a change that removes or changes a field
/// gets a new version.
pub const FORMAT_VERSION: u32 = 1;

/// A point-in-time access review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Review {
    /// Always `teamform-review`.
    pub format: String,
    /// Always [`FORMAT_VERSION`].
    pub format_version: u32,
    /// When the portal was read (RFC 3339, UTC).
    pub generated_at: String,
    /// The version of teamform that made the review.
    pub teamform_version: String,
    /// The portal reviewed (`sandbox:PATH`, `hubspot:HOST`).
    pub portal: String,
    /// The policy compared with it.
    pub policy: PolicyRef,
    /// The thresholds of the findings.
    pub options: ReviewOptions,
    /// What the activity covers.
    pub activity: ActivityWindow,
    /// Counts.
    pub summary: Summary,
    /// The findings, in code order then by user.
    pub findings: Vec<Finding>,
    /// Every distinct grant held, with why and its risk; users refer to them by position.
    pub grants: Vec<HeldGrant>,
    /// Every user of the portal or the policy, by email.
    pub users: Vec<ReviewUser>,
    /// Every team of the policy, in the order of the policy.
    pub teams: Vec<ReviewTeam>,
}

/// The policy a review compares the portal with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PolicyRef {
    /// The SHA-256 of the policy files (paths and contents), as saved plans record it.
    pub hash: String,
    /// The git commit of the policy, when it is in a repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Whether the policy files had uncommitted changes.
    #[serde(default)]
    pub dirty: bool,
}

/// The thresholds of a review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReviewOptions {
    /// No login for this many days is inactivity.
    pub inactive_days: u32,
    /// Access expiring within this many days is reported.
    pub expiring_days: u32,
}

impl Default for ReviewOptions {
    fn default() -> Self {
        ReviewOptions {
            inactive_days: 90,
            expiring_days: 30,
        }
    }
}

/// The activity a review read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ActivityWindow {
    /// Whether the portal answered with activity; without it no login-based finding is made.
    pub available: bool,
    /// The start of the window (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// The end of the window (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

/// Counts of a review.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// Users listed.
    pub users: usize,
    /// Of them, in the portal.
    pub in_portal: usize,
    /// Of them, in the policy.
    pub in_policy: usize,
    /// Super admins (in the portal, or the policy for users not in it).
    pub super_admins: usize,
    /// Users holding a paid seat.
    pub paid_seats: usize,
    /// Users with at least one finding.
    pub flagged: usize,
    /// Findings per code.
    pub findings: BTreeMap<String, usize>,
}

/// How a user's logins look in the activity window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoginStatus {
    /// A successful login within the inactivity window.
    Active,
    /// Logged in within the activity window, but not within the inactivity window.
    Inactive,
    /// No login in the activity window (HubSpot keeps no older history): not "never".
    NoLoginInWindow,
    /// Added within the window and not logged in since.
    NeverSinceAdded,
    /// Not in the portal, or the portal has no activity.
    Unknown,
}

impl Review {
    /// The grants of `user`, from the table.
    pub fn grants_of<'a>(&'a self, user: &ReviewUser) -> impl Iterator<Item = &'a HeldGrant> {
        let table = &self.grants;
        user.grants
            .clone()
            .into_iter()
            .filter_map(move |g| table.get(g as usize))
    }

    /// A short summary of a user's grants: the high and critical ones, then how many others.
    pub fn grant_summary(&self, user: &ReviewUser) -> (Vec<&HeldGrant>, usize) {
        self.summary_of(&user.grants)
    }

    /// [`Review::grant_summary`] of a list of grants (positions in the table).
    pub fn summary_of(&self, grants: &[u32]) -> (Vec<&HeldGrant>, usize) {
        let held = grants.iter().filter_map(|g| self.grants.get(*g as usize));
        let (risky, normal): (Vec<&HeldGrant>, Vec<&HeldGrant>) =
            held.partition(|g| g.risk != Risk::Normal);
        (risky, normal.len())
    }
}

impl LoginStatus {
    /// As the CSV and the report write it.
    pub fn as_str(self) -> &'static str {
        match self {
            LoginStatus::Active => "active",
            LoginStatus::Inactive => "inactive",
            LoginStatus::NoLoginInWindow => "no login in window",
            LoginStatus::NeverSinceAdded => "never since added",
            LoginStatus::Unknown => "unknown",
        }
    }
}

/// One user's access.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReviewUser {
    /// The login email.
    pub email: String,
    /// The person's name.
    pub name: String,
    /// The role's name (the portal's for users in it, else the policy's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The primary team's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_team: Option<String>,
    /// The additional teams' names.
    pub teams: Vec<String>,
    /// Whether the user is a super admin.
    pub super_admin: bool,
    /// Paid seats.
    pub seats: Vec<String>,
    /// The date the policy says access ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Whether the user is in the portal.
    pub in_portal: bool,
    /// Whether the user is in the policy.
    pub in_policy: bool,
    /// The portal id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_id: Option<String>,
    /// The policy key of the team that reviews this user (their primary team, or for users
    /// only in the portal the policy team of the same name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_team: Option<String>,
    /// The last successful login in the window (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_login: Option<String>,
    /// What the logins say.
    pub login: LoginStatus,
    /// When the user was added, when that is in the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added: Option<String>,
    /// The grants the policy gives the user (empty for users only in the portal), riskiest
    /// first, as positions in the review's `grants`.
    pub grants: Vec<u32>,
    /// The codes of the user's findings.
    pub findings: Vec<String>,
    /// The security events about the user in the window.
    pub events: Vec<UserEvent>,
}

/// A grant held, as plans word it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct HeldGrant {
    /// The grant (`edit deals of team Sales and its 2 sub-teams`).
    pub grant: String,
    /// Why (`via role sales-manager`).
    pub via: String,
    /// Its risk.
    pub risk: Risk,
}

/// A security event about a user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UserEvent {
    /// When (RFC 3339).
    pub at: String,
    /// HubSpot's type (`ADD_ADMIN_USER`).
    pub kind: String,
    /// Who acted, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// A team and who reviews it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReviewTeam {
    /// The policy key.
    pub key: String,
    /// The name.
    pub name: String,
    /// The parent's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The reviewers: the team's own, or its nearest ancestor's.
    pub reviewers: Vec<String>,
    /// The team whose `reviewers` these are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewers_from: Option<String>,
    /// The emails of the users it reviews.
    pub members: Vec<String>,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// The diagnostic code (`TF0400`), documented by `teamform explain`.
    pub code: String,
    /// Its name (`inactive-paid-seat`).
    pub name: String,
    /// `error` or `warning`.
    pub severity: String,
    /// The user's email.
    pub user: String,
    /// What was found.
    pub message: String,
}

/// The JSON Schema of `review.json`.
pub fn review_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Review)).unwrap_or_default()
}
