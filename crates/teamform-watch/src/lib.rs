//! Watch mode: recompiles the policy on every save (notify, debounced), and prints the
//! diagnostics and, when the policy is valid, the plan and access diff against a snapshot of
//! the live portal read once at start (and again on request).
//!
//! It watches the policy directory itself, not single files, so editors' atomic saves (write a
//! temporary file, then rename) and files added or removed are all seen; a policy error never
//! stops it. Only changes wake it: reading a file (its own reads of the policy included) is
//! not one, so it draws a frame per save and is idle in between. The events of one save come
//! within a millisecond or so, and are let settle for [`DEBOUNCE`]; when they come in two
//! bursts all the same (a loaded machine), the second frame shows what the first did and is
//! not drawn.

mod compiling;
mod render;

pub use compiling::Compiling;
pub use render::{Frame, render_frame};

use notify::RecursiveMode;
use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use teamform_model::Date;
use teamform_portal::{Capabilities, LiveState, PortalError};

/// How long a burst of file events is let settle before a frame: part of every save's
/// latency (the target from save to frame is 200 ms on a 100,000-user org), and longer than
/// the events of an editor's atomic save are apart.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// A snapshot of the live portal to plan against.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The live state.
    pub live: LiveState,
    /// What the provider can do.
    pub capabilities: Capabilities,
    /// The provider's description.
    pub portal: String,
    /// The provider's screens, for the manual steps.
    pub screens: &'static teamform_portal::Screens,
}

/// What the watcher reacts to.
#[derive(Debug)]
pub enum Event {
    /// Policy files changed.
    Changed,
    /// Read the live portal again (`r`).
    Refresh,
    /// Stop (`q`). The end of the keyboard's input is not one: it means no more commands,
    /// and watching goes on.
    Quit,
}

/// Settings of watch mode.
#[derive(Clone, Debug)]
pub struct Options {
    /// The policy directory.
    pub policies: PathBuf,
    /// Today, for `expires`.
    pub today: Date,
    /// Re-read the portal this often, if set.
    pub refresh: Option<Duration>,
    /// Clear the screen before each frame (on a terminal).
    pub clear: bool,
    /// Colours.
    pub color: bool,
}

/// Why watch mode stopped abnormally.
#[derive(Debug)]
pub enum WatchError {
    /// The policy directory cannot be watched.
    Watch {
        /// The directory.
        dir: PathBuf,
        /// The file watcher's error.
        source: notify::Error,
    },
    /// A frame cannot be written to the output.
    Write(std::io::Error),
}

impl std::fmt::Display for WatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WatchError::Watch { dir, source } => {
                write!(f, "cannot watch `{}`: {source}", dir.display())
            }
            WatchError::Write(e) => write!(f, "cannot write: {e}"),
        }
    }
}

impl std::error::Error for WatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WatchError::Watch { source, .. } => Some(source),
            WatchError::Write(e) => Some(e),
        }
    }
}

/// Whether a file system event of `kind` can change the policy. Opening, reading and closing
/// a file without writing are not changes (watch reads every file for each frame, so counting
/// them would wake it forever), nor is a new access time.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Create(_)
        | EventKind::Modify(_)
        | EventKind::Remove(_)
        | EventKind::Any
        | EventKind::Other => true,
    }
}

/// Starts watching `dir`; events arrive on the returned channel, which `events` may also be
/// given to other sources (the keyboard).
pub fn watch_dir(
    dir: &Path,
    debounce: Duration,
    events: mpsc::Sender<Event>,
) -> Result<impl Drop, WatchError> {
    let mut debouncer = new_debouncer(debounce, None, move |result: DebounceEventResult| {
        if let Ok(batch) = result {
            let relevant = batch.iter().filter(|e| is_change(&e.kind)).any(|e| {
                e.need_rescan()
                    || e.paths.iter().any(|p| {
                        p.extension().is_some_and(|x| x == "toml") || p.is_dir() || !p.exists()
                    })
            });
            if relevant {
                let _ = events.send(Event::Changed);
            }
        }
    })
    .map_err(|source| WatchError::Watch {
        dir: dir.to_path_buf(),
        source,
    })?;
    debouncer
        .watch(dir, RecursiveMode::Recursive)
        .map_err(|source| WatchError::Watch {
            dir: dir.to_path_buf(),
            source,
        })?;
    Ok(debouncer)
}

/// What a frame's write says about the loop.
enum Written {
    /// Go on.
    Shown,
    /// Standard output was closed (the reader went away): stop quietly.
    Closed,
}

/// Runs the watch loop until [`Event::Quit`], the end of the event channel, or the output
/// closing (its reader went away): renders a frame at start and after every event.
/// `read_live` reads the portal (at start and on [`Event::Refresh`]).
pub fn run(
    options: &Options,
    events: &mpsc::Receiver<Event>,
    read_live: &mut dyn FnMut() -> Result<Snapshot, PortalError>,
    out: &mut dyn Write,
) -> Result<(), WatchError> {
    let mut snapshot = read_live();
    let mut last_refresh = Instant::now();
    // The policy as last compiled: a save of users' tables is taken in place.
    let mut compiling = Compiling::default();
    // The text of the last frame shown: a frame after a save that shows the same (the
    // second burst of events of one save, a save without a change) is not drawn again.
    let mut shown: Option<String> = None;
    let mut frame = |snapshot: &Result<Snapshot, PortalError>,
                     out: &mut dyn Write,
                     after_save: bool|
     -> Result<Written, WatchError> {
        let started = Instant::now();
        let text = render_frame(
            &Frame {
                policies: &options.policies,
                today: options.today,
                snapshot: snapshot.as_ref().ok(),
                snapshot_error: snapshot
                    .as_ref()
                    .err()
                    .map(PortalError::to_string)
                    .as_deref(),
                color: options.color,
            },
            &mut compiling,
        );
        if after_save && shown.as_ref() == Some(&text) {
            return Ok(Written::Shown);
        }
        let clear = if options.clear { "\x1b[2J\x1b[H" } else { "" };
        let footer = format!(
            "\n[watching {} · compiled and planned in {} ms · r: re-read the portal · q: quit]\n",
            options.policies.display(),
            started.elapsed().as_millis()
        );
        let written = match out
            .write_all(format!("{clear}{text}{footer}").as_bytes())
            .and_then(|()| out.flush())
        {
            Ok(()) => Ok(Written::Shown),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Written::Closed),
            Err(e) => Err(WatchError::Write(e)),
        };
        shown = Some(text);
        written
    };
    if let Written::Closed = frame(&snapshot, out, false)? {
        return Ok(());
    }
    // An event taken from the channel while letting a burst of saves settle, to handle next.
    let mut pending: Option<Event> = None;
    loop {
        let timeout = options.refresh.map_or(Duration::from_secs(3600), |r| {
            r.saturating_sub(last_refresh.elapsed())
        });
        let received = match pending.take() {
            Some(event) => Ok(event),
            None => events.recv_timeout(timeout),
        };
        let written = match received {
            Ok(Event::Changed) => {
                // Let a burst of saves settle into one frame; any other event (a `q` typed
                // meanwhile) is kept for the next turn, never dropped.
                loop {
                    match events.try_recv() {
                        Ok(Event::Changed) => {}
                        Ok(other) => {
                            pending = Some(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                if let Some(Event::Quit) = pending {
                    return Ok(());
                }
                frame(&snapshot, out, true)?
            }
            Ok(Event::Refresh) => {
                snapshot = read_live();
                last_refresh = Instant::now();
                frame(&snapshot, out, false)?
            }
            Ok(Event::Quit) | Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if options.refresh.is_none() {
                    continue;
                }
                snapshot = read_live();
                last_refresh = Instant::now();
                frame(&snapshot, out, false)?
            }
        };
        if let Written::Closed = written {
            return Ok(());
        }
    }
}
