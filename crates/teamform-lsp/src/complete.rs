//! Completion: team, role, user and asset keys where a reference is expected (`team = "`,
//! `teams = ["…", "`, `parent`, `role`, `members_of`, `unless_roles`, `protected_users`,
//! `public_assets`), the words of closed vocabularies (scopes, seats), and the field names of
//! the table the cursor is in.
//!
//! The context is read from the text around the cursor, not from the parsed document, since
//! the text being typed is usually not valid TOML yet.

use crate::fields::Table;
use crate::position::{offset, position};
use crate::project::Snapshot;
use crate::symbols::KeyKind;
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Position, Range, TextEdit,
};
use teamform_diagnostics::FileId;
use teamform_model::{Policy, Scope, Seat};

/// How many lines above the cursor an unclosed array is looked for.
const LOOKBACK: usize = 50;

/// What the cursor is in.
#[derive(Debug, PartialEq, Eq)]
enum Context<'t> {
    /// The value of `field`: inside a string when `quoted`, with `partial` typed so far.
    Value {
        field: &'t str,
        quoted: bool,
        partial: &'t str,
    },
    /// A field name being typed at the start of a line, `partial` so far.
    Field { partial: &'t str },
}

/// The completions at `at` in `file`.
pub fn complete(snapshot: &Snapshot, file: FileId, at: Position) -> Vec<CompletionItem> {
    let Some(source) = snapshot.file(file) else {
        return Vec::new();
    };
    let text = &*source.text;
    let cursor = offset(source, at) as usize;
    let line_start = source.offset_of_utf16(at.line, 0) as usize;
    let Some(context) = context(&text[..line_start], &text[line_start..cursor]) else {
        return Vec::new();
    };
    let partial_len = match &context {
        Context::Value { partial, .. } | Context::Field { partial } => partial.len(),
    };
    let start = position(source, u32::try_from(cursor - partial_len).unwrap_or(0));
    let replace = Range::new(start, at);
    let policy = snapshot.policy();
    let candidates: Vec<(String, String, CompletionItemKind)> = match context {
        Context::Field { .. } => {
            let header = text[..line_start]
                .lines()
                .rev()
                .find(|l| l.trim_start().starts_with('['));
            let Some(table) = header.and_then(Table::of_header) else {
                return Vec::new();
            };
            table
                .fields()
                .into_iter()
                .map(|(f, d)| (f, d.to_string(), CompletionItemKind::FIELD))
                .collect()
        }
        Context::Value { field, quoted, .. } => values(policy, field)
            .into_iter()
            .map(|(v, d, k)| {
                let v = if quoted { v } else { format!("\"{v}\"") };
                (v, d, k)
            })
            .collect(),
    };
    candidates
        .into_iter()
        .map(|(label, detail, kind)| CompletionItem {
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                replace,
                label.clone(),
            ))),
            label,
            kind: Some(kind),
            detail: Some(detail),
            ..CompletionItem::default()
        })
        .collect()
}

/// The values a field takes: keys of a kind of entity, or words of a vocabulary.
fn values(policy: &Policy, field: &str) -> Vec<(String, String, CompletionItemKind)> {
    let kind = match field {
        "team" | "teams" | "parent" | "members_of" => KeyKind::Team,
        "role" | "unless_roles" => KeyKind::Role,
        "protected_users" => KeyKind::User,
        "public_assets" => KeyKind::Asset,
        "view" | "edit" | "scope" => return words(Scope::names()),
        "seats" => return words(Seat::names()),
        _ => return Vec::new(),
    };
    let name =
        |n: Option<&teamform_model::Sp<String>>| n.map_or_else(String::new, |n| n.value.clone());
    let reference = CompletionItemKind::REFERENCE;
    match kind {
        KeyKind::Team => policy
            .teams
            .iter()
            .map(|t| (t.key.value.clone(), name(t.name.as_ref()), reference))
            .collect(),
        KeyKind::Role => policy
            .roles
            .iter()
            .map(|r| (r.key.value.clone(), name(r.name.as_ref()), reference))
            .collect(),
        KeyKind::User => policy
            .users
            .iter()
            .map(|u| (u.key.value.clone(), name(u.name.as_ref()), reference))
            .collect(),
        KeyKind::Asset => policy
            .assets
            .iter()
            .map(|a| (a.reference(), name(a.name.as_ref()), reference))
            .collect(),
    }
}

fn words(names: impl Iterator<Item = &'static str>) -> Vec<(String, String, CompletionItemKind)> {
    names
        .map(|n| {
            (
                n.to_string(),
                String::new(),
                CompletionItemKind::ENUM_MEMBER,
            )
        })
        .collect()
}

/// Reads the context of the cursor from the text before its line (`before`) and the text of
/// its line up to it (`line`).
fn context<'t>(before: &'t str, line: &'t str) -> Option<Context<'t>> {
    if comment_start(line).is_some() {
        return None;
    }
    if let Some((field, value)) = assignment(line) {
        return value_context(field, value);
    }
    // Inside a multi-line array: an earlier line opens `field = [` and nothing closes it.
    let mut lines = before.lines().rev().take(LOOKBACK);
    let opened = lines.find_map(|l| {
        if l.contains(']') && assignment(l).is_none() {
            return Some(None);
        }
        assignment(l)
            .map(|(field, value)| (value.contains('[') && !value.contains(']')).then_some(field))
    });
    if let Some(Some(field)) = opened {
        return value_context(field, line);
    }
    let partial = line.trim_start();
    let is_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    partial
        .chars()
        .all(is_name)
        .then_some(Context::Field { partial })
}

/// The context inside the value `value` of `field`.
fn value_context<'t>(field: &'t str, value: &'t str) -> Option<Context<'t>> {
    match open_quote(value) {
        Some(quote) => Some(Context::Value {
            field,
            quoted: true,
            partial: &value[quote + 1..],
        }),
        None => {
            let rest = value.trim_end();
            let fresh = rest.is_empty() || rest.ends_with('[') || rest.ends_with(',');
            fresh.then_some(Context::Value {
                field,
                quoted: false,
                partial: "",
            })
        }
    }
}

/// Calls `f` with each character of a line outside strings and comments, and returns where
/// a comment starts, if one does.
fn scan(line: &str, mut f: impl FnMut(usize, char)) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return Some(i),
            _ if !in_string => f(i, c),
            _ => {}
        }
    }
    None
}

/// Where the comment of a line starts, if it has one.
fn comment_start(line: &str) -> Option<usize> {
    scan(line, |_, _| {})
}

/// The last `KEY = VALUE` of a line outside strings (the last one, so that inline tables
/// `{ name = "x", team = "` work): the key and the text of the value, without a comment.
fn assignment(line: &str) -> Option<(&str, &str)> {
    let mut last_eq = None;
    let end = scan(line, |i, c| {
        if c == '=' {
            last_eq = Some(i);
        }
    })
    .unwrap_or(line.len());
    let line = &line[..end];
    let eq = last_eq?;
    let key = line[..eq].trim_end();
    let start = key
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map_or(0, |i| i + 1);
    let key = &key[start..];
    (!key.is_empty()).then_some((key, &line[eq + 1..]))
}

/// The byte offset of the quote that opens a string still open at the end of `value`.
fn open_quote(value: &str) -> Option<usize> {
    let mut open = None;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if open.is_some() => escaped = true,
            '"' => open = if open.is_some() { None } else { Some(i) },
            _ => {}
        }
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(field: &str, quoted: bool, partial: &str) -> Option<Context<'static>> {
        // The strings of the tests live for the whole program.
        let (field, partial) = (field.to_string().leak(), partial.to_string().leak());
        Some(Context::Value {
            field,
            quoted,
            partial,
        })
    }

    #[test]
    fn reads_the_context_of_the_cursor() {
        assert_eq!(context("", "team = \"sal"), value("team", true, "sal"));
        assert_eq!(context("", "team = "), value("team", false, ""));
        assert_eq!(
            context("", "teams = [\"a\", \"év"),
            value("teams", true, "év")
        );
        assert_eq!(
            context("", "\"zoé@x\" = { name = \"Zoé\", role = \"r"),
            value("role", true, "r")
        );
        assert_eq!(
            context("[asset.form.f]\nteams = [\n  \"a\",\n", "  \"s"),
            value("teams", true, "s")
        );
        assert_eq!(
            context("[user.\"a@b\"]\n", "rol"),
            Some(Context::Field { partial: "rol" })
        );
        assert_eq!(
            context("teams = [\"a\"]\n", "  "),
            Some(Context::Field { partial: "" })
        );
        assert_eq!(context("", "name = \"x\" # team = \""), None);
    }
}
