//! A portal's activity: logins, security events and audit-log events, as HubSpot's
//! account-info APIs return them (`hubspot-openapi/audit-logs-2026-09.json`), and what an
//! access review needs of them ([`Activity`]: each user's last successful login and when they
//! were added, within the window the portal keeps history for).
//!
//! The records ([`LoginAudit`], [`CriticalAction`], [`UserActionEvent`]) are exactly the
//! specification's `PublicLoginAudit`, `HydratedCriticalAction` and `PublicApiUserActionEvent`,
//! so that one file ([`ActivityFile`]) can be served by the simulator, kept in a sandbox
//! portal, and compared with what HubSpot answers.

mod summary;
mod time;

pub use summary::{Activity, RETENTION_DAYS, USER_EVENTS};
pub use time::{DAY_MS, Instant};

use serde::{Deserialize, Serialize};

/// One login attempt (`PublicLoginAudit`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginAudit {
    /// The login activity's unique id.
    pub id: String,
    /// When the login took place (RFC 3339).
    pub login_at: String,
    /// Whether it succeeded.
    pub login_succeeded: bool,
    /// The user's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i64>,
    /// The user's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The approximate country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// The approximate region code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_code: Option<String>,
    /// The approximate location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// The device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
}

/// One security event (`HydratedCriticalAction`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CriticalAction {
    /// The event's unique id.
    pub id: String,
    /// When it took place (RFC 3339).
    pub created_at: String,
    /// The type of event (`ADD_USER`, `ADD_ADMIN_USER`...).
    #[serde(rename = "type")]
    pub kind: String,
    /// The user's id.
    pub user_id: i64,
    /// The email of the user associated with the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acting_user: Option<String>,
    /// The id of the affected object (for user events, the affected user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
    /// A link to where the action was taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info_url: Option<String>,
    /// The approximate country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// The approximate region code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_code: Option<String>,
    /// The approximate location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
}

/// The user who performed an audited action (`ActingUser`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActingUser {
    /// Their id.
    pub user_id: i64,
    /// Their email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_email: Option<String>,
}

/// One audit-log event (`PublicApiUserActionEvent`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserActionEvent {
    /// The event's unique id.
    pub id: String,
    /// When the action occurred (RFC 3339).
    pub occurred_at: String,
    /// Who acted.
    pub acting_user: ActingUser,
    /// The action.
    pub action: String,
    /// The category.
    pub category: String,
    /// The subcategory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_category: Option<String>,
    /// The id of the impacted object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_object_id: Option<String>,
}

/// Activity as a file holds it (`teamform sim --activity FILE`, and the `activity` of a
/// sandbox portal): the three kinds of record, each in HubSpot's shape.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityFile {
    /// Login attempts.
    #[serde(default)]
    pub login: Vec<LoginAudit>,
    /// Security events.
    #[serde(default)]
    pub security: Vec<CriticalAction>,
    /// Audit-log events.
    #[serde(default)]
    pub audit: Vec<UserActionEvent>,
}

impl ActivityFile {
    /// Whether the file holds no record at all.
    pub fn is_empty(&self) -> bool {
        self.login.is_empty() && self.security.is_empty() && self.audit.is_empty()
    }

    /// Reads a file; the error says why it is not usable (a record whose time is not an
    /// RFC 3339 date-time is refused here, not skipped later).
    pub fn parse(bytes: &[u8]) -> Result<ActivityFile, String> {
        let file: ActivityFile =
            serde_json::from_slice(bytes).map_err(|e| format!("invalid activity ({e})"))?;
        let times = (file.login.iter().map(|l| (&l.id, &l.login_at)))
            .chain(file.security.iter().map(|s| (&s.id, &s.created_at)))
            .chain(file.audit.iter().map(|a| (&a.id, &a.occurred_at)));
        for (id, at) in times {
            if Instant::parse(at).is_none() {
                return Err(format!(
                    "the time `{at}` of the record `{id}` is not an RFC 3339 date-time"
                ));
            }
        }
        Ok(file)
    }
}
