//! Serving: the accept loop (HTTP/1.1 through hyper, one task per connection, so that a fault
//! can drop a connection without answering), the blocking [`run`] of `teamform sim`, and
//! [`serve`] for tests in the same process.

use crate::routes::router;
use crate::state::App;
use crate::{SimConfig, SimError};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::io::Write;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceExt;

/// Given to each request: closes its connection without an answer.
#[derive(Clone)]
pub struct DropHandle(Arc<Notify>);

impl DropHandle {
    /// Closes the connection (its task stops serving it and drops the socket).
    pub fn drop_connection(&self) {
        self.0.notify_one();
    }
}

/// A simulator ready to serve: its sandbox opened and locked, its log opened.
pub struct Simulator {
    router: Router,
}

impl Simulator {
    /// Opens the sandbox portal file (locked until the simulator is dropped) and the log.
    pub fn open(config: &SimConfig) -> Result<Self, SimError> {
        let app = Arc::new(App::open(config)?);
        Ok(Simulator {
            router: router(app),
        })
    }

    /// Serves on `listener` until an accept fails for good.
    pub async fn serve(self, listener: TcpListener) -> Result<(), SimError> {
        self.serve_with_shutdown(listener, std::future::pending())
            .await
    }

    /// Serves on `listener` until `shutdown` completes (connections in progress are dropped).
    pub async fn serve_with_shutdown(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(), SimError> {
        tokio::pin!(shutdown);
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = &mut shutdown => return Ok(()),
            };
            match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(connection(self.router.clone(), stream));
                }
                // Running out of file descriptors and the like pass: wait and go on.
                Err(e) if is_transient(&e) => {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                Err(e) => return Err(SimError::Io(e)),
            }
        }
    }
}

fn is_transient(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | WouldBlock | OutOfMemory
    ) || e
        .raw_os_error()
        .is_some_and(|code| code == 23 || code == 24)
}

/// Serves one connection until it closes or a fault drops it.
async fn connection(router: Router, stream: tokio::net::TcpStream) {
    let dropper = DropHandle(Arc::new(Notify::new()));
    let handle = dropper.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(handle.clone());
        router.clone().oneshot(request)
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        () = dropper.0.notified() => {}
    }
}

/// Opens the simulator from `config` and serves on `listener` (bound by the caller, for tests).
pub async fn serve(config: SimConfig, listener: TcpListener) -> Result<(), SimError> {
    Simulator::open(&config)?.serve(listener).await
}

/// Runs `teamform sim`: opens the sandbox, binds `config.listen`, prints `listening on
/// http://ADDR` as the first line on stdout (flushed), and serves until the process ends.
pub fn run(config: SimConfig) -> Result<(), SimError> {
    let simulator = Simulator::open(&config)?;
    let listener =
        std::net::TcpListener::bind(config.listen).map_err(|e| SimError::Bind(config.listen, e))?;
    listener.set_nonblocking(true).map_err(SimError::Io)?;
    let addr = listener.local_addr().map_err(SimError::Io)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(SimError::Io)?;
    runtime.block_on(async move {
        let listener = TcpListener::from_std(listener).map_err(SimError::Io)?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on http://{addr}")
            .and_then(|()| out.flush())
            .map_err(SimError::Io)?;
        drop(out);
        simulator.serve(listener).await
    })
}
