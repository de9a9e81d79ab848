//! One process reconciling one portal or many: the portals of a directory of the repository
//! (`--portals-dir DIR`: each `DIR/NAME/` a policy with its own `[portal]`), or one
//! (`--portal-dir DIR/NAME`, or `--path` for a repository of one portal).
//!
//! The policies come from a bare mirror of a repository fetched every round (`--repo`), or
//! from a git work tree on disk kept current by something else (git-sync in Kubernetes): its
//! `HEAD` commit, the repository found again every round since git-sync swaps the work tree
//! behind a symbolic link. Either way the policy is read from git objects at one commit.
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
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use teamform_compiler::Options;
use teamform_git::PolicyRepo;
use teamform_model::Policy;

/// Where the policies come from.
pub enum Source {
    /// A bare mirror of `--repo` (made by [`PolicyRepo::mirror`]), its branch fetched every
    /// round.
    Mirror {
        /// The mirror.
        repo: PolicyRepo,
        /// The branch to follow.
        branch: String,
    },
    /// The git work tree holding the layout's paths (on disk), at its `HEAD`.
    WorkTree,
}

/// Which policies of the repository are portals: paths in the repository for a mirror, on
/// disk for a work tree.
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
    /// Apply or report.
    pub mode: Mode,
    /// The compiler options.
    pub options: Options,
    /// The time between rounds.
    pub interval: Duration,
    /// Run one round and return.
    pub once: bool,
}

/// A portal found in the repository.
struct Portal {
    /// Its key among the members.
    key: String,
    /// Its name in logs, if it has one.
    label: Option<String>,
    /// Its policy directory in the repository.
    path: PathBuf,
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
    source: Source,
    /// The git directory the members read from (it changes when a work tree is swapped).
    git_dir: Option<PathBuf>,
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
    /// A fleet of the portals of `layout` in `source`.
    pub fn new(source: Source, layout: Layout, settings: Settings, open: Open) -> Fleet {
        Fleet {
            source,
            git_dir: None,
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

    /// The commit to reconcile, the git directory to read it from, and the portals there:
    /// their names, labels and policy directories in the repository.
    fn locate(&self) -> Result<(String, PathBuf, Vec<Portal>), String> {
        let (repo, tip, base) = match &self.source {
            Source::Mirror { repo, branch } => {
                let tip = repo.fetch(branch).map_err(|e| e.to_string())?;
                let base = match &self.layout {
                    Layout::Dir(dir) => dir.clone(),
                    Layout::One { path, .. } => path.clone(),
                };
                (None, tip, base)
            }
            Source::WorkTree => {
                let anchor = match &self.layout {
                    Layout::Dir(dir) => dir,
                    Layout::One { path, .. } => path,
                };
                let repo = PolicyRepo::discover(anchor).map_err(|e| e.to_string())?;
                let (tip, _) = repo.resolve("HEAD").map_err(|e| e.to_string())?;
                let base = repo.subdir().to_path_buf();
                (Some(repo), tip, base)
            }
        };
        let repo = match (&repo, &self.source) {
            (Some(r), _) => r,
            (None, Source::Mirror { repo, .. }) => repo,
            (None, Source::WorkTree) => return Err("no repository".to_string()),
        };
        let portals = match &self.layout {
            Layout::One { name, .. } => vec![Portal {
                key: name.clone().unwrap_or_else(|| DEFAULT_NAME.to_string()),
                label: name.clone(),
                path: base,
            }],
            Layout::Dir(_) => (repo.dirs_at(&tip, &base).map_err(|e| e.to_string())?)
                .into_iter()
                .map(|n| Portal {
                    key: n.clone(),
                    label: Some(n.clone()),
                    path: base.join(&n),
                })
                .collect(),
        };
        Ok((tip, repo.git_dir().to_path_buf(), portals))
    }

    /// Brings the members in line with `portals` read from `git_dir`.
    fn enroll(&mut self, git_dir: PathBuf, portals: Vec<Portal>) -> Result<(), String> {
        let keys: Vec<&String> = portals.iter().map(|p| &p.key).collect();
        let gone: Vec<String> = (self.members.keys())
            .filter(|k| !keys.contains(k))
            .cloned()
            .collect();
        for name in gone {
            self.members.remove(&name);
            self.metrics.forget(&name);
        }
        let moved = self.git_dir.as_ref() != Some(&git_dir);
        for portal in portals {
            let repo = || PolicyRepo::open(&git_dir, &portal.path).map_err(|e| e.to_string());
            if let Some(member) = self.members.get_mut(&portal.key) {
                if moved {
                    member.cycle.repo = repo()?;
                }
                continue;
            }
            let open = Arc::clone(&self.open);
            let key = portal.key.clone();
            let opener: Opener = Box::new(move |policy: &Policy| open(&key, policy));
            let cycle = Cycle::new(
                portal.label,
                repo()?,
                self.settings.mode,
                self.settings.options,
                opener,
            );
            self.members.insert(
                portal.key,
                Member {
                    cycle,
                    failures: 0,
                    skip: 0,
                },
            );
        }
        self.git_dir = Some(git_dir);
        Ok(())
    }

    /// One round: fetch, list, run the due portals at once, log, count and notify.
    fn round(&mut self, log: &mut (dyn Write + Send)) -> Vec<CycleLog> {
        let tip = self
            .locate()
            .and_then(|(tip, git_dir, portals)| self.enroll(git_dir, portals).map(|()| tip));
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
