//! `teamform reconcile`: wires the repository mirror, the portal and SIGTERM to the loop.

use crate::cli::{PortalArgs, ReconcileMode};
use crate::{exit, portal, today};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use teamform_compiler::Options;
use teamform_git::PolicyRepo;
use teamform_portal::Provider;
use teamform_reconcile::{Cycle, Mode, parse_interval};

pub struct Args {
    pub repo: String,
    pub branch: String,
    pub path: PathBuf,
    pub portal: PortalArgs,
    pub interval: String,
    pub mode: ReconcileMode,
    pub once: bool,
    pub cache: PathBuf,
    pub today: Option<String>,
}

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

pub fn run(a: &Args) -> i32 {
    let go = || -> Result<i32, i32> {
        let interval = parse_interval(&a.interval).map_err(|e| super::usage_error(&e))?;
        let today = match &a.today {
            Some(t) => today::parse(t).map_err(|e| super::usage_error(&e))?,
            None => today::system(),
        };
        let spec = portal::Spec::choose(
            a.portal.portal.as_deref(),
            a.portal.api_base.as_deref(),
            None,
        )
        .map_err(|e| super::usage_error(&e))?;
        let url = if std::path::Path::new(&a.repo).exists() {
            std::fs::canonicalize(&a.repo)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| a.repo.clone())
        } else {
            a.repo.clone()
        };
        let repo =
            PolicyRepo::mirror(&url, &a.cache.join(mirror_name(&url)), &a.path).map_err(|e| {
                eprintln!("error: {e}");
                exit::INVALID
            })?;
        let stop = Arc::new(AtomicBool::new(false));
        for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
            signal_hook::flag::register(signal, Arc::clone(&stop)).map_err(|e| {
                eprintln!("error: cannot handle signals: {e}");
                exit::INVALID
            })?;
        }
        let mut open = || -> Result<Box<dyn Provider>, String> { portal::open_locked(&spec) };
        let mode = match a.mode {
            ReconcileMode::Apply => Mode::Apply,
            ReconcileMode::Report => Mode::Report,
        };
        let mut cycle = Cycle::new(repo, &a.branch, mode, Options { today }, &mut open);
        let last = teamform_reconcile::run(
            &mut cycle,
            interval,
            a.once,
            &stop,
            &mut std::io::stdout().lock(),
        );
        Ok(match last {
            Some(l) if a.once && l.status != teamform_reconcile::Status::Ok => exit::PORTAL,
            _ => exit::SUCCESS,
        })
    };
    go().unwrap_or_else(|c| c)
}
