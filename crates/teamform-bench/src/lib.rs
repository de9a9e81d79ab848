//! A deterministic generator of large, valid policies, for benchmarks and load tests.
//!
//! [`generate`] turns an [`OrgSize`] and a seed into the files of one policy: `portal.toml`
//! (every hub at enterprise, generous seats, guardrails with deny rules), `teams.toml` (a
//! forest up to [`OrgSize::max_depth`] deep), `roles.toml`, `users/users-NNN.toml` and
//! `assets/assets-NNN.toml`. The same size and seed always give the same bytes. The policy
//! compiles without a diagnostic as long as there are at least as many users as teams plus
//! the super admins, and at least as many users as roles: the first users hold every role and
//! are the first member of every team.
//!
//! [`generate_changed`] makes the same org with some users changed ([`Changes`]: another role,
//! another primary team, removed, or added), for the benchmark of plans; [`live`] builds the
//! live state of a portal that holds exactly a policy.

mod emit;
pub mod live;
pub mod measure;
mod rng;
mod words;

use rayon::prelude::*;
use std::collections::HashMap;
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

/// Changes to the users of a generated org, so that a plan has something to do. The changed
/// users are spread evenly over the org, never among the first users (who hold every role and
/// team) nor the super admins; the added users come after the last one, in the same kind of
/// files, with the same kind of random contents. Every other user is generated exactly as
/// without changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// How many users get the next role.
    pub role: usize,
    /// How many users get the next team as their primary team.
    pub team: usize,
    /// How many users are removed.
    pub removed: usize,
    /// How many users are added.
    pub added: usize,
}

impl Changes {
    /// `count` changes split between the four kinds: 30% role, 30% team, 20% removed and the
    /// rest added.
    pub fn spread(count: usize) -> Self {
        let role = count * 3 / 10;
        let team = count * 3 / 10;
        let removed = count / 5;
        Changes {
            role,
            team,
            removed,
            added: count - role - team - removed,
        }
    }

    /// The number of users changed, removed or added.
    pub fn total(&self) -> usize {
        self.role + self.team + self.removed + self.added
    }
}

/// A change to one existing user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Edit {
    Role,
    Team,
    Remove,
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
    /// The changes to existing users, by user number.
    edits: HashMap<usize, Edit>,
    /// How many users are added after the last one.
    added: usize,
}

impl Plan {
    fn new(size: &OrgSize, seed: u64, changes: &Changes) -> Self {
        let mut plan = Plan {
            seed,
            users: size.users,
            teams: size.teams.max(2),
            max_depth: size.max_depth.max(1),
            roles: size.roles.max(1),
            assets: size.assets,
            per_file: size.users_per_file.max(1),
            super_admins: size.users.min(5),
            edits: HashMap::new(),
            added: changes.added,
        };
        plan.edits = plan.edits(changes);
        plan
    }

    /// Which existing users change, and how: evenly spaced among the users that are neither
    /// among the first (who hold every role and team) nor super admins, the kinds of change
    /// taken in turn. Fewer users change when there are not enough of them.
    fn edits(&self, changes: &Changes) -> HashMap<usize, Edit> {
        let low = self.teams.max(self.roles);
        let high = self.users.saturating_sub(self.super_admins);
        let mut left = [
            (Edit::Role, changes.role),
            (Edit::Team, changes.team),
            (Edit::Remove, changes.removed),
        ];
        let wanted: usize = left.iter().map(|(_, n)| n).sum();
        let count = wanted.min(high.saturating_sub(low));
        let mut kinds = Vec::with_capacity(count);
        while kinds.len() < count {
            for (edit, n) in &mut left {
                if *n > 0 && kinds.len() < count {
                    kinds.push(*edit);
                    *n -= 1;
                }
            }
        }
        if count == 0 {
            return HashMap::new();
        }
        let stride = (high - low) / count;
        kinds
            .into_iter()
            .enumerate()
            .map(|(k, edit)| (low + k * stride + stride / 2, edit))
            .collect()
    }

    /// The email of user `n`.
    fn email(&self, n: usize) -> String {
        format!("user{n}@bench.example")
    }

    /// The super admins are the first user and the last few, so that they do not take the
    /// first users' places as the first members of the teams.
    fn is_super_admin(&self, n: usize) -> bool {
        n == 0 || (n < self.users && n + self.super_admins > self.users)
    }

    fn files(&self, count: usize) -> usize {
        count.div_ceil(self.per_file)
    }
}

/// Generates the files of a policy of `size`: pairs of a path relative to the policy directory
/// (with `/` separators) and the file's TOML text. Deterministic in `size` and `seed`; the
/// user and asset files are generated in parallel.
pub fn generate(size: &OrgSize, seed: u64) -> Vec<(String, String)> {
    generate_changed(size, seed, &Changes::default())
}

/// Generates the files of the policy of `size` and `seed`, with `changes` made to its users.
/// With no changes, this is [`generate`].
pub fn generate_changed(size: &OrgSize, seed: u64, changes: &Changes) -> Vec<(String, String)> {
    let plan = Plan::new(size, seed, changes);
    let mut files = vec![
        ("portal.toml".to_string(), emit::portal(&plan)),
        ("teams.toml".to_string(), emit::teams(&plan)),
        ("roles.toml".to_string(), emit::roles(&plan)),
    ];
    let users: Vec<(String, String)> = (0..plan.files(plan.users + plan.added))
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
    use teamform_plan::{Action, Filter, Plan, PlanInput, make_plan};
    use teamform_portal::{Capabilities, LiveState, ObjectKind};

    fn sources(files: &[(String, String)]) -> SourceMap {
        let mut map = SourceMap::new();
        for (path, text) in files {
            map.add(SourceFile::new(path.clone(), text.as_str()));
        }
        map
    }

    #[test]
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

    fn today() -> Options {
        Options {
            today: Date {
                year: 2026,
                month: 11,
                day: 25,
            },
        }
    }

    fn plan_against(files: &[(String, String)], live: &LiveState) -> Plan {
        let load = load_sources(sources(files));
        let compiled = compile(&load, today());
        let messages: Vec<&str> = compiled
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert!(messages.is_empty(), "{messages:#?}");
        make_plan(&PlanInput {
            load: &load,
            compiled: &compiled,
            live,
            capabilities: Capabilities::FULL,
            portal: "sandbox:test".to_string(),
            filter: Filter::default(),
            fingerprints: false,
            known: None,
            detail: teamform_plan::Detail::Grants,
            screens: &teamform_portal::Screens::HUBSPOT,
        })
    }

    #[test]
    fn no_changes_generate_the_same_org() {
        let size = OrgSize::demo();
        assert_eq!(
            generate_changed(&size, 3, &Changes::default()),
            generate(&size, 3)
        );
    }

    #[test]
    fn the_live_state_of_a_policy_plans_no_change_and_changes_plan_as_many_ops() {
        let size = OrgSize::demo();
        let files = generate(&size, 5);
        let load = load_sources(sources(&files));
        let live = live::sandbox_file(&load.policy).state;
        assert_eq!(live.users.len(), size.users);
        let plan = plan_against(&files, &live);
        assert!(plan.changes.is_empty(), "{:#?}", plan.changes);
        assert!(plan.access.is_empty());

        let changes = Changes::spread(20);
        assert_eq!(changes.total(), 20);
        let changed = generate_changed(&size, 5, &changes);
        let plan = plan_against(&changed, &live);
        let count = |kind: ObjectKind, action: Action| {
            plan.changes
                .iter()
                .filter(|o| o.kind == kind && o.action == action)
                .count()
        };
        assert_eq!(
            count(ObjectKind::User, Action::Update),
            changes.role + changes.team
        );
        assert_eq!(count(ObjectKind::User, Action::Delete), changes.removed);
        assert_eq!(count(ObjectKind::User, Action::Create), changes.added);
        assert_eq!(plan.changes.len(), changes.total());
        // Every changed user's access changes (their role or team differs).
        assert!(plan.access.len() >= changes.removed + changes.added);
        // Unchanged users are generated as before.
        let before: Vec<&str> = files.iter().map(|(_, t)| t.as_str()).collect();
        let after: Vec<&str> = changed.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(before[..3], after[..3]);
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
