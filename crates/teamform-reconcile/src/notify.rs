//! Notifications of cycles that found drift or failed: a Slack-compatible webhook message
//! (`text` and `blocks`, `--notify URL`) and one GitHub issue per portal, opened or updated
//! through GitHub's REST API (`--notify-github-issue OWNER/REPO`, token from `GITHUB_TOKEN`).
//!
//! The same news is announced once: each target keeps, per portal, a digest of what it last
//! announced (the status, the objects, who changed them and when, the failure), saved in the
//! cache directory (`notify.json`, written to a temporary file and renamed) so that a restart
//! does not announce it again; a clean cycle clears it. A notification that cannot be
//! delivered is returned as a [`Failure`] and retried at the next cycle; it never stops
//! reconciliation. Neither the webhook URL (a secret) nor a token is ever part of a message.

use crate::cycle::{CycleLog, Status};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// GitHub's API.
pub const GITHUB_API: &str = "https://api.github.com";

/// The label of the issues teamform opens.
pub const LABEL: &str = "teamform";

/// Where notifications go.
#[derive(Clone, Default)]
pub struct Targets {
    /// A Slack-compatible incoming webhook.
    pub webhook: Option<String>,
    /// A GitHub repository (`OWNER/REPO`) for one issue per portal.
    pub github_repo: Option<String>,
    /// GitHub's API base.
    pub github_api: String,
    /// The GitHub token.
    pub github_token: Option<String>,
}

impl std::fmt::Debug for Targets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Targets")
            .field("webhook", &self.webhook.as_ref().map(|_| "***"))
            .field("github_repo", &self.github_repo)
            .field("github_api", &self.github_api)
            .finish_non_exhaustive()
    }
}

/// A notification that could not be delivered.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Failure {
    /// What the line is about: always `notification-failed`.
    pub event: &'static str,
    /// The portal.
    pub portal: String,
    /// `webhook`, `github`, or `state` when what was announced could not be saved.
    pub target: &'static str,
    /// Why.
    pub message: String,
}

/// What was last announced about one portal.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
struct Announced {
    /// The digest last posted to the webhook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    webhook: Option<String>,
    /// The digest last written to the GitHub issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    github: Option<String>,
    /// The portal's issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issue: Option<u64>,
}

/// The notifier and its saved state.
pub struct Notifier {
    targets: Targets,
    client: reqwest::Client,
    path: PathBuf,
    state: BTreeMap<String, Announced>,
}

/// The news of a cycle: a headline and its lines, or nothing to say.
struct News {
    digest: String,
    headline: String,
    lines: Vec<String>,
}

impl Notifier {
    /// A notifier keeping its state in `cache/notify.json` (read when it exists; an unreadable
    /// one is started afresh, which at worst announces once more).
    pub fn new(targets: Targets, cache: &Path) -> Result<Notifier, String> {
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("teamform/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        let path = cache.join("notify.json");
        let state = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Ok(Notifier {
            targets,
            client,
            path,
            state,
        })
    }

    /// Whether any target is set.
    pub fn enabled(&self) -> bool {
        self.targets.webhook.is_some() || self.targets.github_repo.is_some()
    }

    /// Announces what `log` found, to each target that has not announced it yet.
    pub async fn cycle(&mut self, name: &str, log: &CycleLog, report: bool) -> Vec<Failure> {
        let mut failures = Vec::new();
        let news = news(name, log, report);
        let mut entry = self.state.get(name).cloned().unwrap_or_default();
        let Some(news) = news else {
            if log.status == Status::Ok && (entry.webhook.is_some() || entry.github.is_some()) {
                entry.webhook = None;
                entry.github = None;
                self.save(name, entry, &mut failures);
            }
            return failures;
        };
        if let Some(url) = self.targets.webhook.clone()
            && entry.webhook.as_deref() != Some(&news.digest)
        {
            match self.post_webhook(&url, &news).await {
                Ok(()) => entry.webhook = Some(news.digest.clone()),
                Err(message) => failures.push(failure(name, "webhook", message)),
            }
        }
        if self.targets.github_repo.is_some() && entry.github.as_deref() != Some(&news.digest) {
            match self.github_issue(name, entry.issue, &news).await {
                Ok(number) => {
                    entry.github = Some(news.digest.clone());
                    entry.issue = Some(number);
                }
                Err(message) => failures.push(failure(name, "github", message)),
            }
        }
        self.save(name, entry, &mut failures);
        failures
    }

    fn save(&mut self, name: &str, entry: Announced, failures: &mut Vec<Failure>) {
        if self.state.get(name) == Some(&entry) {
            return;
        }
        self.state.insert(name.to_string(), entry);
        if let Err(e) = write_atomic(&self.path, &self.state) {
            failures.push(failure(name, "state", e));
        }
    }

    async fn post_webhook(&self, url: &str, news: &News) -> Result<(), String> {
        let text = format!("{}\n{}", news.headline, news.lines.join("\n"));
        let mut blocks = vec![json!({
            "type": "section",
            "text": { "type": "mrkdwn", "text": news.headline },
        })];
        if !news.lines.is_empty() {
            blocks.push(json!({
                "type": "section",
                "text": { "type": "mrkdwn", "text": news.lines.join("\n") },
            }));
        }
        let body = json!({ "text": text, "blocks": blocks });
        let response = self.client.post(url).json(&body).send().await;
        answered("the webhook", response).await.map(|_| ())
    }

    /// Opens the portal's issue, or updates (and reopens) it; returns its number.
    async fn github_issue(
        &self,
        name: &str,
        known: Option<u64>,
        news: &News,
    ) -> Result<u64, String> {
        let (Some(repo), Some(token)) = (&self.targets.github_repo, &self.targets.github_token)
        else {
            return Err("`GITHUB_TOKEN` is not set".to_string());
        };
        let api = self.targets.github_api.trim_end_matches('/');
        let title = format!("teamform: portal `{name}` needs attention");
        let body = format!(
            "{}\n\n{}\n\n_Updated by `teamform reconcile` at each new finding._",
            news.headline,
            news.lines.join("\n")
        );
        let request = |method: reqwest::Method, url: String| {
            self.client
                .request(method, url)
                .bearer_auth(token)
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", "2022-11-28")
        };
        let number = match known {
            Some(n) => Some(n),
            None => {
                let url =
                    format!("{api}/repos/{repo}/issues?state=all&labels={LABEL}&per_page=100");
                let found =
                    answered("GitHub", request(reqwest::Method::GET, url).send().await).await?;
                (found.as_array().into_iter().flatten())
                    .find(|i| i["title"].as_str() == Some(title.as_str()))
                    .and_then(|i| i["number"].as_u64())
            }
        };
        match number {
            Some(n) => {
                let url = format!("{api}/repos/{repo}/issues/{n}");
                let update = json!({ "title": title, "body": body, "state": "open" });
                let sent = request(reqwest::Method::PATCH, url)
                    .json(&update)
                    .send()
                    .await;
                answered("GitHub", sent).await?;
                Ok(n)
            }
            None => {
                let url = format!("{api}/repos/{repo}/issues");
                let issue = json!({ "title": title, "body": body, "labels": [LABEL] });
                let sent = request(reqwest::Method::POST, url)
                    .json(&issue)
                    .send()
                    .await;
                let created = answered("GitHub", sent).await?;
                created["number"]
                    .as_u64()
                    .ok_or_else(|| "GitHub answered without an issue number".to_string())
            }
        }
    }
}

fn failure(portal: &str, target: &'static str, message: String) -> Failure {
    Failure {
        event: "notification-failed",
        portal: portal.to_string(),
        target,
        message,
    }
}

/// The JSON body of a successful answer (null when it has none); the error never shows the
/// URL, which may hold a secret.
async fn answered(
    whom: &str,
    response: Result<reqwest::Response, reqwest::Error>,
) -> Result<serde_json::Value, String> {
    let response =
        response.map_err(|e| format!("{whom} could not be reached: {}", e.without_url()))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("{whom} answered {status}"));
    }
    let bytes = response.bytes().await.unwrap_or_default();
    Ok(serde_json::from_slice(&bytes).unwrap_or_default())
}

/// What a cycle has to say: drift (in `report` mode, any difference) or a failure.
fn news(name: &str, log: &CycleLog, report: bool) -> Option<News> {
    let commit: String = (log.applied_commit.as_deref().or(log.commit.as_deref()))
        .unwrap_or("")
        .chars()
        .take(8)
        .collect();
    let mut hasher = Sha256::new();
    let headline = if log.status != Status::Ok {
        let message = log.message.clone().unwrap_or_default();
        hasher.update(format!("{:?}\n{message}", log.status));
        format!(
            "*teamform*: the reconcile of portal `{name}` failed ({}): {message}",
            serde_json::to_value(log.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        )
    } else if log.changes > 0 && (log.drift || report) {
        hasher.update("drift\n");
        let done = match log.performed {
            0 => "not reverted".to_string(),
            n => format!("reverted with {n} operations"),
        };
        format!(
            "*teamform*: portal `{name}` differs from the policy at `{commit}` in {} objects ({done})",
            log.objects.len()
        )
    } else {
        return None;
    };
    let mut lines = Vec::new();
    for object in &log.objects {
        let who = log.attribution.iter().find(|a| &a.object == object);
        let line = match who {
            Some(a) => format!(
                "• `{object}`: {} by {} at {}",
                a.event,
                a.by.as_deref().unwrap_or("a private app"),
                a.at
            ),
            None => format!("• `{object}`"),
        };
        hasher.update(&line);
        lines.push(line);
    }
    let more = lines.len().saturating_sub(MAX_LINES);
    lines.truncate(MAX_LINES);
    if more > 0 {
        lines.push(format!("… and {more} more"));
    }
    let digest = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Some(News {
        digest,
        headline,
        lines,
    })
}

/// The most objects a message lists.
const MAX_LINES: usize = 30;

/// Writes `value` as JSON to `path` through a temporary file and a rename.
fn write_atomic(path: &Path, value: &impl Serialize) -> Result<(), String> {
    let bytes = serde_json::to_vec_pretty(value).map_err(|e| e.to_string())?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| format!("cannot save `{}`: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Attribution;

    fn drifted(by: &str, at: &str) -> CycleLog {
        let mut log = CycleLog::new(Some("acme".to_string()));
        log.changes = 1;
        log.drift = true;
        log.objects = vec!["user:lea@acme.example".to_string()];
        log.attribution = vec![Attribution {
            object: "user:lea@acme.example".to_string(),
            id: "7".to_string(),
            by: Some(by.to_string()),
            by_id: 2,
            at: at.to_string(),
            event: "UPDATE".to_string(),
        }];
        log
    }

    #[test]
    fn the_same_drift_has_the_same_digest_and_a_new_change_another() {
        let first = news(
            "acme",
            &drifted("bob@acme.example", "2026-11-21T10:00:00Z"),
            false,
        );
        let again = news(
            "acme",
            &drifted("bob@acme.example", "2026-11-21T10:00:00Z"),
            false,
        );
        let later = news(
            "acme",
            &drifted("bob@acme.example", "2026-11-22T10:00:00Z"),
            false,
        );
        let digest = |n: &Option<News>| n.as_ref().map(|n| n.digest.clone());
        assert!(first.is_some());
        assert_eq!(digest(&first), digest(&again));
        assert_ne!(digest(&first), digest(&later));
        let text = first.map(|n| n.lines.join("\n")).unwrap_or_default();
        assert_eq!(
            text,
            "• `user:lea@acme.example`: UPDATE by bob@acme.example at 2026-11-21T10:00:00Z"
        );
    }

    #[test]
    fn a_clean_cycle_or_an_unapplied_commit_in_apply_mode_is_no_news() {
        assert!(news("acme", &CycleLog::new(None), false).is_none());
        let mut commit = drifted("bob@acme.example", "2026-11-21T10:00:00Z");
        commit.drift = false;
        assert!(news("acme", &commit, false).is_none());
        assert!(
            news("acme", &commit, true).is_some(),
            "report mode reports any difference"
        );
    }

    #[test]
    fn the_state_is_saved_by_a_rename_and_read_back() -> Result<(), String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let mut state = BTreeMap::new();
        state.insert(
            "acme".to_string(),
            Announced {
                webhook: Some("abc".to_string()),
                github: None,
                issue: Some(7),
            },
        );
        let path = dir.path().join("cache/notify.json");
        write_atomic(&path, &state)?;
        assert!(!path.with_extension("json.tmp").exists());
        let notifier = Notifier::new(Targets::default(), &dir.path().join("cache"))?;
        assert_eq!(notifier.state, state);
        Ok(())
    }
}
