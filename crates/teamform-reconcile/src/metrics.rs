//! What the daemon tells its operator: per-portal Prometheus metrics (prometheus-client,
//! rendered in the Prometheus text format) and the readiness of every portal (the last cycle
//! succeeded or one is under way).

use crate::cycle::{CycleLog, Status};
use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::{SystemTime, UNIX_EPOCH};

/// The labels of a metric: the portal, and for some a second label.
type Labels = Vec<(&'static str, String)>;

/// Where a portal is in its cycles, for `/readyz`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// A cycle is under way (or none ran yet).
    Running,
    /// The last cycle succeeded.
    Succeeded,
    /// The last cycle failed.
    Failed,
}

/// The metrics and the phases of every portal.
pub struct Metrics {
    registry: Registry,
    cycles: Family<Labels, Counter>,
    duration: Family<Labels, Gauge<f64, AtomicU64>>,
    drift: Family<Labels, Counter>,
    applied: Family<Labels, Counter>,
    requests: Family<Labels, Counter>,
    rate_limited: Family<Labels, Counter>,
    last_success: Family<Labels, Gauge<f64, AtomicU64>>,
    notifications_failed: Family<Labels, Counter>,
    phases: Mutex<BTreeMap<String, Phase>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

fn portal(name: &str) -> Labels {
    vec![("portal", name.to_string())]
}

impl Metrics {
    /// Empty metrics, every family registered under `teamform_reconcile_`.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("teamform_reconcile");
        let m = Metrics {
            cycles: Family::default(),
            duration: Family::default(),
            drift: Family::default(),
            applied: Family::default(),
            requests: Family::default(),
            rate_limited: Family::default(),
            last_success: Family::default(),
            notifications_failed: Family::default(),
            phases: Mutex::default(),
            registry: Registry::default(),
        };
        let counters = [
            (
                "cycles",
                "Reconcile cycles run, by portal and how they ended",
                &m.cycles,
            ),
            (
                "drift_objects",
                "Objects found changed in the portal away from a policy already applied",
                &m.drift,
            ),
            (
                "operations_applied",
                "Operations performed on the portal",
                &m.applied,
            ),
            (
                "api_requests",
                "Requests sent to the portal's API, by answer (HTTP status, or transport)",
                &m.requests,
            ),
            (
                "api_rate_limited",
                "Requests the portal's API answered with 429 Too Many Requests",
                &m.rate_limited,
            ),
            (
                "notifications_failed",
                "Notifications about the portal that could not be delivered",
                &m.notifications_failed,
            ),
        ];
        register(&mut registry, counters);
        let gauges = [
            (
                "last_cycle_duration_seconds",
                "How long the last cycle of the portal took",
                &m.duration,
            ),
            (
                "last_success_timestamp_seconds",
                "When the last successful cycle of the portal ended (Unix time)",
                &m.last_success,
            ),
        ];
        register(&mut registry, gauges);
        Metrics { registry, ..m }
    }

    /// A cycle of `name` starts.
    pub fn started(&self, name: &str) {
        let mut phases = self.phases.lock().unwrap_or_else(|e| e.into_inner());
        phases.insert(name.to_string(), Phase::Running);
    }

    /// A cycle of `name` ended with `log`.
    pub fn finished(&self, name: &str, log: &CycleLog) {
        self.cycles
            .get_or_create(&vec![
                ("portal", name.to_string()),
                ("status", status_label(log.status).to_string()),
            ])
            .inc();
        self.duration
            .get_or_create(&portal(name))
            .set(log.duration_ms as f64 / 1000.0);
        if log.drift {
            self.drift
                .get_or_create(&portal(name))
                .inc_by(log.changes as u64);
        }
        self.applied
            .get_or_create(&portal(name))
            .inc_by(log.performed as u64);
        for (answer, n) in &log.requests {
            self.requests
                .get_or_create(&vec![
                    ("portal", name.to_string()),
                    ("status", answer.clone()),
                ])
                .inc_by(*n);
        }
        self.rate_limited
            .get_or_create(&portal(name))
            .inc_by(log.requests.get("429").copied().unwrap_or(0));
        let ok = log.status == Status::Ok;
        if ok {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            self.last_success
                .get_or_create(&portal(name))
                .set(now.as_secs_f64());
        }
        let mut phases = self.phases.lock().unwrap_or_else(|e| e.into_inner());
        let phase = if ok { Phase::Succeeded } else { Phase::Failed };
        phases.insert(name.to_string(), phase);
    }

    /// A notification about `name` could not be delivered.
    pub fn notification_failed(&self, name: &str) {
        self.notifications_failed.get_or_create(&portal(name)).inc();
    }

    /// Forgets a portal that left the fleet (its metrics stay, its readiness no longer counts).
    pub fn forget(&self, name: &str) {
        let mut phases = self.phases.lock().unwrap_or_else(|e| e.into_inner());
        phases.remove(name);
    }

    /// The portals whose last cycle failed, sorted: the daemon is ready when there are none.
    pub fn failing(&self) -> Vec<String> {
        let phases = self.phases.lock().unwrap_or_else(|e| e.into_inner());
        (phases.iter())
            .filter(|(_, p)| **p == Phase::Failed)
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// The metrics in the Prometheus text format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_text::encode(&mut out, &self.registry);
        out
    }
}

/// Registers each `(name, help, family)`.
fn register<'a, M: prometheus_client::registry::Metric + Clone>(
    registry: &mut Registry,
    families: impl IntoIterator<Item = (&'static str, &'static str, &'a M)>,
) {
    for (name, help, family) in families {
        registry.register(name, help, family.clone());
    }
}

/// The `status` label of a cycle's end, as its log line spells it.
fn status_label(status: Status) -> &'static str {
    match status {
        Status::Ok => "ok",
        Status::Invalid => "invalid",
        Status::Refused => "refused",
        Status::FetchError => "fetch-error",
        Status::PortalError => "portal-error",
    }
}

/// The content type of [`Metrics::render`].
pub const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(scrape: &prometheus_parse::Scrape, name: &str, portal: &str) -> Option<f64> {
        (scrape.samples.iter())
            .find(|s| s.metric == name && s.labels.get("portal") == Some(portal))
            .map(|s| match s.value {
                prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Gauge(v) => v,
                _ => f64::NAN,
            })
    }

    #[test]
    fn cycles_are_counted_per_portal_in_prometheus_text() -> std::io::Result<()> {
        let metrics = Metrics::new();
        let mut ok = CycleLog::new(Some("acme".to_string()));
        ok.changes = 2;
        ok.drift = true;
        ok.performed = 2;
        ok.duration_ms = 1500;
        ok.requests = BTreeMap::from([("200".to_string(), 5), ("429".to_string(), 1)]);
        metrics.started("acme");
        metrics.finished("acme", &ok);
        metrics.started("globex");
        let mut failed = CycleLog::new(Some("globex".to_string()));
        failed.status = Status::PortalError;
        assert_eq!(
            metrics.failing(),
            Vec::<String>::new(),
            "in progress is ready"
        );
        metrics.finished("globex", &failed);
        assert_eq!(metrics.failing(), vec!["globex".to_string()]);

        let text = metrics.render();
        let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string())))?;
        let get = |name: &str, portal: &str| sample(&scrape, name, portal);
        assert_eq!(get("teamform_reconcile_cycles_total", "acme"), Some(1.0));
        assert_eq!(
            get("teamform_reconcile_drift_objects_total", "acme"),
            Some(2.0)
        );
        assert_eq!(
            get("teamform_reconcile_operations_applied_total", "acme"),
            Some(2.0)
        );
        assert_eq!(
            get("teamform_reconcile_api_rate_limited_total", "acme"),
            Some(1.0)
        );
        assert_eq!(
            get("teamform_reconcile_last_cycle_duration_seconds", "acme"),
            Some(1.5)
        );
        assert!(get("teamform_reconcile_last_success_timestamp_seconds", "acme") > Some(1.7e9));
        assert_eq!(
            get(
                "teamform_reconcile_last_success_timestamp_seconds",
                "globex"
            ),
            None
        );
        let globex = (scrape.samples.iter())
            .find(|s| {
                s.metric == "teamform_reconcile_cycles_total"
                    && s.labels.get("portal") == Some("globex")
            })
            .and_then(|s| s.labels.get("status").map(str::to_string));
        assert_eq!(globex.as_deref(), Some("portal-error"));
        Ok(())
    }
}
