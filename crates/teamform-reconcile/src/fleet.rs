//! One process reconciling one portal or many: the portals of a directory of the repository
//! (`--portals-dir DIR`: each `DIR/NAME/` a policy with its own `[portal]`), or one
//! (`--portal-dir DIR/NAME`, or `--path` for a repository of one portal).
//!
//! The fleet runs in rounds: every interval it fetches the branch once, lists the portals at
//! its tip, and runs one cycle of every portal that is due at the same time, each on its own
//! thread with its own provider (so each is paced by its own rate limit). A portal that fails
//! backs off on its own (it skips rounds); a failure in one, even a panic, never stops the
//! others. A stop (SIGTERM) is honoured between rounds: the round under way finishes, each
//! apply with its journal, and the loop ends.

use crate::cycle::{Cycle, CycleLog, Mode, Opener, Status};
use crate::metrics::Metrics;
use crate::notify::Notifier;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use teamform_compiler::Options;
use teamform_git::PolicyRepo;
use teamform_model::Policy;

/// Which policies of the repository are portals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One policy directory; `name` labels it in logs, metrics and notifications.
    One {
        /// The portal's name (`--portal-dir`'s last component), if any.
        name: Option<String>,
        /// The policy directory in the repository.
        path: PathBuf,
    },
    /// Every directory directly under this one is a portal, named after it.
    Dir(PathBuf),
}

/// Opens the provider of portal `name` described by its policy.
pub type Open =
    Arc<dyn Fn(&str, &Policy) -> Result<Box<dyn teamform_portal::Provider>, String> + Send + Sync>;

/// How the fleet runs.
pub struct Settings {
    /// The branch to follow.
    pub branch: String,
    /// Apply or report.
    pub mode: Mode,
    /// The compiler options.
    pub options: Options,
    /// The time between rounds.
    pub interval: Duration,
    /// Run one round and return.
    pub once: bool,
}

/// A portal's cycle state and its backoff.
struct Member {
    cycle: Cycle,
    /// Consecutive failed cycles.
    failures: u32,
    /// Rounds left to skip.
    skip: u32,
}

/// The fleet.
pub struct Fleet {
    repo: PolicyRepo,
    mirror: PathBuf,
    layout: Layout,
    settings: Settings,
    open: Open,
    members: BTreeMap<String, Member>,
    /// The metrics and readiness, shared with the HTTP endpoints.
    pub metrics: Arc<Metrics>,
    notifier: Option<Notifier>,
    runtime: Option<tokio::runtime::Runtime>,
}

/// The name a portal of [`Layout::One`] without a name has in metrics.
const DEFAULT_NAME: &str = "default";

impl Fleet {
    /// A fleet over the mirror at `mirror` (made by [`PolicyRepo::mirror`]), which `repo`
    /// fetches.
    pub fn new(
        repo: PolicyRepo,
        mirror: &Path,
        layout: Layout,
        settings: Settings,
        open: Open,
    ) -> Fleet {
        Fleet {
            repo,
            mirror: mirror.to_path_buf(),
            layout,
            settings,
            open,
            members: BTreeMap::new(),
            metrics: Arc::new(Metrics::new()),
            notifier: None,
            runtime: None,
        }
    }

    /// Sends notifications through `notifier` (on `runtime`).
    pub fn notify(&mut self, notifier: Notifier) {
        self.notifier = Some(notifier);
    }

    /// The runtime the HTTP endpoints and notifications run on, made on first use.
    pub fn runtime(&mut self) -> Result<&tokio::runtime::Runtime, String> {
        if self.runtime.is_none() {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the HTTP runtime: {e}"))?;
            self.runtime = Some(rt);
        }
        self.runtime
            .as_ref()
            .ok_or_else(|| "no HTTP runtime".to_string())
    }

    /// Runs rounds every interval until `stop` is set (checked between rounds and while
    /// waiting), or one with `once`, writing one JSON line per event to `log`. Returns the
    /// last round's cycle logs.
    pub fn run(&mut self, stop: &AtomicBool, log: &mut (dyn Write + Send)) -> Vec<CycleLog> {
        loop {
            let logs = self.round(log);
            if self.settings.once || stop.load(Ordering::SeqCst) {
                return logs;
            }
            let until = Instant::now() + self.settings.interval;
            while Instant::now() < until {
                if stop.load(Ordering::SeqCst) {
                    return logs;
                }
                std::thread::sleep(
                    Duration::from_millis(50).min(until.saturating_duration_since(Instant::now())),
                );
            }
        }
    }

    /// The portals at `tip`: their names and policy directories.
    fn portals(&self, tip: &str) -> Result<Vec<(String, Option<String>, PathBuf)>, String> {
        match &self.layout {
            Layout::One { name, path } => Ok(vec![(
                name.clone().unwrap_or_else(|| DEFAULT_NAME.to_string()),
                name.clone(),
                path.clone(),
            )]),
            Layout::Dir(dir) => Ok(self
                .repo
                .dirs_at(tip, dir)
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(|n| (n.clone(), Some(n.clone()), dir.join(&n)))
                .collect()),
        }
    }

    /// Brings the members in line with the portals at `tip`.
    fn enroll(&mut self, tip: &str) -> Result<(), String> {
        let portals = self.portals(tip)?;
        let names: Vec<&String> = portals.iter().map(|(n, _, _)| n).collect();
        let gone: Vec<String> = (self.members.keys())
            .filter(|k| !names.contains(k))
            .cloned()
            .collect();
        for name in gone {
            self.members.remove(&name);
            self.metrics.forget(&name);
        }
        for (name, label, path) in portals {
            if self.members.contains_key(&name) {
                continue;
            }
            let repo = PolicyRepo::open(&self.mirror, &path).map_err(|e| e.to_string())?;
            let open = Arc::clone(&self.open);
            let key = name.clone();
            let opener: Opener = Box::new(move |policy: &Policy| open(&key, policy));
            let cycle = Cycle::new(
                label,
                repo,
                self.settings.mode,
                self.settings.options,
                opener,
            );
            self.members.insert(
                name,
                Member {
                    cycle,
                    failures: 0,
                    skip: 0,
                },
            );
        }
        Ok(())
    }

    /// One round: fetch, list, run the due portals at once, log, count and notify.
    fn round(&mut self, log: &mut (dyn Write + Send)) -> Vec<CycleLog> {
        let tip = self
            .repo
            .fetch(&self.settings.branch)
            .map_err(|e| e.to_string())
            .and_then(|tip| self.enroll(&tip).map(|()| tip));
        if let (Err(e), true) = (&tip, self.members.is_empty()) {
            // Nothing to attribute the failure to yet: one line for the process.
            let mut line = CycleLog::new(None);
            line.status = Status::FetchError;
            line.message = Some(e.clone());
            emit(&Mutex::new(&mut *log), &line);
            return vec![line];
        }
        let metrics = Arc::clone(&self.metrics);
        let shared = Mutex::new(&mut *log);
        let mut logs = Vec::new();
        std::thread::scope(|scope| {
            let mut running = Vec::new();
            for (name, member) in self.members.iter_mut() {
                if member.skip > 0 {
                    member.skip -= 1;
                    continue;
                }
                metrics.started(name);
                let tip = tip.as_deref().map_err(String::as_str);
                let (shared, metrics) = (&shared, &metrics);
                let spawned = std::thread::Builder::new()
                    .name(format!("portal {name}"))
                    .spawn_scoped(scope, move || {
                        let line = member.cycle.run_at(tip);
                        metrics.finished(name, &line);
                        emit(shared, &line);
                        line
                    });
                running.push((name.clone(), spawned));
            }
            for (name, handle) in running {
                let joined = match handle {
                    Ok(h) => h.join().map_err(|_| "the cycle panicked".to_string()),
                    Err(e) => Err(format!("cannot start the cycle: {e}")),
                };
                let line = joined.unwrap_or_else(|message| {
                    let mut line = CycleLog::new(Some(name.clone()));
                    line.status = Status::PortalError;
                    line.message = Some(message);
                    metrics.finished(&name, &line);
                    emit(&shared, &line);
                    line
                });
                logs.push(line);
            }
        });
        for line in &logs {
            let name = line
                .portal
                .clone()
                .unwrap_or_else(|| DEFAULT_NAME.to_string());
            if let Some(member) = self.members.get_mut(&name) {
                member.failures = if line.status.failed() {
                    member.failures + 1
                } else {
                    0
                };
                member.skip = 2u32.saturating_pow(member.failures.min(4)).min(10) - 1;
            }
        }
        self.announce(&logs, &shared);
        logs
    }

    /// Sends the notifications of `logs`; a failure is logged and counted, never more.
    fn announce(&mut self, logs: &[CycleLog], shared: &Mutex<&mut (dyn Write + Send)>) {
        let report = self.settings.mode == Mode::Report;
        let Some(mut notifier) = self.notifier.take() else {
            return;
        };
        let metrics = Arc::clone(&self.metrics);
        if let Ok(runtime) = self.runtime() {
            for line in logs {
                let name = line
                    .portal
                    .clone()
                    .unwrap_or_else(|| DEFAULT_NAME.to_string());
                for failure in runtime.block_on(notifier.cycle(&name, line, report)) {
                    metrics.notification_failed(&name);
                    if let Ok(mut out) = shared.lock() {
                        let _ = writeln!(
                            out,
                            "{}",
                            serde_json::to_string(&failure).unwrap_or_default()
                        );
                        let _ = out.flush();
                    }
                }
            }
        }
        self.notifier = Some(notifier);
    }
}

/// Writes one JSON line.
fn emit(out: &Mutex<&mut (dyn Write + Send)>, line: &CycleLog) {
    let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
    let _ = writeln!(out, "{}", serde_json::to_string(line).unwrap_or_default());
    let _ = out.flush();
}
