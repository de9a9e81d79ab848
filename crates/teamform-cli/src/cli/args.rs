//! The arguments of each command, one struct per command (`Command::Plan(PlanArgs)`): a
//! command's function takes its struct as it is.

use super::{
    DiagnosticFormat, PlanFormat, PolicyArgs, PortalArgs, QueryFormat, ReconcileMode, UsersArg,
};
use clap::Args;
use std::path::PathBuf;

/// The arguments of `teamform validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// How to print the diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    pub format: DiagnosticFormat,
    /// Fail on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Warn about users whose access expires within this many days (`14d`, `2w` or `14`).
    #[arg(long, value_name = "DAYS")]
    pub expiring_within: Option<String>,
    /// Apply the suggested fixes (a misspelt key, field or value replaced by the one it most
    /// likely meant) to the policy files, then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// Leave out the diagnostics of this code (`TF0120` or its name; repeatable).
    #[arg(long, value_name = "CODE", value_parser = code)]
    pub ignore: Vec<teamform_diagnostics::Code>,
    /// Report this code as a warning (repeatable).
    #[arg(long, value_name = "CODE", value_parser = code)]
    pub warn: Vec<teamform_diagnostics::Code>,
    /// Report this code as an error (repeatable).
    #[arg(long, value_name = "CODE", value_parser = code)]
    pub deny: Vec<teamform_diagnostics::Code>,
}

/// The arguments of `teamform plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The portal.
    #[command(flatten)]
    pub portal: PortalArgs,
    /// How to print the plan.
    #[arg(long, value_enum, default_value = "human")]
    pub format: PlanFormat,
    /// Exit 0 when there are no changes, 2 when there are, 3 when `apply` would refuse the
    /// plan (guardrails), 1 on an invalid policy.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Only this object and what it depends on (`KIND:KEY`, such as `team:sales-fr`;
    /// repeatable).
    #[arg(long, value_name = "KIND:KEY")]
    pub target: Vec<teamform_plan::Address>,
    /// Leave this object and what depends on it out (repeatable).
    #[arg(long, value_name = "KIND:KEY")]
    pub exclude: Vec<teamform_plan::Address>,
    /// Save the plan to this file, for `teamform apply FILE`.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// List, one per line, what the portal cannot read back (taken from what was last
    /// confirmed), instead of one summary line.
    #[arg(long)]
    pub show_unverifiable: bool,
    /// Show the access diff per user with every team and asset (and add it to JSON as
    /// `expanded`), instead of grants grouped by users who change the same way.
    #[arg(long)]
    pub expand: bool,
    /// Remove users who own CRM records without a successor, leaving the records with an
    /// owner who is gone (refused otherwise).
    #[arg(long)]
    pub allow_orphaned_records: bool,
}

/// The arguments of `teamform reconcile`.
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The repository, mirrored and fetched every interval: a path or a URL (`file://`,
    /// `https://`). Without it, the policy paths are directories of a git work tree on
    /// disk (kept current by something else, such as git-sync), read at its `HEAD`.
    #[arg(long, value_name = "URL_OR_PATH")]
    pub repo: Option<String>,
    /// The branch to follow.
    #[arg(long, default_value = "main")]
    pub branch: String,
    /// The policy directory inside the repository.
    #[arg(long, default_value = "policies", value_name = "DIR")]
    pub path: PathBuf,
    /// The portal.
    #[command(flatten)]
    pub portal: PortalArgs,
    /// The time between cycles (`60s`, `5m`, `500ms`).
    #[arg(long, default_value = "60s")]
    pub interval: String,
    /// `apply` changes and revert drift, or only `report` them.
    #[arg(long, value_enum, default_value = "report")]
    pub mode: ReconcileMode,
    /// Run one cycle and exit.
    #[arg(long)]
    pub once: bool,
    /// Where to keep the mirror of the repository.
    #[arg(long, value_name = "DIR", default_value = ".teamform/reconcile")]
    pub cache: PathBuf,
    /// The date to check `expires` against (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// Reconcile every portal under this directory of the repository (each `DIR/NAME/` a
    /// policy with its own `[portal]`) at the same time, each with its own token
    /// (`HUBSPOT_TOKEN_<NAME>`, the file `HUBSPOT_TOKEN_FILE_<NAME>` names, or
    /// `$HUBSPOT_TOKEN_DIR/NAME`); see docs/fleet.md.
    #[arg(long, value_name = "DIR", conflicts_with = "portal_dir")]
    pub portals_dir: Option<PathBuf>,
    /// Reconcile the one portal of this directory of the repository (`DIR/NAME`), with
    /// its own token, else `HUBSPOT_TOKEN` or the file `HUBSPOT_TOKEN_FILE` names.
    #[arg(long, value_name = "DIR/NAME")]
    pub portal_dir: Option<PathBuf>,
    /// Serve `/healthz`, `/readyz` and `/metrics` (Prometheus) on this address.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// Post a Slack-compatible message to this webhook for each cycle that finds new drift
    /// or fails (announced once until it changes).
    #[arg(long, value_name = "URL")]
    pub notify: Option<String>,
    /// Open or update one issue per portal in this GitHub repository for each cycle that
    /// finds new drift or fails (token from `GITHUB_TOKEN`).
    #[arg(long, value_name = "OWNER/REPO")]
    pub notify_github_issue: Option<String>,
    /// GitHub's API base (GitHub Enterprise, or a stand-in in tests).
    #[arg(
        long,
        value_name = "URL",
        env = "GITHUB_API_URL",
        default_value = "https://api.github.com"
    )]
    pub github_api: String,
}

/// The arguments of `teamform test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The directory of test files (default: `tests/` under the policy directory).
    #[arg(long, value_name = "DIR")]
    pub tests: Option<PathBuf>,
    /// A plan saved with `teamform plan -o FILE`, for the `[[plan]]` expectations.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// How to print the failures.
    #[arg(long, value_enum, default_value = "human")]
    pub format: DiagnosticFormat,
}

/// The arguments of `teamform confirm`.
#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// The steps to confirm, as the plan lists them (`role:KEY`, `asset:TYPE.KEY`).
    #[arg(value_name = "ADDRESS", required_unless_present = "all")]
    pub addresses: Vec<teamform_plan::Address>,
    /// Confirm every pending step that can be confirmed.
    #[arg(long, conflicts_with = "addresses")]
    pub all: bool,
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The portal.
    #[command(flatten)]
    pub portal: PortalArgs,
}

/// The arguments of `teamform diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The base revision (default: the merge base of HEAD with the default branch).
    pub base: Option<String>,
    /// The head revision (default: the work tree).
    pub head: Option<String>,
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// How to print the change.
    #[arg(long, value_enum, default_value = "human")]
    pub format: PlanFormat,
    /// Exit 0 when nothing changes, 2 when something does.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Show the access diff per user with every team and asset.
    #[arg(long)]
    pub expand: bool,
}

/// The arguments of `teamform blame`.
#[derive(Debug, Args)]
pub struct BlameArgs {
    /// The user's email.
    pub user: String,
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// How many commits to walk back at most.
    #[arg(long, default_value = "500")]
    pub limit: usize,
}

/// The arguments of `teamform apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// A plan saved by `teamform plan -o FILE`.
    pub plan: Option<PathBuf>,
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The portal.
    #[command(flatten)]
    pub portal: PortalArgs,
    /// Apply without asking.
    #[arg(long)]
    pub auto_approve: bool,
    /// Acknowledge removals beyond `max_removal_ratio`: the number of users and teams the
    /// plan removes.
    #[arg(long, value_name = "N")]
    pub allow_removals: Option<usize>,
    /// Exit 3 while manual steps remain.
    #[arg(long)]
    pub fail_on_manual: bool,
    /// Apply a saved plan made from a work tree with uncommitted changes.
    #[arg(long)]
    pub allow_dirty: bool,
    /// Remove users who own CRM records without a successor, leaving the records with an
    /// owner who is gone (refused otherwise).
    #[arg(long)]
    pub allow_orphaned_records: bool,
}

/// The arguments of `teamform import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The portal.
    #[command(flatten)]
    pub portal: PortalArgs,
    /// The directory to write the policy files to.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,
    /// The portal name to write in `[portal]`.
    #[arg(long, default_value = "imported")]
    pub name: String,
}

/// The arguments of `teamform init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The portal to read.
    #[command(flatten)]
    pub portal: PortalArgs,
    /// The directory to write the repository into (new or empty).
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
    /// The portal name to write in `[portal]`.
    #[arg(long, default_value = "portal")]
    pub name: String,
    /// Which users teamform manages, written in `[portal.manage]`: `all` removes users
    /// the policy does not declare, `declared` leaves them alone.
    #[arg(long, value_enum)]
    pub users: Option<UsersArg>,
    /// Users teamform never creates, changes or removes: a glob of emails (repeatable),
    /// written as `ignore_users`; the users it matches are left out of the policy.
    #[arg(long = "ignore-users", value_name = "GLOB")]
    pub ignore_users: Vec<String>,
}

/// The arguments of `teamform watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The portal.
    #[command(flatten)]
    pub portal: PortalArgs,
    /// Re-read the portal every this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub refresh: Option<u64>,
}

/// The arguments of `teamform sim`.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// The address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub listen: std::net::SocketAddr,
    /// The sandbox portal file to serve (created empty when missing).
    #[arg(long, value_name = "FILE")]
    pub state: PathBuf,
    /// The bearer token clients must present (or `TEAMFORM_SIM_TOKEN`).
    #[arg(long, env = "TEAMFORM_SIM_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Requests allowed per rolling 10 seconds (0: no limit).
    #[arg(long, default_value = "100", value_name = "N")]
    pub rate_limit: u32,
    /// CRM search requests allowed per rolling second, on top of `--rate-limit` (0: no
    /// limit); HubSpot allows about 4–5.
    #[arg(long, default_value = "5", value_name = "N")]
    pub search_rate_limit: u32,
    /// The fraction of requests answered with a 5xx, a 429 or a dropped connection.
    #[arg(long, default_value = "0", value_name = "F")]
    pub fail_rate: f64,
    /// Delay added to every answer.
    #[arg(long, default_value = "0", value_name = "N")]
    pub latency_ms: u64,
    /// The seed of the injected faults.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Append one JSON line per request to this file.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Serve this activity (`{"login": [], "security": [], "audit": []}`, HubSpot's
    /// shapes) instead of the sandbox portal's own.
    #[arg(long, value_name = "FILE")]
    pub activity: Option<PathBuf>,
    /// The portal's tier: free, starter, professional or enterprise (audit logs are
    /// served on Enterprise only).
    #[arg(long, default_value = "enterprise", value_name = "TIER")]
    pub tier: teamform_sim::Tier,
    /// Serve as to a token without the account-activity scopes: the activity endpoints
    /// answer 403 (reviews then read "no activity").
    #[arg(long)]
    pub without_activity_scopes: bool,
    /// A user's token (`EMAIL=TOKEN`, repeatable): writes sent with it are recorded in the
    /// security activity and audit logs as made by that user, as a change made by hand.
    #[arg(long, value_name = "EMAIL=TOKEN", value_parser = user_token)]
    pub user_token: Vec<(String, String)>,
}

/// The arguments of `teamform why`.
#[derive(Debug, Args)]
pub struct WhyArgs {
    /// The user's email.
    pub user: String,
    /// An account permission (`export`, `import`, `reassign_owner`, `bulk_delete`,
    /// `properties`, `settings`, `users`, `billing`) or `super_admin`; or a CRM object
    /// (`contacts`, `companies`, `deals`, `tickets`, `tasks`), followed by an action.
    #[arg(value_name = "PERMISSION|OBJECT")]
    pub object: String,
    /// After a CRM object: the action (`view`, `edit`, `delete`).
    pub action: Option<String>,
    /// How to print the explanation.
    #[arg(long, value_enum, default_value = "human")]
    pub format: QueryFormat,
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// The arguments of `teamform who-can`.
#[derive(Debug, Args)]
pub struct WhoCanArgs {
    /// An account permission (`export`, `import`, `reassign_owner`...) or `super_admin`;
    /// or an action (`view`, `edit`, `delete` on CRM objects; `view`, `edit`, `publish` in
    /// tools), followed by the object.
    #[arg(value_name = "PERMISSION|ACTION")]
    pub action: String,
    /// After an action: a CRM object (`contacts`...) or a tool (`forms`,
    /// `marketing_email`...).
    pub object: Option<String>,
    /// Only on records owned by this user (CRM objects).
    #[arg(long, value_name = "EMAIL")]
    pub owned_by: Option<String>,
    /// Only users who can see this asset (`TYPE.KEY`, such as `form.contact-fr`; CRM
    /// objects and tools).
    #[arg(long, value_name = "TYPE.KEY")]
    pub asset: Option<String>,
    /// How to print the users.
    #[arg(long, value_enum, default_value = "human")]
    pub format: QueryFormat,
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The portal, read to count the users the policy leaves alone (`[portal.manage]`);
    /// without it, only the declared users are counted.
    #[command(flatten)]
    pub portal: PortalArgs,
}

/// A simulator user's token, `EMAIL=TOKEN`; the error never repeats the token.
fn user_token(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((email, token)) if email.contains('@') && !token.trim().is_empty() => {
            Ok((email.trim().to_string(), token.trim().to_string()))
        }
        _ => Err("write a user's token as `EMAIL=TOKEN`".to_string()),
    }
}

/// A diagnostic code, by its text or its name.
fn code(text: &str) -> Result<teamform_diagnostics::Code, String> {
    teamform_diagnostics::Code::parse(text).ok_or_else(|| {
        format!("`{text}` is not a diagnostic code (such as `TF0102` or `unknown-team`; `teamform explain` lists them)")
    })
}
