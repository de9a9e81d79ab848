//! `teamform import`: the live portal written as policy files.

use crate::cli::ImportArgs;
use crate::error::{Error, ExitStatus, Outcome};
use crate::portal;

pub fn run(a: &ImportArgs) -> Outcome {
    let (args, out, name) = (&a.portal, a.out.as_path(), a.name.as_str());
    let spec = portal::Spec::choose(args.portal.as_deref(), args.api_base.as_deref(), None)
        .map_err(Error::invalid)?;
    let live = super::read_portal(&spec)?;
    let files = teamform_plan::import::import(&live, name);
    for (rel, _) in &files {
        let path = out.join(rel);
        if path.exists() {
            return Err(Error::invalid(format!(
                "`{}` exists; import into an empty directory",
                path.display()
            )));
        }
    }
    for (rel, text) in files {
        let path = out.join(&rel);
        crate::files::write_atomic(&path, text.as_bytes()).map_err(|e| {
            Error::invalid(format!("cannot write `{}`: {e}", path.display())).with_source(e)
        })?;
    }
    outln!(
        "Imported {} teams, {} roles, {} users and {} assets into {}.",
        live.teams.len(),
        live.roles.len(),
        live.users.len(),
        live.assets.len(),
        out.display()
    );
    Ok(ExitStatus::Success)
}
