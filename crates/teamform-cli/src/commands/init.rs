//! `teamform init`: reads the live portal and writes a ready policy repository
//! (`teamform_init::files`) into an empty or new directory, all or nothing: the files are
//! written into a staging directory beside the target, then moved into place.

use crate::cli::{PortalArgs, UsersArg};
use crate::{exit, portal};
use std::path::{Path, PathBuf};
use teamform_model::UsersMode;
use teamform_portal::Provider;

/// What `teamform init` was asked for.
pub struct InitArgs<'a> {
    pub portal: &'a PortalArgs,
    pub dir: &'a Path,
    pub name: &'a str,
    pub users: Option<UsersArg>,
    pub ignore_users: &'a [String],
}

pub fn run(args: &InitArgs<'_>) -> i32 {
    if args.portal.portal.is_none() && args.portal.api_base.is_none() {
        return super::usage_error(
            "`init` needs the portal to read: `--portal hubspot` (with `HUBSPOT_TOKEN`) or `--portal sandbox:PATH`",
        );
    }
    for glob in args.ignore_users {
        if let Some(why) = teamform_model::glob_error(glob) {
            return super::usage_error(&format!("`--ignore-users {glob}`: {why}"));
        }
    }
    if let Err(e) = refuse_non_empty(args.dir) {
        return super::usage_error(&e);
    }
    let spec = match portal::Spec::choose(
        args.portal.portal.as_deref(),
        args.portal.api_base.as_deref(),
        None,
    ) {
        Ok(s) => s,
        Err(e) => return super::usage_error(&e),
    };
    let mut provider = match portal::open(&spec) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot open the portal: {e}");
            return exit::PORTAL;
        }
    };
    let live = match provider.read() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot read the portal: {e}");
            return exit::PORTAL;
        }
    };
    let caps = provider.capabilities();
    let options = teamform_init::Options {
        name: args.name,
        provider: matches!(spec, portal::Spec::HubSpot(_)).then_some("hubspot"),
        users_mode: args.users.map(|u| match u {
            UsersArg::All => UsersMode::All,
            UsersArg::Declared => UsersMode::Declared,
        }),
        ignore_users: args.ignore_users,
        screens: provider.screens(),
        assets_readable: caps.assets.read,
    };
    let files = teamform_init::files(&live, &options);
    if let Err(e) = write_all(args.dir, &files) {
        eprintln!(
            "error: cannot write `{}`: {e}; nothing was written",
            args.dir.display()
        );
        return exit::INVALID;
    }
    outln!(
        "Wrote {} files into {} from {}: {} teams, {} permission sets, {} users, {} assets.",
        files.len(),
        args.dir.display(),
        provider.describe(),
        live.teams.len(),
        live.roles.len(),
        live.users.len(),
        live.assets.len()
    );
    outln!("Next: read README.md there, then see docs/adopting.md for the first pull request.");
    exit::SUCCESS
}

/// Refuses a target that exists and is not an empty directory.
fn refuse_non_empty(dir: &Path) -> Result<(), String> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(format!(
                "`{}` is not empty; `init` writes a new repository into an empty or new directory and changed nothing",
                dir.display()
            )),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Err(format!(
            "`{}` is a file; `init` writes into a directory and changed nothing",
            dir.display()
        )),
        Err(e) => Err(format!("cannot read `{}`: {e}", dir.display())),
    }
}

/// Writes `files` into a staging directory beside `dir`, then moves them into `dir`: the
/// staging directory itself when `dir` does not exist, else its entries one by one (taken
/// back if one fails). Nothing is left behind on failure.
fn write_all(dir: &Path, files: &[(String, String)]) -> std::io::Result<()> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)?;
    let staging = tempfile::Builder::new()
        .prefix(".teamform-init.")
        .tempdir_in(&parent)?;
    for (rel, text) in files {
        crate::files::write_atomic(&staging.path().join(rel), text.as_bytes())?;
    }
    if !dir.exists() {
        return std::fs::rename(staging.keep(), dir);
    }
    let mut moved: Vec<PathBuf> = Vec::new();
    let result = (|| {
        for entry in std::fs::read_dir(staging.path())? {
            let entry = entry?;
            let to = dir.join(entry.file_name());
            std::fs::rename(entry.path(), &to)?;
            moved.push(to);
        }
        Ok(())
    })();
    if result.is_err() {
        for path in moved {
            let _ = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
        }
    }
    result
}
