//! The watch loop's events: reading the policy wakes nothing, a save does; a save that shows
//! nothing new draws no frame; a `q` typed while saves arrive is never lost; a closed output
//! ends the loop quietly.

use std::io::Write;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;
use teamform_portal::PortalError;
use teamform_watch::{Event, Options, Snapshot, WatchError, run, watch_dir};

/// Long enough for a loaded machine; the tests only wait this long when they fail.
const DEADLINE: Duration = Duration::from_secs(60);

fn options(dir: &Path) -> Options {
    Options {
        policies: dir.to_path_buf(),
        today: teamform_model::Date {
            year: 2026,
            month: 11,
            day: 25,
        },
        refresh: None,
        clear: false,
        color: false,
    }
}

/// Runs the loop on its own thread with `events`, writing to `out`; returns what it returned
/// and the number of frames, or `None` if it has not returned by the deadline.
fn run_until_return(
    dir: &Path,
    events: mpsc::Receiver<Event>,
    mut out: impl Write + Send + 'static + AsRef<[u8]>,
) -> Option<(Result<(), WatchError>, usize)> {
    let options = options(dir);
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let mut read_live =
            || -> Result<Snapshot, PortalError> { Err(PortalError::io("no portal")) };
        let result = run(&options, &events, &mut read_live, &mut out);
        let frames = String::from_utf8_lossy(out.as_ref())
            .matches("[watching ")
            .count();
        let _ = done.send((result, frames));
    });
    finished.recv_timeout(DEADLINE).ok()
}

#[test]
fn a_quit_typed_while_saves_arrive_is_not_lost() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let (tx, rx) = mpsc::channel();
    for event in [Event::Changed, Event::Changed, Event::Quit, Event::Changed] {
        let _ = tx.send(event);
    }
    // The sender stays alive: only the `q` can end the loop.
    let returned = run_until_return(dir.path(), rx, Vec::new());
    drop(tx);
    let Some((result, frames)) = returned else {
        panic!("the loop did not stop on `q` within {DEADLINE:?}");
    };
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(
        frames, 1,
        "only the first frame: `q` came before the save settled"
    );
    Ok(())
}

#[test]
fn a_refresh_typed_while_saves_arrive_is_not_lost() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let (tx, rx) = mpsc::channel();
    for event in [Event::Changed, Event::Refresh, Event::Quit] {
        let _ = tx.send(event);
    }
    let returned = run_until_return(dir.path(), rx, Vec::new());
    drop(tx);
    let Some((result, frames)) = returned else {
        panic!("the loop did not stop on `q` within {DEADLINE:?}");
    };
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(
        frames, 2,
        "the first frame and the refresh's (the save showed nothing new)"
    );
    Ok(())
}

/// A writer that hands each write (a whole frame) over a channel.
struct Frames(mpsc::Sender<String>);

impl Write for Frames {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = self.0.send(String::from_utf8_lossy(buf).into_owned());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_save_that_shows_nothing_new_draws_no_frame() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("teams.toml");
    std::fs::write(&file, "[team.a]\nname = \"A\"\n")?;
    let (tx, rx) = mpsc::channel();
    let (frames_tx, frames) = mpsc::channel();
    let options = options(dir.path());
    let looping = std::thread::spawn(move || {
        let mut read_live =
            || -> Result<Snapshot, PortalError> { Err(PortalError::io("no portal")) };
        run(&options, &rx, &mut read_live, &mut Frames(frames_tx))
    });
    let first = frames
        .recv_timeout(DEADLINE)
        .map_err(std::io::Error::other)?;
    assert!(!first.contains("nmae"), "{first}");
    // The second burst of one save's events (nothing changed), then a save with a typo: one
    // frame, the typo's, whichever of the two events it is drawn for. The save is atomic, as
    // an editor's: written beside, then renamed. Written in place, the loop could read the
    // file truncated and rightly draw a frame of its own for it.
    let _ = tx.send(Event::Changed);
    let beside = tempfile::tempdir()?;
    let written = beside.path().join("teams.toml");
    std::fs::write(&written, "[team.a]\nnmae = \"A\"\n")?;
    std::fs::rename(&written, &file)?;
    let _ = tx.send(Event::Changed);
    let typo = frames
        .recv_timeout(DEADLINE)
        .map_err(std::io::Error::other)?;
    assert!(typo.contains("nmae"), "the frame after the saves: {typo}");
    let _ = tx.send(Event::Quit);
    let joined = looping.join();
    assert!(matches!(joined, Ok(Ok(()))), "{joined:?}");
    let more: Vec<String> = frames.try_iter().collect();
    assert!(more.is_empty(), "frames that show nothing new: {more:?}");
    Ok(())
}

/// A writer whose reader went away.
struct Closed(Vec<u8>);

impl Write for Closed {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::ErrorKind::BrokenPipe.into())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl AsRef<[u8]> for Closed {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

#[test]
fn a_closed_output_ends_the_loop_quietly() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let (tx, rx) = mpsc::channel::<Event>();
    let returned = run_until_return(dir.path(), rx, Closed(Vec::new()));
    drop(tx);
    let Some((result, _)) = returned else {
        panic!("the loop went on writing to a closed output");
    };
    assert!(result.is_ok(), "{result:?}");
    Ok(())
}

#[test]
fn reading_the_policy_wakes_nothing_and_a_save_does() -> std::io::Result<()> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("teams.toml");
    std::fs::write(&file, "[team.a]\nname = \"A\"\n")?;
    std::fs::create_dir(dir.path().join("sub"))?;
    std::fs::write(dir.path().join("sub/more.toml"), "")?;
    let (tx, rx) = mpsc::channel();
    let _watcher = watch_dir(dir.path(), Duration::from_millis(50), tx)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    // What a frame does: list the directories and read every file, many times over.
    for _ in 0..20 {
        let _ = teamform_model::load_dir(dir.path());
        let _ = std::fs::read_to_string(&file)?;
    }
    // No event can come from reads: a wrong one would come within the debounce time (50 ms).
    match rx.recv_timeout(Duration::from_secs(2)) {
        Err(mpsc::RecvTimeoutError::Timeout) => {}
        other => panic!("reading the policy woke the watcher: {other:?}"),
    }
    std::fs::write(&file, "[team.b]\nname = \"B\"\n")?;
    let woke = rx.recv_timeout(DEADLINE);
    assert!(matches!(woke, Ok(Event::Changed)), "{woke:?}");
    Ok(())
}
