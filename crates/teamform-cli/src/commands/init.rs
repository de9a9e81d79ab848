//! `teamform init`: reads the live portal and writes a ready policy repository
//! (`teamform_init::files`) into an empty or new directory, all or nothing: the files are
//! written into a staging directory beside the target, then moved into place.

use crate::cli::{InitArgs, UsersArg};
use crate::error::{Error, ExitStatus, Outcome};
use crate::portal;
use std::path::{Path, PathBuf};
use teamform_model::UsersMode;
use teamform_portal::Provider;

pub fn run(args: &InitArgs) -> Outcome {
    if args.portal.portal.is_none() && args.portal.api_base.is_none() {
        return Err(Error::invalid(
            "`init` needs the portal to read: `--portal hubspot` (with `HUBSPOT_TOKEN`) or `--portal sandbox:PATH`",
        ));
    }
    for glob in &args.ignore_users {
        if let Some(why) = teamform_model::glob_error(glob) {
            return Err(Error::invalid(format!("`--ignore-users {glob}`: {why}")));
        }
    }
    refuse_non_empty(&args.dir).map_err(Error::invalid)?;
    let spec = portal::Spec::choose(
        args.portal.portal.as_deref(),
        args.portal.api_base.as_deref(),
        None,
    )
    .map_err(Error::invalid)?;
    let mut provider =
        portal::open(&spec).map_err(|e| Error::portal_with("cannot open the portal", e))?;
    let live = (provider.read()).map_err(|e| Error::portal_with("cannot read the portal", e))?;
    let caps = provider.capabilities();
    let options = teamform_init::Options {
        name: &args.name,
        provider: matches!(spec, portal::Spec::HubSpot(_)).then_some("hubspot"),
        users_mode: args.users.map(|u| match u {
            UsersArg::All => UsersMode::All,
            UsersArg::Declared => UsersMode::Declared,
        }),
        ignore_users: &args.ignore_users,
        screens: provider.screens(),
        assets_readable: caps.of(teamform_portal::ObjectKind::Asset).read,
    };
    let files = teamform_init::files(&live, &options);
    write_all(&args.dir, &files).map_err(|e| {
        Error::invalid(format!(
            "cannot write `{}`: {e}; nothing was written",
            args.dir.display()
        ))
    })?;
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
    Ok(ExitStatus::Success)
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
