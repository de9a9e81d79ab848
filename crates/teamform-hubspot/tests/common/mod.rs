//! Helpers shared by the provider's integration tests: a simulator served in-process on
//! loopback with a seeded sandbox portal, its request log, and planning and applying the demo
//! policy through the HubSpot provider.

#![allow(clippy::expect_used, clippy::unwrap_used)] // Tests and their helpers stop with a clear message.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;
use teamform_apply::{Journal, Report, execute};
use teamform_compiler::{Compiled, Options, compile};
use teamform_hubspot::{HubSpot, Options as HubOptions, RetryPolicy, Token};
use teamform_model::{Date, LoadResult, load_dir};
use teamform_plan::{Confirmation, Filter, Known, Plan, PlanInput, make_plan, parse_placeholder};
use teamform_portal::sandbox::SandboxFile;
use teamform_portal::{Capabilities, Change, LiveRole, LiveState, LiveUser, ObjectKind, Provider};
use teamform_sim::{SimConfig, Simulator};

/// The token the simulator accepts: distinctive, so that a leak is easy to find.
pub const TOKEN: &str = "pat-na1-7e57c0de-5ec2-e7a1-b0b0-deadbeef1234";

/// A simulator serving on loopback until dropped.
pub struct Sim {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The request log, one JSON line per request.
    pub log: PathBuf,
    /// The sandbox file served.
    pub state: PathBuf,
    /// The temporary directory holding both.
    pub dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Sim {
    /// Serves `seed` with the configuration changed by `configure`.
    pub fn start(seed: LiveState, configure: impl FnOnce(&mut SimConfig)) -> Sim {
        let dir = tempfile::tempdir().expect("temporary directory");
        let state = dir.path().join("portal.json");
        let file = SandboxFile {
            state: seed,
            ..SandboxFile::default()
        };
        std::fs::write(&state, serde_json::to_vec(&file).expect("json")).expect("seed");
        let log = dir.path().join("requests.log");
        let mut config = SimConfig::new(&state, TOKEN);
        config.log = Some(log.clone());
        config.seed = Some(20_261_125);
        configure(&mut config);
        let simulator = Simulator::open(&config).expect("the simulator opens");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("non-blocking");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let stop = async {
                    let _ = rx.await;
                };
                let _ = simulator.serve_with_shutdown(listener, stop).await;
            });
        });
        Sim {
            base,
            log,
            state,
            dir,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    /// The requests logged so far.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// The portal as the simulator holds it.
    pub fn portal(&self) -> LiveState {
        let text = std::fs::read_to_string(&self.state).expect("state");
        let file: SandboxFile = serde_json::from_str(&text).expect("sandbox file");
        file.state
    }

    /// A provider of this simulator with test-friendly options (short delays, the given
    /// seat switch).
    pub fn provider(&self, write_seats: bool) -> HubSpot {
        HubSpot::with_options(
            &self.base,
            Token::new(TOKEN).expect("token"),
            quick(write_seats),
        )
        .expect("provider")
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Options with short retry delays, for tests.
pub fn quick(write_seats: bool) -> HubOptions {
    HubOptions {
        timeout: Duration::from_secs(10),
        retry: RetryPolicy {
            attempts: 12,
            base: Duration::from_millis(20),
            cap: Duration::from_secs(2),
        },
        write_seats,
        ..HubOptions::default()
    }
}

/// The date every test compiles with.
pub const OPTIONS: Options = Options {
    today: Date {
        year: 2026,
        month: 11,
        day: 25,
    },
};

/// A loaded and compiled policy.
pub struct Policy {
    /// The files and the model.
    pub load: LoadResult,
    /// The compilation.
    pub compiled: Compiled,
}

/// The demo policy of the repository (`policies/`).
pub fn demo() -> Policy {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies");
    let load = load_dir(&dir);
    let compiled = compile(&load, OPTIONS);
    assert!(!compiled.has_errors(), "the demo policy is valid");
    Policy { load, compiled }
}

/// Plans `policy` against `live`, with what HubSpot cannot read back (the permission sets and
/// partitions set up by hand) confirmed, as the person who set them up does once with
/// `teamform confirm --all`.
pub fn plan(policy: &Policy, live: &LiveState, capabilities: Capabilities, portal: &str) -> Plan {
    let planned = |known: Option<&Known>| {
        make_plan(&PlanInput {
            load: &policy.load,
            compiled: &policy.compiled,
            live,
            capabilities,
            portal: portal.to_string(),
            filter: Filter::default(),
            fingerprints: true,
            known,
            detail: teamform_plan::Detail::Expanded,
            screens: &teamform_portal::Screens::HUBSPOT,
        })
    };
    let first = planned(None);
    let pending = Known::confirmable(&first, &policy.load.policy);
    if pending.is_empty() {
        return first;
    }
    let mut known = Known::new(portal);
    let entry = Confirmation {
        at: "2026-11-25T00:00:00Z".to_string(),
        by: "test".to_string(),
        commit: None,
        confirmed: Vec::new(),
    };
    let confirmed = known.confirm(&first, &policy.load.policy, &pending, entry);
    assert!(confirmed.is_ok(), "confirming {pending:?}: {confirmed:?}");
    planned(Some(&known))
}

/// What a person sets up by hand before teamform can take over a HubSpot portal: the
/// permission sets (no API creates them) and the super admins (no API grants the status),
/// with their seats. Ids are small numbers, below the simulator's.
pub fn hand_made(policy: &Policy) -> LiveState {
    let full = plan(policy, &LiveState::default(), Capabilities::FULL, "seed");
    let mut live = LiveState::default();
    let mut roles = std::collections::HashMap::new();
    for op in &full.changes {
        if let Change::CreateRole { name, permissions } = &op.change {
            let id = (live.roles.len() + 1).to_string();
            roles.insert(op.key.clone(), id.clone());
            live.roles.push(LiveRole {
                id,
                name: name.clone(),
                permissions: Some(permissions.clone()),
            });
        }
    }
    for op in &full.changes {
        if let Change::CreateUser {
            email,
            name,
            role_id,
            super_admin: true,
            seats,
            ..
        } = &op.change
        {
            let role_id = role_id.as_deref().and_then(|r| match parse_placeholder(r) {
                Some((ObjectKind::Role, key)) => roles.get(key).cloned(),
                _ => None,
            });
            live.users.push(LiveUser {
                id: (500 + live.users.len()).to_string(),
                email: email.clone(),
                name: name.clone(),
                role_id,
                primary_team_id: None,
                additional_team_ids: Vec::new(),
                super_admin: true,
                seats: seats.clone(),
            });
        }
    }
    live
}

/// Plans and applies until a plan has no automatic change left (or `rounds` runs out), the
/// way a CI job re-runs `teamform apply` after a failure. Returns the last plan and how many
/// rounds it took.
pub fn converge(
    provider: &mut HubSpot,
    policy: &Policy,
    journal: &Path,
    rounds: usize,
) -> (Plan, usize) {
    for round in 1..=rounds {
        let live = match provider.read() {
            Ok(l) => l,
            Err(_) => continue,
        };
        let plan = plan(policy, &live, provider.capabilities(), &provider.describe());
        if !plan.changes.iter().any(|o| o.automatic) {
            return (plan, round);
        }
        let mut j = Journal::open(journal, &format!("round-{round}")).expect("journal");
        let result: Result<Report, _> =
            execute(provider, &plan, &mut j, &mut |_: usize, _: usize| {});
        if result.is_ok() {
            let _ = j.finish();
        }
    }
    let live = provider.read().expect("a final read");
    (
        plan(policy, &live, provider.capabilities(), &provider.describe()),
        rounds,
    )
}
