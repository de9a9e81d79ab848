//! `teamform watch`: wires the file watcher, the keyboard and the portal snapshot.

use crate::cli::WatchArgs;
use crate::error::{Error, ExitStatus, Outcome};
use crate::{policy, portal};
use std::io::{BufRead, IsTerminal};
use std::sync::mpsc;
use std::time::Duration;
use teamform_portal::{PortalError, Provider};
use teamform_watch::{Event, Options, Snapshot, watch_dir};

pub fn run(a: &WatchArgs) -> Outcome {
    let (args, portal_args, refresh) = (&a.policy, &a.portal, a.refresh);
    let compiler = policy::options(args).map_err(Error::invalid)?;
    let spec = {
        let load = teamform_model::load_dir(&args.policies);
        portal::Spec::choose(
            portal_args.portal.as_deref(),
            portal_args.api_base.as_deref(),
            Some(&load.policy),
        )
        .map_err(Error::invalid)?
    };
    // A portal that cannot be opened (a sandbox file that does not exist, a missing token) is
    // not mended by reading it again: say so and stop. A read that fails is shown in the frame.
    portal::open(&spec)?;
    let (tx, rx) = mpsc::channel();
    let _watcher = watch_dir(&args.policies, teamform_watch::DEBOUNCE, tx.clone())
        .map_err(|e| Error::invalid(e.to_string()).with_source(e))?;
    // The keyboard: `r` and `q`. The end of input (`< /dev/null`, a process manager) only
    // means no more commands: this thread ends, and the watcher's own sender keeps the loop
    // going on saves.
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            let event = match line.trim() {
                "r" => Event::Refresh,
                "q" => Event::Quit,
                _ => continue,
            };
            if tx.send(event).is_err() {
                break;
            }
        }
    });
    let terminal = std::io::stdout().is_terminal();
    let options = Options {
        policies: args.policies.clone(),
        today: compiler.today,
        refresh: refresh.map(Duration::from_secs),
        clear: terminal,
        color: crate::policy::colored(terminal),
    };
    let mut read_live = || -> Result<Snapshot, PortalError> {
        let mut provider = portal::open(&spec)?;
        Ok(Snapshot {
            live: provider.read()?,
            capabilities: provider.capabilities(),
            portal: provider.describe(),
            screens: provider.screens(),
        })
    };
    teamform_watch::run(&options, &rx, &mut read_live, &mut std::io::stdout().lock())
        .map_err(|e| Error::invalid(e.to_string()).with_source(e))?;
    Ok(ExitStatus::Success)
}
