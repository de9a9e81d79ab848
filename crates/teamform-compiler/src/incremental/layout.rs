//! Where each file's entities are in the policy's lists, so that an edit of one file moves the
//! spans of that file's entities only: every span of an entity lies in the file that defines
//! it, and the lists keep each file's entities together, in file order (as merging makes them).
//! A kind whose entities of a file are not together is visited whole for that file, which is
//! slower and still right.

use std::ops::Range;
use teamform_diagnostics::{FileId, Span};
use teamform_model::Policy;
use teamform_model::follow::Spans;

/// Per file, the range of each kind of entity that it defines.
#[derive(Debug, Default)]
pub(crate) struct Layout {
    files: Vec<Ranges>,
}

/// The indices of one file's teams, roles, users and assets in the policy's lists.
#[derive(Clone, Debug, Default)]
struct Ranges {
    teams: Range<usize>,
    roles: Range<usize>,
    users: Range<usize>,
    assets: Range<usize>,
}

impl Layout {
    /// The layout of `policy`, read from `files` files.
    pub(crate) fn new(policy: &Policy, files: usize) -> Layout {
        let teams = ranges(policy.teams.iter().map(|t| t.span), files);
        let roles = ranges(policy.roles.iter().map(|r| r.span), files);
        let users = ranges(policy.users.iter().map(|u| u.span), files);
        let assets = ranges(policy.assets.iter().map(|a| a.span), files);
        let files = (0..files)
            .map(|f| Ranges {
                teams: teams[f].clone(),
                roles: roles[f].clone(),
                users: users[f].clone(),
                assets: assets[f].clone(),
            })
            .collect();
        Layout { files }
    }

    /// Moves the spans of `policy` after an edit of `file` that replaced the bytes `edit` of
    /// its old text by `new_len` bytes (see [`Span::follow_edit`]): those of the file's
    /// entities, the portal, the guardrails and the offboarded users.
    pub(crate) fn follow(&self, policy: &mut Policy, file: FileId, edit: Range<u32>, new_len: u32) {
        let f = &mut |span: &mut Span| {
            span.follow_edit(file, edit.clone(), new_len);
        };
        let everything = Ranges {
            teams: 0..policy.teams.len(),
            roles: 0..policy.roles.len(),
            users: 0..policy.users.len(),
            assets: 0..policy.assets.len(),
        };
        let r = self.files.get(file.0 as usize).unwrap_or(&everything);
        visit(&mut policy.teams, &r.teams, f);
        visit(&mut policy.roles, &r.roles, f);
        visit(&mut policy.users, &r.users, f);
        visit(&mut policy.assets, &r.assets, f);
        policy.guardrails.spans_mut(f);
        if let Some(portal) = &mut policy.portal {
            portal.spans_mut(f);
            if let Some(m) = &mut portal.manage {
                m.span.spans_mut(f);
                m.users.spans_mut(f);
                m.ignore_users.spans_mut(f);
                m.ignore_teams.spans_mut(f);
            }
        }
        for o in &mut policy.offboard {
            o.key.spans_mut(f);
            o.span.spans_mut(f);
            o.successor.spans_mut(f);
            o.reason.spans_mut(f);
            o.date.spans_mut(f);
        }
    }
}

/// Visits the spans of `items[range]` (all of them when the range does not fit).
fn visit<T: Spans>(items: &mut [T], range: &Range<usize>, f: &mut dyn FnMut(&mut Span)) {
    let items = match items.get_mut(range.clone()) {
        Some(part) => part,
        None => items,
    };
    for item in items {
        item.spans_mut(f);
    }
}

/// Per file, the range of the entities (given by their spans, in list order) that it
/// defines: empty when none, everything when they are not together.
fn ranges(spans: impl Iterator<Item = Span>, files: usize) -> Vec<Range<usize>> {
    // Per file: the first index, the last index and how many.
    let mut seen: Vec<Option<(usize, usize, usize)>> = vec![None; files];
    let mut len = 0;
    for (i, span) in spans.enumerate() {
        len = i + 1;
        if let Some(slot) = seen.get_mut(span.file.0 as usize) {
            let (first, _, n) = slot.unwrap_or((i, i, 0));
            *slot = Some((first, i, n + 1));
        }
    }
    seen.into_iter()
        .map(|s| match s {
            None => 0..0,
            Some((first, last, n)) if last + 1 - first == n => first..last + 1,
            Some(_) => 0..len,
        })
        .collect()
}
