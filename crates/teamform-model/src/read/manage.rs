//! Reading `[portal.manage]`: the users mode (`all` or `declared`) and the ignore globs. A
//! mode that does not exist (TF0141) or a glob that cannot be read (TF0142) is reported at
//! the value and left out.

use super::{Reader, Value};
use crate::manage::{Manage, UsersMode, glob_error};
use crate::types::Sp;
use teamform_diagnostics::{Code, Diagnostic, did_you_mean};

/// The fields of the table, as the reader accepts them.
pub const MANAGE: &[&str] = &["users", "ignore_users", "ignore_teams"];

/// Reads the `[portal.manage]` table.
pub(super) fn read_manage(r: &mut Reader<'_>, value: &Value<'_>) -> Option<Manage> {
    let table = r.table(value, "`manage`")?;
    let mut manage = Manage {
        span: r.span(value.span()),
        ..Manage::default()
    };
    for (k, v) in table.iter() {
        match k.get_ref().as_ref() {
            "users" => manage.users = mode(r, v),
            "ignore_users" => manage.ignore_users = globs(r, v, "`ignore_users`"),
            "ignore_teams" => manage.ignore_teams = globs(r, v, "`ignore_teams`"),
            _ => r.unknown_field(k, "`[portal.manage]`", MANAGE),
        }
    }
    Some(manage)
}

/// The users mode, or TF0141 with the mode it probably means.
fn mode(r: &mut Reader<'_>, v: &Value<'_>) -> Option<Sp<UsersMode>> {
    let text = r.string(v, "`users`")?;
    if let Some(m) = UsersMode::parse(&text.value) {
        return Some(Sp::new(m, text.span));
    }
    let d = Diagnostic::new(
        Code::UnknownManageMode,
        format!("`{}` is not a users mode", text.value),
    )
    .primary(text.span, "unknown mode")
    .help(
        "`all` manages every user of the portal (removing the undeclared ones); `declared` \
         manages only the users the policy declares",
    );
    r.diags.push(
        match did_you_mean(&text.value, UsersMode::NAMES.iter().copied()) {
            Some(s) => d.suggest(text.span, s),
            None => d,
        },
    );
    None
}

/// The globs of a list that can be read; TF0142 for each other one.
fn globs(r: &mut Reader<'_>, v: &Value<'_>, what: &str) -> Vec<Sp<String>> {
    let mut out = Vec::new();
    for g in r.strings(v, what) {
        match glob_error(&g.value) {
            None => out.push(g),
            Some(why) => r.diags.push(
                Diagnostic::new(
                    Code::InvalidGlob,
                    format!("`{}` in {what} is not a glob teamform can read", g.value),
                )
                .primary(g.span, why)
                .help(
                    "write `*` for any text, `?` for one character, `[abc]` for one of a set, \
                     `{a,b}` for alternatives; escape a special character with `\\`",
                ),
            ),
        }
    }
    out
}
