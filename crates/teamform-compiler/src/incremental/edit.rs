//! Taking a new text of one file into an [`Incremental`] compilation: when the change lies
//! within `[user.KEY]` tables and keeps their keys, only those tables are parsed again (each on
//! its own, its spans placed in the whole file), everything after them in the file moves with
//! the edit, and only those users are re-resolved and re-checked. Anything else (a header
//! added or removed, a team, role, asset, the portal or the guardrails edited, a file with
//! syntax errors, a user defined twice) is left to the caller to compile afresh.

use super::Incremental;
use crate::UserId;
use std::ops::Range;
use teamform_diagnostics::{Code, Diagnostic, FileId, SourceFile};
use teamform_model::User;
use teamform_model::table::{parse_user_table, tables_around, tables_in};

/// An edit found to touch only user tables, ready to apply.
struct Plan {
    /// The bytes of the old text whose tables are replaced.
    old: Range<u32>,
    /// How long their new text is.
    new_len: u32,
    /// Each replaced user, their new definition and its loader diagnostics.
    users: Vec<(UserId, User, Vec<Diagnostic>)>,
}

impl Incremental {
    /// Takes `source` as the new text of `file`. Returns true when it was taken incrementally
    /// (the result is then what compiling afresh gives), false when the caller must load and
    /// compile afresh; nothing is changed then.
    pub fn edit(&mut self, file: FileId, source: SourceFile) -> bool {
        let Some(old) = self.load.sources.get(file) else {
            return false;
        };
        if std::sync::Arc::ptr_eq(&old.text, &source.text) || *old.text == *source.text {
            return true;
        }
        let Some(plan) = self.plan(file, &old.text, &source.text) else {
            return false;
        };
        self.apply(file, plan, source);
        true
    }

    fn plan(&self, file: FileId, old: &str, new: &str) -> Option<Plan> {
        let in_file = |d: &Diagnostic| d.spans().any(|s| s.file == file);
        let loaded = &self.load.diagnostics;
        if loaded
            .iter()
            .any(|d| d.code == Code::TomlSyntax && in_file(d))
        {
            return None;
        }
        let (start, old_end, new_end) = changed(old, new);
        let tables = tables_around(old, start..old_end);
        let new_tables = tables.start..tables.end + new_end - old_end;
        let (before, after) = (tables_in(old, tables.clone())?, tables_in(new, new_tables)?);
        if before.len() != after.len() {
            return None;
        }
        let mut users = Vec::with_capacity(after.len());
        for ((was, old_key), (now, new_key)) in before.into_iter().zip(after) {
            let [kind, key] = old_key.as_slice() else {
                return None;
            };
            if kind != "user" || old_key != new_key {
                return None;
            }
            let id = self.parts.compiled.index.user(key)?;
            let user = &self.load.policy.users[id.index()];
            let within = |r: &Range<usize>, s: teamform_diagnostics::Span| {
                s.file == file && r.start <= s.start as usize && s.end as usize <= r.end
            };
            // The table read alone must give what the whole file gave, diagnostics included:
            // then it is the user's one definition, and reading it alone is faithful.
            let (alone, alone_diags) = parse_user_table(file, old, was.clone())?;
            let kept: Vec<&Diagnostic> = loaded
                .iter()
                .filter(|d| d.spans().any(|s| within(&was, s)))
                .collect();
            if user.key.value != *key
                || alone != *user
                || kept.len() != alone_diags.len()
                || kept.iter().zip(&alone_diags).any(|(a, b)| *a != b)
            {
                return None;
            }
            let (fresh, diags) = parse_user_table(file, new, now)?;
            if fresh.key.value != *key {
                return None;
            }
            users.push((id, fresh, diags));
        }
        let old_range = u32::try_from(tables.start).ok()?..u32::try_from(tables.end).ok()?;
        let new_len = u32::try_from(tables.len() + new_end - old_end).ok()?;
        // Nothing kept may point into the replaced tables, or it could not follow the edit.
        let replaced: Vec<UserId> = users.iter().map(|(id, _, _)| *id).collect();
        let touches = |d: &Diagnostic| {
            d.spans()
                .any(|s| s.file == file && s.start < old_range.end && s.end > old_range.start)
        };
        let own = |d: &Diagnostic| {
            d.spans()
                .all(|s| s.file == file && old_range.start <= s.start && s.end <= old_range.end)
        };
        let others = self
            .parts
            .per_user
            .iter()
            .enumerate()
            .filter(|(i, _)| !replaced.iter().any(|r| r.index() == *i))
            .flat_map(|(_, d)| d);
        if loaded.iter().any(|d| touches(d) && !own(d))
            || self.parts.org.iter().chain(others).any(touches)
        {
            return None;
        }
        Some(Plan {
            old: old_range,
            new_len,
            users,
        })
    }

    fn apply(&mut self, file: FileId, plan: Plan, source: SourceFile) {
        let (old, new_len) = (plan.old.clone(), plan.new_len);
        let inside = |d: &Diagnostic| {
            d.spans()
                .all(|s| s.file == file && old.start <= s.start && s.end <= old.end)
                && !d.labels.is_empty()
        };
        self.layout
            .follow(&mut self.load.policy, file, old.clone(), new_len);
        let loaded = &mut self.load.diagnostics;
        let at = loaded.iter().position(inside).unwrap_or(loaded.len());
        loaded.retain(|d| !inside(d));
        for d in loaded.iter_mut() {
            d.follow_edit(file, old.clone(), new_len);
        }
        let fresh: Vec<Diagnostic> = plan.users.iter().flat_map(|(_, _, d)| d.clone()).collect();
        let at = at.min(loaded.len());
        loaded.splice(at..at, fresh);
        for d in self
            .parts
            .org
            .iter_mut()
            .chain(self.parts.per_user.iter_mut().flatten())
        {
            d.follow_edit(file, old.clone(), new_len);
        }
        self.parts.across.follow(file, &old, new_len);
        self.load.sources.replace(file, source);
        for (id, user, _) in plan.users {
            self.replace_user(id, user);
        }
        self.recheck_across();
        self.reassemble(file, old, new_len);
    }
}

/// Where `old` and `new` differ: the start, and the end in each (on character boundaries).
fn changed(old: &str, new: &str) -> (usize, usize, usize) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while !old.is_char_boundary(start) {
        start -= 1;
    }
    let most = a.len().min(b.len()) - start;
    let mut common = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(most)
        .take_while(|(x, y)| x == y)
        .count();
    while !old.is_char_boundary(a.len() - common) || !new.is_char_boundary(b.len() - common) {
        common -= 1;
    }
    (start, a.len() - common, b.len() - common)
}
