//! `teamform-gen OUT_DIR [--users N] [--teams N] [--depth N] [--roles N] [--assets N]
//! [--per-file N] [--seed N]`: writes a generated organisation (by default the benchmark's
//! large one) as a policy directory.

use std::path::PathBuf;
use std::process::ExitCode;
use teamform_bench::{OrgSize, generate, write};

const USAGE: &str = "usage: teamform-gen OUT_DIR [--users N] [--teams N] [--depth N] \
[--roles N] [--assets N] [--per-file N] [--seed N]";

/// The parsed command line.
struct Args {
    out: PathBuf,
    size: OrgSize,
    seed: u64,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut out = None;
    let mut size = OrgSize::large();
    let mut seed = 1;
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Err(USAGE.to_string());
        }
        if !arg.starts_with("--") {
            if out.replace(PathBuf::from(&arg)).is_some() {
                return Err(format!("more than one OUT_DIR (`{arg}`)\n{USAGE}"));
            }
            continue;
        }
        let value = args
            .next()
            .ok_or_else(|| format!("`{arg}` needs a value\n{USAGE}"))?;
        let number: u64 = value
            .replace('_', "")
            .parse()
            .map_err(|_| format!("`{arg}` needs a whole number, not `{value}`"))?;
        let count = usize::try_from(number).map_err(|_| format!("`{value}` is too large"))?;
        match arg.as_str() {
            "--users" => size.users = count,
            "--teams" => size.teams = count,
            "--depth" => size.max_depth = count,
            "--roles" => size.roles = count,
            "--assets" => size.assets = count,
            "--per-file" => size.users_per_file = count,
            "--seed" => seed = number,
            _ => return Err(format!("unknown option `{arg}`\n{USAGE}")),
        }
    }
    let out = out.ok_or_else(|| format!("missing OUT_DIR\n{USAGE}"))?;
    Ok(Args { out, size, seed })
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let files = generate(&args.size, args.seed);
    if let Err(e) = write(&args.out, &files) {
        eprintln!("cannot write to `{}`: {e}", args.out.display());
        return ExitCode::FAILURE;
    }
    let bytes: usize = files.iter().map(|(_, text)| text.len()).sum();
    println!(
        "wrote {} files ({:.1} MiB) to {}: {} users, {} teams, {} roles, {} assets",
        files.len(),
        bytes as f64 / (1024.0 * 1024.0),
        args.out.display(),
        args.size.users,
        args.size.teams,
        args.size.roles,
        args.size.assets
    );
    ExitCode::SUCCESS
}
