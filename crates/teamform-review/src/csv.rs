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
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&text);
    }
}

fn row(out: &mut String, fields: &[String]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, f);
    }
    out.push_str("\r\n");
}

/// The whole file.
pub fn users_csv(review: &Review) -> String {
    let mut out = String::new();
    let header: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    row(&mut out, &header);
    let yes = |b: bool| if b { "true" } else { "false" }.to_string();
    for u in &review.users {
        let (risky, others) = review.grant_summary(u);
        let mut grants: Vec<String> = risky
            .iter()
            .map(|g| format!("{} [{}]", g.grant, g.risk.as_str()))
            .collect();
        if others > 0 {
            grants.push(format!("+{others} normal"));
        }
        row(
            &mut out,
            &[
                u.email.clone(),
                u.name.clone(),
                u.role.clone().unwrap_or_default(),
                u.primary_team.clone().unwrap_or_default(),
                u.teams.join(";"),
                yes(u.super_admin),
                u.seats.join(";"),
                u.last_login.clone().unwrap_or_default(),
                u.findings.join(" "),
                u.login.as_str().to_string(),
                u.expires.clone().unwrap_or_default(),
                yes(u.in_portal),
                yes(u.in_policy),
                grants.join(";"),
            ],
        );
    }
    out
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
                "plain".into(),
                "a, b".into(),
                "say \"hi\"".into(),
                "two\nlines".into(),
                "=cmd()".into(),
                "Élodie".into(),
            ],
        );
        assert_eq!(
            out,
            "plain,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",'=cmd(),Élodie\r\n"
        );
    }
}
