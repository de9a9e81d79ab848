//! One portal of a fleet on its own thread: a cycle at the latest tip the fleet published,
//! its log line, its metrics and notifications, then a wait of one interval (doubled after
//! each consecutive failure, up to ten intervals), until the fleet stops or the portal leaves.

use crate::cycle::{Cycle, CycleLog, Mode, Status};
use crate::fleet::{Settings, wait};
use crate::metrics::Metrics;
use crate::notify::Notifier;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use teamform_git::PolicyRepo;

/// The tip the fleet fetched last, and where to read it.
#[derive(Default)]
pub struct Latest {
    /// The commit, or why there is none.
    pub tip: Option<Result<String, String>>,
    /// The git directory holding it.
    pub git_dir: Option<PathBuf>,
}

/// What the portals' threads share.
pub struct Context<'a> {
    /// The latest tip.
    pub latest: Mutex<Latest>,
    /// The metrics.
    pub metrics: Arc<Metrics>,
    /// The notifier, if any.
    pub notifier: Option<&'a Mutex<Notifier>>,
    /// The runtime notifications are sent on.
    pub runtime: Option<&'a tokio::runtime::Runtime>,
    /// Where the JSON lines go.
    pub out: Mutex<&'a mut (dyn Write + Send)>,
    /// How the fleet runs.
    pub settings: Settings,
    /// Set to stop (SIGTERM).
    pub stop: &'a AtomicBool,
}

impl Context<'_> {
    /// Publishes a new tip (or why there is none) and, when found, where it is.
    pub fn publish(&self, tip: Result<String, String>, git_dir: Option<PathBuf>) {
        let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        latest.tip = Some(tip);
        if git_dir.is_some() {
            latest.git_dir = git_dir;
        }
    }

    /// The git directory of the latest tip.
    pub fn git_dir(&self) -> Option<PathBuf> {
        let latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        latest.git_dir.clone()
    }

    fn tip(&self) -> (Result<String, String>, Option<PathBuf>) {
        let latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        let tip = (latest.tip.clone()).unwrap_or_else(|| Err("not fetched yet".to_string()));
        (tip, latest.git_dir.clone())
    }

    /// Writes one JSON line.
    pub fn emit(&self, line: &impl serde::Serialize) {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(out, "{}", serde_json::to_string(line).unwrap_or_default());
        let _ = out.flush();
    }

    /// Sends the notifications of `line`; a failure is logged and counted, never more.
    fn announce(&self, name: &str, line: &CycleLog) {
        let (Some(notifier), Some(runtime)) = (self.notifier, self.runtime) else {
            return;
        };
        let report = self.settings.mode == Mode::Report;
        let mut notifier = notifier.lock().unwrap_or_else(|e| e.into_inner());
        for failure in runtime.block_on(notifier.cycle(name, line, report)) {
            self.metrics.notification_failed(name);
            self.emit(&failure);
        }
    }
}

/// Runs the portal `key` (policy at `path`) until the fleet stops or `leave` is set; its last
/// cycle's log.
pub fn member(
    mut cycle: Cycle,
    key: String,
    path: PathBuf,
    mut git_dir: PathBuf,
    context: &Context<'_>,
    leave: &AtomicBool,
) -> Option<CycleLog> {
    let mut failures = 0u32;
    let name = key;
    loop {
        let (tip, moved) = context.tip();
        if let Some(dir) = moved.filter(|d| *d != git_dir) {
            // The work tree was swapped: read the portal's policy from the new one.
            if let Ok(repo) = PolicyRepo::open(&dir, &path) {
                cycle.repo = repo;
                git_dir = dir;
            }
        }
        context.metrics.started(&name);
        let ran = catch_unwind(AssertUnwindSafe(|| {
            cycle.run_at(tip.as_deref().map_err(String::as_str))
        }));
        let line = ran.unwrap_or_else(|_| {
            let mut line = cycle.log();
            line.status = Status::PortalError;
            line.message = Some("the cycle stopped on an internal error".to_string());
            line
        });
        context.metrics.finished(&name, &line);
        context.emit(&line);
        context.announce(&name, &line);
        failures = if line.status.failed() {
            failures + 1
        } else {
            0
        };
        if context.settings.once {
            return Some(line);
        }
        let backoff = 2u32.saturating_pow(failures.min(4)).min(10);
        let interval = context.settings.interval.saturating_mul(backoff);
        if wait(&[context.stop, leave], interval) {
            return Some(line);
        }
    }
}
