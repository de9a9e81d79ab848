//! The daemon's HTTP endpoints (axum): `/healthz` (the process answers), `/readyz` (the last
//! cycle of every portal succeeded or one is under way; 503 naming the failing portals
//! otherwise) and `/metrics` (the Prometheus text format).

use crate::metrics::{CONTENT_TYPE, Metrics};
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use std::net::SocketAddr;
use std::sync::Arc;

/// The router over `metrics`.
pub fn router(metrics: Arc<Metrics>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(render))
        .with_state(metrics)
}

async fn ready(State(metrics): State<Arc<Metrics>>) -> impl IntoResponse {
    let failing = metrics.failing();
    match failing.is_empty() {
        true => (StatusCode::OK, "ready\n".to_string()),
        false => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the last cycle failed: {}\n", failing.join(", ")),
        ),
    }
}

async fn render(State(metrics): State<Arc<Metrics>>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], metrics.render())
}

/// Binds `addr` on `runtime` and serves the endpoints there until the runtime ends; returns
/// the address bound (the port chosen when `addr` asks for port 0).
pub fn start(
    runtime: &tokio::runtime::Runtime,
    addr: SocketAddr,
    metrics: Arc<Metrics>,
) -> Result<SocketAddr, String> {
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(addr))
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    runtime.spawn(async move {
        let _ = axum::serve(listener, router(metrics)).await;
    });
    Ok(bound)
}
