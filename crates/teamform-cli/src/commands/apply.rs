//! `teamform apply [PLAN]`: apply a saved plan (refusing a stale or edited one), or plan and
//! apply; journaled, guarded, verified by planning again at the end.

use super::plan::{plan_with, saved, valid};
use crate::cli::ApplyArgs;
use crate::error::{Error, ExitStatus, Outcome};
use crate::portal;
use std::io::{BufRead, IsTerminal, Write};
use teamform_apply::{Applied, FlowError, Guardrails, Here, apply_plan, check_saved};
use teamform_plan::render::{HumanStyle, human};
use teamform_plan::{Detail, Filter, Plan, SavedPlan, policy_hash};
use teamform_portal::Provider;

fn confirm(plan: &Plan) -> bool {
    eprint!(
        "{}",
        human(
            plan,
            HumanStyle {
                color: std::io::stderr().is_terminal(),
                ..HumanStyle::default()
            }
        )
    );
    eprint!(
        "\nApply these changes to {}? Only `yes` is accepted: ",
        plan.portal
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).is_ok() && answer.trim() == "yes"
}

pub fn run(a: &ApplyArgs) -> Outcome {
    let loaded = valid(&a.policy)?;
    let spec = portal::Spec::choose(
        a.portal.portal.as_deref(),
        a.portal.api_base.as_deref(),
        Some(&loaded.load.policy),
    )
    .map_err(Error::invalid)?;
    let mut provider = portal::open_locked(&spec)?;
    let (plan, plan_id) = match a.plan.as_deref() {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::invalid(format!("cannot read the plan `{}`: {e}", path.display()))
                    .with_source(e)
            })?;
            let saved = SavedPlan::from_json(&text)
                .map_err(|e| Error::apply_refused(&[e.to_string()]).with_source(e))?;
            let root = a.policy.policies.display().to_string();
            let here = Here {
                policy_hash: &policy_hash(&loaded.load.sources, &root),
                portal: &provider.describe(),
                allow_dirty: a.allow_dirty,
            };
            let reasons = check_saved(&saved, here);
            if !reasons.is_empty() {
                return Err(Error::apply_refused(&reasons));
            }
            if let (Some(planned), Some((head, _))) = (
                &saved.git_commit,
                crate::provenance::git(&a.policy.policies),
            ) && planned != &head
            {
                eprintln!(
                    "warning: the plan was made at commit {}, and the branch head is now {}",
                    short(planned),
                    short(&head)
                );
            }
            let id = saved.checksum.clone();
            (saved.plan, id)
        }
        None => {
            let plan = plan_with(
                &loaded,
                &mut provider,
                Filter::default(),
                (true, Detail::Grants),
                a.allow_orphaned_records,
            )?;
            if !plan.has_changes() {
                outln!(
                    "No changes: the portal ({}) matches the policy.",
                    plan.portal
                );
                if !plan.manual_steps.is_empty() {
                    print_checklist(&plan.manual_steps);
                    if a.fail_on_manual {
                        return Err(Error::refused(format!(
                            "{} manual step(s) remain",
                            plan.manual_steps.len()
                        )));
                    }
                }
                return Ok(ExitStatus::Success);
            }
            if a.auto_approve {
                // What is about to be applied, as Terraform prints it: a log of an
                // unattended apply says what it did.
                out!(
                    "{}",
                    super::plan::rendered(&plan, crate::cli::PlanFormat::Human)
                );
            } else {
                if !std::io::stdin().is_terminal() {
                    return Err(Error::invalid(
                        "not on a terminal: review `teamform plan`, then run `teamform apply --auto-approve` or apply a saved plan",
                    ));
                }
                if !confirm(&plan) {
                    eprintln!("Apply cancelled; nothing was changed.");
                    return Ok(ExitStatus::Refused);
                }
            }
            // The plan's id is the checksum it would be saved with (the plan is moved in
            // and out: a whole org's plan is too big to copy).
            let saved = saved(plan, &loaded, &a.policy);
            (saved.plan, saved.checksum)
        }
    };
    let guard = Guardrails {
        allow_orphaned_records: a.allow_orphaned_records,
        ..Guardrails::from(&loaded.load.policy.guardrails)
    };
    let bar = progress_bar(plan.changes.len());
    let mut progress = |done: usize, total: usize| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    };
    let result = apply_plan(
        &mut provider,
        &plan,
        &plan_id,
        &guard,
        a.allow_removals,
        &mut progress,
    );
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let Applied {
        report,
        resumed,
        journal,
    } = match result {
        Ok(applied) => applied,
        Err(FlowError::Refused(reasons)) => return Err(Error::apply_refused(&reasons)),
        Err(e) => return Err(Error::portal(e.to_string()).with_source(e)),
    };
    if resumed {
        eprintln!(
            "Resumed an interrupted apply of this plan ({} operations were already done).",
            report.resumed
        );
    }
    drop(provider);
    outln!(
        "Applied {} operation(s) to {}{}.",
        report.performed,
        plan.portal,
        if report.resumed > 0 {
            format!(" ({} done by an earlier, interrupted run)", report.resumed)
        } else {
            String::new()
        }
    );
    if !plan.manual_steps.is_empty() {
        print_checklist(&plan.manual_steps);
    }
    for b in &report.blocked {
        outln!("  waiting for a manual step: {b}");
    }
    // Verify: the portal must now equal the policy. The applied plan is dropped first, so
    // that two plans of a whole org are never held at once.
    drop(plan);
    let mut check = portal::open(&spec)?;
    let after = plan_with(
        &loaded,
        &mut check,
        Filter::default(),
        (false, Detail::Grants),
        true,
    )?;
    let left: Vec<_> = after.changes.iter().filter(|o| o.automatic).collect();
    if !left.is_empty() && report.blocked.is_empty() {
        let mut message = "after apply, the portal still differs from the policy:".to_string();
        for op in left {
            message.push_str(&format!("\n  {} {}", op.action.sign(), op.address()));
        }
        return Err(Error::portal(message));
    }
    journal.finish().map_err(|e| {
        Error::portal(format!("cannot remove the apply journal: {e}")).with_source(e)
    })?;
    if a.fail_on_manual && (!after.manual_steps.is_empty() || !report.blocked.is_empty()) {
        return Err(Error::refused(format!(
            "{} manual step(s) remain",
            after.manual_steps.len() + report.blocked.len()
        )));
    }
    outln!("The portal matches the policy.");
    Ok(ExitStatus::Success)
}

fn progress_bar(total: usize) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || total < 2 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} operations") {
        bar.set_style(style);
    }
    Some(bar)
}

fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// Prints the steps to take by hand, as a checklist.
fn print_checklist(steps: &[teamform_plan::ManualStep]) {
    outln!("\nManual steps ({}):", steps.len());
    for s in steps {
        outln!("  [ ] {}", s.instruction);
    }
}
