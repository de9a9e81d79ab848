//! The offboarding lines every text renderer shows near the top of a plan: the CRM records
//! handed over before each removal ("reassign 1,204 contacts, 87 deals from X to Y"), those
//! left without an owner, and the removals because access expired.

use crate::offboard::SuccessorSource;
use crate::plan::Plan;

/// One line per hand-over and expiration, in plan order.
pub fn lines(plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for h in &plan.handovers {
        let line = match (&h.successor, &h.source) {
            (Some(to), source) => {
                let named = match source {
                    Some(SuccessorSource::Team { team }) => {
                        format!(" (successor of team `{team}`)")
                    }
                    Some(SuccessorSource::Offboard) | None => String::new(),
                };
                let reason = h
                    .reason
                    .as_ref()
                    .map(|r| format!("; reason: {r}"))
                    .unwrap_or_default();
                format!(
                    "reassign {} from `{}` to `{to}`{named} before removing them{reason}",
                    h.summary(),
                    h.user
                )
            }
            (None, _) => format!(
                "`{}` owns {} and has no successor: the records are left with an owner who is gone",
                h.user,
                h.summary()
            ),
        };
        out.push(line);
    }
    for e in &plan.expirations {
        out.push(match &e.team {
            None => format!("remove `{}`: expired on {}", e.user, e.date),
            Some(team) => format!(
                "take `{}` out of team `{team}`: the membership expired on {}",
                e.user, e.date
            ),
        });
    }
    out
}
