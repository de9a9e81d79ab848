//! `report.html`: one self-contained page (no network, no external asset; inline style,
//! inline SVG) that reads fully with JavaScript off: the summary, the findings first, the
//! table of users, a section per team and the org chart. A small inline script, when it
//! runs, adds sorting (click a column header) and a filter box to the users table.

mod orgchart;
mod script;

use crate::types::{Review, ReviewUser};
use std::fmt::Write as _;

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#1b2a41;max-width:90rem}\
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #c9d1dd;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}\
th{background:#eef2f8}th[aria-sort]{cursor:pointer}tr.flagged td:first-child{border-left:4px solid #c0392b}\
.warning{color:#8a5a00}.error{color:#c0392b}dl.summary{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}\
dt{font-weight:600}code{background:#f3f5f8;padding:0 .2rem}.orgchart{overflow:auto;border:1px solid #c9d1dd;padding:.5rem}\
ul.grants{margin:0;padding-left:1rem}.muted{color:#5b6b82}";

/// The whole page.
pub fn report_html(review: &Review) -> String {
    let mut out = String::new();
    let title = format!(
        "Access review of {} at {}",
        review.portal, review.generated_at
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    header(&mut out, review);
    findings(&mut out, review);
    users(&mut out, review);
    teams(&mut out, review);
    let _ = write!(
        out,
        "<footer class=\"muted\"><p>Made by teamform {}. The SHA-256 of this file and of the others of the pack are in <code>manifest.json</code>.</p></footer>\n\
         <script>{}</script>\n</body>\n</html>\n",
        escape(&review.teamform_version),
        script::SCRIPT
    );
    out
}

fn header(out: &mut String, r: &Review) {
    let s = &r.summary;
    let window = match (&r.activity.available, &r.activity.since, &r.activity.until) {
        (true, Some(a), Some(b)) => format!("logins from {a} to {b}"),
        _ => "no activity available: login findings were not made".to_string(),
    };
    let _ = write!(
        out,
        "<header><h1>Access review</h1>\n<dl class=\"summary\">\
         <dt>Portal</dt><dd>{}</dd><dt>Snapshot</dt><dd>{}</dd>\
         <dt>Policy</dt><dd>commit <code>{}</code>{}, hash <code>{}</code></dd>\
         <dt>Activity</dt><dd>{}</dd>\
         <dt>Thresholds</dt><dd>inactive after {} days, expiring within {} days</dd>\
         <dt>Users</dt><dd>{} ({} in the portal, {} in the policy)</dd>\
         <dt>Super admins</dt><dd>{}</dd><dt>Paid seats</dt><dd>{}</dd>\
         <dt>Flagged users</dt><dd>{}</dd></dl></header>\n",
        escape(&r.portal),
        escape(&r.generated_at),
        escape(r.policy.commit.as_deref().unwrap_or("none")),
        if r.policy.dirty {
            " (with uncommitted changes)"
        } else {
            ""
        },
        escape(&r.policy.hash),
        escape(&window),
        r.options.inactive_days,
        r.options.expiring_days,
        s.users,
        s.in_portal,
        s.in_policy,
        s.super_admins,
        s.paid_seats,
        s.flagged,
    );
}

fn findings(out: &mut String, r: &Review) {
    let _ = writeln!(
        out,
        "<section id=\"findings\"><h2>Findings ({})</h2>",
        r.findings.len()
    );
    if r.findings.is_empty() {
        out.push_str("<p>No findings.</p></section>\n");
        return;
    }
    out.push_str("<table><thead><tr><th>Code</th><th>Severity</th><th>User</th><th>Finding</th></tr></thead><tbody>\n");
    for f in &r.findings {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code> {}</td><td class=\"{}\">{}</td><td><a href=\"#user-{}\">{}</a></td><td>{}</td></tr>",
            escape(&f.code),
            escape(&f.name),
            escape(&f.severity),
            escape(&f.severity),
            escape(&anchor(&f.user)),
            escape(&f.user),
            code_spans(&escape(&f.message))
        );
    }
    out.push_str("</tbody></table>\n<p class=\"muted\">Each code is documented by <code>teamform explain CODE</code>.</p></section>\n");
}

/// Turns the `backquoted` parts of an escaped message into `<code>` elements.
fn code_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// An id for a user's row.
fn anchor(email: &str) -> String {
    email
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect()
}

fn users(out: &mut String, r: &Review) {
    out.push_str("<section id=\"users\"><h2>Users</h2>\n<p id=\"filter-box\" hidden><label>Filter <input type=\"search\" id=\"filter\" placeholder=\"email, team, role, finding\"></label></p>\n");
    out.push_str("<table id=\"users-table\"><thead><tr>");
    for h in [
        "Email",
        "Name",
        "Role",
        "Primary team",
        "Teams",
        "Super admin",
        "Seats",
        "Last login",
        "Findings",
        "Grants",
    ] {
        let _ = write!(out, "<th>{h}</th>");
    }
    out.push_str("</tr></thead><tbody>\n");
    for u in &r.users {
        user_row(out, r, u);
    }
    out.push_str("</tbody></table></section>\n");
}

fn user_row(out: &mut String, review: &Review, u: &ReviewUser) {
    let flagged = if u.findings.is_empty() {
        ""
    } else {
        " class=\"flagged\""
    };
    let where_ = match (u.in_portal, u.in_policy) {
        (true, false) => " <span class=\"warning\">(not in the policy)</span>",
        (false, true) => " <span class=\"muted\">(not in the portal yet)</span>",
        _ => "",
    };
    let login = match &u.last_login {
        Some(l) => escape(l),
        None => escape(u.login.as_str()),
    };
    // The high and critical grants, and how many others: every grant is in `review.json`.
    let (risky, others) = review.grant_summary(u);
    let mut grants = String::new();
    if !risky.is_empty() {
        grants.push_str("<ul class=\"grants\">");
        for g in &risky {
            let _ = write!(
                grants,
                "<li>{} <span class=\"muted\">[{}, {}]</span></li>",
                escape(&g.grant),
                escape(g.risk.as_str()),
                escape(&g.via)
            );
        }
        grants.push_str("</ul>");
    }
    if others > 0 {
        let _ = write!(
            grants,
            "<span class=\"muted\">{}{others} normal grant{}</span>",
            if risky.is_empty() { "" } else { "and " },
            if others == 1 { "" } else { "s" }
        );
    }
    let _ = writeln!(
        out,
        "<tr id=\"user-{}\"{flagged}><td>{}{where_}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{grants}</td></tr>",
        escape(&anchor(&u.email)),
        escape(&u.email),
        escape(&u.name),
        escape(u.role.as_deref().unwrap_or("")),
        escape(u.primary_team.as_deref().unwrap_or("")),
        escape(&u.teams.join("; ")),
        if u.super_admin { "yes" } else { "" },
        escape(&u.seats.join("; ")),
        login,
        escape(&u.findings.join(" ")),
    );
}

fn teams(out: &mut String, r: &Review) {
    out.push_str("<section id=\"teams\"><h2>Teams</h2>\n<div class=\"orgchart\">");
    out.push_str(&orgchart::svg(&r.teams));
    out.push_str("</div>\n");
    let flagged: std::collections::HashMap<&str, &ReviewUser> =
        r.users.iter().map(|u| (u.email.as_str(), u)).collect();
    for (i, _) in orgchart::tree_order(&r.teams) {
        let t = &r.teams[i];
        let reviewers = if t.reviewers.is_empty() {
            "none declared".to_string()
        } else {
            let from = match &t.reviewers_from {
                Some(f) if *f != t.key => format!(" (from team {f})"),
                _ => String::new(),
            };
            format!("{}{from}", t.reviewers.join(", "))
        };
        let _ = write!(
            out,
            "<section id=\"team-{}\"><h3>{}</h3><p>Reviewers: {}</p>",
            escape(&anchor(&t.key)),
            escape(&t.name),
            escape(&reviewers)
        );
        if t.members.is_empty() {
            out.push_str("<p class=\"muted\">No members.</p></section>\n");
            continue;
        }
        out.push_str("<ul>");
        for m in &t.members {
            let codes = flagged
                .get(m.as_str())
                .map(|u| u.findings.join(" "))
                .unwrap_or_default();
            let _ = write!(
                out,
                "<li><a href=\"#user-{}\">{}</a> <span class=\"warning\">{}</span></li>",
                escape(&anchor(m)),
                escape(m),
                escape(&codes)
            );
        }
        out.push_str("</ul></section>\n");
    }
    out.push_str("</section>\n");
}
