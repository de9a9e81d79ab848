//! Assembling every diagnostic of a compilation, sorted ([`crate::sort`]'s order): the kept
//! ones (the loader's, those that depend on no user, each user's) and those across users (the
//! unknown protected users, then the checks across users, run here).
//!
//! The result is the stable sort of the kept diagnostics followed by those across users, made
//! as a merge of the two sorted lists (on equal keys, kept ones first). After an edit of one
//! file, the kept diagnostics of the other files are still sorted where they were: only the
//! edited file's are gathered and sorted again, and those across users merged in again, so an
//! edit moves the assembled list instead of copying and sorting all of it.

use super::{Incremental, Parts};
use crate::checks::{self, Ctx};
use crate::{Options, order, sort};
use std::cmp::Ordering;
use std::ops::Range;
use teamform_diagnostics::{Diagnostic, FileId};
use teamform_model::Policy;

/// Every diagnostic, sorted.
pub(crate) fn assemble(
    policy: &Policy,
    loaded: &[Diagnostic],
    parts: &Parts,
    options: Options,
) -> Vec<Diagnostic> {
    tagged(policy, loaded, parts, options).0
}

/// Every diagnostic, sorted, with whether each comes from [`across`].
pub(crate) fn tagged(
    policy: &Policy,
    loaded: &[Diagnostic],
    parts: &Parts,
    options: Options,
) -> (Vec<Diagnostic>, Vec<bool>) {
    let mut kept = loaded.to_vec();
    kept.extend(parts.org.iter().cloned());
    for diags in &parts.per_user {
        kept.extend(diags.iter().cloned());
    }
    sort(&mut kept);
    merge(kept, across(policy, loaded, parts, options))
}

/// The unknown protected users and the checks across users, sorted.
fn across(
    policy: &Policy,
    loaded: &[Diagnostic],
    parts: &Parts,
    options: Options,
) -> Vec<Diagnostic> {
    let mut all = parts.across.protected.clone();
    let c = &parts.compiled;
    let cx = Ctx::new(policy, &c.index, &c.graph, options, loaded);
    checks::across_users(&cx, &parts.across.tally, &parts.across.deny, &mut all);
    sort(&mut all);
    all
}

/// Merges two sorted lists, `kept` first on equal keys, telling which come from `across`.
fn merge(kept: Vec<Diagnostic>, across: Vec<Diagnostic>) -> (Vec<Diagnostic>, Vec<bool>) {
    let len = kept.len() + across.len();
    let (mut out, mut tags) = (Vec::with_capacity(len), Vec::with_capacity(len));
    let (mut kept, mut across) = (kept.into_iter().peekable(), across.into_iter().peekable());
    loop {
        let from_across = match (kept.peek(), across.peek()) {
            (Some(k), Some(a)) => order(a, k) == Ordering::Less,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => break,
        };
        let next = if from_across {
            across.next()
        } else {
            kept.next()
        };
        out.extend(next);
        tags.push(from_across);
    }
    (out, tags)
}

/// The file a diagnostic is sorted under (none first).
fn file_of(d: &Diagnostic) -> Option<FileId> {
    d.main_span().map(|s| s.file)
}

impl Incremental {
    /// Assembles again after an edit of `file` that replaced the bytes `edit` of its old text
    /// by `new_len` bytes: the kept diagnostics of other files follow the edit where they are,
    /// the edited file's are gathered again, and those across users are merged in again.
    pub(super) fn reassemble(&mut self, file: FileId, edit: Range<u32>, new_len: u32) {
        let all = std::mem::take(&mut self.parts.compiled.diagnostics);
        let tags = std::mem::take(&mut self.across_at);
        let mut kept: Vec<Diagnostic> = all
            .into_iter()
            .zip(tags)
            .filter(|(d, from_across)| !from_across && file_of(d) != Some(file))
            .map(|(d, _)| d)
            .collect();
        for d in &mut kept {
            d.follow_edit(file, edit.clone(), new_len);
        }
        let parts = &self.parts;
        let mut edited: Vec<Diagnostic> = self
            .load
            .diagnostics
            .iter()
            .chain(&parts.org)
            .chain(parts.per_user.iter().flatten())
            .filter(|d| file_of(d) == Some(file))
            .cloned()
            .collect();
        sort(&mut edited);
        let at = kept.partition_point(|d| file_of(d) <= Some(file));
        kept.splice(at..at, edited);
        let across = across(
            &self.load.policy,
            &self.load.diagnostics,
            parts,
            self.options,
        );
        let (all, tags) = merge(kept, across);
        self.parts.compiled.diagnostics = all;
        self.across_at = tags;
    }
}
