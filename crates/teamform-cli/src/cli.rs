//! The command line: commands, arguments and their help.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Access to a CRM portal, kept as code: validate, plan and apply teams, permission sets,
/// users and asset partitions.
// The doc comment above is what `teamform --help` opens with: `about` is left out of the attribute
// below, since `about` without a value would show the crate's description instead.
#[derive(Debug, Parser)]
#[command(name = "teamform", version, long_about = None)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The policy to read, shared by every command that reads one.
#[derive(Debug, clap::Args)]
pub struct PolicyArgs {
    /// The directory holding the policy's `*.toml` files (searched recursively).
    #[arg(long, short = 'p', default_value = "policies", value_name = "DIR")]
    pub policies: PathBuf,
    /// The date to check `expires` against (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

/// The output formats of diagnostics.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DiagnosticFormat {
    /// Source excerpts with labels, and a summary.
    Human,
    /// A JSON document.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions annotations.
    Github,
}

/// The live portal to work on.
#[derive(Debug, clap::Args)]
pub struct PortalArgs {
    /// The live portal: `sandbox:PATH` or `hubspot`. Overrides `provider` in `[portal]`. A
    /// sandbox is created by `apply`; other commands refuse a missing one, except the default
    /// `sandbox:.teamform/sandbox.json`, which is an empty portal until the first apply.
    #[arg(long, value_name = "SPEC")]
    pub portal: Option<String>,
    /// The HubSpot API's base URL (default `https://api.hubapi.com`; HTTPS required except to
    /// loopback, such as a `teamform sim`). The token comes from `HUBSPOT_TOKEN` or the file
    /// `HUBSPOT_TOKEN_FILE` names (a portal of a fleet: its own, see docs/fleet.md).
    #[arg(long, value_name = "URL")]
    pub api_base: Option<String>,
    /// Trace what talks to the portal (requests, statuses, timings) to standard error. Tokens
    /// never appear in it.
    #[arg(long)]
    pub debug: bool,
}

/// The users modes of `init --users`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum UsersArg {
    /// Every user of the portal is managed.
    All,
    /// Only the users the policy declares are managed.
    Declared,
}

/// The output formats of plans.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PlanFormat {
    /// Text with `+ ~ -`, for terminals and logs.
    Human,
    /// A versioned JSON document.
    Json,
    /// Markdown for a pull-request comment.
    Markdown,
}

/// The output formats of `why` and `who-can`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum QueryFormat {
    /// Aligned text.
    Human,
    /// A JSON document (`docs/queries.md`).
    Json,
}

/// What `reconcile` does with changes.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ReconcileMode {
    /// Apply them, reverting drift made by hand.
    Apply,
    /// Only report them.
    Report,
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

/// The arguments of a review.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The portal.
    #[command(flatten)]
    pub portal: PortalArgs,
    /// No successful login in this many days is inactivity (HubSpot keeps about 90 days of
    /// login history).
    #[arg(long, default_value = "90", value_name = "DAYS")]
    pub inactive_days: u32,
    /// Report access that expires within this many days.
    #[arg(long, default_value = "30", value_name = "DAYS")]
    pub expiring_days: u32,
}

/// The steps of a review period, whose decisions are files under `reviews/PERIOD/` beside
/// the policy directory.
#[derive(Debug, Subcommand)]
pub enum ReviewAction {
    /// Take the snapshot and write one decisions file per team for its reviewers.
    Start {
        /// The period's name, such as `2026-Q4`.
        #[arg(long)]
        period: String,
        /// The policy, the portal and the thresholds.
        #[command(flatten)]
        args: ReviewArgs,
    },
    /// Show who has not decided yet. Exits 1 while decisions are missing or invalid.
    Status {
        /// The period.
        #[arg(long)]
        period: String,
        /// The policy.
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Close the period: refuse while decisions are missing or invalid; otherwise write the
    /// evidence pack with the decisions and who committed each, and edit the policy files
    /// for the `revoke` and `change` decisions.
    Close {
        /// The period.
        #[arg(long)]
        period: String,
        /// The policy.
        #[command(flatten)]
        policy: PolicyArgs,
        /// Where to write the evidence pack (default `reviews/PERIOD/evidence`).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

impl Command {
    /// The portal arguments of a command that talks to a portal.
    pub fn portal(&self) -> Option<&PortalArgs> {
        match self {
            Command::Plan(PlanArgs { portal, .. })
            | Command::Apply { portal, .. }
            | Command::Import { portal, .. }
            | Command::Init { portal, .. }
            | Command::WhoCan { portal, .. }
            | Command::Watch { portal, .. } => Some(portal),
            Command::Reconcile(args) => Some(&args.portal),
            Command::Review { args, action, .. } => match action {
                Some(ReviewAction::Start { args, .. }) => Some(&args.portal),
                _ => Some(&args.portal),
            },
            _ => None,
        }
    }
}

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

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the policy and report every problem.
    Validate(ValidateArgs),
    /// Check the policy's access expectations: the test files under `tests/` of the policy
    /// directory (see `docs/policy-tests.md`). Exits 1 when one fails.
    Test {
        /// The policy.
        #[command(flatten)]
        policy: PolicyArgs,
        /// The directory of test files (default: `tests/` under the policy directory).
        #[arg(long, value_name = "DIR")]
        tests: Option<PathBuf>,
        /// A plan saved with `teamform plan -o FILE`, for the `[[plan]]` expectations.
        #[arg(long, value_name = "FILE")]
        plan: Option<PathBuf>,
        /// How to print the failures.
        #[arg(long, value_enum, default_value = "human")]
        format: DiagnosticFormat,
    },
    /// Show what applying the policy would change in the live portal, and who gains and loses
    /// which access.
    Plan(PlanArgs),
    /// Record that manual steps on what the portal cannot read back (a permission set's
    /// contents, an asset's teams) are done, so that plans stop listing them. The record is
    /// kept in the policy directory (`known/PORTAL.json`), with who confirmed what and when:
    /// commit it.
    Confirm {
        /// The steps to confirm, as the plan lists them (`role:KEY`, `asset:TYPE.KEY`).
        #[arg(value_name = "ADDRESS", required_unless_present = "all")]
        addresses: Vec<teamform_plan::Address>,
        /// Confirm every pending step that can be confirmed.
        #[arg(long, conflicts_with = "addresses")]
        all: bool,
        /// The policy.
        #[command(flatten)]
        policy: PolicyArgs,
        /// The portal.
        #[command(flatten)]
        portal: PortalArgs,
    },
    /// Show what a change to the policy does, between two git revisions (no portal needed):
    /// the config changes per entity and who gains and loses which access.
    Diff {
        /// The base revision (default: the merge base of HEAD with the default branch).
        base: Option<String>,
        /// The head revision (default: the work tree).
        head: Option<String>,
        /// The policy.
        #[command(flatten)]
        policy: PolicyArgs,
        /// How to print the change.
        #[arg(long, value_enum, default_value = "human")]
        format: PlanFormat,
        /// Exit 0 when nothing changes, 2 when something does.
        #[arg(long)]
        detailed_exitcode: bool,
        /// Show the access diff per user with every team and asset.
        #[arg(long)]
        expand: bool,
    },
    /// For each access a user holds, the commit that granted it (author, date, message), found
    /// by walking the policy's git history; for a user no longer in the policy, the commit that
    /// removed them and what they last had.
    Blame {
        /// The user's email.
        user: String,
        /// The policy.
        #[command(flatten)]
        policy: PolicyArgs,
        /// How many commits to walk back at most.
        #[arg(long, default_value = "500")]
        limit: usize,
    },
    /// Apply a saved plan, or plan and apply the policy.
    Apply {
        /// A plan saved by `teamform plan -o FILE`.
        plan: Option<PathBuf>,
        /// The policy.
        #[command(flatten)]
        policy: PolicyArgs,
        /// The portal.
        #[command(flatten)]
        portal: PortalArgs,
        /// Apply without asking.
        #[arg(long)]
        auto_approve: bool,
        /// Acknowledge removals beyond `max_removal_ratio`: the number of users and teams the
        /// plan removes.
        #[arg(long, value_name = "N")]
        allow_removals: Option<usize>,
        /// Exit 3 while manual steps remain.
        #[arg(long)]
        fail_on_manual: bool,
        /// Apply a saved plan made from a work tree with uncommitted changes.
        #[arg(long)]
        allow_dirty: bool,
        /// Remove users who own CRM records without a successor, leaving the records with an
        /// owner who is gone (refused otherwise).
        #[arg(long)]
        allow_orphaned_records: bool,
    },
    /// Write the live portal as policy files.
    Import {
        /// The portal.
        #[command(flatten)]
        portal: PortalArgs,
        /// The directory to write the policy files to.
        #[arg(long, short = 'o', value_name = "DIR")]
        out: PathBuf,
        /// The portal name to write in `[portal]`.
        #[arg(long, default_value = "imported")]
        name: String,
    },
    /// Write a ready policy repository from the live portal: the policy as the portal is (ids
    /// pinned), GitHub workflows that install a released teamform, a `.gitignore` and a
    /// README. Refuses a directory that is not empty.
    Init {
        /// The portal to read.
        #[command(flatten)]
        portal: PortalArgs,
        /// The directory to write the repository into (new or empty).
        #[arg(long, default_value = ".", value_name = "DIR")]
        dir: PathBuf,
        /// The portal name to write in `[portal]`.
        #[arg(long, default_value = "portal")]
        name: String,
        /// Which users teamform manages, written in `[portal.manage]`: `all` removes users
        /// the policy does not declare, `declared` leaves them alone.
        #[arg(long, value_enum)]
        users: Option<UsersArg>,
        /// Users teamform never creates, changes or removes: a glob of emails (repeatable),
        /// written as `ignore_users`; the users it matches are left out of the policy.
        #[arg(long = "ignore-users", value_name = "GLOB")]
        ignore_users: Vec<String>,
    },
    /// Recompile on every save and print the diagnostics, then the plan against a snapshot of
    /// the live portal read at start (type `r` and Enter to re-read it, `q` to quit).
    Watch {
        /// The policy.
        #[command(flatten)]
        policy: PolicyArgs,
        /// The portal.
        #[command(flatten)]
        portal: PortalArgs,
        /// Re-read the portal every this many seconds.
        #[arg(long, value_name = "SECONDS")]
        refresh: Option<u64>,
    },
    /// Access review: write a point-in-time evidence pack (`users.csv`, `review.json`,
    /// `report.html`, `manifest.json`) from the policy, the live portal and its activity, or
    /// run a review period with decisions kept in git (`start`, `status`, `close`); see
    /// `docs/reviews.md`.
    Review {
        /// A review period's step; without one, writes the evidence pack to `--out`.
        #[command(subcommand)]
        action: Option<ReviewAction>,
        /// The policy, the portal and the thresholds.
        #[command(flatten)]
        args: ReviewArgs,
        /// Where to write the evidence pack.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Serve a sandbox portal over HubSpot's public API (users, teams, roles, seats, owners),
    /// for tests, demos and benchmarks. The first line printed is `listening on http://ADDR`.
    Sim {
        /// The address to listen on (port 0 picks a free port).
        #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
        listen: std::net::SocketAddr,
        /// The sandbox portal file to serve (created empty when missing).
        #[arg(long, value_name = "FILE")]
        state: PathBuf,
        /// The bearer token clients must present (or `TEAMFORM_SIM_TOKEN`).
        #[arg(long, env = "TEAMFORM_SIM_TOKEN", hide_env_values = true)]
        token: String,
        /// Requests allowed per rolling 10 seconds (0: no limit).
        #[arg(long, default_value = "100", value_name = "N")]
        rate_limit: u32,
        /// CRM search requests allowed per rolling second, on top of `--rate-limit` (0: no
        /// limit); HubSpot allows about 4–5.
        #[arg(long, default_value = "5", value_name = "N")]
        search_rate_limit: u32,
        /// The fraction of requests answered with a 5xx, a 429 or a dropped connection.
        #[arg(long, default_value = "0", value_name = "F")]
        fail_rate: f64,
        /// Delay added to every answer.
        #[arg(long, default_value = "0", value_name = "N")]
        latency_ms: u64,
        /// The seed of the injected faults.
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
        /// Append one JSON line per request to this file.
        #[arg(long, value_name = "FILE")]
        log: Option<PathBuf>,
        /// Serve this activity (`{"login": [], "security": [], "audit": []}`, HubSpot's
        /// shapes) instead of the sandbox portal's own.
        #[arg(long, value_name = "FILE")]
        activity: Option<PathBuf>,
        /// The portal's tier: free, starter, professional or enterprise (audit logs are
        /// served on Enterprise only).
        #[arg(long, default_value = "enterprise", value_name = "TIER")]
        tier: teamform_sim::Tier,
        /// Serve as to a token without the account-activity scopes: the activity endpoints
        /// answer 403 (reviews then read "no activity").
        #[arg(long)]
        without_activity_scopes: bool,
        /// A user's token (`EMAIL=TOKEN`, repeatable): writes sent with it are recorded in the
        /// security activity and audit logs as made by that user, as a change made by hand.
        #[arg(long, value_name = "EMAIL=TOKEN", value_parser = user_token)]
        user_token: Vec<(String, String)>,
    },
    /// Keep a portal, or a directory of portals, equal to a branch of a policy repository:
    /// fetch, compile, plan and apply (or report) every interval, logging one JSON line per
    /// event; optionally serve health and metrics and notify drift.
    Reconcile(ReconcileArgs),
    /// Run the language server over stdio (diagnostics as you type, hover, go to definition,
    /// references, completion, quick fixes).
    Lsp,
    /// Print the JSON Schema of policy files (for Taplo / Even Better TOML), or with `--plan`
    /// of the JSON plans `plan --format json` prints.
    Schema {
        /// The schema of JSON plans instead.
        #[arg(long)]
        plan: bool,
    },
    /// Print the documentation of a diagnostic code (`TF0102` or `unknown-team`); without a
    /// code, list them all.
    Explain {
        /// The code.
        code: Option<String>,
    },
    /// Explain why a user holds an access: the chain from the user to the rule, with places.
    ///
    /// `why USER OBJECT ACTION` for CRM records (`why alice@acme.example deals edit`),
    /// `why USER PERMISSION` for an account permission or super admin (`why alice@acme.example
    /// export`, `why alice@acme.example super_admin`).
    Why {
        /// The user's email.
        user: String,
        /// An account permission (`export`, `import`, `reassign_owner`, `bulk_delete`,
        /// `properties`, `settings`, `users`, `billing`) or `super_admin`; or a CRM object
        /// (`contacts`, `companies`, `deals`, `tickets`, `tasks`), followed by an action.
        #[arg(value_name = "PERMISSION|OBJECT")]
        object: String,
        /// After a CRM object: the action (`view`, `edit`, `delete`).
        action: Option<String>,
        /// How to print the explanation.
        #[arg(long, value_enum, default_value = "human")]
        format: QueryFormat,
        /// The policy.
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// List the users who hold an account permission or super admin, or who can perform an
    /// action on a CRM object or in a tool, and how.
    ///
    /// `who-can PERMISSION` for an account permission or super admin (`who-can export`,
    /// `who-can super_admin`), `who-can ACTION OBJECT` for CRM records and tools (`who-can edit
    /// contacts`, `who-can publish forms`).
    WhoCan {
        /// An account permission (`export`, `import`, `reassign_owner`...) or `super_admin`;
        /// or an action (`view`, `edit`, `delete` on CRM objects; `view`, `edit`, `publish` in
        /// tools), followed by the object.
        #[arg(value_name = "PERMISSION|ACTION")]
        action: String,
        /// After an action: a CRM object (`contacts`...) or a tool (`forms`,
        /// `marketing_email`...).
        object: Option<String>,
        /// Only on records owned by this user (CRM objects).
        #[arg(long, value_name = "EMAIL")]
        owned_by: Option<String>,
        /// Only users who can see this asset (`TYPE.KEY`, such as `form.contact-fr`; CRM
        /// objects and tools).
        #[arg(long, value_name = "TYPE.KEY")]
        asset: Option<String>,
        /// How to print the users.
        #[arg(long, value_enum, default_value = "human")]
        format: QueryFormat,
        /// The policy.
        #[command(flatten)]
        policy: PolicyArgs,
        /// The portal, read to count the users the policy leaves alone (`[portal.manage]`);
        /// without it, only the declared users are counted.
        #[command(flatten)]
        portal: PortalArgs,
    },
}
