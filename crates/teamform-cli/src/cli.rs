//! The command line: commands, arguments and their help.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Access to a CRM portal, kept as code: validate, plan and apply teams, permission sets,
/// users and asset partitions.
#[derive(Debug, Parser)]
#[command(name = "teamform", version, about, long_about = None)]
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

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the policy and report every problem.
    Validate {
        /// The policy.
        #[command(flatten)]
        policy: PolicyArgs,
        /// How to print the diagnostics.
        #[arg(long, value_enum, default_value = "human")]
        format: DiagnosticFormat,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Print the documentation of a diagnostic code (`TF0102` or `unknown-team`); without a
    /// code, list them all.
    Explain {
        /// The code.
        code: Option<String>,
    },
    /// Explain why a user holds an access: the chain from the user to the rule, with places.
    Why {
        /// The user's email.
        user: String,
        /// The CRM object (`contacts`, `companies`, `deals`, `tickets`, `tasks`).
        object: String,
        /// The action (`view`, `edit`, `delete`).
        action: String,
        /// The policy.
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// List the users who can perform an action on a CRM object or in a tool.
    WhoCan {
        /// The action (`view`, `edit`, `delete` on CRM objects; `view`, `edit`, `publish` in tools).
        action: String,
        /// A CRM object (`contacts`...) or a tool (`forms`, `marketing_email`...).
        object: String,
        /// Only on records owned by this user (CRM objects).
        #[arg(long, value_name = "EMAIL")]
        owned_by: Option<String>,
        /// Only users who can see this asset (`TYPE.KEY`, such as `form.contact-fr`).
        #[arg(long, value_name = "TYPE.KEY")]
        asset: Option<String>,
        /// The policy.
        #[command(flatten)]
        policy: PolicyArgs,
    },
}
