//! Expiry that acts: from the day after a user's `expires` date, the user is treated as absent
//! from the policy (and from the day after a membership's date, the user as not in that
//! additional team), so that `plan`, `apply` and `reconcile` remove the access without anyone
//! editing the file. `validate` keeps them and warns (TF0119) that the entry is left to clean
//! up.

use crate::types::{Date, Policy};

/// A user (or a user's membership of an additional team) taken out of a policy because it
/// expired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expired {
    /// The user's email, as written.
    pub email: String,
    /// The additional team whose membership expired; `None` when the user's access did.
    pub team: Option<String>,
    /// The `expires` date that passed.
    pub date: Date,
}

/// Takes out of `policy` every user whose `expires` date is before `today`, and every
/// membership of an additional team whose date is, and returns them in file order. Access
/// whose date is today stays until the end of the day.
pub fn expire(policy: &mut Policy, today: Date) -> Vec<Expired> {
    let mut out = Vec::new();
    for u in &mut policy.users {
        let ended: Vec<(String, Date)> = u
            .team_expires
            .iter()
            .filter(|(_, e)| e.value < today)
            .map(|(t, e)| (t.clone(), e.value))
            .collect();
        for (team, date) in ended {
            u.teams.retain(|t| t.value != team);
            u.team_expires.retain(|(t, _)| *t != team);
            out.push(Expired {
                email: u.key.value.clone(),
                team: Some(team),
                date,
            });
        }
    }
    policy.users.retain(|u| match &u.expires {
        Some(e) if e.value < today => {
            out.push(Expired {
                email: u.key.value.clone(),
                team: None,
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
                team: None,
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

    #[test]
    fn an_expired_membership_leaves_the_team_and_keeps_the_user() {
        let text = "[user.\"a@x.example\"]\nname = \"A\"\nteam = \"t\"\n\
                    teams = [\"u\", { team = \"events\", expires = 2026-11-01 }, { team = \"v\", expires = 2027-01-31 }]\n";
        let mut sources = teamform_diagnostics::SourceMap::new();
        sources.add(teamform_diagnostics::SourceFile::new("p.toml", text));
        let mut load = load_sources(sources);
        assert!(load.diagnostics.is_empty(), "{:?}", load.diagnostics);
        let today = Date {
            year: 2026,
            month: 11,
            day: 30,
        };
        let expired = expire(&mut load.policy, today);
        assert_eq!(expired.len(), 1);
        assert_eq!(expired[0].team.as_deref(), Some("events"));
        let user = &load.policy.users[0];
        let teams: Vec<&str> = user.teams.iter().map(|t| t.value.as_str()).collect();
        assert_eq!(teams, ["u", "v"]);
        assert_eq!(user.team_expires.len(), 1);
    }
}
