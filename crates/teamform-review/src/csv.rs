//! `users.csv`: one row per user, RFC 4180 (CRLF line ends, fields with a comma, quote or
//! line break quoted, quotes doubled), UTF-8 without a byte-order mark. Lists are
//! `;`-separated, findings space-separated, dates ISO 8601; `grants` summarises the user's
//! grants: the high and critical ones, then how many normal ones (all are in `review.json`). A field a spreadsheet would run
//! as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is written
//! with a leading `'`, as OWASP advises against CSV injection.

use crate::types::Review;

/// The header row's columns, in order.
pub const COLUMNS: &[&str] = &[
    "email",
    "name",
    "role",
    "primary_team",
    "teams",
    "super_admin",
    "seats",
    "last_login",
    "findings",
    "login",
    "expires",
    "in_portal",
    "in_policy",
    "grants",
];

/// One field, quoted when it must be.
fn field(out: &mut String, text: &str) {
    let guard = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if text
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.push('"');
        if guard {
            out.push('\'');
        }
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        if guard {
            out.push('\'');
        }
        out.push_str(text);
    }
}

fn row(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, f);
    }
    out.push_str("\r\n");
}

/// The `grants` field of users holding `grants`: their high and critical grants, then how
/// many normal ones.
fn grants_field(review: &Review, grants: &[u32]) -> String {
    let (risky, others) = review.summary_of(grants);
    let mut out: Vec<String> = risky
        .iter()
        .map(|g| format!("{} [{}]", g.grant, g.risk.as_str()))
        .collect();
    if others > 0 {
        out.push(format!("+{others} normal"));
    }
    out.join(";")
}

/// Writes the whole file to `w`, a row at a time. Users holding the same grants share their
/// `grants` field, made once.
pub(crate) fn write(w: &mut dyn std::io::Write, review: &Review) -> std::io::Result<()> {
    let mut out = String::new();
    row(&mut out, COLUMNS);
    let yes = |b: bool| if b { "true" } else { "false" };
    let mut summaries: foldhash::HashMap<&[u32], String> = foldhash::HashMap::default();
    for u in &review.users {
        let grants = summaries
            .entry(u.grants.as_slice())
            .or_insert_with(|| grants_field(review, &u.grants));
        row(
            &mut out,
            &[
                &u.email,
                &u.name,
                u.role.as_deref().unwrap_or_default(),
                u.primary_team.as_deref().unwrap_or_default(),
                &u.teams.join(";"),
                yes(u.super_admin),
                &u.seats.join(";"),
                u.last_login.as_deref().unwrap_or_default(),
                &u.findings.join(" "),
                u.login.as_str(),
                u.expires.as_deref().unwrap_or_default(),
                yes(u.in_portal),
                yes(u.in_policy),
                grants,
            ],
        );
        w.write_all(out.as_bytes())?;
        out.clear();
    }
    w.write_all(out.as_bytes())
}

/// The whole file.
pub fn users_csv(review: &Review) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and what is written is text.
    let _ = write(&mut out, review);
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_as_rfc_4180_says() {
        let mut out = String::new();
        row(
            &mut out,
            &[
                "plain",
                "a, b",
                "say \"hi\"",
                "two\nlines",
                "=cmd()",
                "-1, or \"less\"",
                "Élodie",
            ],
        );
        assert_eq!(
            out,
            "plain,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",'=cmd(),\"'-1, or \"\"less\"\"\",Élodie\r\n"
        );
    }
}
