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

use crate::cli::{Cli, Command, SimArgs};
use crate::error::{Error, ExitStatus, Outcome};
use teamform_portal::LiveState;

/// Runs the command.
pub fn run(cli: Cli) -> Outcome {
    match cli.command {
        Command::Review { action, args, out } => review::run(action, &args, out.as_deref()),
        Command::Validate(args) => validate::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Plan(args) => plan::run(&args),
        Command::Confirm(args) => confirm::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Blame(args) => blame::run(&args),
        Command::Apply(args) => apply::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Watch(args) => watch::run(&args),
        Command::Sim(args) => sim(args),
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
        Command::Why(args) => query::why(&args),
        Command::WhoCan(args) => query::who_can(&args),
    }
}

/// `teamform sim`: serves until stopped.
fn sim(a: SimArgs) -> Outcome {
    let mut config = teamform_sim::SimConfig::new(a.state, a.token);
    config.listen = a.listen;
    config.rate_limit = a.rate_limit;
    config.search_rate_limit = a.search_rate_limit;
    config.fail_rate = a.fail_rate;
    config.latency_ms = a.latency_ms;
    config.seed = a.seed;
    config.log = a.log;
    config.activity = a.activity;
    config.tier = a.tier;
    config.activity_scopes = !a.without_activity_scopes;
    config.user_tokens = a.user_token;
    teamform_sim::run(config).map_err(|e| Error::portal(e.to_string()).with_source(e))?;
    Ok(ExitStatus::Success)
}

/// Opens the portal of `spec` and reads it; either failure is `cannot read the portal: …`.
fn read_portal(spec: &crate::portal::Spec) -> Result<LiveState, Error> {
    let read = crate::portal::open(spec).and_then(|mut p| p.read());
    read.map_err(|e| Error::portal_with("cannot read the portal", e))
}
