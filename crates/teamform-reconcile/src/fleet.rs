//! One process reconciling one portal or many: the portals of a directory of the repository
//! (`--portals-dir DIR`: each `DIR/NAME/` a policy with its own `[portal]`), or one
//! (`--portal-dir DIR/NAME`, or `--path` for a repository of one portal).
//!
//! The policies come from a bare mirror of a repository fetched every interval (`--repo`), or
//! from a git work tree on disk kept current by something else (git-sync in Kubernetes): its
//! `HEAD` commit, the repository found again every interval since git-sync swaps the work tree
//! behind a symbolic link. Either way the policy is read from git objects at one commit.
//!
//! The fleet's own thread fetches every interval, publishes the tip ([`Latest`]) and lists the
//! portals there; every portal runs on its own thread (`member.rs`), one cycle per interval at
//! the latest tip, with its own provider (so its own rate limit and pacing) and its own
//! backoff. A slow or failing portal, even one whose cycle panics, never holds up or stops
//! the others. A stop (SIGTERM) lets every portal finish the cycle under way (an apply with
//! its journal), then the process ends.

use crate::cycle::{Cycle, CycleLog, Mode, Opener, Status};
use crate::member::{Context, Latest, member};
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
pub type Open = Arc<
    dyn Fn(
            &str,
            &Policy,
        ) -> Result<Box<dyn teamform_portal::Provider>, teamform_portal::PortalError>
        + Send
        + Sync,
>;

/// How the fleet runs.
#[derive(Clone, Copy, Debug)]
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
pub(crate) struct Portal {
    /// Its key among the members.
    pub key: String,
    /// Its name in logs, if it has one.
    pub label: Option<String>,
    /// Its policy directory in the repository.
    pub path: PathBuf,
}

/// The fleet.
pub struct Fleet {
    source: Source,
    layout: Layout,
    settings: Settings,
    open: Open,
    /// The metrics and readiness, shared with the HTTP endpoints.
    pub metrics: Arc<Metrics>,
    notifier: Option<Notifier>,
    runtime: Option<tokio::runtime::Runtime>,
}

/// The name a portal of [`Layout::One`] without a name has in metrics.
pub(crate) const DEFAULT_NAME: &str = "default";

impl Fleet {
    /// A fleet of the portals of `layout` in `source`.
    pub fn new(source: Source, layout: Layout, settings: Settings, open: Open) -> Fleet {
        Fleet {
            source,
            layout,
            settings,
            open,
            metrics: Arc::new(Metrics::new()),
            notifier: None,
            runtime: None,
        }
    }

    /// Sends notifications through `notifier`.
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

    /// Runs every portal, one cycle per interval each, until `stop` is set, or one cycle
    /// each with `once`, writing one JSON line per event to `log`. Returns the last cycle's
    /// log of every portal.
    pub fn run(&mut self, stop: &AtomicBool, log: &mut (dyn Write + Send)) -> Vec<CycleLog> {
        if self.notifier.is_some() && self.runtime().is_err() {
            self.notifier = None;
        }
        let notifier = self.notifier.take().map(Mutex::new);
        let context = Context {
            latest: Mutex::new(Latest::default()),
            metrics: Arc::clone(&self.metrics),
            notifier: notifier.as_ref(),
            runtime: self.runtime.as_ref(),
            out: Mutex::new(log),
            settings: self.settings,
            stop,
        };
        let logs = std::thread::scope(|scope| {
            let mut members = BTreeMap::new();
            // The last log of each portal that left or could not start, by portal.
            let mut last: BTreeMap<String, CycleLog> = BTreeMap::new();
            loop {
                match self.locate() {
                    Ok((tip, git_dir, portals)) => {
                        context.publish(Ok(tip), Some(git_dir));
                        let keys: Vec<String> = portals.iter().map(|p| p.key.clone()).collect();
                        for portal in portals {
                            if members.contains_key(&portal.key) {
                                continue;
                            }
                            let key = portal.key.clone();
                            let spawned = self.spawn(scope, &context, portal);
                            match spawned {
                                Ok(m) => {
                                    members.insert(key, m);
                                }
                                Err(message) => {
                                    let mut line = CycleLog::new(Some(key.clone()));
                                    line.status = Status::PortalError;
                                    line.message = Some(message);
                                    context.emit(&line);
                                    last.insert(key, line);
                                }
                            }
                        }
                        let gone: Vec<String> = (members.keys())
                            .filter(|k| !keys.contains(k))
                            .cloned()
                            .collect();
                        for key in gone {
                            if let Some((leave, handle)) = members.remove(&key) {
                                leave.store(true, Ordering::SeqCst);
                                last.remove(&key);
                                if let Some(line) = join(handle) {
                                    last.insert(key.clone(), line);
                                }
                                self.metrics.forget(&key);
                            }
                        }
                    }
                    Err(message) => {
                        if members.is_empty() {
                            // Nothing to attribute the failure to yet: one line for the process.
                            let mut line = CycleLog::new(None);
                            line.status = Status::FetchError;
                            line.message = Some(message.clone());
                            context.emit(&line);
                            if self.settings.once {
                                return vec![line];
                            }
                        }
                        context.publish(Err(message), None);
                    }
                }
                if self.settings.once || wait(&[stop], self.settings.interval) {
                    break;
                }
            }
            for (key, (_, handle)) in members {
                if let Some(line) = join(handle) {
                    last.insert(key, line);
                }
            }
            last.into_values().collect()
        });
        self.notifier = notifier.and_then(|n| n.into_inner().ok());
        logs
    }

    /// Starts the thread of `portal`; its stop flag and handle.
    fn spawn<'scope, 'env>(
        &self,
        scope: &'scope std::thread::Scope<'scope, 'env>,
        context: &'scope Context<'_>,
        portal: Portal,
    ) -> Result<(Arc<AtomicBool>, Handle<'scope>), String> {
        let git_dir = context
            .git_dir()
            .ok_or_else(|| "no repository yet".to_string())?;
        let repo = PolicyRepo::open(&git_dir, &portal.path).map_err(|e| e.to_string())?;
        let open = Arc::clone(&self.open);
        let key = portal.key.clone();
        let opener: Opener = Box::new(move |policy: &Policy| open(&key, policy));
        let cycle = Cycle::new(
            portal.label,
            repo,
            self.settings.mode,
            self.settings.options,
            opener,
        );
        let leave = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&leave);
        let handle = std::thread::Builder::new()
            .name(format!("portal {}", portal.key))
            .spawn_scoped(scope, move || {
                member(cycle, portal.key, portal.path, git_dir, context, &flag)
            })
            .map_err(|e| format!("cannot start the portal's thread: {e}"))?;
        Ok((leave, handle))
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
}

/// A portal's thread.
type Handle<'scope> = std::thread::ScopedJoinHandle<'scope, Option<CycleLog>>;

/// The last log of a portal's thread once it ends.
fn join(handle: Handle<'_>) -> Option<CycleLog> {
    handle.join().ok().flatten()
}

/// Waits `interval`, or less when one of `stops` is set; whether one was.
pub(crate) fn wait(stops: &[&AtomicBool], interval: Duration) -> bool {
    let stopped = || stops.iter().any(|s| s.load(Ordering::SeqCst));
    let until = Instant::now() + interval;
    while Instant::now() < until {
        if stopped() {
            return true;
        }
        let left = until.saturating_duration_since(Instant::now());
        std::thread::sleep(Duration::from_millis(50).min(left));
    }
    stopped()
}
