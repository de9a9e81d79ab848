//! Reading a local sandbox portal while the policy loads: `teamform plan --portal
//! sandbox:PATH` needs both, and neither depends on the other. Only a sandbox file that
//! already exists is read ahead, as reading it has no side effect; any other portal is read
//! once the policy is known to be valid, and so is a sandbox whose early read failed (which
//! then reports its error the usual way).

use crate::cli::PortalArgs;
use crate::portal::{self, Spec};
use teamform_portal::{Capabilities, LiveState};

/// What a plan needs of the portal.
pub struct Snapshot {
    /// The live state.
    pub live: LiveState,
    /// The provider's capabilities.
    pub capabilities: Capabilities,
    /// The provider's description.
    pub portal: String,
}

/// The `--portal` sandbox worth reading ahead, if any.
pub fn candidate(args: &PortalArgs) -> Option<Spec> {
    let spec = portal::parse(args.portal.as_deref()?, args.api_base.as_deref()).ok()?;
    match &spec {
        Spec::Sandbox(path) if path.is_file() => Some(spec),
        _ => None,
    }
}

/// Opens and reads the portal; the error is left for the usual path to report.
pub fn read(spec: &Spec) -> Option<Snapshot> {
    let mut provider = portal::open(spec).ok()?;
    let live = provider.read().ok()?;
    Some(Snapshot {
        live,
        capabilities: provider.capabilities(),
        portal: provider.describe(),
    })
}

/// Runs `load` while reading the candidate portal of `args` on another thread; the early
/// read is kept only when `load` succeeds.
pub fn alongside<T, E>(
    args: &PortalArgs,
    load: impl FnOnce() -> Result<T, E>,
) -> Result<(T, Option<(Spec, Snapshot)>), E> {
    let Some(spec) = candidate(args) else {
        return load().map(|t| (t, None));
    };
    std::thread::scope(|s| {
        let early = s.spawn(|| read(&spec));
        let loaded = load();
        let early = early.join().ok().flatten();
        loaded.map(|t| (t, early.map(|snap| (spec.clone(), snap))))
    })
}
