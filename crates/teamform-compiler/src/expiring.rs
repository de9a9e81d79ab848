//! `validate --expiring-within DAYS`: a warning (TF0134) for each user whose access expires
//! within that many days from today (today included), so that a renewal or a successor is
//! arranged before teamform removes the access.

use teamform_diagnostics::{Code, Diagnostic};
use teamform_model::{Date, Policy};

/// The warnings for users whose `expires` falls within `days` days from `today`.
pub fn expiring(policy: &Policy, today: Date, days: u32) -> Vec<Diagnostic> {
    let from = today.unix_days();
    policy
        .users
        .iter()
        .filter_map(|u| {
            let e = u.expires.as_ref()?;
            let left = e.value.unix_days() - from;
            (0..=i64::from(days)).contains(&left).then(|| {
                Diagnostic::new(
                    Code::AccessExpiring,
                    format!(
                        "the access of `{}` expires on {}, in {left} day(s)",
                        u.key.value, e.value
                    ),
                )
                .primary(e.span, format!("within {days} days of {today}"))
                .help("extend `expires` if the access is renewed; otherwise make sure their records have a successor")
            })
        })
        .collect()
}
