//! The HubSpot provider (`--portal hubspot`): reads and writes a portal's teams and users
//! through HubSpot's public API, and declares what the API cannot do so that the planner turns
//! it into manual steps.
//!
//! - Authentication: a private app's token from `HUBSPOT_TOKEN` or the file
//!   `HUBSPOT_TOKEN_FILE` names, or a fleet portal's own ([`Token::for_portal`]), sent as a
//!   bearer header marked sensitive; it never appears in output, logs, errors or plans.
//! - Transport: reqwest with rustls; `--api-base` (default [`DEFAULT_API_BASE`]) must be HTTPS
//!   unless it is a loopback address (the simulator).
//! - Reads: three lists read at once with the largest pages (see [`read`](crate::read)).
//! - Writes: users and teams ([`write`](crate::write)), every change idempotent; records handed
//!   over to a successor through the CRM objects API ([`records`](crate::records)).
//! - Pacing from the rate-limit headers ([`pacing`](crate::pacing)) and retries with
//!   exponential backoff, jitter and `Retry-After` ([`retry`](crate::retry)); a connection
//!   refused before the API base has ever answered fails at once, naming the host.
//!
//! The provider is synchronous, as the [`Provider`] trait is: it owns a small tokio runtime
//! and blocks on it, so it must not be called from inside another tokio runtime.

mod activity;
mod client;
pub mod decode;
mod join;
mod model;
pub mod open;
mod pacing;
mod read;
mod records;
mod retry;
mod teams;
mod token;
mod write;

pub use retry::RetryPolicy;
pub use token::{TOKEN_DIR_VAR, TOKEN_FILE_VAR, TOKEN_VAR, Token, portal_var};

use client::{Client, Settings};
use reqwest::Url;
use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;
use teamform_portal::{
    Capabilities, Change, KindCaps, LiveState, ObjectKind, Outcome, OwnedRecords, PortalError,
    Provider, UserField,
};
use teams::TeamCache;
use write::Writer;

/// HubSpot's API.
pub const DEFAULT_API_BASE: &str = "https://api.hubapi.com";

/// The most user changes performed at the same time (they never depend on each other).
const USER_GROUP: usize = 32;

/// Settings of the provider beyond the API base and the token.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The longest a single request may take before it counts as failed (and, for a create,
    /// is looked up before being sent again).
    pub timeout: Duration,
    /// How failed requests are retried.
    pub retry: RetryPolicy,
    /// The most requests in flight at once.
    pub concurrency: usize,
    /// Whether HubSpot emails new users an invitation.
    pub send_welcome_email: bool,
    /// Whether users' paid seats are written through `seatNames`, which the `2026-09-beta`
    /// users API accepts on create and update (on by default). Off, seats are read only and a
    /// seat change is a manual step.
    pub write_seats: bool,
    /// Trace every request to standard error (`--debug`).
    pub debug: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            concurrency: 4,
            send_welcome_email: false,
            write_seats: true,
            debug: false,
        }
    }
}

/// A HubSpot portal.
pub struct HubSpot {
    runtime: tokio::runtime::Runtime,
    client: Client,
    teams: TeamCache,
    host: String,
    send_welcome_email: bool,
    write_seats: bool,
    search: records::SearchPace,
    /// Where the journal of an apply goes, when not the default for the host.
    journal: Option<PathBuf>,
}

impl fmt::Debug for HubSpot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HubSpot")
            .field("host", &self.host)
            .field("token", &"***")
            .finish_non_exhaustive()
    }
}

/// Checks `--api-base`: an HTTP(S) URL without credentials, HTTPS unless loopback.
pub fn check_api_base(api_base: &str) -> Result<Url, PortalError> {
    let url = Url::parse(api_base.trim()).map_err(|e| {
        PortalError::config(format!("`--api-base {api_base}` is not a URL: {e}")).with_source(e)
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(PortalError::config(
            "`--api-base` must not carry credentials; the token comes from `HUBSPOT_TOKEN`"
                .to_string(),
        ));
    }
    let host = url.host_str().unwrap_or("");
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" if !host.is_empty() => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(PortalError::config(format!(
            "`--api-base {url}` is plain HTTP: the token would travel unencrypted; use https:// (plain http:// is only allowed to a loopback address such as 127.0.0.1, ::1 or localhost)"
        ))),
        _ => Err(PortalError::config(format!(
            "`--api-base {url}` must be an https:// URL"
        ))),
    }
}

impl HubSpot {
    /// A HubSpot portal at `api_base` with `token` and default options.
    pub fn new(api_base: &str, token: Token) -> Result<Self, PortalError> {
        HubSpot::with_options(api_base, token, Options::default())
    }

    /// A HubSpot portal with the token from `HUBSPOT_TOKEN` at `api_base` (default
    /// [`DEFAULT_API_BASE`]).
    pub fn from_env(api_base: Option<&str>) -> Result<Self, PortalError> {
        HubSpot::new(api_base.unwrap_or(DEFAULT_API_BASE), Token::from_env()?)
    }

    /// Like [`HubSpot::from_env`], with options.
    pub fn from_env_with(api_base: Option<&str>, options: Options) -> Result<Self, PortalError> {
        HubSpot::with_options(
            api_base.unwrap_or(DEFAULT_API_BASE),
            Token::from_env()?,
            options,
        )
    }

    /// A HubSpot portal with explicit options.
    pub fn with_options(
        api_base: &str,
        token: Token,
        options: Options,
    ) -> Result<Self, PortalError> {
        let base = check_api_base(api_base)?;
        let host = match (base.host_str(), base.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            (None, _) => String::new(),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                PortalError::config(format!("cannot start the HTTP runtime: {e}")).with_source(e)
            })?;
        let settings = Settings {
            timeout: options.timeout,
            retry: options.retry,
            concurrency: options.concurrency,
            debug: options.debug,
        };
        Ok(HubSpot {
            runtime,
            client: Client::new(base, token, settings)?,
            teams: TeamCache::default(),
            host,
            send_welcome_email: options.send_welcome_email,
            write_seats: options.write_seats,
            search: records::SearchPace::default(),
            journal: None,
        })
    }

    /// Keeps the journal of an apply at `path` instead of `.teamform/hubspot-HOST.journal`:
    /// the portals of a fleet share a host, and each needs a journal of its own.
    pub fn with_journal(mut self, path: PathBuf) -> Self {
        self.journal = Some(path);
        self
    }

    /// How many HTTP requests this provider has sent, retries included.
    pub fn requests_sent(&self) -> u64 {
        self.client.requests_sent()
    }
}

/// What HubSpot's public API can do: teams fully; users except super-admin status and seats
/// (seats unless [`Options::write_seats`]); permission sets listed by name only; partitions not
/// at all.
pub const CAPABILITIES: Capabilities = Capabilities::FULL
    .with(
        ObjectKind::Role,
        KindCaps {
            read: true,
            ..KindCaps::NONE
        },
    )
    .with(ObjectKind::Asset, KindCaps::NONE)
    .writing(UserField::SuperAdmin, false)
    .writing(UserField::Seats, false);

/// The user a change is about (its id, or the email of a create), if it is a user change.
fn user_of(change: &Change) -> Option<&str> {
    match change {
        Change::CreateUser { email, .. } => Some(email),
        Change::UpdateUser { id, .. } | Change::DeleteUser { id } => Some(id),
        _ => None,
    }
}

impl Provider for HubSpot {
    fn screens(&self) -> &'static teamform_portal::Screens {
        &teamform_portal::Screens::HUBSPOT
    }

    fn describe(&self) -> String {
        format!("hubspot:{}", self.host)
    }

    fn journal_path(&self) -> PathBuf {
        if let Some(path) = &self.journal {
            return path.clone();
        }
        let safe: String = self
            .host
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        PathBuf::from(".teamform").join(format!("hubspot-{safe}.journal"))
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES.writing(UserField::Seats, self.write_seats)
    }

    fn read(&mut self) -> Result<LiveState, PortalError> {
        self.runtime.block_on(read::state(&self.client))
    }

    fn read_activity(
        &mut self,
        until: teamform_portal::activity::Instant,
        days: u32,
    ) -> Result<teamform_portal::activity::Activity, PortalError> {
        self.runtime
            .block_on(activity::read(&self.client, until, days))
    }

    fn read_changes(
        &mut self,
        since: teamform_portal::activity::Instant,
        until: teamform_portal::activity::Instant,
    ) -> Result<teamform_portal::activity::ActivityFile, PortalError> {
        self.runtime
            .block_on(activity::read_changes(&self.client, since, until))
    }

    fn requests(&self) -> std::collections::BTreeMap<String, u64> {
        self.client.answers()
    }

    fn apply(&mut self, changes: &[Change]) -> (Vec<Outcome>, Option<PortalError>) {
        let writer = Writer {
            client: &self.client,
            teams: &self.teams,
            send_welcome_email: self.send_welcome_email,
            write_seats: self.write_seats,
            search: &self.search,
        };
        self.runtime.block_on(async {
            // Teams may have changed since the last batch (by hand, or by another run).
            writer.teams.clear().await;
            let mut outcomes = Vec::with_capacity(changes.len());
            let mut i = 0;
            while i < changes.len() {
                // A run of changes to distinct users is performed concurrently; anything else
                // one at a time, in order.
                let mut j = i + 1;
                if let Some(first) = changes.get(i).and_then(user_of) {
                    let mut seen = HashSet::from([first]);
                    while let Some(u) = changes.get(j).and_then(user_of) {
                        if j - i >= USER_GROUP || !seen.insert(u) {
                            break;
                        }
                        j += 1;
                    }
                }
                let group = changes.get(i..j).unwrap_or_default();
                let results = join::all(group.iter().map(|c| writer.perform(c)).collect()).await;
                // Outcomes are reported for the changes before the first failure; a later
                // change that succeeded is redone, idempotently, by the next attempt.
                for result in results {
                    match result {
                        Ok(o) => outcomes.push(o),
                        Err(e) => return (outcomes, Some(e)),
                    }
                }
                i = j;
            }
            (outcomes, None)
        })
    }

    fn owned_records(&mut self, user_ids: &[String]) -> Result<OwnedRecords, PortalError> {
        let records = records::Records {
            client: &self.client,
            pace: &self.search,
        };
        self.runtime.block_on(records.count(user_ids))
    }
}
