//! The live portal as teamform sees it: the [`Provider`] trait (read the live state, perform
//! changes), the portal-neutral [`LiveState`] and [`Change`] types, the [`Capabilities`] a
//! provider declares, and the file-backed `sandbox` provider, the embedded default.
//!
//! Providers speak in portal ids and names; they know nothing of policy keys.

pub mod activity;
mod caps;
mod change;
mod error;
mod records;
pub mod sandbox;
mod screens;
pub mod spec;
mod state;

pub use caps::{Capabilities, KindCaps, ObjectKind, UserField};
pub use change::{Change, Outcome};
pub use error::{PortalError, PortalErrorKind};
pub use records::{LiveRecord, OwnedRecords, RecordObject, count_owned};
pub use screens::Screens;
pub use state::{
    CrmPermission, LiveAsset, LiveRole, LiveState, LiveTeam, LiveUser, Permissions, fingerprint,
};

/// A live portal: read its state, perform changes.
pub trait Provider {
    /// A short description for messages (`sandbox .teamform/sandbox.json`).
    fn describe(&self) -> String;

    /// Where the journal of an apply to this portal is kept (beside the portal's state when
    /// it is local, under `.teamform/` otherwise).
    fn journal_path(&self) -> std::path::PathBuf;

    /// What this provider can read and write.
    fn capabilities(&self) -> Capabilities;

    /// Reads the whole live state.
    fn read(&mut self) -> Result<LiveState, PortalError>;

    /// Performs a batch of changes in order, stopping at the first failure. The outcome of
    /// each performed change is returned; a change that the portal already reflects (a create
    /// of an existing name, a delete of a missing id) succeeds without doing anything, so that
    /// a batch can be retried after an interruption.
    fn apply(&mut self, changes: &[Change]) -> (Vec<Outcome>, Option<PortalError>);

    /// The screens a person uses for what this provider cannot do (manual steps).
    fn screens(&self) -> &'static Screens;

    /// The most changes to send in one [`Provider::apply`]: an apply journals each batch as
    /// one step, so a batch is what an interrupted apply may have to look at again.
    fn batch_size(&self) -> usize {
        DEFAULT_BATCH
    }

    /// Reads the activity of the last `days` days before `until` that an access review needs
    /// (last successful logins, user security events). A provider without activity answers
    /// [`activity::Activity::default`], whose `available` is false.
    fn read_activity(
        &mut self,
        until: activity::Instant,
        days: u32,
    ) -> Result<activity::Activity, PortalError> {
        let _ = (until, days);
        Ok(activity::Activity::default())
    }
    /// Counts, per object type, the CRM records each of `user_ids` owns (users who own none
    /// are left out), so that a plan can hand them over before the users are removed.
    fn owned_records(&mut self, user_ids: &[String]) -> Result<OwnedRecords, PortalError>;

    /// Reads who changed what between `since` and `until`: the security events and the
    /// audit-log events in HubSpot's shapes (logins are left out). A provider, or a token,
    /// without them answers an empty file: changes then go unattributed.
    fn read_changes(
        &mut self,
        since: activity::Instant,
        until: activity::Instant,
    ) -> Result<activity::ActivityFile, PortalError> {
        let _ = (since, until);
        Ok(activity::ActivityFile::default())
    }

    /// The requests this provider has sent to its portal, by answer (`"200"`, `"429"`, or
    /// `"transport"` for a request that got no answer); empty for a provider without requests.
    fn requests(&self) -> std::collections::BTreeMap<String, u64> {
        std::collections::BTreeMap::new()
    }
}

/// The batch size of a provider that does not say otherwise.
pub const DEFAULT_BATCH: usize = 1000;

/// A boxed provider is a provider, so that callers can choose one at run time.
impl<P: Provider + ?Sized> Provider for Box<P> {
    fn describe(&self) -> String {
        (**self).describe()
    }

    fn journal_path(&self) -> std::path::PathBuf {
        (**self).journal_path()
    }

    fn capabilities(&self) -> Capabilities {
        (**self).capabilities()
    }

    fn read(&mut self) -> Result<LiveState, PortalError> {
        (**self).read()
    }

    fn apply(&mut self, changes: &[Change]) -> (Vec<Outcome>, Option<PortalError>) {
        (**self).apply(changes)
    }

    fn batch_size(&self) -> usize {
        (**self).batch_size()
    }

    fn screens(&self) -> &'static Screens {
        (**self).screens()
    }

    fn read_activity(
        &mut self,
        until: activity::Instant,
        days: u32,
    ) -> Result<activity::Activity, PortalError> {
        (**self).read_activity(until, days)
    }

    fn owned_records(&mut self, user_ids: &[String]) -> Result<OwnedRecords, PortalError> {
        (**self).owned_records(user_ids)
    }

    fn read_changes(
        &mut self,
        since: activity::Instant,
        until: activity::Instant,
    ) -> Result<activity::ActivityFile, PortalError> {
        (**self).read_changes(since, until)
    }

    fn requests(&self) -> std::collections::BTreeMap<String, u64> {
        (**self).requests()
    }
}
