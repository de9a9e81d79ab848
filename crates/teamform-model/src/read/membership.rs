//! A user's `teams`: additional teams as keys (`"events"`), or as memberships that end
//! (`{ team = "events", expires = 2027-01-31 }`), in one array.

use super::{Reader, Value, What};
use crate::types::{Date, Sp};
use toml::de::DeValue;

/// The fields of a membership table, as the reader accepts them.
pub const MEMBERSHIP: &[&str] = &["team", "expires"];

/// The end dates of memberships, by team key.
pub(crate) type Ends = Vec<(String, Sp<Date>)>;

/// Reads `teams`: the team keys in order, and the end date of the memberships that have one.
pub(crate) fn read_teams(
    r: &mut Reader<'_>,
    v: &Value<'_>,
    what: What<'_>,
) -> (Vec<Sp<String>>, Ends) {
    let mut teams = Vec::new();
    let mut ends = Vec::new();
    let DeValue::Array(items) = v.get_ref() else {
        r.wrong_type(v, what, "an array of team keys");
        return (teams, ends);
    };
    let each = What::Item(&what);
    for item in items {
        let DeValue::Table(table) = item.get_ref() else {
            teams.extend(r.string(item, each));
            continue;
        };
        let mut team = None;
        let mut expires = None;
        for (k, fv) in table.iter() {
            match k.get_ref().as_ref() {
                "team" => team = r.string(fv, "the `team` of a membership"),
                "expires" => expires = r.date(fv, "the `expires` of a membership"),
                _ => r.unknown_field(k, "a membership of `teams`", MEMBERSHIP),
            }
        }
        match team {
            Some(t) => {
                if let Some(e) = expires {
                    ends.push((t.value.clone(), e));
                }
                teams.push(t);
            }
            None => {
                let span = r.span(item.span());
                r.missing(span, "a membership of `teams`", "team", "\"events\"");
            }
        }
    }
    (teams, ends)
}
