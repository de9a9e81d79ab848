//! `teamform import`: the live portal written as policy files.

use crate::cli::PortalArgs;
use crate::{exit, portal};
use std::path::Path;
use teamform_portal::Provider;

pub fn run(args: &PortalArgs, out: &Path, name: &str) -> i32 {
    let spec = match portal::Spec::choose(args.portal.as_deref(), args.api_base.as_deref(), None) {
        Ok(s) => s,
        Err(e) => return super::usage_error(&e),
    };
    let live = match portal::open(&spec).and_then(|mut p| p.read().map_err(|e| e.to_string())) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot read the portal: {e}");
            return exit::PORTAL;
        }
    };
    let files = teamform_plan::import::import(&live, name);
    for (rel, _) in &files {
        let path = out.join(rel);
        if path.exists() {
            return super::usage_error(&format!(
                "`{}` exists; import into an empty directory",
                path.display()
            ));
        }
    }
    for (rel, text) in files {
        let path = out.join(&rel);
        if let Err(e) = crate::files::write_atomic(&path, text.as_bytes()) {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return exit::INVALID;
        }
    }
    outln!(
        "Imported {} teams, {} roles, {} users and {} assets into {}.",
        live.teams.len(),
        live.roles.len(),
        live.users.len(),
        live.assets.len(),
        out.display()
    );
    exit::SUCCESS
}
