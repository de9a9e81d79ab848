//! What the checks across users keep between edits, so that an edit of a few users costs what
//! it changes, not the size of the org: the counts of super admins and seats ([`Tally`],
//! changed by each user's difference), each deny rule's diagnostics (checked again only when an
//! edited user concerns the rule, [`DenyWatch`]), and the unknown protected users (which no
//! edit of a user's table changes, as it keeps the user's key).
//!
//! Kept diagnostics follow an edit's spans; one that points into the replaced bytes is checked
//! again instead, so nothing kept can point at text that is gone.

use super::Tally;
use crate::ResolvedUser;
use crate::checks::Ctx;
use crate::checks::guardrails::{DenyWatch, deny_rule};
use crate::resolve::{self, UserId};
use std::ops::Range;
use teamform_diagnostics::{Diagnostic, FileId};
use teamform_model::User;

/// The kept results of the checks across users.
#[derive(Debug, Default)]
pub(crate) struct Across {
    /// The super admins and seats held.
    pub tally: Tally,
    /// The unknown protected users.
    pub protected: Vec<Diagnostic>,
    /// Per deny rule of the guardrails, in order, its diagnostics.
    pub deny: Vec<Vec<Diagnostic>>,
    /// Per deny rule, what among users its diagnostics depend on.
    watches: Vec<DenyWatch>,
    /// Per deny rule, whether it must be checked again.
    stale: Vec<bool>,
    /// Whether the protected users must be looked up again.
    protected_stale: bool,
}

impl Across {
    /// Counts and checks everything in the policy of `cx`.
    pub(crate) fn new(cx: &Ctx<'_>) -> Across {
        let rules = &cx.policy.guardrails.deny;
        let mut across = Across {
            tally: Tally::new(&cx.policy.users),
            watches: rules.iter().map(|r| DenyWatch::new(cx, r)).collect(),
            deny: vec![Vec::new(); rules.len()],
            stale: vec![true; rules.len()],
            protected: Vec::new(),
            protected_stale: true,
        };
        across.refresh(cx);
        across
    }

    /// Moves the kept diagnostics with an edit of `file` that replaced the bytes `edit` by
    /// `new_len` bytes; those that point into the replaced bytes are marked for checking again.
    pub(crate) fn follow(&mut self, file: FileId, edit: &Range<u32>, new_len: u32) {
        let follows = |diags: &mut Vec<Diagnostic>| {
            diags
                .iter_mut()
                .all(|d| d.follow_edit(file, edit.clone(), new_len))
        };
        for (diags, stale) in self.deny.iter_mut().zip(&mut self.stale) {
            *stale |= !follows(diags);
        }
        self.protected_stale |= !follows(&mut self.protected);
    }

    /// Takes the change of user `id` from `old` to `new` (each with what it resolves to).
    pub(crate) fn replace(
        &mut self,
        id: UserId,
        old: (&User, &ResolvedUser),
        new: (&User, &ResolvedUser),
    ) {
        self.tally.replace(id, old.0, new.0);
        for (watch, stale) in self.watches.iter().zip(&mut self.stale) {
            *stale |= watch.concerns(old, new);
        }
    }

    /// Checks again what was marked, in the policy of `cx` as it now is.
    pub(crate) fn refresh(&mut self, cx: &Ctx<'_>) {
        for ((rule, diags), stale) in cx
            .policy
            .guardrails
            .deny
            .iter()
            .zip(&mut self.deny)
            .zip(&mut self.stale)
        {
            if std::mem::take(stale) {
                diags.clear();
                deny_rule(cx, rule, diags);
            }
        }
        if std::mem::take(&mut self.protected_stale) {
            self.protected.clear();
            resolve::protected_users(cx.index, cx.policy, &mut self.protected);
        }
    }
}
