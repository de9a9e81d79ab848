//! `teamform confirm ADDRESS…`: records that manual steps on what the portal cannot read back
//! are done (the policy's value is now live), with who, when and at which commit, in the
//! policy directory's known state; plans stop listing them.

use super::plan::{plan_with, valid};
use crate::cli::ConfirmArgs;
use crate::error::{Error, ExitStatus, Outcome};
use crate::known;
use teamform_plan::{Confirmation, Detail, Filter, Known};

pub fn run(a: &ConfirmArgs) -> Outcome {
    let (addresses, all, policy) = (&a.addresses, a.all, &a.policy);
    let loaded = valid(policy)?;
    let mut provider = super::plan::open_portal(&loaded, &a.portal)?;
    let describe = provider.describe();
    if !known::needed(provider.capabilities()) {
        outln!("Nothing to confirm: {describe} reads everything back.");
        return Ok(ExitStatus::Success);
    }
    let plan = plan_with(
        &loaded,
        provider.as_mut(),
        Filter::default(),
        (false, Detail::Grants),
        true,
    )?;
    let mut state = known::load(&loaded.dir, &describe)
        .map_err(Error::invalid)?
        .unwrap_or_else(|| Known::new(&describe));
    let chosen = if all {
        Known::confirmable(&plan, &loaded.load.policy)
    } else {
        addresses.iter().map(ToString::to_string).collect()
    };
    if chosen.is_empty() {
        outln!(
            "Nothing to confirm: no manual step is pending on what {describe} cannot read back."
        );
        return Ok(ExitStatus::Success);
    }
    let git = crate::provenance::git(&policy.policies);
    let entry = Confirmation {
        at: now_utc(),
        by: who(&policy.policies),
        commit: git.map(|(c, _)| c),
        confirmed: Vec::new(),
    };
    match state.confirm(&plan, &loaded.load.policy, &chosen, entry) {
        Ok(n) => {
            let path = known::save(&loaded.dir, &state).map_err(Error::invalid)?;
            for a in &chosen {
                outln!("  confirmed {a}");
            }
            outln!(
                "Recorded {n} confirmation(s) in {}; commit it with the policy.",
                path.display()
            );
            Ok(ExitStatus::Success)
        }
        Err(problems) => {
            let mut message = "nothing was recorded:".to_string();
            for p in problems {
                message.push_str(&format!("\n  - {p}"));
            }
            let pending = Known::confirmable(&plan, &loaded.load.policy);
            if !pending.is_empty() {
                message.push_str(&format!("\npending steps: {}", pending.join(", ")));
            }
            Err(Error::invalid(message))
        }
    }
}

/// Who confirms: the git user's email, else the login name.
fn who(policies: &std::path::Path) -> String {
    teamform_git::PolicyRepo::discover(policies)
        .ok()
        .and_then(|r| r.user_email())
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".to_string())
}

/// The current time in UTC, as RFC 3339 (`2026-11-30T14:05:09Z`).
fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let day = teamform_model::Date::from_unix_days(i64::try_from(secs / 86_400).unwrap_or(0));
    let s = secs % 86_400;
    format!(
        "{day}T{:02}:{:02}:{:02}Z",
        s / 3600,
        (s % 3600) / 60,
        s % 60
    )
}
