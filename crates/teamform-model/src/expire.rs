//! Expiry that acts: from the day after a user's `expires` date, the user is treated as absent
//! from the policy, so that `plan`, `apply` and `reconcile` remove their access without anyone
//! editing the file. `validate` keeps them and warns (TF0119) that the entry is left to clean
//! up.

use crate::types::{Date, Policy};

/// A user taken out of a policy because their access expired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expired {
    /// The user's email, as written.
    pub email: String,
    /// The `expires` date that passed.
    pub date: Date,
}

/// Takes out of `policy` every user whose `expires` date is before `today`, and returns them
/// in file order. A user whose date is today keeps their access until the end of the day.
pub fn expire(policy: &mut Policy, today: Date) -> Vec<Expired> {
    let mut out = Vec::new();
    policy.users.retain(|u| match &u.expires {
        Some(e) if e.value < today => {
            out.push(Expired {
                email: u.key.value.clone(),
                date: e.value,
            });
            false
        }
        _ => true,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_the_epoch_round_trip() {
        for days in [-1, 0, 59, 60, 365, 11_016, 20_787, 100_000] {
            assert_eq!(Date::from_unix_days(days).unix_days(), days);
        }
        let leap = Date {
            year: 2028,
            month: 2,
            day: 29,
        };
        assert_eq!(Date::from_unix_days(leap.unix_days()), leap);
    }
    use crate::load_sources;

    #[test]
    fn only_users_whose_date_passed_are_taken_out() {
        let text = "[user.\"a@x.example\"]\nname = \"A\"\nteam = \"t\"\nexpires = 2026-11-29\n\
                    [user.\"b@x.example\"]\nname = \"B\"\nteam = \"t\"\nexpires = 2026-11-30\n\
                    [user.\"c@x.example\"]\nname = \"C\"\nteam = \"t\"\n";
        let mut sources = teamform_diagnostics::SourceMap::new();
        sources.add(teamform_diagnostics::SourceFile::new("p.toml", text));
        let mut load = load_sources(sources);
        let today = Date {
            year: 2026,
            month: 11,
            day: 30,
        };
        let expired = expire(&mut load.policy, today);
        assert_eq!(
            expired,
            vec![Expired {
                email: "a@x.example".into(),
                date: Date {
                    year: 2026,
                    month: 11,
                    day: 29
                }
            }]
        );
        let left: Vec<&str> = load
            .policy
            .users
            .iter()
            .map(|u| u.key.value.as_str())
            .collect();
        assert_eq!(left, ["b@x.example", "c@x.example"]);
    }
}
