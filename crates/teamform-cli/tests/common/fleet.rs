//! A fleet of simulated portals for `reconcile --portals-dir`: a repository with one small
//! policy per portal, each portal a seeded sandbox served by its own `teamform sim`, and a
//! stand-in for the webhook and GitHub's API that records what it is sent.

use super::*;
use std::sync::{Arc, Mutex};

/// The policy of portal `name`: one team, one role, a super admin and Bob.
pub fn policy(name: &str) -> String {
    format!(
        r#"[portal]
name = "{name}"
tiers = {{ sales = "professional" }}

[team.sales]
name = "Sales"

[role.rep]
name = "Rep"
crm.contacts = {{ view = "owned", edit = "owned" }}

[user."ana@{name}.example"]
name = "Ana Pop"
role = "rep"
team = "sales"
super_admin = true

[user."bob@{name}.example"]
name = "Bob Ionescu"
role = "rep"
team = "sales"
"#
    )
}

/// One portal: its simulator and its token.
pub struct Portal {
    /// The portal's name.
    pub name: String,
    /// Its simulator.
    pub sim: Sim,
    /// Its private app's token.
    pub token: String,
    /// Bob's own token (writes with it are Bob's hand-made changes).
    pub bob_token: String,
}

/// A repository at `dir/repo` with `portals/NAME/portal.toml` for each of `names`, committed
/// on `main`, and the portals seeded and served (with `extra(NAME)` simulator arguments).
pub fn fleet(
    dir: &Path,
    names: &[&str],
    extra: impl Fn(&str) -> Vec<String>,
) -> std::io::Result<Vec<Portal>> {
    let repo = dir.join("repo");
    let mut portals = Vec::new();
    for name in names {
        let policies = repo.join("portals").join(name);
        std::fs::create_dir_all(&policies)?;
        std::fs::write(policies.join("portal.toml"), policy(name))?;
        let seed = dir.join(format!("seed-{name}"));
        std::fs::create_dir_all(&seed)?;
        let arg = policies.display().to_string();
        let state = seeded_sandbox(&seed, &arg)?;
        let token = format!("pat-{name}-secret-0042");
        let bob_token = format!("bob-{name}-secret-0077");
        let bob = format!("bob@{name}.example={bob_token}");
        let more = extra(name);
        let mut args = vec!["--user-token", bob.as_str()];
        args.extend(more.iter().map(String::as_str));
        let sim = start_sim(&state, &token, &args)?;
        portals.push(Portal {
            name: name.to_string(),
            sim,
            token,
            bob_token,
        });
    }
    let ok = git(&repo, &["init", "-q", "-b", "main"])
        && git(&repo, &["add", "."])
        && git(&repo, &["commit", "-q", "-m", "Portals"]);
    if !ok {
        return Err(std::io::Error::other("cannot commit the portals"));
    }
    Ok(portals)
}

/// What the stand-in was sent: method, path, body.
pub type Received = Arc<Mutex<Vec<(String, String, String)>>>;

/// A stand-in for a webhook (`POST /hook`) and GitHub's issues API on loopback, on its own
/// runtime; the first `fail_first` webhook posts are answered 500. Returns its base URL and
/// what it received.
pub fn stand_in(
    runtime: &tokio::runtime::Runtime,
    fail_first: usize,
) -> std::io::Result<(String, Received)> {
    use axum::http::{Method, StatusCode, Uri};
    let received: Received = Arc::default();
    let seen = Arc::clone(&received);
    let failures = Arc::new(Mutex::new(fail_first));
    let app = axum::Router::new().fallback(move |method: Method, uri: Uri, body: String| {
        let seen = Arc::clone(&seen);
        let failures = Arc::clone(&failures);
        async move {
            let path = uri.to_string();
            if let Ok(mut s) = seen.lock() {
                s.push((method.to_string(), path.clone(), body));
            }
            let mut left = failures.lock().unwrap_or_else(|e| e.into_inner());
            match (method.as_str(), path.as_str()) {
                ("POST", "/hook") if *left > 0 => {
                    *left -= 1;
                    (StatusCode::INTERNAL_SERVER_ERROR, String::new())
                }
                ("POST", "/hook") => (StatusCode::OK, "ok".to_string()),
                ("GET", _) => (StatusCode::OK, "[]".to_string()),
                ("POST", _) => (StatusCode::CREATED, r#"{"number": 7}"#.to_string()),
                _ => (StatusCode::OK, "{}".to_string()),
            }
        }
    });
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    runtime.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((format!("http://{addr}"), received))
}

/// Bob renames himself by hand in `portal`, with his own token; his user id.
pub async fn rename_bob(http: &reqwest::Client, portal: &Portal) -> Result<String, reqwest::Error> {
    let base = &portal.sim.base;
    let url = format!(
        "{base}/settings/v3/users/bob@{}.example?idProperty=EMAIL",
        portal.name
    );
    let bob: serde_json::Value = (http.get(&url).bearer_auth(&portal.token).send().await?)
        .json()
        .await?;
    let id = bob["id"].as_str().unwrap_or_default().to_string();
    let body = serde_json::json!({ "firstName": "Robert" });
    (http.put(format!("{base}/settings/v3/users/{id}")))
        .bearer_auth(&portal.bob_token)
        .json(&body)
        .send()
        .await?
        .error_for_status()?;
    Ok(id)
}
