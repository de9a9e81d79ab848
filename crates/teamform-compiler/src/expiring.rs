//! `validate --expiring-within DAYS`: a warning (TF0134) for each user whose access (or
//! membership of an additional team) expires within that many days from today (today
//! included), so that a renewal or a successor is arranged before teamform removes it.

use teamform_diagnostics::{Code, Diagnostic};
use teamform_model::{Date, Policy, Sp};

/// The warnings for users and memberships whose `expires` falls within `days` days from
/// `today`.
pub fn expiring(policy: &Policy, today: Date, days: u32) -> Vec<Diagnostic> {
    let from = today.unix_days();
    let soon = |e: &Sp<Date>| {
        let left = e.value.unix_days() - from;
        (0..=i64::from(days)).contains(&left).then_some(left)
    };
    let mut out = Vec::new();
    for u in &policy.users {
        if let Some(e) = &u.expires
            && let Some(left) = soon(e)
        {
            out.push(
                Diagnostic::new(
                    Code::ExpiringSoon,
                    format!("the access of `{}` expires on {}, in {left} day(s)", u.key.value, e.value),
                )
                .primary(e.span, format!("within {days} days of {today}"))
                .help("extend `expires` if the access is renewed; otherwise make sure their records have a successor"),
            );
        }
        for (team, e) in &u.team_expires {
            if let Some(left) = soon(e) {
                out.push(
                    Diagnostic::new(
                        Code::ExpiringSoon,
                        format!(
                            "the membership of `{}` in team `{team}` expires on {}, in {left} day(s)",
                            u.key.value, e.value
                        ),
                    )
                    .primary(e.span, format!("within {days} days of {today}"))
                    .help("extend its `expires` if the membership is renewed"),
                );
            }
        }
    }
    out
}
