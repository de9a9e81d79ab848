//! Loading and compiling the policy named on the command line.

use crate::cli::PolicyArgs;
use crate::today;
use std::io::IsTerminal;
use teamform_compiler::{Compiled, Options, compile};
use teamform_diagnostics::render::{Format, HumanOptions, render};
use teamform_model::{LoadResult, load_dir};

/// A loaded and compiled policy.
pub struct Loaded {
    /// The files and the model.
    pub load: LoadResult,
    /// The compiled policy.
    pub compiled: Compiled,
    /// The policy directory.
    pub dir: std::path::PathBuf,
    /// The users taken out because their access expired ([`load_acting`] only).
    pub expired: Vec<teamform_model::Expired>,
}

/// The compiler options from the arguments; a bad `--today` is a usage error.
pub fn options(args: &PolicyArgs) -> Result<Options, String> {
    let today = match &args.today {
        Some(t) => today::parse(t)?,
        None => today::system(),
    };
    Ok(Options { today })
}

/// Loads and compiles the policy; a bad `--today` is a usage error.
pub fn load(args: &PolicyArgs) -> Result<Loaded, String> {
    let Options { today } = options(args)?;
    let load = load_dir(&args.policies);
    let compiled = compile(&load, Options { today });
    Ok(Loaded {
        load,
        compiled,
        dir: args.policies.clone(),
        expired: Vec::new(),
    })
}

/// Loads and compiles the policy as `plan`, `apply` and `confirm` act on it: users whose
/// access expired before today are taken out (`teamform_model::expire`), so that their
/// removal is planned without anyone editing the file.
pub fn load_acting(args: &PolicyArgs) -> Result<Loaded, String> {
    let Options { today } = options(args)?;
    let mut load = load_dir(&args.policies);
    let expired = teamform_model::expire(&mut load.policy, today);
    let compiled = compile(&load, Options { today });
    Ok(Loaded {
        load,
        compiled,
        dir: args.policies.clone(),
        expired,
    })
}

/// Whether to print in colour on a stream: on a terminal, unless `NO_COLOR` is set.
pub fn colored(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none()
}

/// Options of the human renderer for standard output.
pub fn human_options() -> HumanOptions {
    HumanOptions {
        color: colored(std::io::stdout().is_terminal()),
        width: 100,
    }
}

/// Prints the errors of an invalid policy to standard error, for commands that need a valid
/// one.
pub fn report_errors(loaded: &Loaded) {
    let errors: Vec<_> = loaded
        .compiled
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    let options = HumanOptions {
        color: colored(std::io::stderr().is_terminal()),
        width: 100,
    };
    let _ = render(
        Format::Human,
        &errors,
        &loaded.load.sources,
        &options,
        &mut std::io::stderr().lock(),
    );
    eprintln!(
        "error: the policy is invalid; fix it first (`teamform validate` shows every problem)"
    );
}
