//! The validation checks, one file per kind of entity. Each check appends diagnostics; none
//! stops the others. A value the loader could not read (reported at the value with TF0003 or
//! TF0004) is unknown, not absent: a check that depends on it skips instead of taking the
//! field's default, so that one typo gives one diagnostic.

mod assets;
pub(crate) mod guardrails;
mod manage;
mod offboard;
mod portal;
mod roles;
mod teams;
mod users;

use crate::Options;
use crate::graph::OrgGraph;
use crate::incremental::Tally;
use crate::resolve::Index;
use teamform_diagnostics::{Code, Diagnostic, Span};
use teamform_model::{Ownership, Policy, User};

/// Everything a check may look at.
pub(crate) struct Ctx<'a> {
    pub policy: &'a Policy,
    pub index: &'a Index,
    pub graph: &'a OrgGraph,
    pub options: Options,
    /// The values the loader could not read, sorted.
    pub unread: Vec<Span>,
    /// The ownership of the policy, when `[portal.manage]` ignores some users.
    pub ignored_users: Option<Ownership>,
}

impl Ctx<'_> {
    /// Whether a value inside `span` was written but could not be read.
    pub fn unread_within(&self, span: Span) -> bool {
        let from = self.unread.partition_point(|u| *u < span);
        self.unread[from..]
            .iter()
            .take_while(|u| u.file == span.file && u.start < span.end)
            .any(|u| u.end <= span.end)
    }
}

/// The values the loader reported as unreadable: a wrong type or a value outside the language.
fn unread(diags: &[Diagnostic]) -> Vec<Span> {
    let mut out: Vec<Span> = diags
        .iter()
        .filter(|d| matches!(d.code, Code::WrongType | Code::InvalidValue))
        .filter_map(Diagnostic::main_span)
        .collect();
    out.sort_unstable();
    out
}

impl<'a> Ctx<'a> {
    /// The context of checking `policy`, whose loading reported `loaded`.
    pub(crate) fn new(
        policy: &'a Policy,
        index: &'a Index,
        graph: &'a OrgGraph,
        options: Options,
        loaded: &[Diagnostic],
    ) -> Self {
        Ctx {
            policy,
            index,
            graph,
            options,
            unread: unread(loaded),
            ignored_users: manage::ignored_users(policy),
        }
    }
}

/// The checks that look at no user: teams, roles and assets on their own, and what
/// `[portal.manage]` ignores.
pub(crate) fn org(cx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) {
    teams::check(cx, diags);
    roles::check(cx, diags);
    assets::check(cx, diags);
    manage::org(cx, diags);
}

/// The checks of one user on their own.
pub(crate) fn user(cx: &Ctx<'_>, user: &User, diags: &mut Vec<Diagnostic>) {
    users::check(cx, user, diags);
    guardrails::unknown_seats(cx, user, diags);
    manage::user(cx, user, diags);
}

/// The checks that look across users: the portal, empty teams, unused roles and the
/// guardrails (super-admin counts and seat capacity from `tally`, then the diagnostics of
/// each deny rule as [`guardrails::deny_rule`] gave them: `deny`), and record successors.
pub(crate) fn across_users(
    cx: &Ctx<'_>,
    tally: &Tally,
    deny: &[Vec<Diagnostic>],
    diags: &mut Vec<Diagnostic>,
) {
    portal::check(cx, diags);
    teams::check_members(cx, diags);
    roles::check_holders(cx, diags);
    guardrails::check(cx, tally, deny, diags);
    offboard::check(cx, diags);
}
