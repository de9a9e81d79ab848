//! The policy as last compiled, kept from frame to frame: when the same files are there and a
//! save changed only users' tables, the compiler's [`Incremental`] takes the change in place
//! (re-resolving and re-checking those users); anything else loads and compiles afresh. Either
//! way the result is what `load_dir` and `compile` give (the compiler's property test).

use std::path::{Path, PathBuf};
use teamform_compiler::{Incremental, Options};
use teamform_diagnostics::{FileId, SourceFile};
use teamform_model::{Date, discover, load_dir, read_policy_file};

/// The compiled policy of the last frame, with the files it was read from.
#[derive(Default)]
pub struct Compiling {
    last: Option<(Vec<PathBuf>, Incremental)>,
}

impl Compiling {
    /// The policy of `policies` compiled for `today`, updated in place where it can be.
    pub fn update(&mut self, policies: &Path, today: Date) -> &Incremental {
        let paths = discover(policies).unwrap_or_default();
        let kept = self
            .last
            .take()
            .filter(|(read, _)| *read == paths)
            .and_then(|(_, state)| edited(policies, today, &paths, state));
        let state = kept.unwrap_or_else(|| Incremental::new(load_dir(policies), Options { today }));
        &self.last.insert((paths, state)).1
    }
}

/// `state`, read from the same `paths` of `policies`, with the files that changed since taken
/// in, or `None` when that cannot be done in place (another day, a file that is refused or
/// not UTF-8, an edit beyond users' tables).
fn edited(
    policies: &Path,
    today: Date,
    paths: &[PathBuf],
    mut state: Incremental,
) -> Option<Incremental> {
    if state.options().today != today {
        return None;
    }
    // Each file read was given the next id, in the order of `paths`.
    if state.load().sources.len() != paths.len() {
        return None;
    }
    let root = std::fs::canonicalize(policies).unwrap_or_else(|_| policies.to_path_buf());
    for (i, path) in paths.iter().enumerate() {
        let id = FileId(u32::try_from(i).ok()?);
        let bytes = read_policy_file(&root, path).ok()?;
        let old = state.load().sources.get(id)?;
        // An unchanged file (most of them) is compared as bytes, without decoding it.
        if old.text.as_bytes() == bytes.as_slice() {
            continue;
        }
        let text = String::from_utf8(bytes).ok()?;
        let source = SourceFile::new(old.path.clone(), text);
        if !state.edit(id, source) {
            return None;
        }
    }
    Some(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use teamform_compiler::compile;

    const TODAY: Date = Date {
        year: 2026,
        month: 11,
        day: 30,
    };

    /// The diagnostics as text, for comparing two compilations.
    fn shown(state: &Incremental) -> Vec<String> {
        state
            .compiled()
            .diagnostics
            .iter()
            .map(|d| format!("{} {} {:?}", d.code, d.message, d.main_span()))
            .collect()
    }

    #[test]
    fn each_save_compiles_to_what_a_fresh_compile_gives() -> Result<(), Box<dyn std::error::Error>>
    {
        let dir = tempfile::tempdir()?;
        let policies = dir.path().join("policies");
        std::fs::create_dir_all(&policies)?;
        let org = "[portal]\nname = \"Acme\"\n\n[team.sales]\nname = \"Sales\"\n\n[role.rep]\nname = \"Rep\"\ncrm.contacts = { view = \"owned\" }\n";
        let users = "[user.\"ana@acme.example\"]\nname = \"Ana\"\nteam = \"sales\"\nsuper_admin = true\n\n[user.\"bo@acme.example\"]\nname = \"Bo\"\nrole = \"rep\"\nteam = \"sales\"\n";
        std::fs::write(policies.join("org.toml"), org)?;
        std::fs::write(policies.join("users.toml"), users)?;
        let mut compiling = Compiling::default();
        assert!(shown(compiling.update(&policies, TODAY)).is_empty());
        // A typo in a user's role (an edit the compiler takes in place), then the same files
        // again: both give what a fresh compile gives.
        std::fs::write(
            policies.join("users.toml"),
            users.replace("role = \"rep\"", "role = \"rpe\""),
        )?;
        compiling.update(&policies, TODAY);
        let fresh = compile(&load_dir(&policies), Options { today: TODAY });
        let state = compiling.update(&policies, TODAY);
        assert_eq!(
            shown(state),
            fresh
                .diagnostics
                .iter()
                .map(|d| format!("{} {} {:?}", d.code, d.message, d.main_span()))
                .collect::<Vec<_>>()
        );
        assert_eq!(
            shown(state).len(),
            2,
            "unknown role, unused role: {:?}",
            shown(state)
        );
        // A new file: compiled afresh, and still right.
        std::fs::write(policies.join("more.toml"), "[team.hr]\nname = \"HR\"\n")?;
        let state = compiling.update(&policies, TODAY);
        assert_eq!(state.load().sources.len(), 3);
        Ok(())
    }
}
