//! A compilation kept up to date while the policy is edited, for the language server and
//! watch mode: what depends on one user alone is kept per user, so that an edit of a user
//! re-resolves and re-checks that user only. What looks across users is kept too and changed
//! by the edit's difference ([`across`]: super-admin and seat counts, deny rules checked
//! again only when an edited user concerns them); the cheap checks across users (empty teams,
//! unused roles, the counts' limits) run again, and the diagnostics are assembled again for
//! the edited file only ([`assemble`]). Nothing an edit costs grows with the org's size but
//! walking the kept per-user lists, the edited file's text and its entities ([`layout`]).
//!
//! [`compile`](crate::compile) is this module's build followed by its assembly, so a fresh
//! compilation and an updated one are made by the same code; the property test of the crate
//! checks that they agree after any sequence of edits.

mod across;
mod assemble;
mod edit;
mod layout;
mod tally;

pub(crate) use tally::Tally;

use crate::checks::{self, Ctx};
use crate::{Compiled, Options, access, graph, resolve};
use across::Across;
pub(crate) use assemble::assemble;
use layout::Layout;
use rayon::prelude::*;
use teamform_diagnostics::Diagnostic;
use teamform_model::{LoadResult, Policy, User};

/// A compilation split by what each diagnostic depends on.
#[derive(Debug)]
pub(crate) struct Parts {
    /// The index, graph and access; the diagnostics are left empty.
    pub compiled: Compiled,
    /// The diagnostics of compiling that depend on no user.
    pub org: Vec<Diagnostic>,
    /// Per user, by [`UserId`](crate::UserId), the diagnostics about that user alone.
    pub per_user: Vec<Vec<Diagnostic>>,
    /// What the checks across users keep (empty until [`build`]).
    across: Across,
}

/// Resolves every key and user, builds the graph and computes the access, without the
/// checks: what [`build`] and [`crate::compile_access`] share. Users are resolved in
/// parallel (each on its own, collected in order).
pub(crate) fn resolved(policy: &Policy) -> Parts {
    let mut org = Vec::new();
    let mut index = resolve::resolve_keys(policy, &mut org);
    let users: Vec<(resolve::ResolvedUser, Vec<Diagnostic>)> = policy
        .users
        .par_iter()
        .map(|user| {
            let mut diags = Vec::new();
            (
                resolve::resolve_user(&index, user, policy, &mut diags),
                diags,
            )
        })
        .collect();
    let mut per_user = Vec::with_capacity(users.len());
    for (user, diags) in users {
        index.push_user(user);
        per_user.push(diags);
    }
    let graph = graph::build(policy, &index, &mut org);
    let access = access::compute(policy, &index, &graph);
    Parts {
        compiled: Compiled {
            index,
            graph,
            access,
            diagnostics: Vec::new(),
        },
        org,
        per_user,
        across: Across::default(),
    }
}

/// [`resolved`], then every check that does not look across users. `loaded` are the
/// loader's diagnostics.
pub(crate) fn build(policy: &Policy, loaded: &[Diagnostic], options: Options) -> Parts {
    let mut parts = resolved(policy);
    let c = &parts.compiled;
    let cx = Ctx::new(policy, &c.index, &c.graph, options, loaded);
    checks::org(&cx, &mut parts.org);
    policy
        .users
        .par_iter()
        .zip(&mut parts.per_user)
        .for_each(|(user, diags)| checks::user(&cx, user, diags));
    let across = Across::new(&cx);
    parts.across = across;
    parts
}

/// A loaded and compiled policy that edits update in place.
#[derive(Debug)]
pub struct Incremental {
    load: LoadResult,
    options: Options,
    parts: Parts,
    /// Where each file's entities are, for moving the spans of the edited file only.
    layout: Layout,
    /// Per diagnostic of the compilation, whether it comes from the checks across users (or
    /// is an unknown protected user), which are merged in again after each edit.
    across_at: Vec<bool>,
}

impl Incremental {
    /// Compiles `load` afresh.
    pub fn new(load: LoadResult, options: Options) -> Incremental {
        let mut parts = build(&load.policy, &load.diagnostics, options);
        let (diagnostics, across_at) =
            assemble::tagged(&load.policy, &load.diagnostics, &parts, options);
        parts.compiled.diagnostics = diagnostics;
        let layout = Layout::new(&load.policy, load.sources.len());
        Incremental {
            load,
            options,
            parts,
            layout,
            across_at,
        }
    }

    /// The loaded policy, with its sources.
    pub fn load(&self) -> &LoadResult {
        &self.load
    }

    /// The compiled policy: the same as [`compile`](crate::compile) of [`Self::load`].
    pub fn compiled(&self) -> &Compiled {
        &self.parts.compiled
    }

    /// The settings it was compiled with.
    pub fn options(&self) -> Options {
        self.options
    }

    /// The loaded and compiled policy, taken apart.
    pub fn into_parts(self) -> (LoadResult, Compiled) {
        (self.load, self.parts.compiled)
    }

    /// Puts `user` in the place of user `u`, re-resolves and re-checks them; the counts and
    /// the deny rules across users take the difference (see [`Self::recheck_across`]).
    fn replace_user(&mut self, u: crate::UserId, user: User) {
        let i = u.index();
        let old = std::mem::replace(&mut self.load.policy.users[i], user);
        let policy = &self.load.policy;
        let user = &policy.users[i];
        let c = &mut self.parts.compiled;
        let mut diags = Vec::new();
        let now = resolve::resolve_user(&c.index, user, policy, &mut diags);
        let was = c.index.resolved(u).clone();
        graph::move_user(
            &mut c.graph,
            policy,
            u,
            (was.role, was.team, &was.teams),
            (now.role, now.team, &now.teams),
        );
        self.parts.across.replace(u, (&old, &was), (user, &now));
        c.access.users[i] =
            access::AccessTables::new(policy, &c.graph).user(user, now.role, now.team, &now.teams);
        c.index.set_user(u, now);
        let cx = Ctx::new(
            policy,
            &c.index,
            &c.graph,
            self.options,
            &self.load.diagnostics,
        );
        checks::user(&cx, user, &mut diags);
        self.parts.per_user[i] = diags;
    }

    /// Checks again what the edits made stale across users (deny rules, protected users).
    fn recheck_across(&mut self) {
        let c = &self.parts.compiled;
        let cx = Ctx::new(
            &self.load.policy,
            &c.index,
            &c.graph,
            self.options,
            &self.load.diagnostics,
        );
        self.parts.across.refresh(&cx);
    }
}
