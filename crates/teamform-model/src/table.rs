//! The top-level tables of a policy file as byte ranges, and one `[user.KEY]` table parsed on
//! its own: what lets an editor re-read only the tables an edit touched.
//!
//! A table starts at a header line, a line that begins with `[` in its first column, and runs
//! to the next one. This is a line scan, not a parse: a bracket at the start of a line inside
//! a multi-line string or array is taken for a header too. Callers make that harmless by
//! checking that each table they take parses on its own, and reproduces what the whole file
//! gave for it.

use crate::load::parse_file_at;
use crate::types::User;
use std::ops::Range;
use teamform_diagnostics::{Code, Diagnostic, FileId};

/// Whether `at` is the start of a header line of `text`.
fn header_at(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    bytes.get(at) == Some(&b'[') && (at == 0 || bytes[at - 1] == b'\n')
}

/// The tables of `text` that the bytes `range` touch, whole: from the header at or before the
/// range's start to the next header after its end (or the end of the text). The text before
/// the first header counts as a table without a header.
pub fn tables_around(text: &str, range: Range<usize>) -> Range<usize> {
    let start = text[..range.start.min(text.len())]
        .rmatch_indices("\n[")
        .map(|(i, _)| i + 1)
        .chain(std::iter::once(0))
        .find(|&i| i <= range.start)
        .unwrap_or(0);
    let mut from = range.end.max(range.start + 1).min(text.len());
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let end = text[from..]
        .match_indices("\n[")
        .map(|(i, _)| from + i + 1)
        .next()
        .unwrap_or(text.len());
    start.min(end)..end
}

/// Splits `range` of `text`, which starts at a header, into its tables: each a range and its
/// header's key (see [`header_key`]). `None` when the range does not start at a header.
pub fn tables_in(text: &str, range: Range<usize>) -> Option<Vec<(Range<usize>, Vec<String>)>> {
    if !header_at(text, range.start) {
        return None;
    }
    let mut starts: Vec<usize> = vec![range.start];
    starts.extend(
        text[range.clone()]
            .match_indices("\n[")
            .map(|(i, _)| range.start + i + 1),
    );
    let mut out = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(range.end);
        let line = text[start..end].lines().next().unwrap_or_default();
        out.push((start..end, header_key(line)?));
    }
    Some(out)
}

/// The key of a table header line such as `[user."ana@acme.example"]  # sales`: its parts,
/// for bare keys, and basic and literal strings without escapes. `None` for anything else (an
/// array of tables, an escape, text after the header), which callers treat as unknown.
pub fn header_key(line: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    header_parts(line, &mut parts).then(|| parts.into_iter().map(str::to_string).collect())
}

/// [`header_key`] without copying: the parts of the key, borrowed from `line`, in `parts`
/// (cleared first); `false` when the line is not such a header.
pub(crate) fn header_parts<'a>(line: &'a str, parts: &mut Vec<&'a str>) -> bool {
    parts.clear();
    let Some(mut rest) = line.strip_prefix('[') else {
        return false;
    };
    if rest.starts_with('[') {
        return false;
    }
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        let Some(first) = rest.chars().next() else {
            return false;
        };
        let (part, after) = match first {
            quote @ ('"' | '\'') => {
                let inner = &rest[1..];
                let Some(close) = inner.find(quote) else {
                    return false;
                };
                let part = &inner[..close];
                if part.contains('\\') && quote == '"' {
                    return false;
                }
                (part, &inner[close + 1..])
            }
            _ => {
                let len = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                    .unwrap_or(rest.len());
                if len == 0 {
                    return false;
                }
                (&rest[..len], &rest[len..])
            }
        };
        parts.push(part);
        rest = after.trim_start_matches([' ', '\t']);
        match rest.chars().next() {
            Some('.') => rest = &rest[1..],
            Some(']') => {
                let tail = rest[1..]
                    .trim_start_matches([' ', '\t'])
                    .trim_end_matches('\r');
                return tail.is_empty() || tail.starts_with('#');
            }
            _ => return false,
        }
    }
}

/// The user defined by the table at `range` of `text` (a file whose spans carry `file`),
/// parsed on its own, with the problems found in it; spans are those of the whole text.
/// `None` when the table does not parse on its own or does not define exactly one user.
pub fn parse_user_table(
    file: FileId,
    text: &str,
    range: Range<usize>,
) -> Option<(User, Vec<Diagnostic>)> {
    let (mut fragment, diags) = parse_file_at(file, text.get(range.clone())?, range.start);
    if diags.iter().any(|d| d.code == Code::TomlSyntax) || fragment.users.len() != 1 {
        return None;
    }
    let (teams, roles, assets) = (&fragment.teams, &fragment.roles, &fragment.assets);
    let guardrails = &fragment.guardrails;
    if fragment.portal.is_some()
        || !teams.is_empty()
        || !roles.is_empty()
        || !assets.is_empty()
        || guardrails.deny.len() + guardrails.protected_users.len() + guardrails.public_assets.len()
            > 0
        || guardrails.min_super_admins.is_some()
        || guardrails.max_super_admins.is_some()
        || guardrails.max_removal_ratio.is_some()
        || guardrails.require_partition.is_some()
    {
        return None;
    }
    let user = fragment.users.pop()?;
    Some((user, diags))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse_file;

    #[test]
    fn header_keys() {
        let key = |l: &str| header_key(l).map(|k| k.join("|"));
        assert_eq!(
            key("[user.\"ana@acme.example\"]"),
            Some("user|ana@acme.example".into())
        );
        assert_eq!(key("[ team . sales ] # x"), Some("team|sales".into()));
        assert_eq!(key("[asset.'list'.\"a b\"]"), Some("asset|list|a b".into()));
        assert_eq!(key("[[user]]"), None);
        assert_eq!(key("[user.\"a\\u0041\"]"), None);
        assert_eq!(key("[user.x] y = 1"), None);
    }

    #[test]
    fn the_tables_an_edit_touches() {
        let text =
            "# top\n[team.a]\nname = \"A\"\n\n[user.\"b@x.io\"]\nrole = \"r\"\n[user.\"c@x.io\"]\n";
        let b = text.find("role").unwrap_or(0);
        let around = tables_around(text, b..b + 1);
        assert_eq!(&text[around.clone()], "[user.\"b@x.io\"]\nrole = \"r\"\n");
        let tables = tables_in(text, around.clone());
        assert_eq!(
            tables,
            Some(vec![(around, vec!["user".into(), "b@x.io".into()])])
        );
        assert_eq!(&text[tables_around(text, 2..3)], "# top\n");
        let last = text.len() - 1;
        assert_eq!(
            &text[tables_around(text, last..text.len())],
            "[user.\"c@x.io\"]\n"
        );
    }

    #[test]
    fn a_user_table_parsed_alone_has_the_spans_of_the_whole_file() {
        let text = "[team.a]\nname = \"A\"\n[user.\"b@x.io\"]\nrole = 3\nteam = \"a\"\n";
        let start = text.find("[user").unwrap_or(0);
        let (whole, whole_diags) = parse_file(FileId(2), text);
        let alone = parse_user_table(FileId(2), text, start..text.len());
        assert_eq!(alone, Some((whole.users[0].clone(), whole_diags)));
        assert_eq!(parse_user_table(FileId(2), text, 0..start), None);
    }
}
