//! `teamform reconcile`: wires the repository mirror, the portals, the HTTP endpoints, the
//! notifications and SIGTERM to the fleet loop (`teamform_reconcile::Fleet`).

use crate::cli::{ReconcileArgs as Args, ReconcileMode};
use crate::error::{Error, ExitStatus, Outcome};
use crate::{portal, today};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use teamform_compiler::Options;
use teamform_git::PolicyRepo;
use teamform_hubspot::open::Tokens;
use teamform_model::Policy;
use teamform_portal::{PortalError, Provider};
use teamform_reconcile::notify::{Notifier, Targets};
use teamform_reconcile::{Fleet, Layout, Mode, Open, Settings, Source, Status, parse_interval};

/// A directory name for the mirror of `url`.
fn mirror_name(url: &str) -> String {
    let mut name: String = url
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    name = name.trim_matches('-').to_string();
    name.chars()
        .rev()
        .take(60)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect()
}

/// Which portals: a directory of them, one of them, or the repository's one policy.
fn layout(a: &Args) -> Result<Layout, String> {
    if let Some(dir) = &a.portals_dir {
        return Ok(Layout::Dir(dir.clone()));
    }
    match &a.portal_dir {
        Some(dir) => match dir.file_name().and_then(|n| n.to_str()) {
            Some(name) => Ok(Layout::One {
                name: Some(name.to_string()),
                path: dir.clone(),
            }),
            None => Err(format!(
                "`--portal-dir {}` must name a portal's directory, such as `portals/acme`",
                dir.display()
            )),
        },
        None => Ok(Layout::One {
            name: None,
            path: a.path.clone(),
        }),
    }
}

/// How each portal is opened. The repository's one policy keeps `--portal` (default: the
/// sandbox); a portal of a fleet is its policy's `provider`, else HubSpot, with its own token
/// and its apply journal under the cache directory (`--cache`/journals/NAME.journal).
fn opener(a: &Args, layout: &Layout) -> Result<Open, String> {
    let flag = a.portal.portal.clone();
    let api_base = a.portal.api_base.clone();
    let journals = a.cache.join("journals");
    let tokens = match layout {
        Layout::One { name: None, .. } => {
            let spec = portal::Spec::choose(flag.as_deref(), api_base.as_deref(), None)?;
            return Ok(Arc::new(move |_: &str, _: &Policy| {
                portal::open_locked(&spec)
            }));
        }
        Layout::One { .. } => Tokens::OwnOrProcess,
        Layout::Dir(_) => Tokens::Own,
    };
    if let (Some(f), Layout::Dir(_)) = (&flag, layout)
        && f != "hubspot"
    {
        return Err(format!(
            "`--portal {f}` would make every portal of `--portals-dir` the same one; set `provider` in each portal's `[portal]` instead"
        ));
    }
    Ok(Arc::new(
        move |name: &str, policy: &Policy| -> Result<Box<dyn Provider>, PortalError> {
            let written = (policy.portal.as_ref())
                .and_then(|p| p.provider.as_ref())
                .map(|p| p.value.clone());
            let spec = match flag.as_deref().or(written.as_deref()) {
                Some(text) => {
                    portal::Spec::parse(text, api_base.as_deref()).map_err(PortalError::config)?
                }
                None => portal::Spec::HubSpot(api_base.clone()),
            };
            portal::open_portal(&spec, name, tokens, &journals)
        },
    ))
}

/// The notification targets; `--notify-github-issue` needs `GITHUB_TOKEN` and `OWNER/REPO`.
fn targets(a: &Args) -> Result<Targets, String> {
    let github_token = std::env::var("GITHUB_TOKEN").ok().filter(|t| !t.is_empty());
    if let Some(repo) = &a.notify_github_issue {
        let parts: Vec<&str> = repo.split('/').collect();
        if parts.len() != 2 || parts.iter().any(|p| p.is_empty()) {
            return Err(format!(
                "`--notify-github-issue {repo}` is not a repository; write `OWNER/REPO`"
            ));
        }
        if github_token.is_none() {
            return Err(
                "`--notify-github-issue` needs a token in `GITHUB_TOKEN` that may write issues"
                    .to_string(),
            );
        }
    }
    Ok(Targets {
        webhook: a.notify.clone(),
        github_repo: a.notify_github_issue.clone(),
        github_api: a.github_api.clone(),
        github_token,
    })
}

fn local_or_url(repo: &str) -> String {
    if Path::new(repo).exists() {
        std::fs::canonicalize(repo)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| repo.to_string())
    } else {
        repo.to_string()
    }
}

pub fn run(a: &Args) -> Outcome {
    let usage = |e: String| Error::invalid(e);
    let interval = parse_interval(&a.interval).map_err(usage)?;
    let today = match &a.today {
        Some(t) => today::parse(t).map_err(usage)?,
        None => today::system(),
    };
    let layout = layout(a).map_err(usage)?;
    let open = opener(a, &layout).map_err(usage)?;
    let targets = targets(a).map_err(usage)?;
    let source = match &a.repo {
        Some(repo) => {
            let url = local_or_url(repo);
            let mirror = a.cache.join(mirror_name(&url));
            let repo =
                PolicyRepo::mirror(&url, &mirror, &a.path).map_err(super::diff::git_error)?;
            Source::Mirror {
                repo,
                branch: a.branch.clone(),
            }
        }
        None => Source::WorkTree,
    };
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| Error::invalid(format!("cannot handle signals: {e}")).with_source(e))?;
    }
    let mode = match a.mode {
        ReconcileMode::Apply => Mode::Apply,
        ReconcileMode::Report => Mode::Report,
    };
    let settings = Settings {
        mode,
        options: Options { today },
        interval,
        once: a.once,
    };
    let mut fleet = Fleet::new(source, layout, settings, open);
    let mut out = std::io::stdout();
    if let Some(addr) = a.listen {
        let metrics = Arc::clone(&fleet.metrics);
        let runtime = fleet.runtime().map_err(usage)?;
        let bound = teamform_reconcile::serve::start(runtime, addr, metrics).map_err(usage)?;
        let line = serde_json::json!({ "event": "listening", "addr": bound.to_string() });
        outln!("{line}");
    }
    let notifier = Notifier::new(targets, &a.cache).map_err(usage)?;
    if notifier.enabled() {
        fleet.notify(notifier);
    }
    let last = fleet.run(&stop, &mut out);
    let failed = last.iter().any(|l| l.status != Status::Ok);
    Ok(if a.once && failed {
        ExitStatus::PortalFailed
    } else {
        ExitStatus::Success
    })
}
