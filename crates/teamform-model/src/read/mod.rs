//! Reading one parsed TOML document into typed entities, reporting every value that does not
//! fit the language and carrying on with the rest. The field lists of each table are public,
//! for completion in editors and for the schema's consistency test.

mod entities;
mod manage;
mod membership;
mod role;

pub(crate) use entities::read_document;
pub use entities::{ASSET, DENY, GUARDRAILS, OFFBOARD, PORTAL, TEAM, TOP, USER};
pub use manage::MANAGE;
pub use membership::MEMBERSHIP;
pub use role::{CRM_FIELDS, ROLE, parse_permission};

use crate::types::{Date, Sp};
use std::ops::Range;
use teamform_diagnostics::{Code, Diagnostic, FileId, Span, did_you_mean};
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

/// A spanned TOML value.
pub type Value<'i> = Spanned<DeValue<'i>>;

/// What a value is, for messages (``` `name` of user `ana@example.com` ```), made into text
/// only when a message is written: most values fit, and formatting the description of every
/// field of 100,000 users took a tenth of reading them.
#[derive(Clone, Copy, Debug)]
pub enum What<'a> {
    /// Written out.
    Text(&'a str),
    /// An entity, ``user `ana@example.com` ``: what it is and its key.
    Entity(&'a str, &'a str),
    /// An asset, ``asset `document.brochure` ``: its type and key.
    Asset(&'a str, &'a str),
    /// A field of something: ``` `name` of user `ana@example.com` ```.
    Field(&'a str, &'a What<'a>),
    /// Each item of an array: `each item of …`.
    Item(&'a What<'a>),
}

impl std::fmt::Display for What<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            What::Text(text) => f.write_str(text),
            What::Entity(kind, key) => write!(f, "{kind} `{key}`"),
            What::Asset(kind, key) => write!(f, "asset `{kind}.{key}`"),
            What::Field(name, of) => write!(f, "`{name}` of {of}"),
            What::Item(of) => write!(f, "each item of {of}"),
        }
    }
}

impl<'a> From<&'a str> for What<'a> {
    fn from(text: &'a str) -> Self {
        What::Text(text)
    }
}

impl<'a> From<&'a String> for What<'a> {
    fn from(text: &'a String) -> Self {
        What::Text(text)
    }
}

/// Reads values of one file, collecting diagnostics: the one place a TOML value that does not
/// fit is reported (TF0003 wrong type, TF0004 invalid value, TF0002 unknown field, TF0006
/// missing field), for policy files and for the other files written in the language's style
/// (test files, `teamform_expect`).
pub struct Reader<'d> {
    /// The file the spans point into.
    pub file: FileId,
    /// Where the text that was parsed starts in the file: 0, or the start of a part of a
    /// large file parsed alone (`parts`).
    pub base: usize,
    /// Where diagnostics go.
    pub diags: &'d mut Vec<Diagnostic>,
}

/// What a TOML value is, for messages.
fn kind_of(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

impl Reader<'_> {
    /// A span of this file.
    pub fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, range.start + self.base..range.end + self.base)
    }

    /// Reports a value of the wrong type.
    pub fn wrong_type<'w>(&mut self, v: &Value<'_>, what: impl Into<What<'w>>, expected: &str) {
        let what = what.into();
        let found = kind_of(v.get_ref());
        self.diags.push(
            Diagnostic::new(
                Code::WrongType,
                format!("{what} must be {expected}, found {found}"),
            )
            .primary(self.span(v.span()), format!("expected {expected}")),
        );
    }

    /// A table, or a wrong-type diagnostic.
    pub fn table<'a, 'i, 'w>(
        &mut self,
        v: &'a Value<'i>,
        what: impl Into<What<'w>>,
    ) -> Option<&'a DeTable<'i>> {
        let what = what.into();
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.wrong_type(v, what, "a table");
                None
            }
        }
    }

    /// A string, or a wrong-type diagnostic.
    pub fn string<'w>(&mut self, v: &Value<'_>, what: impl Into<What<'w>>) -> Option<Sp<String>> {
        let what = what.into();
        match v.get_ref() {
            DeValue::String(s) => Some(Sp::new(s.to_string(), self.span(v.span()))),
            _ => {
                self.wrong_type(v, what, "a string");
                None
            }
        }
    }

    /// A boolean, or a wrong-type diagnostic.
    pub fn bool<'w>(&mut self, v: &Value<'_>, what: impl Into<What<'w>>) -> Option<Sp<bool>> {
        let what = what.into();
        match v.get_ref() {
            DeValue::Boolean(b) => Some(Sp::new(*b, self.span(v.span()))),
            _ => {
                self.wrong_type(v, what, "a boolean (`true` or `false`)");
                None
            }
        }
    }

    /// A whole number from 0 to `u32::MAX`; `example` is the count the help suggests.
    pub fn count<'w>(
        &mut self,
        v: &Value<'_>,
        what: impl Into<What<'w>>,
        example: u32,
    ) -> Option<Sp<u32>> {
        let what = what.into();
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(
                i.as_str().replace('_', "").trim_start_matches(['+']),
                i.radix(),
            )
            .ok(),
            _ => {
                self.wrong_type(v, what, "a whole number");
                return None;
            }
        };
        match parsed.and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Some(Sp::new(n, self.span(v.span()))),
            None => {
                self.invalid(
                    v,
                    what,
                    "must be a whole number from 0 to 4294967295",
                    Some(format!("write a count such as `{example}`")),
                );
                None
            }
        }
    }

    /// A share from 0 to 1.
    pub fn ratio<'w>(&mut self, v: &Value<'_>, what: impl Into<What<'w>>) -> Option<Sp<f64>> {
        let what = what.into();
        let parsed = match v.get_ref() {
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            DeValue::Integer(i) => i.as_str().replace('_', "").parse::<f64>().ok(),
            _ => {
                self.wrong_type(v, what, "a number");
                return None;
            }
        };
        match parsed {
            Some(x) if (0.0..=1.0).contains(&x) => Some(Sp::new(x, self.span(v.span()))),
            _ => {
                self.invalid(
                    v,
                    what,
                    "must be a number from 0 to 1",
                    Some("write a share such as `0.25` (a quarter)".to_string()),
                );
                None
            }
        }
    }

    /// A date (`YYYY-MM-DD`).
    pub fn date<'w>(&mut self, v: &Value<'_>, what: impl Into<What<'w>>) -> Option<Sp<Date>> {
        let what = what.into();
        match v.get_ref() {
            DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
                let d = dt.date?;
                Some(Sp::new(
                    Date {
                        year: d.year,
                        month: d.month,
                        day: d.day,
                    },
                    self.span(v.span()),
                ))
            }
            DeValue::Datetime(_) => {
                self.invalid(
                    v,
                    what,
                    "must be a date without a time, such as `2027-03-31`",
                    None,
                );
                None
            }
            _ => {
                self.wrong_type(v, what, "a date such as `2027-03-31`");
                None
            }
        }
    }

    /// An array, or a wrong-type diagnostic.
    pub fn array<'a, 'i, 'w>(
        &mut self,
        v: &'a Value<'i>,
        what: impl Into<What<'w>>,
    ) -> Option<&'a [Value<'i>]> {
        let what = what.into();
        match v.get_ref() {
            DeValue::Array(items) => Some(items),
            _ => {
                self.wrong_type(v, what, "an array");
                None
            }
        }
    }

    /// An array of strings (the items that are strings; a diagnostic for each other one).
    pub fn strings<'w>(&mut self, v: &Value<'_>, what: impl Into<What<'w>>) -> Vec<Sp<String>> {
        let what = what.into();
        match v.get_ref() {
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| self.string(item, What::Item(&what)))
                .collect(),
            _ => {
                self.wrong_type(v, what, "an array of strings");
                Vec::new()
            }
        }
    }

    /// Reads a keyword from a closed vocabulary, suggesting the nearest one on a typo.
    pub fn keyword<'w, K>(
        &mut self,
        v: &Value<'_>,
        what: impl Into<What<'w>>,
        parse: fn(&str) -> Option<K>,
        names: &[&'static str],
    ) -> Option<Sp<K>> {
        let what = what.into();
        let text = self.string(v, what)?;
        match parse(&text.value) {
            Some(k) => Some(Sp::new(k, text.span)),
            None => {
                let allowed = names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let d = Diagnostic::new(
                    Code::InvalidValue,
                    format!("`{}` is not a valid value for {what}", text.value),
                )
                .primary(text.span, "not allowed here")
                .help(format!("allowed values: {allowed}"));
                self.diags
                    .push(match did_you_mean(&text.value, names.iter().copied()) {
                        Some(s) => d.suggest(text.span, s),
                        None => d,
                    });
                None
            }
        }
    }

    /// Reports a value that breaks `rule` (`{what} {rule}`).
    pub fn invalid<'w>(
        &mut self,
        v: &Value<'_>,
        what: impl Into<What<'w>>,
        rule: &str,
        help: Option<String>,
    ) {
        let what = what.into();
        let mut d = Diagnostic::new(Code::InvalidValue, format!("{what} {rule}"))
            .primary(self.span(v.span()), "invalid value");
        if let Some(h) = help {
            d = d.help(h);
        }
        self.diags.push(d);
    }

    /// Reports a key `allowed` does not hold, suggesting the nearest one.
    pub fn unknown_field<'w>(
        &mut self,
        key: &Spanned<DeString<'_>>,
        context: impl Into<What<'w>>,
        allowed: &[&str],
    ) {
        let context = context.into();
        let name = key.get_ref();
        let mut d = Diagnostic::new(
            Code::UnknownField,
            format!("unknown field `{name}` in {context}"),
        )
        .primary(self.span(key.span()), "unknown field");
        let listed = allowed
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let span = self.span(key.span());
        d = match did_you_mean(name, allowed.iter().copied()) {
            Some(s) => d.suggest(span, s),
            None => d.help(format!("the fields of {context} are {listed}")),
        };
        self.diags.push(d);
    }

    /// Reports a required field that is not written.
    pub fn missing<'w>(
        &mut self,
        span: Span,
        context: impl Into<What<'w>>,
        field: &str,
        example: &str,
    ) {
        let context = context.into();
        self.diags.push(
            Diagnostic::new(Code::MissingField, format!("{context} has no `{field}`"))
                .primary(span, format!("`{field}` is required"))
                .help(format!("add `{field} = {example}`")),
        );
    }
}

#[cfg(test)]
mod tests;
