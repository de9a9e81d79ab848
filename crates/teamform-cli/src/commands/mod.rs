//! One module per command; each returns its exit status or the error that stopped it, which
//! `main` prints and turns into the exit code.

mod adopt;
mod apply;
mod blame;
mod confirm;
mod diff;
mod explain;
mod import;
mod init;
pub(crate) mod plan;
mod query;
mod reconcile;
mod review;
mod review_period;
mod test;
mod validate;
mod watch;

use crate::cli::{Cli, Command};
use crate::error::{Error, ExitStatus, Outcome};
use teamform_portal::LiveState;

/// Runs the command.
pub fn run(cli: Cli) -> Outcome {
    match cli.command {
        Command::Review { action, args, out } => review::run(action, &args, out.as_deref()),
        Command::Validate(args) => validate::run(&args),
        Command::Test {
            policy,
            tests,
            plan,
            format,
        } => test::run(&policy, tests.as_deref(), plan.as_deref(), format),
        Command::Plan(args) => plan::run(&args),
        Command::Confirm {
            addresses,
            all,
            policy,
            portal,
        } => confirm::run(&addresses, all, &policy, &portal),
        Command::Diff {
            base,
            head,
            policy,
            format,
            detailed_exitcode,
            expand,
        } => diff::run(
            base.as_deref(),
            head.as_deref(),
            &policy,
            plan::Output {
                format,
                show_unverifiable: false,
                expand,
            },
            detailed_exitcode,
        ),
        Command::Blame {
            user,
            policy,
            limit,
        } => blame::run(&user, &policy, limit),
        Command::Apply {
            plan,
            policy,
            portal,
            auto_approve,
            allow_removals,
            fail_on_manual,
            allow_dirty,
            allow_orphaned_records,
        } => apply::run(&apply::ApplyArgs {
            plan: plan.as_deref(),
            policy: &policy,
            portal: &portal,
            auto_approve,
            allow_removals,
            fail_on_manual,
            allow_dirty,
            allow_orphaned_records,
        }),
        Command::Import { portal, out, name } => import::run(&portal, &out, &name),
        Command::Init {
            portal,
            dir,
            name,
            users,
            ignore_users,
        } => init::run(&init::InitArgs {
            portal: &portal,
            dir: &dir,
            name: &name,
            users,
            ignore_users: &ignore_users,
        }),
        Command::Watch {
            policy,
            portal,
            refresh,
        } => watch::run(&policy, &portal, refresh),
        Command::Sim {
            listen,
            state,
            token,
            rate_limit,
            search_rate_limit,
            fail_rate,
            latency_ms,
            seed,
            log,
            activity,
            tier,
            without_activity_scopes,
            user_token,
        } => {
            let mut config = teamform_sim::SimConfig::new(state, token);
            config.listen = listen;
            config.rate_limit = rate_limit;
            config.search_rate_limit = search_rate_limit;
            config.fail_rate = fail_rate;
            config.latency_ms = latency_ms;
            config.seed = seed;
            config.log = log;
            config.activity = activity;
            config.tier = tier;
            config.activity_scopes = !without_activity_scopes;
            config.user_tokens = user_token;
            teamform_sim::run(config).map_err(|e| Error::portal(e.to_string()).with_source(e))?;
            Ok(ExitStatus::Success)
        }
        Command::Reconcile(args) => reconcile::run(&args),
        Command::Lsp => match teamform_lsp::run_stdio() {
            Ok(()) => Ok(ExitStatus::Success),
            Err(e) => Err(Error::invalid(format!("the language server stopped: {e}"))),
        },
        Command::Schema { plan } => {
            let schema = if plan {
                teamform_plan::render::plan_schema()
            } else {
                teamform_model::json_schema()
            };
            let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
            text.push('\n');
            out!("{text}");
            Ok(ExitStatus::Success)
        }
        Command::Explain { code } => explain::run(code.as_deref()),
        Command::Why {
            user,
            object,
            action,
            format,
            policy,
        } => query::why(&policy, &user, &object, action.as_deref(), format),
        Command::WhoCan {
            action,
            object,
            owned_by,
            asset,
            format,
            policy,
            portal,
        } => query::who_can(
            &policy,
            query::WhoCanArgs {
                action: &action,
                object: object.as_deref(),
                owned_by: owned_by.as_deref(),
                asset: asset.as_deref(),
                format,
                portal: &portal,
            },
        ),
    }
}

/// Opens the portal of `spec` and reads it; either failure is `cannot read the portal: …`.
fn read_portal(spec: &crate::portal::Spec) -> Result<LiveState, Error> {
    let read = crate::portal::open(spec).and_then(|mut p| p.read());
    read.map_err(|e| Error::portal_with("cannot read the portal", e))
}
