//! A HubSpot-API-compatible portal simulator: an HTTP server on loopback that serves a sandbox
//! portal file (see `teamform_portal::sandbox`) over the shapes of HubSpot's public API, as
//! specified in `hubspot-openapi/`: users (`/settings/v3/users`, `/settings/users/2026-09-beta`
//! and the other dated paths), their roles, teams and seats, teams with members
//! (`/settings/teams/2026-09-beta`), owners (`/crm/v3/owners`, `/crm/owners/2026-09`) and CRM
//! records with their owners (`/crm/v3/objects/{objectType}`, `/crm/objects/2026-03/...`:
//! contacts, companies, deals and tickets, with batches and search).
//!
//! It behaves like HubSpot where a client can tell: bearer-token authentication, paging with
//! `limit` and `after`, HubSpot's error bodies and status codes, its rolling ten-second rate
//! limit with the `X-HubSpot-RateLimit-*` headers and its 429 body. It can also misbehave on
//! purpose: a fraction of requests answered with a 5xx, a 429 or a dropped connection (seedable,
//! so a test sees the same faults every run), and added latency. Writes persist to the sandbox
//! file atomically, through the sandbox's own file API, while the simulator holds its lock.
//!
//! [`run`] is the blocking entry point of `teamform sim`; [`Simulator`] and [`serve`] serve on a
//! listener the caller bound, for tests in the same process.

mod account;
mod activity;
mod audit;
mod clock;
mod crm_objects;
mod crm_search;
mod errors;
mod faults;
mod gate;
mod members;
mod owners;
mod paging;
mod ratelimit;
mod reqlog;
mod roles;
mod routes;
mod server;
mod state;
mod teams;
mod users;

pub use activity::Tier;
pub use server::{Simulator, run, serve};

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The default number of requests allowed per rolling ten seconds, as HubSpot allows a
/// private app on most tiers.
pub const DEFAULT_RATE_LIMIT: u32 = 100;

/// The default number of CRM search requests allowed per rolling second: HubSpot documents
/// "about 4–5 requests per second per token" for its search endpoints.
pub const DEFAULT_SEARCH_RATE_LIMIT: u32 = 5;

/// How the simulator is run: `teamform sim`'s options.
#[derive(Clone)]
pub struct SimConfig {
    /// Where to listen (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// The sandbox portal file served; created empty when missing.
    pub state: PathBuf,
    /// The bearer token clients must present. It is never printed nor logged.
    pub token: String,
    /// Requests allowed per rolling ten seconds; 0 disables the limit.
    pub rate_limit: u32,
    /// CRM search requests allowed per rolling second (on top of the ten-second limit); 0
    /// disables this limit.
    pub search_rate_limit: u32,
    /// The fraction of requests (0.0 to 1.0) answered with a fault: a 500, 502 or 503, a 429,
    /// or a dropped connection.
    pub fail_rate: f64,
    /// Delay added before answering each request, in milliseconds.
    pub latency_ms: u64,
    /// The seed of the fault injection's random choices; `None` seeds from the clock.
    pub seed: Option<u64>,
    /// A file to which one JSON line per request is appended.
    pub log: Option<PathBuf>,
    /// An activity file to serve (`{"login": [], "security": [], "audit": []}`) instead of
    /// the sandbox portal's own activity.
    pub activity: Option<PathBuf>,
    /// The portal's tier: audit logs are served on Enterprise only.
    pub tier: Tier,
    /// Whether the token holds the account-activity scopes; without them the activity
    /// endpoints answer 403 `MISSING_SCOPES`, as HubSpot does.
    pub activity_scopes: bool,
    /// Users' tokens (email, token): a write sent with one is recorded in the activity as
    /// made by that user, as a change made by hand in HubSpot's screens is. Never printed.
    pub user_tokens: Vec<(String, String)>,
}

impl SimConfig {
    /// A configuration with the defaults: loopback on a free port, HubSpot's default rate
    /// limit, no faults, no latency, no log.
    pub fn new(state: impl Into<PathBuf>, token: impl Into<String>) -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            state: state.into(),
            token: token.into(),
            rate_limit: DEFAULT_RATE_LIMIT,
            search_rate_limit: DEFAULT_SEARCH_RATE_LIMIT,
            fail_rate: 0.0,
            latency_ms: 0,
            seed: None,
            log: None,
            activity: None,
            tier: Tier::Enterprise,
            activity_scopes: true,
            user_tokens: Vec::new(),
        }
    }
}

impl fmt::Debug for SimConfig {
    /// Shows every option but the token, which is secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimConfig")
            .field("listen", &self.listen)
            .field("state", &self.state)
            .field("token", &"<redacted>")
            .field("rate_limit", &self.rate_limit)
            .field("search_rate_limit", &self.search_rate_limit)
            .field("fail_rate", &self.fail_rate)
            .field("latency_ms", &self.latency_ms)
            .field("seed", &self.seed)
            .field("log", &self.log)
            .field("activity", &self.activity)
            .field("tier", &self.tier)
            .field("activity_scopes", &self.activity_scopes)
            .field("user_tokens", &self.user_tokens.len())
            .finish()
    }
}

/// Why the simulator could not start or stopped.
#[derive(Debug)]
pub enum SimError {
    /// The sandbox file could not be opened, read or locked.
    State(teamform_portal::PortalError),
    /// The address could not be bound.
    Bind(SocketAddr, std::io::Error),
    /// The request log could not be opened.
    Log(PathBuf, std::io::Error),
    /// An option is out of range.
    Config(String),
    /// Serving failed.
    Io(std::io::Error),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::State(e) => write!(f, "{e}"),
            SimError::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            SimError::Log(path, e) => {
                write!(f, "cannot open the request log `{}`: {e}", path.display())
            }
            SimError::Config(m) => f.write_str(m),
            SimError::Io(e) => write!(f, "the simulator stopped: {e}"),
        }
    }
}

impl std::error::Error for SimError {}
