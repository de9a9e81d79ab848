//! The compiler: resolves names, validates the policy, builds the petgraph [`OrgGraph`] and
//! computes every user's effective access, with the `why` and `who-can` queries on top.
//!
//! Everything here is a pure function of the loaded policy (and of `today`, passed in): no
//! I/O, so the CLI, the language server and watch mode share it.

mod access;
mod checks;
mod expiring;
mod graph;
mod incremental;
mod query;
mod resolve;

pub use access::{Access, UserAccess};
pub use expiring::expiring;
pub use graph::{Edge, Node, OrgGraph, Tour};
pub use incremental::Incremental;
pub use query::{
    AccountAccess, Step, Via, WhoCan, WhoCanTarget, Why, WhyAccount, holds, who_can, why,
    why_account,
};
pub use resolve::{AssetId, Index, KeyMap, ResolvedUser, RoleId, TeamId, UserId};

use teamform_diagnostics::Diagnostic;
use teamform_model::{Date, LoadResult, Policy, User};

/// Settings of a compilation that do not come from the policy.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The current date, for `expires` (the compiler does not read the clock).
    pub today: Date,
}

/// A compiled policy: the graph, the effective access and every diagnostic.
#[derive(Debug)]
pub struct Compiled {
    /// Names resolved to ids.
    pub index: Index,
    /// The org graph.
    pub graph: OrgGraph,
    /// Effective access per user.
    pub access: Access,
    /// Every diagnostic of loading and compiling, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Compiles a loaded policy; the loader's diagnostics are carried over.
pub fn compile(load: &LoadResult, options: Options) -> Compiled {
    let parts = incremental::build(&load.policy, &load.diagnostics, options);
    let diagnostics = incremental::assemble(&load.policy, &load.diagnostics, &parts, options);
    Compiled {
        diagnostics,
        ..parts.compiled
    }
}

/// Resolves names, builds the graph and computes the access, without the checks: for a
/// policy made by teamform itself (the live portal seen as a policy, for the access diff),
/// whose diagnostics nobody reads. What resolving and building report is still returned.
pub fn compile_access(policy: &Policy) -> Compiled {
    let parts = incremental::resolved(policy);
    let mut diagnostics = parts.org;
    diagnostics.extend(parts.per_user.into_iter().flatten());
    Compiled {
        diagnostics,
        ..parts.compiled
    }
}

/// Users placed in the org of a compiled policy: their roles and teams resolved against its
/// keys (what does not resolve is left out, unreported), and their effective access there,
/// computed as for the policy's own users.
#[derive(Debug, Default)]
pub struct Placed {
    /// Per user, what their role and teams resolve to.
    pub resolved_users: Vec<ResolvedUser>,
    /// Per user, the effective access.
    pub access: Access,
}

/// Places `users` (keyed like `policy`) in the org of `policy` as `compiled`: for comparing
/// other users' access (the live portal's) within the same teams, roles and assets.
pub fn place_users(policy: &Policy, compiled: &Compiled, users: &[User]) -> Placed {
    let mut unreported = Vec::new();
    let mut cx = access::AccessTables::new(policy, &compiled.graph);
    let mut out = Placed::default();
    for user in users {
        let r = resolve::resolve_user(&compiled.index, user, policy, &mut unreported);
        out.access
            .users
            .push(cx.user(user, r.role, r.team, &r.teams));
        out.resolved_users.push(r);
    }
    out
}

/// Sorts diagnostics by file, then position, then code; diagnostics without a location first.
/// Callers that add diagnostics of their own ([`expiring`]) sort again with it.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(order);
}

/// The order of [`sort`]: by file, then position, then code, then message.
pub(crate) fn order(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    let at = |d: &Diagnostic| d.main_span().map(|s| (s.file, s.start));
    (at(a), a.code, &a.message).cmp(&(at(b), b.code, &b.message))
}
