//! `report.html`: one self-contained page (no network, no external asset; inline style,
//! inline SVG) that reads fully with JavaScript off: the summary, the findings first, the
//! table of users, the sets of grants they hold, a section per team and the org chart. A
//! small inline script, when it runs, adds sorting (click a column header) and a filter box
//! to the users table.
//!
//! Users with the same high and critical grants and the same number of others share a grant
//! set, listed once after the table and linked from each of its users' rows (a large org's
//! 100,000 users hold about 1,500 sets). The page is written to a writer as it is made.

mod orgchart;
mod script;

use crate::types::{Review, ReviewUser};
use std::fmt::Write as _;
use std::io::Write;

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped as [`escape`] does.
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    let mut rest = text;
    // The characters escaped are ASCII: they are looked for byte by byte.
    while let Some(i) = rest
        .bytes()
        .position(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
    {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// Writes `out` to `w` and empties it once it holds this much.
const SPILL: usize = 64 * 1024;

fn spill(out: &mut String, w: &mut dyn Write) -> std::io::Result<()> {
    if out.len() >= SPILL {
        w.write_all(out.as_bytes())?;
        out.clear();
    }
    Ok(())
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#1b2a41;max-width:90rem}\
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #c9d1dd;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}\
th{background:#eef2f8}th[aria-sort]{cursor:pointer}tr.flagged td:first-child{border-left:4px solid #c0392b}\
.warning{color:#8a5a00}.error{color:#c0392b}dl.summary{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}\
dt{font-weight:600}code{background:#f3f5f8;padding:0 .2rem}.orgchart{overflow:auto;border:1px solid #c9d1dd;padding:.5rem}\
ul.grants{margin:0;padding-left:1rem}.muted{color:#5b6b82}section.set{margin:.5rem 0}";

/// The whole page.
pub fn report_html(review: &Review) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and what is written is text.
    let _ = write(&mut out, review);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the whole page to `w`, a part at a time.
pub(crate) fn write(w: &mut dyn Write, review: &Review) -> std::io::Result<()> {
    let mut out = String::with_capacity(2 * SPILL);
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
    users(&mut out, w, review)?;
    teams(&mut out, w, review)?;
    let _ = write!(
        out,
        "<footer class=\"muted\"><p>Made by teamform {}. The SHA-256 of this file and of the others of the pack are in <code>manifest.json</code>.</p></footer>\n\
         <script>{}</script>\n</body>\n</html>\n",
        escape(&review.teamform_version),
        script::SCRIPT
    );
    w.write_all(out.as_bytes())
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
    let mut out = String::with_capacity(email.len());
    push_anchor(&mut out, email);
    out
}

/// Appends [`anchor`] of `email` to `out` (it needs no escaping).
fn push_anchor(out: &mut String, email: &str) {
    if email.is_ascii() {
        out.extend(email.bytes().map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b)
            } else {
                '-'
            }
        }));
        return;
    }
    out.extend(
        email
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' }),
    );
}

fn users(out: &mut String, w: &mut dyn Write, r: &Review) -> std::io::Result<()> {
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
    let mut sets = GrantSets::default();
    for u in &r.users {
        let set = sets.of(r, &u.grants);
        user_row(out, u, set.map(|i| (i, &sets.sets[i].label)));
        spill(out, w)?;
    }
    out.push_str("</tbody></table></section>\n");
    grant_sets(out, w, &sets)
}

/// The grant sets of a review's users: each distinct summary of a user's grants (the high
/// and critical grants, and how many others), rendered once.
#[derive(Default)]
struct GrantSets<'r> {
    /// The set of each distinct list of grants met.
    by_list: foldhash::HashMap<&'r [u32], Option<usize>>,
    /// The set of each distinct rendering.
    by_text: foldhash::HashMap<String, usize>,
    sets: Vec<GrantSet>,
}

/// One grant set.
struct GrantSet {
    /// The short text of a user's cell (`2 critical, 4 high, 21 normal`).
    label: String,
    /// The high and critical grants as a list, and the count of the others.
    body: String,
    /// How many users hold it.
    users: usize,
}

impl<'r> GrantSets<'r> {
    /// The position of the set of a user holding `grants`, counting them; none when they
    /// hold no grant.
    fn of(&mut self, review: &Review, grants: &'r [u32]) -> Option<usize> {
        let set = match self.by_list.get(grants) {
            Some(set) => *set,
            None => {
                let set = self.add(review, grants);
                self.by_list.insert(grants, set);
                set
            }
        };
        if let Some(i) = set {
            self.sets[i].users += 1;
        }
        set
    }

    fn add(&mut self, review: &Review, grants: &[u32]) -> Option<usize> {
        let (risky, others) = review.summary_of(grants);
        if risky.is_empty() && others == 0 {
            return None;
        }
        let mut body = String::new();
        if !risky.is_empty() {
            body.push_str("<ul class=\"grants\">");
            for g in &risky {
                body.push_str("<li>");
                push_escaped(&mut body, &g.grant);
                body.push_str(" <span class=\"muted\">[");
                body.push_str(g.risk.as_str());
                body.push_str(", ");
                push_escaped(&mut body, &g.via);
                body.push_str("]</span></li>");
            }
            body.push_str("</ul>");
        }
        if others > 0 {
            let _ = write!(
                body,
                "<span class=\"muted\">{}{others} normal grant{}</span>",
                if risky.is_empty() { "" } else { "and " },
                if others == 1 { "" } else { "s" }
            );
        }
        if let Some(i) = self.by_text.get(&body) {
            return Some(*i);
        }
        let mut label = Vec::new();
        for risk in [teamform_plan::Risk::Critical, teamform_plan::Risk::High] {
            let n = risky.iter().filter(|g| g.risk == risk).count();
            if n > 0 {
                label.push(format!("{n} {}", risk.as_str()));
            }
        }
        if others > 0 {
            label.push(format!("{others} normal"));
        }
        self.sets.push(GrantSet {
            label: label.join(", "),
            body: body.clone(),
            users: 0,
        });
        self.by_text.insert(body, self.sets.len() - 1);
        Some(self.sets.len() - 1)
    }
}

/// The section listing the grant sets, each once.
fn grant_sets(out: &mut String, w: &mut dyn Write, sets: &GrantSets<'_>) -> std::io::Result<()> {
    let _ = writeln!(
        out,
        "<section id=\"grant-sets\"><h2>Grant sets ({})</h2>\n<p class=\"muted\">The high and critical grants users hold, and how many others; each user's row links to theirs. Every grant of every user is in <code>review.json</code>.</p>",
        sets.sets.len()
    );
    for (i, set) in sets.sets.iter().enumerate() {
        let _ = writeln!(
            out,
            "<section class=\"set\" id=\"grants-{}\"><h3>Grant set {}: {}</h3><p class=\"muted\">Held by {} user{}.</p>{}</section>",
            i + 1,
            i + 1,
            set.label,
            set.users,
            if set.users == 1 { "" } else { "s" },
            set.body
        );
        spill(out, w)?;
    }
    out.push_str("</section>\n");
    Ok(())
}

/// A user's row; `set` is the position and label of their grant set.
fn user_row(out: &mut String, u: &ReviewUser, set: Option<(usize, &String)>) {
    out.push_str("<tr id=\"user-");
    push_anchor(out, &u.email);
    out.push('"');
    if !u.findings.is_empty() {
        out.push_str(" class=\"flagged\"");
    }
    out.push_str("><td>");
    push_escaped(out, &u.email);
    out.push_str(match (u.in_portal, u.in_policy) {
        (true, false) => " <span class=\"warning\">(not in the policy)</span>",
        (false, true) => " <span class=\"muted\">(not in the portal yet)</span>",
        _ => "",
    });
    let cells = [
        u.name.as_str(),
        u.role.as_deref().unwrap_or(""),
        u.primary_team.as_deref().unwrap_or(""),
    ];
    for cell in cells {
        out.push_str("</td><td>");
        push_escaped(out, cell);
    }
    out.push_str("</td><td>");
    push_list(out, &u.teams, "; ");
    out.push_str("</td><td>");
    out.push_str(if u.super_admin { "yes" } else { "" });
    out.push_str("</td><td>");
    push_list(out, &u.seats, "; ");
    out.push_str("</td><td>");
    push_escaped(
        out,
        u.last_login.as_deref().unwrap_or_else(|| u.login.as_str()),
    );
    out.push_str("</td><td>");
    push_list(out, &u.findings, " ");
    out.push_str("</td><td>");
    if let Some((i, label)) = set {
        let _ = write!(out, "<a href=\"#grants-{}\">{label}</a>", i + 1);
    }
    out.push_str("</td></tr>\n");
}

/// Appends the items of `list`, escaped, joined by `by`.
fn push_list(out: &mut String, list: &[String], by: &str) {
    for (i, item) in list.iter().enumerate() {
        if i > 0 {
            out.push_str(by);
        }
        push_escaped(out, item);
    }
}

fn teams(out: &mut String, w: &mut dyn Write, r: &Review) -> std::io::Result<()> {
    out.push_str("<section id=\"teams\"><h2>Teams</h2>\n<div class=\"orgchart\">");
    out.push_str(&orgchart::svg(&r.teams));
    out.push_str("</div>\n");
    let flagged: foldhash::HashMap<&str, &ReviewUser> = r
        .users
        .iter()
        .filter(|u| !u.findings.is_empty())
        .map(|u| (u.email.as_str(), u))
        .collect();
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
            spill(out, w)?;
            continue;
        }
        out.push_str("<ul>");
        for m in &t.members {
            out.push_str("<li><a href=\"#user-");
            push_anchor(out, m);
            out.push_str("\">");
            push_escaped(out, m);
            out.push_str("</a>");
            if let Some(u) = flagged.get(m.as_str()) {
                out.push_str(" <span class=\"warning\">");
                push_list(out, &u.findings, " ");
                out.push_str("</span>");
            }
            out.push_str("</li>");
            spill(out, w)?;
        }
        out.push_str("</ul></section>\n");
    }
    out.push_str("</section>\n");
    Ok(())
}
