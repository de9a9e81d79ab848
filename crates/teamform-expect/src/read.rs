//! Reading one test file into expectations. Every value that does not fit is reported (with
//! the policy language's codes: TF0001 syntax, TF0002 unknown field, TF0003 wrong type, TF0004
//! invalid value, TF0006 missing field; TF0300 for an expectation that cannot be checked) and
//! the expectation left out, never guessed.

use crate::{Expectation, ExpectationKind, Subject, Target};
use teamform_diagnostics::{Code, Diagnostic, FileId, Span, did_you_mean};
use teamform_model::read::{Reader, Value, parse_permission};
use teamform_model::{Scope, Sp};
use toml::de::{DeTable, DeValue};

/// The fields each kind of expectation accepts.
fn allowed(kind: ExpectationKind) -> &'static [&'static str] {
    match kind {
        ExpectationKind::Can => &[
            "user",
            "members_of",
            "role",
            "permission",
            "at_least",
            "because",
        ],
        ExpectationKind::Cannot => &[
            "user",
            "members_of",
            "role",
            "permission",
            "wider_than",
            "because",
        ],
        ExpectationKind::Only => &["permission", "at_least", "users", "at_most", "because"],
        ExpectationKind::Sees | ExpectationKind::NotSees => {
            &["user", "members_of", "role", "asset", "because"]
        }
        ExpectationKind::Plan => &["no_gain", "because"],
    }
}

/// The top-level tables of a test file.
pub const KINDS: &[&str] = &["can", "cannot", "only", "sees", "not_sees", "plan"];

/// What the reading of test files adds to the policy reader ([`teamform_model::read::Reader`],
/// which reports wrong types, unknown fields and invalid values with the language's codes).
trait ExpectReader {
    /// A risk level (`critical`, `high`, `normal`).
    fn risk(&mut self, v: &Value<'_>, what: &str) -> Option<Sp<teamform_plan::Risk>>;
    /// A CRM scope (`none`, `owned`, `team`, `everything`).
    fn scope(&mut self, v: &Value<'_>, what: &str) -> Option<Sp<Scope>>;
    /// A permission as deny rules write it, or `super_admin`.
    fn target(&mut self, v: &Value<'_>, what: &str) -> Option<Sp<Target>>;
    /// Reports an expectation that cannot be checked as written.
    fn unusable(&mut self, span: Span, message: String, label: &str, help: &str);
}

impl ExpectReader for Reader<'_> {
    fn risk(&mut self, v: &Value<'_>, what: &str) -> Option<Sp<teamform_plan::Risk>> {
        let text = self.string(v, what)?;
        let risk = teamform_plan::Risk::ALL
            .into_iter()
            .find(|r| r.as_str() == text.value);
        if let Some(r) = risk {
            return Some(Sp::new(r, text.span));
        }
        let names = teamform_plan::Risk::ALL.map(|r| r.as_str());
        let d = Diagnostic::new(
            Code::InvalidValue,
            format!("`{}` is not a risk level", text.value),
        )
        .primary(text.span, "not a risk level")
        .help("allowed values: `critical`, `high`, `normal`");
        self.diags.push(match did_you_mean(&text.value, names) {
            Some(s) => d.suggest(text.span, s),
            None => d,
        });
        None
    }

    fn scope(&mut self, v: &Value<'_>, what: &str) -> Option<Sp<Scope>> {
        let names: Vec<&'static str> = Scope::names().collect();
        self.keyword(v, what, Scope::parse, &names)
    }

    fn target(&mut self, v: &Value<'_>, what: &str) -> Option<Sp<Target>> {
        let text = self.string(v, what)?;
        if text.value == "super_admin" {
            return Some(Sp::new(Target::SuperAdmin, text.span));
        }
        match parse_permission(&text.value) {
            Some(p) => Some(Sp::new(Target::Permission(p), text.span)),
            None => {
                self.invalid(
                    v,
                    &format!("`{}`", text.value),
                    "is not a permission",
                    Some("write `account.FLAG`, `crm.OBJECT.view|edit|delete`, `tools.TOOL.view|edit|publish` or `super_admin`, for example `account.export`".to_string()),
                );
                None
            }
        }
    }

    fn unusable(&mut self, span: Span, message: String, label: &str, help: &str) {
        self.diags.push(
            Diagnostic::new(Code::InvalidExpectation, message)
                .primary(span, label.to_string())
                .help(help),
        );
    }
}

/// The span of a table's first line: the `[[can]]` header of an array-of-tables item, so
/// that an expectation is pointed at by its header rather than underlined whole.
fn first_line(text: &str, span: Span) -> Span {
    let start = (span.start as usize).min(text.len());
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = start + text[start..line_end].trim_end().len();
    Span::new(span.file, start..end)
}

/// Reads the test file `text`, whose spans carry `file`.
pub fn parse(file: FileId, text: &str) -> (Vec<Expectation>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let range = e.span().unwrap_or(0..0);
            let range = if range.is_empty() {
                range.start..(range.start + 1).min(text.len().max(range.start))
            } else {
                range
            };
            diags.push(
                Diagnostic::new(Code::TomlSyntax, e.message().trim().to_string())
                    .primary(Span::new(file, range), "here")
                    .help("fix the TOML syntax; see https://toml.io/en/v1.0.0"),
            );
            return (Vec::new(), diags);
        }
    };
    let mut r = Reader {
        file,
        base: 0,
        diags: &mut diags,
    };
    let mut out = Vec::new();
    for (key, value) in doc.get_ref().iter() {
        let name: &str = key.get_ref().as_ref();
        let kind = match name {
            "can" => ExpectationKind::Can,
            "cannot" => ExpectationKind::Cannot,
            "only" => ExpectationKind::Only,
            "sees" => ExpectationKind::Sees,
            "not_sees" => ExpectationKind::NotSees,
            "plan" => ExpectationKind::Plan,
            _ => {
                r.unknown_field(key, "a test file", KINDS);
                continue;
            }
        };
        let items = match value.get_ref() {
            DeValue::Array(items) => items,
            _ => {
                r.wrong_type(
                    value,
                    &format!("`{name}`"),
                    &format!("an array of tables (`[[{name}]]`)"),
                );
                continue;
            }
        };
        for item in items {
            if let Some(e) = read_one(&mut r, text, kind, item) {
                out.push(e);
            }
        }
    }
    // The items of one kind are grouped by the TOML reader; give them back in file order.
    out.sort_by_key(|e| e.span.start);
    diags.sort_by_key(|d| (d.main_span().map(|s| s.start), d.code));
    (out, diags)
}

fn read_one(
    r: &mut Reader<'_>,
    text: &str,
    kind: ExpectationKind,
    value: &Value<'_>,
) -> Option<Expectation> {
    let name = kind.as_str();
    let DeValue::Table(table) = value.get_ref() else {
        r.wrong_type(value, &format!("each item of `{name}`"), "a table");
        return None;
    };
    let span = first_line(text, r.span(value.span()));
    let context = format!("a `[[{name}]]` expectation");
    let mut e = Expectation {
        kind,
        span,
        subject: None,
        target: None,
        at_least: None,
        wider_than: None,
        users: None,
        at_most: None,
        asset: None,
        because: None,
        no_gain: None,
    };
    let before = r.diags.len();
    let mut subjects = Vec::new();
    for (k, v) in table.iter() {
        let field: &str = k.get_ref().as_ref();
        if !allowed(kind).contains(&field) {
            r.unknown_field(k, &context, allowed(kind));
            continue;
        }
        let what = format!("`{field}` of {context}");
        match field {
            "user" => {
                if let Some(s) = r.string(v, &what) {
                    subjects.push(Subject::User(s));
                }
            }
            "members_of" => {
                if let Some(s) = r.string(v, &what) {
                    subjects.push(Subject::MembersOf(s));
                }
            }
            "role" => {
                if let Some(s) = r.string(v, &what) {
                    subjects.push(Subject::Role(s));
                }
            }
            "permission" => e.target = r.target(v, &what),
            "at_least" => e.at_least = r.scope(v, &what),
            "wider_than" => e.wider_than = r.scope(v, &what),
            "users" => {
                // On a value that is no array, the reader reports it, and the expectation is
                // left out below: the empty list is never checked.
                let users = r.strings(v, &what);
                e.users = Some(Sp::new(users, r.span(v.span())));
            }
            "at_most" => e.at_most = r.count(v, &what, 3),
            "asset" => e.asset = r.string(v, &what),
            "because" => e.because = r.string(v, &what),
            "no_gain" => e.no_gain = r.risk(v, &what),
            _ => {}
        }
    }
    // A value that could not be read leaves the expectation out: checked without it, it would
    // test something else than what was written.
    if r.diags.len() > before {
        return None;
    }
    let has = |f: &str| table.iter().any(|(k, _)| k.get_ref() == f);
    match kind {
        ExpectationKind::Plan => {
            if !has("no_gain") {
                r.missing(span, &context, "no_gain", "\"critical\"");
                return None;
            }
            return Some(e);
        }
        ExpectationKind::Only => {
            if e.users.is_some() == e.at_most.is_some() {
                r.unusable(
                    span,
                    "an `[[only]]` expectation needs exactly one of `users` and `at_most`"
                        .to_string(),
                    "which users?",
                    "write `users = [\"a@example.com\"]` (exactly these users) or `at_most = 3` (no more than three users)",
                );
                return None;
            }
        }
        _ => {
            if subjects.len() != 1 {
                r.unusable(
                    span,
                    format!("a `[[{name}]]` expectation needs exactly one of `user`, `members_of` and `role`"),
                    if subjects.is_empty() { "about whom?" } else { "about whom of these?" },
                    "write `user = \"EMAIL\"`, `members_of = \"TEAM\"` (every member of the team and its child teams) or `role = \"ROLE\"` (every holder of the role)",
                );
                return None;
            }
            e.subject = subjects.pop();
        }
    }
    match kind {
        ExpectationKind::Sees | ExpectationKind::NotSees => {
            if !has("asset") {
                r.missing(span, &context, "asset", "\"form.contact-fr\"");
                return None;
            }
        }
        _ => {
            if !has("permission") {
                r.missing(span, &context, "permission", "\"account.export\"");
                return None;
            }
        }
    }
    let crm = matches!(
        e.target.as_ref().map(|t| &t.value),
        Some(Target::Permission(teamform_model::Permission::Crm(..)))
    );
    for scope in [&e.at_least, &e.wider_than].into_iter().flatten() {
        if !crm {
            r.unusable(
                scope.span,
                "a scope is only meaningful for a CRM permission (`crm.OBJECT.ACTION`)".to_string(),
                "not a CRM permission",
                "remove the scope: tools, account permissions and super admin are held or not",
            );
            return None;
        }
    }
    Some(e)
}
