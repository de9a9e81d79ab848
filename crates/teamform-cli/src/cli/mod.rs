//! The command line: commands, arguments and their help; each command's arguments are one
//! struct (`args.rs`).

mod args;

pub use args::*;

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
    /// Print every finding. With more than 20, only the first 3 of each code are printed
    /// and the others counted: all of them are in the review's files.
    #[arg(long)]
    pub all_findings: bool,
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
    /// Whether the command serves or watches until stopped (hours), rather than doing one job
    /// (seconds): see `alloc`.
    pub fn runs_for_hours(&self) -> bool {
        matches!(
            self,
            Command::Watch(_) | Command::Sim(_) | Command::Reconcile(_) | Command::Lsp
        )
    }

    /// The portal arguments of a command that talks to a portal.
    pub fn portal(&self) -> Option<&PortalArgs> {
        match self {
            Command::Plan(PlanArgs { portal, .. })
            | Command::Apply(ApplyArgs { portal, .. })
            | Command::Import(ImportArgs { portal, .. })
            | Command::Init(InitArgs { portal, .. })
            | Command::WhoCan(WhoCanArgs { portal, .. })
            | Command::Watch(WatchArgs { portal, .. }) => Some(portal),
            Command::Reconcile(args) => Some(&args.portal),
            Command::Review { args, action, .. } => match action {
                Some(ReviewAction::Start { args, .. }) => Some(&args.portal),
                _ => Some(&args.portal),
            },
            _ => None,
        }
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the policy and report every problem.
    Validate(ValidateArgs),
    /// Check the policy's access expectations: the test files under `tests/` of the policy
    /// directory (see `docs/policy-tests.md`). Exits 1 when one fails.
    Test(TestArgs),
    /// Show what applying the policy would change in the live portal, and who gains and loses
    /// which access.
    Plan(PlanArgs),
    /// Record that manual steps on what the portal cannot read back (a permission set's
    /// contents, an asset's teams) are done, so that plans stop listing them. The record is
    /// kept in the policy directory (`known/PORTAL.json`), with who confirmed what and when:
    /// commit it.
    Confirm(ConfirmArgs),
    /// Show what a change to the policy does, between two git revisions (no portal needed):
    /// the config changes per entity and who gains and loses which access.
    Diff(DiffArgs),
    /// For each access a user holds, the commit that granted it (author, date, message), found
    /// by walking the policy's git history; for a user no longer in the policy, the commit that
    /// removed them and what they last had.
    Blame(BlameArgs),
    /// Apply a saved plan, or plan and apply the policy.
    Apply(ApplyArgs),
    /// Write the live portal as policy files.
    Import(ImportArgs),
    /// Write a ready policy repository from the live portal: the policy as the portal is (ids
    /// pinned), GitHub workflows that install a released teamform, a `.gitignore` and a
    /// README. Refuses a directory that is not empty.
    Init(InitArgs),
    /// Recompile on every save and print the diagnostics, then the plan against a snapshot of
    /// the live portal read at start (type `r` and Enter to re-read it, `q` to quit).
    Watch(WatchArgs),
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
    Sim(SimArgs),
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
    Why(WhyArgs),
    /// List the users who hold an account permission or super admin, or who can perform an
    /// action on a CRM object or in a tool, and how.
    ///
    /// `who-can PERMISSION` for an account permission or super admin (`who-can export`,
    /// `who-can super_admin`), `who-can ACTION OBJECT` for CRM records and tools (`who-can edit
    /// contacts`, `who-can publish forms`).
    WhoCan(WhoCanArgs),
}
