//! A deterministic generator of large, valid policies, for benchmarks and load tests.
//!
//! [`generate`] turns an [`OrgSize`] and a seed into the files of one policy: `portal.toml`
//! (every hub at enterprise, generous seats, guardrails with deny rules), `teams.toml` (a
//! forest up to [`OrgSize::max_depth`] deep), `roles.toml`, `users/users-NNN.toml` and
//! `assets/assets-NNN.toml`. The same size and seed always give the same bytes. The policy
//! compiles without a diagnostic as long as there are at least as many users as teams plus
//! the super admins, and at least as many users as roles: the first users hold every role and
//! are the first member of every team.

mod emit;
mod rng;
mod words;

use rayon::prelude::*;
use std::io;
use std::path::Path;

/// The size of a generated organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgSize {
    /// The number of users.
    pub users: usize,
    /// The number of teams (at least 2: team 0 holds the super admins).
    pub teams: usize,
    /// The depth of the deepest team, counting the root teams as depth 1.
    pub max_depth: usize,
    /// The number of roles (permission sets).
    pub roles: usize,
    /// The number of partitioned assets.
    pub assets: usize,
    /// How many users (and assets) each file holds.
    pub users_per_file: usize,
}

impl OrgSize {
    /// The size of the benchmark: 100,000 users in files of 10,000, 5,000 teams up to 6 deep,
    /// 300 roles and 50,000 assets.
    pub fn large() -> Self {
        OrgSize {
            users: 100_000,
            teams: 5_000,
            max_depth: 6,
            roles: 300,
            assets: 50_000,
            users_per_file: 10_000,
        }
    }

    /// A tenth of [`OrgSize::large`], for the criterion benchmark.
    pub fn medium() -> Self {
        OrgSize {
            users: 10_000,
            teams: 500,
            max_depth: 6,
            roles: 50,
            assets: 5_000,
            users_per_file: 2_000,
        }
    }

    /// A small org, for tests.
    pub fn demo() -> Self {
        OrgSize {
            users: 200,
            teams: 24,
            max_depth: 4,
            roles: 8,
            assets: 120,
            users_per_file: 50,
        }
    }
}

/// The counts of a generation, with the degenerate values raised to what the generator needs.
pub(crate) struct Plan {
    seed: u64,
    users: usize,
    teams: usize,
    max_depth: usize,
    roles: usize,
    assets: usize,
    per_file: usize,
    super_admins: usize,
}

impl Plan {
    fn new(size: &OrgSize, seed: u64) -> Self {
        Plan {
            seed,
            users: size.users,
            teams: size.teams.max(2),
            max_depth: size.max_depth.max(1),
            roles: size.roles.max(1),
            assets: size.assets,
            per_file: size.users_per_file.max(1),
            super_admins: size.users.min(5),
        }
    }

    /// The email of user `n`.
    fn email(&self, n: usize) -> String {
        format!("user{n}@bench.example")
    }

    /// The super admins are the first user and the last few, so that they do not take the
    /// first users' places as the first members of the teams.
    fn is_super_admin(&self, n: usize) -> bool {
        n == 0 || n + self.super_admins > self.users
    }

    fn files(&self, count: usize) -> usize {
        count.div_ceil(self.per_file)
    }
}

/// Generates the files of a policy of `size`: pairs of a path relative to the policy directory
/// (with `/` separators) and the file's TOML text. Deterministic in `size` and `seed`; the
/// user and asset files are generated in parallel.
pub fn generate(size: &OrgSize, seed: u64) -> Vec<(String, String)> {
    let plan = Plan::new(size, seed);
    let mut files = vec![
        ("portal.toml".to_string(), emit::portal(&plan)),
        ("teams.toml".to_string(), emit::teams(&plan)),
        ("roles.toml".to_string(), emit::roles(&plan)),
    ];
    let users: Vec<(String, String)> = (0..plan.files(plan.users))
        .into_par_iter()
        .map(|f| (format!("users/users-{f:03}.toml"), emit::users(&plan, f)))
        .collect();
    let assets: Vec<(String, String)> = (0..plan.files(plan.assets))
        .into_par_iter()
        .map(|f| (format!("assets/assets-{f:03}.toml"), emit::assets(&plan, f)))
        .collect();
    files.extend(users);
    files.extend(assets);
    files
}

/// Writes generated files under `dir`, creating the directories they need.
pub fn write(dir: &Path, files: &[(String, String)]) -> io::Result<()> {
    for (path, text) in files {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&full, text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use teamform_compiler::{Options, TeamId, compile};
    use teamform_diagnostics::{SourceFile, SourceMap};
    use teamform_model::{Date, load_sources};

    fn sources(files: &[(String, String)]) -> SourceMap {
        let mut map = SourceMap::new();
        for (path, text) in files {
            map.add(SourceFile::new(path.clone(), text.as_str()));
        }
        map
    }

    #[test]
    #[expect(clippy::unwrap_used, reason = "a test fails loudly")]
    fn demo_compiles_without_diagnostics() {
        let size = OrgSize::demo();
        let files = generate(&size, 42);
        let load = load_sources(sources(&files));
        let today = Date {
            year: 2026,
            month: 11,
            day: 25,
        };
        let compiled = compile(&load, Options { today });
        let messages: Vec<&str> = compiled
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert!(messages.is_empty(), "{messages:#?}");
        let policy = &load.policy;
        assert_eq!(policy.users.len(), size.users);
        assert_eq!(policy.teams.len(), size.teams);
        assert_eq!(policy.roles.len(), size.roles);
        assert_eq!(policy.assets.len(), size.assets);
        assert_eq!(files.len(), 3 + 4 + 3);
        let depth = (0..size.teams)
            .map(|t| compiled.graph.ancestors(TeamId(t as u32)).len())
            .max()
            .unwrap();
        assert_eq!(depth, size.max_depth);
        let admins = policy.users.iter().filter(|u| u.is_super_admin()).count();
        assert!((1..=10).contains(&admins));
        assert!(files.iter().any(|(_, text)| text.contains('é')));
    }

    #[test]
    fn generation_is_deterministic() {
        let size = OrgSize::demo();
        assert_eq!(generate(&size, 7), generate(&size, 7));
        assert_ne!(generate(&size, 7), generate(&size, 8));
    }

    #[test]
    fn write_creates_the_directories() -> io::Result<()> {
        let dir = std::env::temp_dir().join(format!("teamform-bench-test-{}", std::process::id()));
        let files = generate(&OrgSize::demo(), 1);
        write(&dir, &files)?;
        let found = teamform_model::discover(&dir)?;
        std::fs::remove_dir_all(&dir)?;
        assert_eq!(found.len(), files.len());
        Ok(())
    }
}
