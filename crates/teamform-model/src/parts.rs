//! Large policy files parsed in parts. A file of thousands of `[user.KEY]` or
//! `[asset.TYPE.KEY]` tables is cut before some of its table headers into parts of about
//! [`PART_BYTES`], and each part is parsed alone. The `toml` parser first makes the tokens and
//! the events of all the text it is given: for a whole file of 10,000 users that is about 25 MB
//! of working memory, taken fresh from the system and cold in the cache; for a part, less than
//! one megabyte, reused from part to part.
//!
//! The result is the whole file's, span for span. A file is cut only when nothing but blank
//! lines and comments comes before its first table header, and every table header names one
//! user or one asset ([`names_one_entity`], with the editor's reading of headers,
//! `table::header_parts`). In such a file each header opens a table of its
//! own, and the key/value lines under it can only define what lies inside that table. So the
//! whole file's tables are the union of the parts' tables, and the whole file is valid exactly
//! when every part is and no table is named in two parts. [`read`] checks that last point,
//! and gives up (the caller then reads the whole file) as soon as a part reports anything:
//! a syntax error, a value that does not fit, a table named twice. A header-like line inside
//! a multi-line string or array leaves the part before it unterminated, which is a syntax
//! error of that part, so it is caught the same way.

use crate::load::read_text;
use crate::table::header_parts;
use crate::types::Policy;
use foldhash::HashSet;
use foldhash::HashSetExt;
use std::ops::Range;
use teamform_diagnostics::FileId;

/// The size a part grows to before the next header starts a new one.
pub(crate) const PART_BYTES: usize = 64 * 1024;

/// Where to cut `text`: consecutive ranges covering it, each but the first starting at a
/// table header, each at least `target` bytes but the last; `None` when the file cannot be
/// cut (see the module's documentation) or would make a single part.
pub(crate) fn cut(text: &str, target: usize) -> Option<Vec<Range<usize>>> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut seen_header = false;
    let mut line_start = 0;
    let mut parts_of_key = Vec::new();
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i + 1);
        let line = text[line_start..line_end].trim_start_matches([' ', '\t']);
        if line.starts_with('[') {
            if !names_one_entity(line, &mut parts_of_key) {
                return None;
            }
            // The first part runs to the second header at least.
            if seen_header && line_start - start >= target {
                parts.push(start..line_start);
                start = line_start;
            }
            seen_header = true;
        } else if !seen_header && !is_blank_or_comment(line) {
            // Keys of the root table: they could define `user` or `asset` themselves.
            return None;
        }
        line_start = line_end;
    }
    if parts.is_empty() {
        return None;
    }
    parts.push(start..text.len());
    Some(parts)
}

/// Whether a line (after its indentation) holds nothing but a comment, if anything.
fn is_blank_or_comment(line: &str) -> bool {
    let line = line.trim_end_matches(['\n', '\r', ' ', '\t']);
    line.is_empty() || line.starts_with('#')
}

/// Whether a line (after its indentation) is the header of one user's or one asset's table:
/// `[user.KEY]` or `[asset.TYPE.KEY]`, as [`header_parts`] reads keys (bare keys, strings
/// without escapes), followed by nothing but a comment. `parts` is room for the key's parts.
/// Anything else, such as `[user]`, `[[user.x]]` or `[user.x.y]`, is not.
fn names_one_entity<'a>(line: &'a str, parts: &mut Vec<&'a str>) -> bool {
    header_parts(line.trim_end_matches('\n'), parts)
        && matches!(parts[..], ["user", _] | ["asset", _, _])
}

/// The policy of `text` (found at `base` in `file`) read part by part, or `None` when a part
/// reports anything or a table is named in two parts (then the whole text must be read, to
/// report it as it is).
pub(crate) fn read(
    file: FileId,
    (text, base): (&str, usize),
    parts: &[Range<usize>],
) -> Option<Policy> {
    let mut policy = Policy::default();
    for range in parts {
        let (part, errors, diags) = read_text(file, &text[range.clone()], base + range.start);
        if !errors.is_empty() || !diags.is_empty() {
            return None;
        }
        policy.users.extend(part.users);
        policy.assets.extend(part.assets);
    }
    let mut users = HashSet::with_capacity(policy.users.len());
    let mut assets = HashSet::with_capacity(policy.assets.len());
    let named_once = policy.users.iter().all(|u| users.insert(&u.key.value))
        && (policy.assets.iter()).all(|a| assets.insert((a.kind, &a.key.value)));
    if !named_once {
        return None;
    }
    // The whole file lists assets by type, in the order each type first appears, then in
    // the file's order; the parts list each their own that way.
    let mut kinds = Vec::new();
    for asset in &policy.assets {
        if !kinds.contains(&asset.kind) {
            kinds.push(asset.kind);
        }
    }
    if kinds.len() > 1 {
        let rank = |k| kinds.iter().position(|x| *x == k).unwrap_or(kinds.len());
        policy.assets.sort_by_key(|a| rank(a.kind));
    }
    Some(policy)
}

#[cfg(test)]
mod tests;
