//! The gate every request passes before its handler, in HubSpot's order: added latency, an
//! injected fault (if drawn), bearer-token authentication, the rolling rate limit; then the
//! rate-limit headers on the answer and a line in the request log.

use crate::audit::{self, Actor};
use crate::errors::ApiError;
use crate::faults::Fault;
use crate::ratelimit::{INTERVAL, too_many_requests};
use crate::server::DropHandle;
use crate::state::{App, Shared};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The middleware.
pub async fn gate(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    if !app.latency.is_zero() {
        tokio::time::sleep(app.latency).await;
    }
    app.served
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let fault = app.faults.draw();
    let response = match fault {
        Some(Fault::Drop) => {
            if let Some(log) = &app.log {
                log.write(&method, &path, None, Some(Fault::Drop.name()));
            }
            if let Some(handle) = request.extensions().get::<DropHandle>() {
                handle.drop_connection();
                // The connection is closed under this future, which is never resumed.
                std::future::pending::<()>().await;
            }
            // Served without a connection handle, the nearest fault is a 503.
            let mut response = ApiError::fault(StatusCode::SERVICE_UNAVAILABLE).into_response();
            app.limiter
                .add_headers(response.headers_mut(), app.limiter.check(false));
            return response;
        }
        Some(Fault::ServerError(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = ApiError::fault(status).into_response();
            app.limiter
                .add_headers(response.headers_mut(), app.limiter.check(false));
            response
        }
        Some(Fault::TooManyRequests) => {
            let mut response = too_many_requests(INTERVAL);
            let mut verdict = app.limiter.check(false);
            verdict.remaining = 0;
            app.limiter.add_headers(response.headers_mut(), verdict);
            response
        }
        None => answer(&app, request, next).await,
    };
    if let Some(log) = &app.log {
        log.write(
            &method,
            &path,
            Some(response.status().as_u16()),
            fault.map(Fault::name),
        );
    }
    response
}

/// Authenticates, counts and answers a request; a successful write is recorded in the
/// activity (`audit.rs`).
async fn answer(app: &App, request: Request, next: Next) -> Response {
    let actor = match authenticate(app, request.headers()) {
        Ok(actor) => actor,
        Err(e) => {
            let mut response = e.into_response();
            app.limiter
                .add_headers(response.headers_mut(), app.limiter.check(false));
            return response;
        }
    };
    let write = audit::classify(request.method(), request.uri().path());
    let verdict = app.limiter.check(true);
    let mut response = if verdict.allowed {
        next.run(request).await
    } else {
        too_many_requests(verdict.retry_after)
    };
    if let Some(mut write) = write.filter(|_| response.status().is_success()) {
        if write.target.is_none() {
            let (parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            write.target = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| match &v["id"] {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                });
            response = Response::from_parts(parts, axum::body::Body::from(bytes));
        }
        audit::record(app, &actor, write);
    }
    app.limiter.add_headers(response.headers_mut(), verdict);
    response
}

/// Checks the `Authorization: Bearer TOKEN` header: the app's token, or a user's
/// (`--user-token`). The token is never echoed.
fn authenticate(app: &App, headers: &HeaderMap) -> Result<Actor, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::unauthorized(
            "Authentication credentials not found. This API supports OAuth 2.0 authentication and private app access tokens, sent as `Authorization: Bearer TOKEN`.",
        ));
    };
    let presented = value
        .to_str()
        .ok()
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .unwrap_or_default();
    if constant_time_eq(presented.as_bytes(), app.token.as_bytes()) {
        return Ok(Actor::App);
    }
    let user = app
        .user_tokens
        .iter()
        .find(|(_, token)| constant_time_eq(presented.as_bytes(), token.as_bytes()));
    if let Some((email, _)) = user {
        Ok(Actor::User(email.clone()))
    } else {
        Err(ApiError::unauthorized(
            "The access token provided is invalid or has expired; send a valid private app access token as `Authorization: Bearer TOKEN`.",
        ))
    }
}

/// Compares two secrets in a time that does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn compares_secrets() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
