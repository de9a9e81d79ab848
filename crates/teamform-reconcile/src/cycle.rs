//! One reconcile cycle and its log line.

use serde::Serialize;
use std::time::Instant;
use teamform_apply::{FlowError, Guardrails, apply_plan, hand_over};
use teamform_compiler::{Compiled, Options, compile};
use teamform_git::PolicyRepo;
use teamform_model::{Expired, LoadResult, expire, load_sources};
use teamform_plan::{Filter, PlanInput, SavedPlan, make_plan};
use teamform_portal::Provider;

/// Apply changes, or only report them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Apply changes and revert drift.
    Apply,
    /// Only report.
    Report,
}

/// How a cycle ended (`status` in the JSON line, kebab-case).
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The portal was brought to (or found equal to) the policy, or reported.
    Ok,
    /// The branch tip does not compile; the last good commit was used.
    Invalid,
    /// A guardrail or staleness refusal.
    Refused,
    /// The policy repository could not be fetched.
    FetchError,
    /// The portal failed.
    PortalError,
}

impl Status {
    /// Whether the cycle failed in a way that backs off the next (the repository or the
    /// portal failed).
    pub fn failed(self) -> bool {
        matches!(self, Status::FetchError | Status::PortalError)
    }
}

/// The JSON line logged after each cycle.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CycleLog {
    /// How the cycle ended.
    pub status: Status,
    /// The commit at the branch tip.
    pub commit: Option<String>,
    /// The commit whose policy was planned (the last good one).
    pub applied_commit: Option<String>,
    /// How many changes the plan had.
    pub changes: usize,
    /// Whether those changes are drift: the portal moved away from a commit already applied.
    pub drift: bool,
    /// How many operations were performed.
    pub performed: usize,
    /// Errors of the branch tip, or the failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The users removed because their access expired, by this cycle's apply.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expired: Vec<teamform_plan::expiry::Expiration>,
    /// How long the cycle took.
    pub duration_ms: u64,
}

struct Good {
    commit: String,
    load: LoadResult,
    compiled: Compiled,
    /// The users taken out of the policy because their access expired.
    expired: Vec<Expired>,
}

/// The state carried from cycle to cycle.
pub struct Cycle<'a> {
    /// The mirrored repository.
    pub repo: PolicyRepo,
    /// The branch to follow.
    pub branch: String,
    /// Apply or report.
    pub mode: Mode,
    /// The compiler options.
    pub options: Options,
    /// Opens the portal (locked, for writing) for one cycle.
    pub open_portal: &'a mut dyn FnMut() -> Result<Box<dyn Provider>, String>,
    good: Option<Good>,
    applied: Option<String>,
}

impl<'a> Cycle<'a> {
    /// A controller following `branch` of `repo`.
    pub fn new(
        repo: PolicyRepo,
        branch: &str,
        mode: Mode,
        options: Options,
        open_portal: &'a mut dyn FnMut() -> Result<Box<dyn Provider>, String>,
    ) -> Self {
        Cycle {
            repo,
            branch: branch.to_string(),
            mode,
            options,
            open_portal,
            good: None,
            applied: None,
        }
    }

    /// Runs one cycle.
    pub fn run(&mut self) -> CycleLog {
        let started = Instant::now();
        let mut log = CycleLog {
            status: Status::Ok,
            commit: None,
            applied_commit: None,
            changes: 0,
            drift: false,
            performed: 0,
            message: None,
            expired: Vec::new(),
            duration_ms: 0,
        };
        self.step(&mut log);
        log.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        log
    }

    fn step(&mut self, log: &mut CycleLog) {
        let tip = match self.repo.fetch(&self.branch) {
            Ok(c) => c,
            Err(e) => {
                log.status = Status::FetchError;
                log.message = Some(e.to_string());
                return;
            }
        };
        log.commit = Some(tip.clone());
        if self.good.as_ref().map(|g| &g.commit) != Some(&tip) {
            match self.repo.sources_at(&tip, &tip[..8.min(tip.len())]) {
                Ok(sources) => {
                    let mut load = load_sources(sources);
                    let expired = expire(&mut load.policy, self.options.today);
                    let compiled = compile(&load, self.options);
                    if compiled.has_errors() {
                        let errors: Vec<String> = compiled
                            .diagnostics
                            .iter()
                            .filter(|d| d.is_error())
                            .map(|d| format!("{} {}", d.code, d.message))
                            .collect();
                        log.status = Status::Invalid;
                        log.message = Some(errors.join("; "));
                    } else {
                        self.good = Some(Good {
                            commit: tip.clone(),
                            load,
                            compiled,
                            expired,
                        });
                    }
                }
                Err(e) => {
                    log.status = Status::FetchError;
                    log.message = Some(e.to_string());
                    return;
                }
            }
        }
        let Some(good) = &self.good else {
            return;
        };
        log.applied_commit = Some(good.commit.clone());
        let mut provider = match (self.open_portal)() {
            Ok(p) => p,
            Err(e) => {
                log.status = Status::PortalError;
                log.message = Some(e);
                return;
            }
        };
        let live = match provider.read() {
            Ok(l) => l,
            Err(e) => {
                log.status = Status::PortalError;
                log.message = Some(e.to_string());
                return;
            }
        };
        let mut plan = make_plan(&PlanInput {
            load: &good.load,
            compiled: &good.compiled,
            live: &live,
            capabilities: provider.capabilities(),
            portal: provider.describe(),
            filter: Filter::default(),
            fingerprints: true,
            known: None,
            detail: teamform_plan::Detail::Grants,
            screens: provider.screens(),
        });
        teamform_plan::expiry::mark_expired(&mut plan, &good.expired);
        if let Err(e) = hand_over(
            provider.as_mut(),
            &mut plan,
            &good.load.policy,
            &live,
            false,
        ) {
            log.status = Status::PortalError;
            log.message = Some(format!(
                "cannot count the CRM records of the users removed: {e}"
            ));
            return;
        }
        log.changes = plan.changes.iter().filter(|o| o.automatic).count();
        log.drift = log.changes > 0 && self.applied.as_ref() == Some(&good.commit);
        if self.mode == Mode::Report || log.changes == 0 {
            if log.changes == 0 {
                self.applied = Some(good.commit.clone());
            }
            return;
        }
        let guard = Guardrails::from(&good.load.policy.guardrails);
        let id = SavedPlan::new(
            plan.clone(),
            good.commit.clone(),
            Some(good.commit.clone()),
            Some(false),
        )
        .checksum;
        match apply_plan(
            provider.as_mut(),
            &plan,
            &id,
            &guard,
            None,
            &mut |_: usize, _: usize| {},
        ) {
            Ok(applied) => {
                log.performed = applied.report.performed;
                log.expired = plan.expirations.clone();
                let _ = applied.journal.finish();
                self.applied = Some(good.commit.clone());
            }
            Err(FlowError::Refused(reasons)) => {
                log.status = Status::Refused;
                log.message = Some(reasons.join("; "));
            }
            Err(FlowError::Portal(m)) => {
                log.status = Status::PortalError;
                log.message = Some(m);
            }
        }
    }
}
