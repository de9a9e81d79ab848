//! One reconcile cycle of one portal and its log line.

use crate::attribution::{Attribution, LastIds, attribute};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Instant;
use teamform_apply::{FlowError, Guardrails, apply_plan, hand_over};
use teamform_compiler::{Compiled, Options, compile};
use teamform_git::PolicyRepo;
use teamform_model::{Expired, LoadResult, Policy, expire, load_sources};
use teamform_plan::{Filter, PlanInput, SavedPlan, make_plan};
use teamform_portal::Provider;

/// How far back the activity is read to attribute drift.
pub const ATTRIBUTION_DAYS: u32 = 30;

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
    /// What the line is about: always `cycle`.
    pub event: &'static str,
    /// The portal's name in a fleet (`--portals-dir`, `--portal-dir`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portal: Option<String>,
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
    /// The addresses of the objects the plan changes (`user:EMAIL`, `team:KEY`), sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<String>,
    /// Who changed the objects found different, and when, as the portal's security activity
    /// and audit logs tell.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attribution: Vec<Attribution>,
    /// The requests sent to the portal in this cycle, by answer (`"200"`, `"429"`,
    /// `"transport"`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub requests: BTreeMap<String, u64>,
    /// Errors of the branch tip, or the failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The users removed because their access expired, by this cycle's apply.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expired: Vec<teamform_plan::expiry::Expiration>,
    /// How long the cycle took.
    pub duration_ms: u64,
}

impl CycleLog {
    /// The line of a cycle of `portal` that has done nothing yet.
    pub fn new(portal: Option<String>) -> CycleLog {
        CycleLog {
            event: "cycle",
            portal,
            status: Status::Ok,
            commit: None,
            applied_commit: None,
            changes: 0,
            drift: false,
            performed: 0,
            objects: Vec::new(),
            attribution: Vec::new(),
            requests: BTreeMap::new(),
            message: None,
            expired: Vec::new(),
            duration_ms: 0,
        }
    }
}

struct Good {
    commit: String,
    load: LoadResult,
    compiled: Compiled,
    /// The users taken out of the policy because their access expired.
    expired: Vec<Expired>,
}

/// Opens a portal (for writing) for one cycle, given the policy that describes it.
pub type Opener =
    Box<dyn FnMut(&Policy) -> Result<Box<dyn Provider>, teamform_portal::PortalError> + Send>;

/// The state of one portal carried from cycle to cycle.
pub struct Cycle {
    /// The portal's name in a fleet.
    pub portal: Option<String>,
    /// The mirrored repository, with the portal's policy directory.
    pub repo: PolicyRepo,
    /// Apply or report.
    pub mode: Mode,
    /// The compiler options.
    pub options: Options,
    /// Opens the portal for one cycle.
    pub open_portal: Opener,
    good: Option<Good>,
    applied: Option<String>,
    last_ids: LastIds,
}

impl Cycle {
    /// A controller of the policy in `repo` (at the tips it is given).
    pub fn new(
        portal: Option<String>,
        repo: PolicyRepo,
        mode: Mode,
        options: Options,
        open_portal: Opener,
    ) -> Self {
        Cycle {
            portal,
            repo,
            mode,
            options,
            open_portal,
            good: None,
            applied: None,
            last_ids: LastIds::default(),
        }
    }

    /// An empty log line of this portal.
    pub fn log(&self) -> CycleLog {
        CycleLog::new(self.portal.clone())
    }

    /// Runs one cycle at `tip`, the commit the branch was fetched at (or why it could not be).
    pub fn run_at(&mut self, tip: Result<&str, &str>) -> CycleLog {
        let started = Instant::now();
        let mut log = self.log();
        match tip {
            Ok(tip) => self.step(tip, &mut log),
            Err(e) => {
                log.status = Status::FetchError;
                log.message = Some(e.to_string());
            }
        }
        log.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        log
    }

    fn step(&mut self, tip: &str, log: &mut CycleLog) {
        let tip = tip.to_string();
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
        let mut provider = match (self.open_portal)(&good.load.policy) {
            Ok(p) => p,
            Err(e) => {
                log.status = Status::PortalError;
                log.message = Some(e.to_string());
                return;
            }
        };
        self.plan_and_apply(provider.as_mut(), log);
        log.requests = provider.requests();
    }

    fn plan_and_apply(&mut self, provider: &mut dyn Provider, log: &mut CycleLog) {
        let Some(good) = &self.good else {
            return;
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
        if let Err(e) = hand_over(provider, &mut plan, &good.load.policy, &live, false) {
            log.status = Status::PortalError;
            log.message = Some(format!(
                "cannot count the CRM records of the users removed: {e}"
            ));
            return;
        }
        let changed: Vec<&teamform_plan::Op> =
            plan.changes.iter().filter(|o| o.automatic).collect();
        log.changes = changed.len();
        log.drift = log.changes > 0 && self.applied.as_ref() == Some(&good.commit);
        let mut objects: Vec<String> = changed.iter().map(|o| o.address().to_string()).collect();
        objects.sort();
        objects.dedup();
        log.objects = objects;
        if log.changes > 0 {
            // Who made the portal differ, asked before any change is reverted.
            let now = teamform_portal::activity::Instant::now();
            if let Ok(events) = provider.read_changes(now.days_before(ATTRIBUTION_DAYS), now) {
                log.attribution = attribute(&changed, &self.last_ids, &events);
            }
        }
        self.last_ids = LastIds::of(&live);
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
            provider,
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
            Err(e) => {
                log.status = Status::PortalError;
                log.message = Some(e.to_string());
            }
        }
    }
}
