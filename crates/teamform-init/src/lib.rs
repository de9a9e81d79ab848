//! `teamform init`: a ready policy repository from a live portal. The policy is the portal as
//! it is (`teamform_plan::import`, users in one file per primary team, ids pinned, comments
//! on what the portal could not read back, `[portal.manage]` when asked for), next to GitHub
//! workflows that install a released teamform (pinned to [`RELEASE`], checksum verified by
//! the action) rather than build it, a `.gitignore` and a README for the people who edit it.
//!
//! Pure: [`files`] returns the files as text; the caller writes them.

mod readme;
mod workflows;

use teamform_model::UsersMode;
use teamform_plan::import::{ImportOptions, import_with};
use teamform_portal::{LiveState, Screens};

/// The teamform release the generated workflows install: the version of the binary that
/// wrote them.
pub const RELEASE: &str = env!("CARGO_PKG_VERSION");

/// The GitHub Action the generated workflows use (`action.yml` of teamform's repository),
/// at the tag of [`RELEASE`].
pub const ACTION: &str = "teamform/teamform";

/// The directory of the policy in the repository (`teamform`'s default `--policies`).
pub const POLICIES: &str = "policies";

/// What `init` writes.
#[derive(Clone, Debug)]
pub struct Options<'a> {
    /// The portal's name, written in `[portal]`.
    pub name: &'a str,
    /// `provider` of `[portal]` (`hubspot`), if the portal is one the workflows reach.
    pub provider: Option<&'a str>,
    /// `[portal.manage]`'s users mode, if one was asked for.
    pub users_mode: Option<UsersMode>,
    /// `ignore_users` globs: written, and the users they match left out of the policy.
    pub ignore_users: &'a [String],
    /// The provider's screens, named where the policy says what could not be read.
    pub screens: &'a Screens,
    /// Whether the portal reads asset partitions back.
    pub assets_readable: bool,
}

/// Every file of the repository, `(path relative to its root, text)`, sorted by path.
pub fn files(live: &LiveState, o: &Options<'_>) -> Vec<(String, String)> {
    let import = ImportOptions {
        name: o.name,
        by: "teamform init",
        provider: o.provider,
        users_by_team: true,
        users_mode: o.users_mode,
        ignore_users: o.ignore_users,
        screens: Some(o.screens),
        assets_readable: o.assets_readable,
    };
    let mut out: Vec<(String, String)> = import_with(live, &import)
        .into_iter()
        .map(|(path, text)| (format!("{POLICIES}/{path}"), text))
        .collect();
    out.extend(workflows::all(RELEASE));
    out.push((".gitignore".to_string(), GITIGNORE.to_string()));
    out.push(("README.md".to_string(), readme::readme(o, live)));
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// What a policy repository keeps out of git: the local state of teamform (sandboxes,
/// journals) and the plans and reports the commands write.
const GITIGNORE: &str = "\
# teamform's local state: sandbox portals and apply journals.
/.teamform/
# Plans and reports written by hand or by the workflows.
/plan.json
/plan.md
/drift.md
/teamform-out/
/results.sarif
";

#[cfg(test)]
mod tests;
