//! Whether a saved plan (`teamform plan -o FILE`) may be applied here and now: made from this
//! policy, for this portal, and from a clean work tree unless allowed. Callers print; this
//! decides.

use teamform_plan::SavedPlan;

/// What a saved plan is checked against: the policy, portal and choices of this run.
#[derive(Clone, Copy, Debug)]
pub struct Here<'a> {
    /// The content hash of the policy as loaded now (`teamform_plan::policy_hash`).
    pub policy_hash: &'a str,
    /// The portal the apply opened (`Provider::describe`).
    pub portal: &'a str,
    /// `--allow-dirty`: a plan made from a work tree with uncommitted changes may be applied.
    pub allow_dirty: bool,
}

/// Why `saved` may not be applied `here`; empty when it may.
pub fn check_saved(saved: &SavedPlan, here: Here<'_>) -> Vec<String> {
    let mut reasons = Vec::new();
    if saved.policy_hash != here.policy_hash {
        reasons.push("the policy changed since the plan was made; make a new plan".to_string());
    }
    if saved.plan.portal != here.portal {
        reasons.push(format!(
            "the plan was made for {}, not {}",
            saved.plan.portal, here.portal
        ));
    }
    if saved.git_dirty == Some(true) && !here.allow_dirty {
        reasons.push("the plan was made from a work tree with uncommitted changes; commit them and plan again, or pass `--allow-dirty`".to_string());
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;
    use teamform_plan::{Bindings, Plan};

    fn saved(portal: &str, dirty: Option<bool>) -> SavedPlan {
        let plan = Plan {
            portal: portal.to_string(),
            changes: Vec::new(),
            access: Vec::new(),
            groups: Vec::new(),
            records: Vec::new(),
            manual_steps: Vec::new(),
            unverifiable: Vec::new(),
            bindings: Bindings::default(),
            fingerprints: Default::default(),
            refusals: Vec::new(),
            handovers: Vec::new(),
            expirations: Vec::new(),
            left_alone: Default::default(),
        };
        SavedPlan::new(plan, "hash".to_string(), None, dirty)
    }

    const HERE: Here<'static> = Here {
        policy_hash: "hash",
        portal: "sandbox:a.json",
        allow_dirty: false,
    };

    #[test]
    fn a_plan_of_this_policy_and_portal_may_be_applied() {
        assert!(check_saved(&saved("sandbox:a.json", Some(false)), HERE).is_empty());
    }

    #[test]
    fn every_reason_is_given() {
        let reasons = check_saved(
            &saved("sandbox:b.json", Some(true)),
            Here {
                policy_hash: "other",
                ..HERE
            },
        );
        assert_eq!(
            reasons,
            [
                "the policy changed since the plan was made; make a new plan",
                "the plan was made for sandbox:b.json, not sandbox:a.json",
                "the plan was made from a work tree with uncommitted changes; commit them and plan again, or pass `--allow-dirty`",
            ]
        );
        let allowed = Here {
            allow_dirty: true,
            ..HERE
        };
        assert!(check_saved(&saved("sandbox:a.json", Some(true)), allowed).is_empty());
    }
}
