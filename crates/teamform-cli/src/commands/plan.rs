//! `teamform plan`: the changes that would make the live portal equal the policy.

use crate::cli::{PlanFormat, PolicyArgs, PortalArgs};
use crate::policy::{self, Loaded};
use crate::{exit, portal, provenance};
use std::io::IsTerminal;
use teamform_plan::render::{HumanStyle, human, json, markdown};
use teamform_plan::{Filter, Plan, PlanInput, SavedPlan, make_plan, policy_hash};
use teamform_portal::Provider;

/// Loads a valid policy, or prints its errors and returns the exit code.
pub fn valid(args: &PolicyArgs) -> Result<Loaded, i32> {
    let loaded = policy::load_acting(args).map_err(|e| super::usage_error(&e))?;
    if loaded.compiled.has_errors() {
        policy::report_errors(&loaded);
        return Err(exit::INVALID);
    }
    Ok(loaded)
}

/// Plans against an opened provider; with `fingerprints` when the plan is to be saved or
/// applied (see [`PlanInput::fingerprints`]).
pub fn plan_with(
    loaded: &Loaded,
    provider: &mut dyn Provider,
    filter: Filter,
    fingerprints: bool,
    allow_orphaned: bool,
) -> Result<Plan, i32> {
    let caps = provider.capabilities();
    let portal = provider.describe();
    let known = if crate::known::needed(caps) {
        crate::known::load(&loaded.dir, &portal).map_err(|e| {
            eprintln!("error: {e}");
            exit::INVALID
        })?
    } else {
        None
    };
    let live = provider.read().map_err(|e| {
        eprintln!("error: cannot read the portal: {e}");
        exit::PORTAL
    })?;
    let mut plan = make_plan(&PlanInput {
        load: &loaded.load,
        compiled: &loaded.compiled,
        live: &live,
        capabilities: caps,
        portal,
        filter,
        fingerprints,
        known: known.as_ref(),
    });
    teamform_plan::expiry::mark_expired(&mut plan, &loaded.expired);
    teamform_apply::hand_over(
        provider,
        &mut plan,
        &loaded.load.policy,
        &live,
        allow_orphaned,
    )
    .map_err(|e| {
        eprintln!("error: cannot count the CRM records of the users removed: {e}");
        exit::PORTAL
    })?;
    Ok(plan)
}

/// How to print a plan.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    /// The format.
    pub format: PlanFormat,
    /// List what the portal cannot read back (human format).
    pub show_unverifiable: bool,
    /// The access diff per user, every team and asset (human and JSON).
    pub expand: bool,
}

impl From<PlanFormat> for Output {
    fn from(format: PlanFormat) -> Self {
        Output {
            format,
            show_unverifiable: false,
            expand: false,
        }
    }
}

/// A plan in `format`, for standard output (in colour on a terminal, unless `NO_COLOR`).
pub fn rendered(plan: &Plan, output: impl Into<Output>) -> String {
    let output = output.into();
    match output.format {
        PlanFormat::Human => human(
            plan,
            HumanStyle {
                color: policy::colored(std::io::stdout().is_terminal()),
                show_unverifiable: output.show_unverifiable,
                expand: output.expand,
            },
        ),
        PlanFormat::Json => json(plan, output.expand),
        PlanFormat::Markdown => markdown(plan),
    }
}

/// Saves a plan with its provenance.
pub fn saved(plan: Plan, loaded: &Loaded, args: &PolicyArgs) -> SavedPlan {
    let root = args.policies.display().to_string();
    let git = provenance::git(&args.policies);
    SavedPlan::new(
        plan,
        policy_hash(&loaded.load.sources, &root),
        git.as_ref().map(|(c, _)| c.clone()),
        git.map(|(_, d)| d),
    )
}

fn check_addresses(list: &[String]) -> Result<(), i32> {
    for a in list {
        let ok = a
            .split_once(':')
            .is_some_and(|(k, key)| teamform_portal::Kind::parse(k).is_some() && !key.is_empty());
        if !ok {
            return Err(super::usage_error(&format!(
                "`{a}` is not `KIND:KEY` (KIND is team, role, user or asset)"
            )));
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn run(
    args: &PolicyArgs,
    portal_args: &PortalArgs,
    format: Output,
    detailed: bool,
    target: Vec<String>,
    exclude: Vec<String>,
    out: Option<&std::path::Path>,
    allow_orphaned: bool,
) -> i32 {
    let go = || -> Result<i32, i32> {
        check_addresses(&target)?;
        check_addresses(&exclude)?;
        let loaded = valid(args)?;
        let spec = portal::choose(
            portal_args.portal.as_deref(),
            portal_args.api_base.as_deref(),
            Some(&loaded.load.policy),
        )
        .map_err(|e| super::usage_error(&e))?;
        let filter = Filter {
            targets: target,
            excludes: exclude,
        };
        let mut provider = portal::open(&spec).map_err(|e| {
            eprintln!("error: {e}");
            exit::PORTAL
        })?;
        let plan = plan_with(
            &loaded,
            &mut provider,
            filter,
            out.is_some(),
            allow_orphaned,
        )?;
        out!("{}", rendered(&plan, format));
        let changes = plan.has_changes();
        let refused = !plan.refusals.is_empty();
        if let Some(path) = out {
            let saved = saved(plan, &loaded, args);
            let dirty = saved.git_dirty == Some(true);
            crate::files::write_private(path, saved.to_json().as_bytes()).map_err(|e| {
                eprintln!("error: cannot write the plan to `{}`: {e}", path.display());
                exit::INVALID
            })?;
            eprintln!(
                "Saved the plan to {}; apply it with `teamform apply {}`.",
                path.display(),
                path.display()
            );
            if dirty {
                eprintln!(
                    "warning: the policy has uncommitted changes: applying this plan will need `--allow-dirty`; commit, then plan again, to apply it as reviewed"
                );
            }
        }
        Ok(if detailed && refused {
            exit::REFUSED
        } else if detailed && changes {
            exit::CHANGES
        } else {
            exit::SUCCESS
        })
    };
    go().unwrap_or_else(|c| c)
}
