//! `teamform plan`: the changes that would make the live portal equal the policy.

use crate::cli::{PlanArgs, PlanFormat, PolicyArgs, PortalArgs};
use crate::error::{Error, ErrorKind, ExitStatus, Outcome};
use crate::policy::{self, Loaded};
use crate::{exit, portal, provenance};
use std::io::IsTerminal;
use std::io::Write;
use teamform_plan::render::{HumanStyle, human, json, markdown, write_human, write_json};
use teamform_plan::{Detail, Filter, Plan, PlanInput, SavedPlan, make_plan, policy_hash};
use teamform_portal::Provider;

/// Loads a valid policy, or prints its errors and returns an error already shown.
pub fn valid(args: &PolicyArgs) -> Result<Loaded, Error> {
    let loaded = policy::load_acting(args).map_err(Error::invalid)?;
    if loaded.compiled.has_errors() {
        policy::report_errors(&loaded);
        return Err(Error::shown(ErrorKind::Invalid));
    }
    Ok(loaded)
}

/// Opens the portal named by `--portal` or the policy's `provider`, for reading.
pub fn open_portal(loaded: &Loaded, args: &PortalArgs) -> Result<Box<dyn Provider>, Error> {
    let spec = portal::Spec::choose(
        args.portal.as_deref(),
        args.api_base.as_deref(),
        Some(&loaded.load.policy),
    )
    .map_err(Error::invalid)?;
    Ok(portal::open(&spec)?)
}

/// Plans against an opened provider; with `fingerprints` when the plan is to be saved or
/// applied (see [`PlanInput::fingerprints`]), the access diff in `detail`.
pub fn plan_with(
    loaded: &Loaded,
    provider: &mut dyn Provider,
    filter: Filter,
    (fingerprints, detail): (bool, Detail),
    allow_orphaned: bool,
) -> Result<Plan, Error> {
    let caps = provider.capabilities();
    let portal = provider.describe();
    let known = if crate::known::needed(caps) {
        crate::known::load(&loaded.dir, &portal).map_err(Error::invalid)?
    } else {
        None
    };
    let live = (provider.read()).map_err(|e| Error::portal_with("cannot read the portal", e))?;
    let mut plan = make_plan(&PlanInput {
        load: &loaded.load,
        compiled: &loaded.compiled,
        live: &live,
        capabilities: caps,
        portal,
        filter,
        fingerprints,
        known: known.as_ref(),
        detail,
        screens: provider.screens(),
    });
    teamform_plan::expiry::mark_expired(&mut plan, &loaded.expired);
    teamform_apply::hand_over(
        provider,
        &mut plan,
        &loaded.load.policy,
        &live,
        allow_orphaned,
    )
    .map_err(|e| Error::portal_with("cannot count the CRM records of the users removed", e))?;
    // The portal's state, read whole, is freed when the process exits (a portal of 100,000
    // users took 30 ms to free, before the plan was printed).
    crate::exit::keep_until_exit(live);
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

impl Output {
    /// How much of the access diff the output shows.
    pub fn detail(&self) -> Detail {
        match self.expand {
            true => Detail::Expanded,
            false => Detail::Grants,
        }
    }
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
        PlanFormat::Human => human(plan, human_style(&output)),
        PlanFormat::Json => json(plan, output.expand),
        PlanFormat::Markdown => markdown(plan),
    }
}

/// Prints `plan` on standard output in `output`'s format; JSON and human text are written as
/// they are made.
pub fn print(plan: &Plan, output: Output) {
    let mut w = std::io::BufWriter::with_capacity(1 << 16, crate::output::stdout());
    // Failures are the output's to report (see `output`), as for `out!`.
    let written = match output.format {
        PlanFormat::Json => write_json(&mut w, plan, output.expand),
        PlanFormat::Human => write_human(&mut w, plan, human_style(&output)),
        PlanFormat::Markdown => w.write_all(markdown(plan).as_bytes()),
    };
    let _ = written.and_then(|()| w.flush());
}

/// How human text is drawn for `output` on standard output.
fn human_style(output: &Output) -> HumanStyle {
    HumanStyle {
        color: policy::colored(std::io::stdout().is_terminal()),
        show_unverifiable: output.show_unverifiable,
        expand: output.expand,
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

/// `teamform plan`.
pub fn run(a: &PlanArgs) -> Outcome {
    let format = Output {
        format: a.format,
        show_unverifiable: a.show_unverifiable,
        expand: a.expand,
    };
    let (args, out) = (&a.policy, a.out.as_deref());
    let loaded = valid(args)?;
    let mut provider = open_portal(&loaded, &a.portal)?;
    let filter = Filter {
        targets: a.target.clone(),
        excludes: a.exclude.clone(),
    };
    let plan = plan_with(
        &loaded,
        &mut provider,
        filter,
        (out.is_some(), format.detail()),
        a.allow_orphaned_records,
    )?;
    print(&plan, format);
    let changes = plan.has_changes();
    let refused = !plan.refusals.is_empty();
    if let Some(path) = out {
        let saved = saved(plan, &loaded, args);
        let dirty = saved.git_dirty == Some(true);
        crate::files::write_private(path, saved.to_json().as_bytes()).map_err(|e| {
            Error::invalid(format!(
                "cannot write the plan to `{}`: {e}",
                path.display()
            ))
            .with_source(e)
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
    } else {
        exit::keep_until_exit(plan);
    }
    exit::keep_until_exit(loaded);
    Ok(if a.detailed_exitcode && refused {
        ExitStatus::Refused
    } else if a.detailed_exitcode && changes {
        ExitStatus::Changes
    } else {
        ExitStatus::Success
    })
}
