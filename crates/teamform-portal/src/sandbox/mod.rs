//! The `sandbox` provider: a portal kept in a local JSON file (the embedded default,
//! `.teamform/sandbox.json`). Full capabilities; ids assigned like a real portal's; writes are
//! atomic (temporary file, fsync, rename) and made under an exclusive lock, so two applies
//! cannot interleave; a corrupt or unknown-version file is refused and never overwritten.
//! Opened for reading only ([`Sandbox::open_read_only`]), it creates nothing: a missing file is
//! an error, or an empty portal when the caller says so.

mod file;
mod mutate;
mod records;

pub use file::{FORMAT, FORMAT_VERSION, MAX_NEXT_ID, SandboxFile, parse};

use crate::{Capabilities, Change, LiveState, Outcome, OwnedRecords, PortalError, Provider};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The default sandbox file.
pub const DEFAULT_PATH: &str = ".teamform/sandbox.json";

/// A sandbox portal.
pub struct Sandbox {
    path: PathBuf,
    lock: Option<File>,
    /// While locked: the data as last saved by [`Provider::apply`], with its index, so that
    /// the next batch does not read and parse the whole file again (nobody else can write it
    /// while the lock is held). Any other [`Sandbox::save`] drops it.
    cache: Mutex<Option<(SandboxFile, mutate::Index)>>,
    /// Whether a missing file reads as an empty portal (see [`Sandbox::open_read_only`]).
    missing_is_empty: bool,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("path", &self.path)
            .field("lock", &self.lock)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// A sandbox at `path`, for reading. The file is created empty on first use.
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, PortalError> {
        let sandbox = Sandbox {
            path: path.into(),
            lock: None,
            cache: Mutex::new(None),
            missing_is_empty: false,
        };
        if !sandbox.path.exists() {
            sandbox.save(&SandboxFile::default())?;
        }
        Ok(sandbox)
    }

    /// A sandbox at `path`, for reading only: nothing is created, neither the file nor its
    /// directory. A missing file is refused ([`PortalError::Io`], naming the path), unless
    /// `missing_is_empty`: then it reads as an empty portal (the default sandbox, before the
    /// first apply creates it).
    pub fn open_read_only(
        path: impl Into<PathBuf>,
        missing_is_empty: bool,
    ) -> Result<Self, PortalError> {
        let sandbox = Sandbox {
            path: path.into(),
            lock: None,
            cache: Mutex::new(None),
            missing_is_empty,
        };
        if !missing_is_empty && !sandbox.path.exists() {
            return Err(PortalError::io(format!(
                "there is no sandbox portal at `{}`; check the path (`teamform apply` creates a sandbox)",
                sandbox.path.display()
            )));
        }
        Ok(sandbox)
    }

    /// A sandbox at `path`, locked for writing until dropped. A second writer gets
    /// [`PortalError::Locked`].
    pub fn open_locked(path: impl Into<PathBuf>) -> Result<Self, PortalError> {
        let mut sandbox = Sandbox::open(path)?;
        let lock_path = sandbox.lock_path();
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| io_error(&lock_path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(PortalError::locked(format!(
                    "the sandbox portal `{}` is locked by another teamform process (an apply in progress); try again when it has finished",
                    sandbox.path.display()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_error(&lock_path, e)),
        }
        sandbox.lock = Some(file);
        Ok(sandbox)
    }

    /// The sandbox file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        self.path.with_file_name(name)
    }

    /// Reads the file.
    pub fn load(&self) -> Result<SandboxFile, PortalError> {
        file::load(&self.path)
    }

    /// Writes the file atomically.
    pub fn save(&self, data: &SandboxFile) -> Result<(), PortalError> {
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        file::save(&self.path, data)
    }

    /// What [`Provider::apply`] last saved, while locked.
    fn cached(&mut self) -> &mut Option<(SandboxFile, mutate::Index)> {
        self.cache
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn io_error(path: &Path, e: std::io::Error) -> PortalError {
    PortalError::io(format!("cannot access `{}`: {e}", path.display())).with_source(e)
}

impl Provider for Sandbox {
    /// A batch is one atomic write of the whole file: writing a whole org's file once per
    /// thousand operations took most of a first apply's time, so batches are larger.
    fn batch_size(&self) -> usize {
        5_000
    }

    /// The sandbox stands for a HubSpot portal: a person would use HubSpot's screens.
    fn screens(&self) -> &'static crate::Screens {
        &crate::Screens::HUBSPOT
    }

    fn describe(&self) -> String {
        format!("sandbox:{}", self.path.display())
    }

    fn journal_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".journal");
        self.path.with_file_name(name)
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::FULL
    }

    fn read(&mut self) -> Result<LiveState, PortalError> {
        if let Some((data, _)) = self.cached() {
            return Ok(data.state.clone());
        }
        if self.missing_is_empty && !self.path.exists() {
            return Ok(LiveState::default());
        }
        Ok(self.load()?.state)
    }

    /// The file's `activity` in the window; a sandbox without any reads as a portal without
    /// activity APIs (nothing is known of logins, rather than nobody logging in).
    fn read_activity(
        &mut self,
        until: crate::activity::Instant,
        days: u32,
    ) -> Result<crate::activity::Activity, PortalError> {
        let cached = self.cached().as_ref().map(|(d, _)| d.activity.clone());
        let data = match cached {
            Some(activity) => activity,
            None if self.missing_is_empty && !self.path.exists() => Default::default(),
            None => self.load()?.activity,
        };
        if data.is_empty() {
            return Ok(crate::activity::Activity::default());
        }
        let since = until.days_before(days);
        Ok(crate::activity::Activity::from_file(&data, since, until))
    }

    fn apply(&mut self, changes: &[Change]) -> (Vec<Outcome>, Option<PortalError>) {
        if self.lock.is_none() {
            return (
                Vec::new(),
                Some(PortalError::locked(
                    "the sandbox was opened for reading only".to_string(),
                )),
            );
        }
        // Whatever happens below, the cache is put back only once the data is saved.
        let (mut data, mut index) = match self.cached().take() {
            Some(cached) => cached,
            None => match self.load() {
                Ok(d) => {
                    let index = mutate::Index::new(&d);
                    (d, index)
                }
                Err(e) => return (Vec::new(), Some(e)),
            },
        };
        let mut outcomes = Vec::with_capacity(changes.len());
        let mut error = None;
        for change in changes {
            match mutate::apply(&mut data, &mut index, change) {
                Ok(o) => outcomes.push(o),
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        if outcomes.is_empty() {
            // Not saved (a failed change may have left something behind): read afresh next time.
            return (outcomes, error);
        }
        match self.save(&data) {
            Ok(()) => {
                *self.cached() = Some((data, index));
                (outcomes, error)
            }
            Err(e) => (Vec::new(), Some(e)),
        }
    }

    fn owned_records(&mut self, user_ids: &[String]) -> Result<OwnedRecords, PortalError> {
        if let Some((data, _)) = self.cached() {
            return Ok(crate::count_owned(&data.records, user_ids));
        }
        if self.missing_is_empty && !self.path.exists() {
            return Ok(OwnedRecords::new());
        }
        Ok(crate::count_owned(&self.load()?.records, user_ids))
    }
}

#[cfg(test)]
mod tests;
