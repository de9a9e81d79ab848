//! The HTTP client: one request at a time through the pacer, the concurrency limit and the
//! retry policy, with the token added to each request and scrubbed from every error.
//!
//! A connection refused before the client has ever had an answer from the API base is reported
//! at once instead of retried: nothing is listening at that address (a wrong `--api-base`, a
//! simulator not started), and no backoff would change that. Once an answer has come, a refused
//! connection is a fault during the run (a restart, a load balancer in between) and is retried
//! like a dropped connection.

use crate::model::ApiErrorBody;
use crate::pacing::Pacer;
use crate::retry::{self, Failure, RetryPolicy};
use crate::token::Token;
use reqwest::header::AUTHORIZATION;
use reqwest::{Method, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use teamform_portal::PortalError;
use tokio::sync::Semaphore;
use tokio::time::Instant;

/// Whether a request may be sent again blindly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resend {
    /// A read, an update or a delete: sending it twice does no harm.
    Idempotent,
    /// A create: when its outcome is unknown the caller must look before sending it again.
    Create,
}

/// Why a call failed.
#[derive(Debug)]
pub enum CallError {
    /// HubSpot answered with an error status that another try would not change.
    Api {
        /// The HTTP status.
        status: u16,
        /// HubSpot's error body (empty when it sent none).
        body: ApiErrorBody,
        /// The request (`POST /settings/...`), for messages.
        what: String,
    },
    /// A create may or may not have been performed; the caller looks it up.
    Unknown(String),
    /// Every try failed, or the answer could not be read.
    Failed(PortalError),
}

impl CallError {
    /// The status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            CallError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The error as a portal error, for the caller of the provider.
    pub fn into_portal(self) -> PortalError {
        match self {
            CallError::Api { status, body, what } => {
                let mut message = format!("HubSpot refused `{what}` ({status}");
                if !body.category.is_empty() {
                    message.push(' ');
                    message.push_str(&body.category);
                }
                message.push(')');
                if !body.message.is_empty() {
                    message.push_str(": ");
                    message.push_str(&body.message);
                }
                if !body.correlation_id.is_empty() {
                    message.push_str(&format!(" (correlation id {})", body.correlation_id));
                }
                match status {
                    401 => PortalError::auth(format!(
                        "{message}; check that `HUBSPOT_TOKEN` holds a valid private app token"
                    )),
                    403 => PortalError::auth(format!(
                        "{message}; the private app needs the `settings.users.read`, `settings.users.write`, `settings.users.teams.read` and `settings.users.teams.write` scopes, and to hand over removed users' records `crm.objects.owners.read` and the `read` and `write` scopes of contacts, companies, deals and tickets"
                    )),
                    _ => PortalError::rejected(message),
                }
            }
            CallError::Unknown(m) => PortalError::outcome_unknown(m),
            CallError::Failed(e) => e,
        }
    }
}

/// Settings of the client.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// The longest a single request may take before it counts as failed.
    pub timeout: Duration,
    /// The retry policy.
    pub retry: RetryPolicy,
    /// The most requests in flight at once.
    pub concurrency: usize,
    /// Trace every request (method, path, status, time) to standard error; never headers or
    /// bodies, so never the token.
    pub debug: bool,
}

/// A client of one HubSpot API base.
#[derive(Debug)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    token: Token,
    pacer: Pacer,
    retry: RetryPolicy,
    limit: Semaphore,
    sent: AtomicU64,
    /// The requests sent, by answer (the status, or `transport` when none came).
    answers: std::sync::Mutex<std::collections::BTreeMap<String, u64>>,
    /// Whether the API base has answered a request (with any status) since the client was
    /// made: from then on a refused connection is retried.
    answered: AtomicBool,
    debug: bool,
}

/// Percent-encodes one path segment (an id, or an email with `idProperty=EMAIL`).
pub fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Client {
    /// A client of `base` (already checked) with `token`.
    pub fn new(base: Url, token: Token, settings: Settings) -> Result<Client, PortalError> {
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("teamform/", env!("CARGO_PKG_VERSION")))
            .no_proxy()
            .build()
            .map_err(|e| {
                PortalError::config(format!("cannot set up the HTTP client: {e}")).with_source(e)
            })?;
        Ok(Client {
            http,
            base,
            token,
            pacer: Pacer::default(),
            retry: settings.retry,
            limit: Semaphore::new(settings.concurrency.max(1)),
            sent: AtomicU64::new(0),
            answers: std::sync::Mutex::default(),
            answered: AtomicBool::new(false),
            debug: settings.debug,
        })
    }

    /// How many requests have been sent, retries included.
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// The requests sent, by answer: the status (`"200"`, `"429"`), or `"transport"` for a
    /// request that got none.
    pub fn answers(&self) -> std::collections::BTreeMap<String, u64> {
        self.answers
            .lock()
            .map(|a| a.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    fn count(&self, answer: String) {
        let mut answers = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        *answers.entry(answer).or_default() += 1;
    }

    /// The host (and port) of the API base, for messages.
    fn host(&self) -> String {
        match (self.base.host_str(), self.base.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            (None, _) => self.base.to_string(),
        }
    }

    fn url(&self, path: &str, query: &[(&str, &str)]) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}{path}", self.base.path().trim_end_matches('/'));
        url.set_path(&joined);
        url.set_query(None);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// Sends a request and reads the answer as `T`.
    pub async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&(dyn ErasedBody + Sync)>,
        kind: Resend,
    ) -> Result<T, CallError> {
        let what = format!("{method} {path}");
        let bytes = self.call(method, path, query, body, kind).await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            CallError::Failed(
                PortalError::corrupt(format!(
                    "HubSpot answered `{what}` with a body teamform cannot read: {e}"
                ))
                .with_source(e),
            )
        })
    }

    /// Sends a request, retrying what may be retried, and returns the body of a successful
    /// answer.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&(dyn ErasedBody + Sync)>,
        kind: Resend,
    ) -> Result<Vec<u8>, CallError> {
        let what = format!("{method} {path}");
        let url = self.url(path, query);
        let body = match body.map(|b| b.to_json()).transpose() {
            Ok(b) => b,
            Err(e) => return Err(CallError::Failed(PortalError::io(e))),
        };
        let mut last = String::new();
        let mut cause = None;
        for attempt in 1..=self.retry.attempts.max(1) {
            let (failure, retry_after) = match self.try_once(&method, &url, body.as_deref()).await {
                Try::Done(bytes) => return Ok(bytes),
                Try::Refused(status, parsed) => {
                    return Err(CallError::Api {
                        status,
                        body: self.scrub(parsed),
                        what,
                    });
                }
                Try::Unreachable(e) => {
                    return Err(CallError::Failed(PortalError::transport(self.token.redact(&format!(
                        "cannot reach HubSpot at {}: the connection was refused (nothing is listening there); check `--api-base` and that the portal is up",
                        self.host()
                    ))).with_source(e)));
                }
                Try::Failed(failure, retry_after, message, error) => {
                    last = self.token.redact(&format!("`{what}` failed: {message}"));
                    cause = error;
                    (failure, retry_after)
                }
            };
            if failure == Failure::Unknown && kind == Resend::Create {
                return Err(CallError::Unknown(last));
            }
            if attempt < self.retry.attempts {
                tokio::time::sleep(self.retry.delay(attempt, retry_after)).await;
            }
        }
        let error = PortalError::transport(format!(
            "{last}; gave up after {} tries",
            self.retry.attempts.max(1)
        ));
        Err(CallError::Failed(match cause {
            Some(e) => error.with_source(e),
            None => error,
        }))
    }

    /// One try: waits for a slot and the pacer, sends, and reads the answer.
    async fn try_once(&self, method: &Method, url: &Url, body: Option<&[u8]>) -> Try {
        let _permit = self.limit.acquire().await;
        self.pacer.acquire().await;
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .header(AUTHORIZATION, self.token.header());
        if let Some(b) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(b.to_vec());
        }
        self.sent.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                self.count("transport".to_string());
                if self.debug {
                    eprintln!(
                        "debug: http {method} {} -> failed: {} ({} ms)",
                        url.path(),
                        transport_text(&e),
                        started.elapsed().as_millis()
                    );
                }
                if retry::connection_refused(&e) && !self.answered.load(Ordering::Relaxed) {
                    return Try::Unreachable(e);
                }
                let text = transport_text(&e);
                return Try::Failed(retry::classify_transport(&e), None, text, Some(e));
            }
        };
        self.answered.store(true, Ordering::Relaxed);
        let headers = response.headers().clone();
        self.pacer.observe(&headers);
        let status = response.status().as_u16();
        self.count(status.to_string());
        if self.debug {
            let remaining = headers
                .get("x-hubspot-ratelimit-remaining")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("?");
            eprintln!(
                "debug: http {method} {} -> {status} ({} ms, rate limit remaining {remaining})",
                url.path(),
                started.elapsed().as_millis()
            );
        }
        let bytes = match response.bytes().await {
            Ok(b) => b.to_vec(),
            // The answer was lost on the way: the request may have been performed.
            Err(e) => {
                let text = transport_text(&e);
                return Try::Failed(Failure::Unknown, None, text, Some(e));
            }
        };
        if (200..300).contains(&status) {
            return Try::Done(bytes);
        }
        let parsed: ApiErrorBody = serde_json::from_slice(&bytes).unwrap_or_default();
        let Some(failure) = retry::classify_status(status) else {
            return Try::Refused(status, parsed);
        };
        let after = retry::retry_after(&headers);
        if status == 429 {
            // Nothing goes out before the time the server asked for, from any task.
            let wait = after.unwrap_or(self.retry.base);
            self.pacer.block_until(Instant::now() + wait);
        }
        let mut message = format!("HubSpot answered {status}");
        if !parsed.message.is_empty() {
            message.push_str(&format!(": {}", parsed.message));
        }
        Try::Failed(failure, after, message, None)
    }

    fn scrub(&self, mut body: ApiErrorBody) -> ApiErrorBody {
        body.message = self.token.redact(&body.message);
        body.category = self.token.redact(&body.category);
        body.correlation_id = self.token.redact(&body.correlation_id);
        body
    }
}

/// The outcome of one try.
enum Try {
    /// A successful answer's body.
    Done(Vec<u8>),
    /// An error status another try would not change.
    Refused(u16, ApiErrorBody),
    /// A failure worth another try, the server's `Retry-After`, a description, and the
    /// transport error, if one caused it.
    Failed(Failure, Option<Duration>, String, Option<reqwest::Error>),
    /// The connection was refused before the API base had ever answered: nothing listens
    /// there, and no retry would change it.
    Unreachable(reqwest::Error),
}

/// A transport error with its causes (`connection refused`...).
fn transport_text(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text
}

/// A request body, serialised once before the first try.
pub trait ErasedBody {
    /// The JSON text.
    fn to_json(&self) -> Result<Vec<u8>, String>;
}

impl<T: Serialize> ErasedBody for T {
    fn to_json(&self) -> Result<Vec<u8>, String> {
        serde_json::to_vec(self).map_err(|e| format!("cannot encode a request: {e}"))
    }
}
