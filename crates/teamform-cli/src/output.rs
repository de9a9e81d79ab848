//! Standard output for every command: a reader that goes away early (`teamform plan | head`)
//! ends the output quietly, without the panic of `print!`.
//!
//! The first write that fails stops all further output. A closed pipe is not an error (the
//! reader had what it wanted, as with ripgrep); any other failure (a full disk) is reported
//! once on standard error and makes a successful command exit 1. The command itself runs to
//! its end, so an apply is never cut off between its changes and their verification, and the
//! exit code still says what happened (`plan --detailed-exitcode | head` exits 2 on changes).

use std::io::{self, Write};
use std::sync::atomic::{AtomicU8, Ordering};

/// Output goes on.
const OPEN: u8 = 0;
/// The reader went away: output is dropped.
const CLOSED: u8 = 1;
/// Writing failed otherwise: output is dropped, and the failure was reported.
const FAILED: u8 = 2;

static STATE: AtomicU8 = AtomicU8::new(OPEN);

/// Standard output, locked; writes after a failure are dropped (see the module's doc).
pub struct Stdout(io::StdoutLock<'static>);

/// Standard output for a command's results.
pub fn stdout() -> Stdout {
    Stdout(io::stdout().lock())
}

/// Whether writing to standard output failed for another reason than a closed pipe.
pub fn failed() -> bool {
    STATE.load(Ordering::Relaxed) == FAILED
}

/// Records a failed write.
fn failure(e: &io::Error) {
    if e.kind() == io::ErrorKind::BrokenPipe {
        let _ = STATE.compare_exchange(OPEN, CLOSED, Ordering::Relaxed, Ordering::Relaxed);
    } else if STATE
        .compare_exchange(OPEN, FAILED, Ordering::Relaxed, Ordering::Relaxed)
        .is_ok()
    {
        eprintln!("error: cannot write to standard output: {e}");
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if STATE.load(Ordering::Relaxed) != OPEN {
            return Ok(buf.len());
        }
        match self.0.write(buf) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                failure(&e);
                Ok(buf.len())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if STATE.load(Ordering::Relaxed) != OPEN {
            return Ok(());
        }
        if let Err(e) = self.0.flush() {
            failure(&e);
        }
        Ok(())
    }
}

/// Writes formatted text to standard output (see the module's doc); flushed, so that a
/// failure is seen at once.
pub fn print(args: std::fmt::Arguments<'_>) {
    let mut out = stdout();
    let _ = out.write_fmt(args);
    let _ = out.flush();
}

/// `print!` through [`print`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::print(format_args!($($arg)*))
    };
}

/// `println!` through [`print`].
macro_rules! outln {
    () => {
        $crate::output::print(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::print(format_args!("{}\n", format_args!($($arg)*)))
    };
}
