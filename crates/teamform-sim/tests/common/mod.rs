//! Shared test helpers: a sandbox portal prepared on disk and a simulator serving it over real
//! HTTP on a free loopback port, in the test's own runtime.

// Each test binary uses some of the helpers only; and helpers, like the tests themselves, stop
// with a clear message when something fails (clippy.toml allows that in test functions only).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use teamform_portal::sandbox::{Sandbox, SandboxFile};
use teamform_portal::{LiveRole, LiveTeam, LiveUser};
use teamform_sim::{SimConfig, Simulator};

/// The token the tests use.
pub const TOKEN: &str = "pat-na1-test-token";

/// A running simulator.
pub struct Sim {
    pub addr: SocketAddr,
    pub base: String,
    pub state: PathBuf,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Sim {
    /// `GET path` with the token.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
    }

    /// A request with the token and a JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(TOKEN);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// The sandbox file as it is on disk now.
    pub fn reload(&self) -> SandboxFile {
        Sandbox::open(&self.state).unwrap().load().unwrap()
    }
}

/// A portal with two roles, a team tree (sales > sales-fr, and support) and `users` users:
/// the first a super admin in sales, the others sales reps in sales-fr.
pub fn portal(users: usize) -> SandboxFile {
    let mut file = SandboxFile::default();
    let admin_role = file.new_id();
    let rep_role = file.new_id();
    file.state.roles.push(LiveRole {
        id: admin_role.clone(),
        name: "Admin".into(),
        permissions: None,
    });
    file.state.roles.push(LiveRole {
        id: rep_role.clone(),
        name: "Sales Rep".into(),
        permissions: None,
    });
    let sales = file.new_id();
    let sales_fr = file.new_id();
    let support = file.new_id();
    file.state.teams.push(LiveTeam {
        id: sales.clone(),
        name: "Sales".into(),
        parent_id: None,
    });
    file.state.teams.push(LiveTeam {
        id: sales_fr.clone(),
        name: "Sales France".into(),
        parent_id: Some(sales.clone()),
    });
    file.state.teams.push(LiveTeam {
        id: support.clone(),
        name: "Support".into(),
        parent_id: None,
    });
    for i in 0..users {
        let id = file.new_id();
        let admin = i == 0;
        file.state.users.push(LiveUser {
            id,
            email: format!("user{i}@acme.example"),
            name: format!("User{i} Number {i}"),
            role_id: Some(if admin {
                admin_role.clone()
            } else {
                rep_role.clone()
            }),
            primary_team_id: Some(if admin {
                sales.clone()
            } else {
                sales_fr.clone()
            }),
            additional_team_ids: Vec::new(),
            super_admin: admin,
            seats: vec!["core".into()],
        });
    }
    file
}

/// The id of the role, team or user with this name or email.
pub fn id_of(file: &SandboxFile, name: &str) -> String {
    file.state
        .roles
        .iter()
        .find(|r| r.name == name)
        .map(|r| r.id.clone())
        .or_else(|| {
            file.state
                .teams
                .iter()
                .find(|t| t.name == name)
                .map(|t| t.id.clone())
        })
        .or_else(|| {
            file.state
                .users
                .iter()
                .find(|u| u.email == name)
                .map(|u| u.id.clone())
        })
        .unwrap_or_else(|| panic!("nothing named {name}"))
}

/// Starts a simulator on `file`, configured further by `tune`.
pub async fn start_with(file: &SandboxFile, tune: impl FnOnce(&mut SimConfig, &Path)) -> Sim {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sandbox.json");
    Sandbox::open(&state).unwrap().save(file).unwrap();
    let mut config = SimConfig::new(&state, TOKEN);
    tune(&mut config, dir.path());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let simulator = Simulator::open(&config).unwrap();
    tokio::spawn(simulator.serve(listener));
    Sim {
        addr,
        base: format!("http://{addr}"),
        state,
        client: reqwest::Client::new(),
        _dir: dir,
    }
}

/// Starts a simulator on `file` with the defaults.
pub async fn start(file: &SandboxFile) -> Sim {
    start_with(file, |_, _| {}).await
}

/// Checks HubSpot's error body and returns it.
pub async fn error_body(
    response: reqwest::Response,
    status: u16,
    category: &str,
) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "error", "{body}");
    assert_eq!(body["category"], category, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(
        body["correlationId"].as_str().map(str::len),
        Some(36),
        "{body}"
    );
    body
}

/// Every user id listed at `base`, following the cursors, and the cursors.
pub async fn all_pages(sim: &Sim, base: &str) -> (Vec<String>, Vec<String>) {
    let mut ids = Vec::new();
    let mut cursors = Vec::new();
    let mut path = format!("{base}?limit=100");
    loop {
        let page: Value = sim.get(&path).await.json().await.unwrap();
        let results = page["results"].as_array().unwrap();
        ids.extend(
            results
                .iter()
                .map(|u| u["id"].as_str().unwrap().to_string()),
        );
        match page["paging"]["next"]["after"].as_str() {
            Some(after) => {
                assert_eq!(results.len(), 100);
                cursors.push(after.to_string());
                path = format!("{base}?limit=100&after={after}");
            }
            None => break,
        }
    }
    (ids, cursors)
}

/// What one request got: a status, or `None` for a dropped connection.
pub async fn fault_outcomes(seed: u64, count: usize) -> Vec<Option<u16>> {
    let sim = start_with(&portal(1), |c, _| {
        c.fail_rate = 1.0;
        c.seed = Some(seed);
    })
    .await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut seen = Vec::new();
    for _ in 0..count {
        let result = client
            .get(format!("{}/settings/v3/users", sim.base))
            .bearer_auth(TOKEN)
            .send()
            .await;
        seen.push(result.ok().map(|r| r.status().as_u16()));
    }
    seen
}

/// Whether `program args` runs successfully in `dir`.
pub fn succeeds(program: &str, args: &[&str], dir: &Path) -> bool {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `program script BASE TOKEN` in `dir` against `sim`, checks that it succeeded and
/// said `ok:`, and returns its standard output.
pub async fn run_client(
    sim: &Sim,
    program: &'static str,
    script: &'static str,
    dir: &'static str,
) -> String {
    let base = sim.base.clone();
    let output: Output = tokio::task::spawn_blocking(move || {
        Command::new(program)
            .args([script, &base, TOKEN])
            .current_dir(dir)
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("ok:"), "{stdout}");
    stdout.into_owned()
}

/// Serves a five-user portal, runs `program script BASE TOKEN` in `dir`, and checks that it
/// succeeded and left the portal as it found it.
pub async fn drive(program: &'static str, script: &'static str, dir: &'static str) {
    let sim = start_with(&portal(5), |_, _| {}).await;
    println!("{}", run_client(&sim, program, script, dir).await);
    let saved = sim.reload();
    assert_eq!(saved.state.users.len(), 5);
    assert_eq!(saved.state.users, portal(5).state.users);
}
