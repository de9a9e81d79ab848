//! The simulator's shared state: the sandbox portal (held locked for the server's lifetime and
//! kept in memory), the token, the rate limiter, the fault injector and the request log.
//!
//! Every write is made on a copy of the portal, saved atomically to the sandbox file through
//! `Sandbox::save`, and only then made visible: a failed save leaves both the file and the
//! served state as they were.

use crate::errors::ApiError;
use crate::faults::Faults;
use crate::ratelimit::RateLimiter;
use crate::reqlog::RequestLog;
use crate::{SimConfig, SimError};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use teamform_email::EmailKey;
use teamform_portal::activity::ActivityFile;
use teamform_portal::sandbox::{Sandbox, SandboxFile};
use teamform_portal::{LiveTeam, LiveUser};

/// Everything the handlers share.
pub struct App {
    /// The bearer token expected.
    pub token: String,
    /// The portal.
    pub store: Store,
    /// The rolling rate limit.
    pub limiter: RateLimiter,
    /// The CRM search endpoints' own limit, per second.
    pub search_limiter: RateLimiter,
    /// The fault injector.
    pub faults: Faults,
    /// Delay added to every answer.
    pub latency: Duration,
    /// The request log, if any.
    pub log: Option<RequestLog>,
    /// The activity served (`activity.rs`), with the writes made through the API recorded
    /// (`audit.rs`).
    pub activity: Mutex<ActivityFile>,
    /// The users' tokens (`--user-token`): email and token.
    pub user_tokens: Vec<(String, String)>,
    /// The portal's tier.
    pub tier: crate::Tier,
    /// Whether the token holds the account-activity scopes.
    pub activity_scopes: bool,
    /// Requests answered so far (the API usage).
    pub served: AtomicU64,
}

/// The shared handle the router holds.
pub type Shared = Arc<App>;

impl App {
    /// Opens the sandbox (locked), loads it and prepares the rest from `config`.
    pub fn open(config: &SimConfig) -> Result<Self, SimError> {
        if !(0.0..=1.0).contains(&config.fail_rate) {
            return Err(SimError::Config(format!(
                "the fail rate must be between 0 and 1, not {}",
                config.fail_rate
            )));
        }
        let sandbox = Sandbox::open_locked(&config.state).map_err(SimError::State)?;
        let data = sandbox.load().map_err(SimError::State)?;
        let log = match &config.log {
            Some(path) => Some(RequestLog::open(path).map_err(|e| SimError::Log(path.clone(), e))?),
            None => None,
        };
        let activity = match &config.activity {
            Some(path) => crate::activity::load(path).map_err(SimError::Config)?,
            None => data.activity.clone(),
        };
        Ok(App {
            token: config.token.clone(),
            store: Store {
                sandbox,
                data: Mutex::new(data),
            },
            limiter: RateLimiter::new(config.rate_limit),
            search_limiter: RateLimiter::per(config.search_rate_limit, Duration::from_secs(1)),
            faults: Faults::new(config.fail_rate, config.seed),
            latency: Duration::from_millis(config.latency_ms),
            log,
            activity: Mutex::new(activity),
            user_tokens: config.user_tokens.clone(),
            tier: config.tier,
            activity_scopes: config.activity_scopes,
            served: AtomicU64::new(0),
        })
    }
}

/// The portal: the sandbox file and its contents in memory.
pub struct Store {
    sandbox: Sandbox,
    data: Mutex<SandboxFile>,
}

impl Store {
    /// Reads the portal.
    pub fn read<R>(&self, f: impl FnOnce(&SandboxFile) -> R) -> R {
        let data = self.data.lock().unwrap_or_else(|e| e.into_inner());
        f(&data)
    }

    /// Changes the portal: `f` works on a copy, which is saved and then kept. An error from
    /// `f` changes nothing.
    pub fn write<R>(
        &self,
        f: impl FnOnce(&mut SandboxFile) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        let mut data = self.data.lock().unwrap_or_else(|e| e.into_inner());
        let mut copy = data.clone();
        let result = f(&mut copy)?;
        self.sandbox
            .save(&copy)
            .map_err(|e| ApiError::internal(format!("the portal could not be saved: {e}")))?;
        *data = copy;
        Ok(result)
    }
}

/// The user with `id`.
pub fn user<'a>(data: &'a SandboxFile, id: &str) -> Option<&'a LiveUser> {
    data.state.users.iter().find(|u| u.id == id)
}

/// The user with `email`, compared without case as HubSpot does ([`teamform_email`]).
pub fn user_by_email<'a>(data: &'a SandboxFile, email: &str) -> Option<&'a LiveUser> {
    let key = EmailKey::new(email);
    data.state
        .users
        .iter()
        .find(|u| EmailKey::new(&u.email) == key)
}

/// The team with `id`.
pub fn team<'a>(data: &'a SandboxFile, id: &str) -> Option<&'a LiveTeam> {
    data.state.teams.iter().find(|t| t.id == id)
}

/// The sort key of portal ids: numeric ids in numeric order, then the others.
pub fn id_key(id: &str) -> (usize, &str) {
    (id.len(), id)
}

/// Splits a sandbox name into HubSpot's first and last names, at the first space.
pub fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    match name.split_once(char::is_whitespace) {
        Some((first, last)) => (first.to_string(), last.trim().to_string()),
        None => (name.to_string(), String::new()),
    }
}

/// Joins HubSpot's first and last names into a sandbox name.
pub fn join_name(first: &str, last: &str) -> String {
    format!("{} {}", first.trim(), last.trim())
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_and_join() {
        assert_eq!(
            split_name("Alice de Martin"),
            ("Alice".into(), "de Martin".into())
        );
        assert_eq!(split_name("Cher"), ("Cher".into(), String::new()));
        assert_eq!(join_name("Alice", "de Martin"), "Alice de Martin");
        assert_eq!(join_name("", "Martin"), "Martin");
    }

    #[test]
    fn ids_sort_numerically() {
        let mut ids = vec!["1000010", "999", "1000002"];
        ids.sort_by_key(|i| id_key(i));
        assert_eq!(ids, vec!["999", "1000002", "1000010"]);
    }
}
