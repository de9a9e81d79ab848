//! Watch mode: recompiles the policy on every save (notify, debounced), and prints the
//! diagnostics and, when the policy is valid, the plan and access diff against a snapshot of
//! the live portal read once at start (and again on request).
//!
//! It watches the policy directory itself, not single files, so editors' atomic saves (write a
//! temporary file, then rename) and files added or removed are all seen; a policy error never
//! stops it.

mod render;

pub use render::{Frame, render_frame};

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use teamform_model::Date;
use teamform_portal::{Capabilities, LiveState};

/// A snapshot of the live portal to plan against.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The live state.
    pub live: LiveState,
    /// What the provider can do.
    pub capabilities: Capabilities,
    /// The provider's description.
    pub portal: String,
}

/// What the watcher reacts to.
#[derive(Debug)]
pub enum Event {
    /// Policy files changed.
    Changed,
    /// Read the live portal again (`r`).
    Refresh,
    /// Stop (`q`, end of input).
    Quit,
}

/// Settings of watch mode.
#[derive(Clone, Debug)]
pub struct Options {
    /// The policy directory.
    pub policies: PathBuf,
    /// Today, for `expires`.
    pub today: Date,
    /// How long to wait for a burst of file events to settle.
    pub debounce: Duration,
    /// Re-read the portal this often, if set.
    pub refresh: Option<Duration>,
    /// Clear the screen before each frame (on a terminal).
    pub clear: bool,
    /// Colours.
    pub color: bool,
}

/// Why watch mode stopped abnormally.
#[derive(Debug)]
pub struct WatchError(pub String);

impl std::fmt::Display for WatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WatchError {}

/// Starts watching `dir`; events arrive on the returned channel, which `events` may also be
/// given to other sources (the keyboard).
pub fn watch_dir(
    dir: &Path,
    debounce: Duration,
    events: mpsc::Sender<Event>,
) -> Result<impl Drop, WatchError> {
    let mut debouncer = new_debouncer(debounce, None, move |result: DebounceEventResult| {
        if let Ok(batch) = result {
            let relevant = batch.iter().any(|e| {
                e.paths.iter().any(|p| {
                    p.extension().is_some_and(|x| x == "toml") || p.is_dir() || !p.exists()
                })
            });
            if relevant {
                let _ = events.send(Event::Changed);
            }
        }
    })
    .map_err(|e| WatchError(format!("cannot watch `{}`: {e}", dir.display())))?;
    debouncer
        .watch(dir, RecursiveMode::Recursive)
        .map_err(|e| WatchError(format!("cannot watch `{}`: {e}", dir.display())))?;
    Ok(debouncer)
}

/// Runs the watch loop until [`Event::Quit`]: renders a frame at start and after every event.
/// `read_live` reads the portal (at start and on [`Event::Refresh`]).
pub fn run(
    options: &Options,
    events: &mpsc::Receiver<Event>,
    read_live: &mut dyn FnMut() -> Result<Snapshot, String>,
    out: &mut dyn Write,
) -> Result<(), WatchError> {
    let mut snapshot = read_live();
    let mut last_refresh = Instant::now();
    let frame = |snapshot: &Result<Snapshot, String>,
                 out: &mut dyn Write|
     -> Result<(), WatchError> {
        let started = Instant::now();
        let text = render_frame(&Frame {
            policies: &options.policies,
            today: options.today,
            snapshot: snapshot.as_ref().ok(),
            snapshot_error: snapshot.as_ref().err().map(String::as_str),
            color: options.color,
        });
        let clear = if options.clear { "\x1b[2J\x1b[H" } else { "" };
        let footer = format!(
            "\n[watching {} · compiled and planned in {} ms · r: re-read the portal · q: quit]\n",
            options.policies.display(),
            started.elapsed().as_millis()
        );
        out.write_all(format!("{clear}{text}{footer}").as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| WatchError(format!("cannot write: {e}")))
    };
    frame(&snapshot, out)?;
    loop {
        let timeout = options.refresh.map_or(Duration::from_secs(3600), |r| {
            r.saturating_sub(last_refresh.elapsed())
        });
        match events.recv_timeout(timeout) {
            Ok(Event::Changed) => {
                // Let a burst of saves settle into one frame.
                while let Ok(Event::Changed) = events.try_recv() {}
                frame(&snapshot, out)?;
            }
            Ok(Event::Refresh) => {
                snapshot = read_live();
                last_refresh = Instant::now();
                frame(&snapshot, out)?;
            }
            Ok(Event::Quit) | Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if options.refresh.is_some() {
                    snapshot = read_live();
                    last_refresh = Instant::now();
                    frame(&snapshot, out)?;
                }
            }
        }
    }
}
