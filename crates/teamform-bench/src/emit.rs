//! Writing the generated entities as policy TOML, one function per kind of file. Every
//! function draws from its own random stream, so that files are independent of each other.

use crate::rng::Rng;
use crate::words::{DEPARTMENTS, FIRST, JOBS, LAST};
use crate::{Edit, Plan};
use teamform_model::{AccountPermission, AssetType, CrmObject, Scope, Seat, Tool, ToolAction};

/// A TOML document being written. Strings are always escaped; keys are generated bare keys.
#[derive(Default)]
struct Toml {
    out: String,
}

impl Toml {
    fn header(&mut self, header: &str) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out.push('[');
        self.out.push_str(header);
        self.out.push_str("]\n");
    }

    fn raw(&mut self, key: &str, value: &str) {
        self.out.push_str(key);
        self.out.push_str(" = ");
        self.out.push_str(value);
        self.out.push('\n');
    }

    fn string(&mut self, key: &str, value: &str) {
        self.raw(key, &quote(value));
    }

    fn strings<S: AsRef<str>>(&mut self, key: &str, values: &[S]) {
        let items: Vec<String> = values.iter().map(|v| quote(v.as_ref())).collect();
        self.raw(key, &format!("[{}]", items.join(", ")));
    }
}

/// A TOML basic string.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The key of team `i`; team 0 holds the super admins.
pub(crate) fn team_key(i: usize) -> String {
    format!("t{i:04}")
}

/// The key of role `i`.
fn role_key(i: usize) -> String {
    format!("r{i:03}")
}

/// Up to `count` distinct numbers in `from..to`, none in `exclude` (whose numbers are
/// distinct).
fn distinct(rng: &mut Rng, from: usize, to: usize, exclude: &[usize], count: usize) -> Vec<usize> {
    let excluded = exclude.iter().filter(|n| (from..to).contains(*n)).count();
    let available = to.saturating_sub(from) - excluded;
    let mut out: Vec<usize> = Vec::with_capacity(count);
    while out.len() < count.min(available) {
        let n = from + rng.below(to - from);
        if !exclude.contains(&n) && !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// `portal.toml`: every hub at enterprise, generous seats and the guardrails.
pub(crate) fn portal(plan: &Plan) -> String {
    let mut t = Toml::default();
    t.out
        .push_str("# A generated organisation for benchmarks (teamform-gen).\n");
    t.header("portal");
    t.string("name", "Bench Org Ltd");
    t.raw(
        "tiers",
        "{ marketing = \"enterprise\", sales = \"enterprise\", service = \"enterprise\", cms = \"enterprise\", operations = \"enterprise\" }",
    );
    let seats: Vec<String> = Seat::ALL
        .iter()
        .map(|s| format!("{s} = {}", plan.users))
        .collect();
    t.raw("seats", &format!("{{ {} }}", seats.join(", ")));
    t.header("guardrails");
    t.raw("min_super_admins", "1");
    t.raw("max_super_admins", "10");
    t.raw("max_removal_ratio", "0.1");
    t.strings("protected_users", &[plan.email(0)]);
    t.raw("require_partition", "true");
    // No role grants billing, and no super admin is in the tree of team 1: the rule holds,
    // but checking it walks that whole tree and its members.
    t.header("[guardrails.deny]");
    t.string("message", "only the finance team pays the bills");
    t.string("permission", "account.billing");
    t.string("members_of", &team_key(1));
    // No role publishes ads: checked on every role.
    t.header("[guardrails.deny]");
    t.string("message", "ads go out through the agency");
    t.string("permission", "tools.ads.publish");
    t.strings("unless_roles", &[role_key(0)]);
    t.out
}

/// `teams.toml`: team 0 (the admins) and a few more roots, then every other team under a
/// random earlier team that is not yet at the maximum depth.
pub(crate) fn teams(plan: &Plan) -> String {
    let mut rng = Rng::new(plan.seed, 1);
    let mut t = Toml::default();
    let roots = (plan.teams / 100).max(1);
    let mut depth = vec![1usize; plan.teams];
    let mut eligible: Vec<usize> = Vec::new();
    for i in 0..plan.teams {
        t.header(&format!("team.{}", team_key(i)));
        if i == 0 {
            t.string("name", "Administrators");
            t.string("description", "The super admins' team");
            continue;
        }
        t.string("name", &format!("{} {i:04}", rng.pick(DEPARTMENTS)));
        if i > roots && !eligible.is_empty() {
            let parent = eligible[rng.below(eligible.len())];
            depth[i] = depth[parent] + 1;
            t.string("parent", &team_key(parent));
        }
        if rng.chance(30) {
            t.string(
                "description",
                "Équipe générée pour les mesures de performance",
            );
        }
        if rng.chance(50) {
            t.string("id", &format!("{}", 1_000_000 + i));
        }
        if depth[i] < plan.max_depth {
            eligible.push(i);
        }
    }
    t.out
}

/// `roles.toml`: CRM scopes with `edit` never wider than `view`, tool actions that always
/// include their prerequisites, and a few account permissions (never `billing`).
pub(crate) fn roles(plan: &Plan) -> String {
    let mut rng = Rng::new(plan.seed, 2);
    let mut t = Toml::default();
    for i in 0..plan.roles {
        t.header(&format!("role.{}", role_key(i)));
        t.string("name", &format!("{} {i:03}", rng.pick(JOBS)));
        for object in CrmObject::ALL {
            if !rng.chance(80) {
                continue;
            }
            let view = 1 + rng.below(Scope::ALL.len() - 1);
            let edit = rng.below(view + 1);
            let mut fields = format!("view = \"{}\"", Scope::ALL[view]);
            if edit > 0 {
                fields.push_str(&format!(", edit = \"{}\"", Scope::ALL[edit]));
                if rng.chance(20) {
                    fields.push_str(", delete = true");
                }
            }
            t.raw(&format!("crm.{object}"), &format!("{{ {fields} }}"));
        }
        for tool in Tool::ALL {
            if !rng.chance(40) {
                continue;
            }
            let most = if *tool == Tool::Ads { 2 } else { 3 };
            let count = 1 + rng.below(most);
            let actions: Vec<&str> = ToolAction::ALL[..count]
                .iter()
                .map(|a| a.as_str())
                .collect();
            t.strings(&format!("tools.{tool}"), &actions);
        }
        for perm in AccountPermission::ALL {
            if *perm != AccountPermission::Billing && rng.chance(10) {
                t.raw(&format!("account.{perm}"), "true");
            }
        }
    }
    t.out
}

/// A generated user, before it is written.
struct GenUser {
    n: usize,
    name: String,
    role: usize,
    super_admin: bool,
    team: usize,
    teams: Vec<usize>,
    seats: Vec<usize>,
    expires: Option<(usize, usize)>,
    id: bool,
}

/// Draws user `n` from `rng`. The draws are the same whatever [`crate::Changes`] are made,
/// so that a change to one user leaves every other user as it was.
fn draw_user(plan: &Plan, rng: &mut Rng, n: usize) -> GenUser {
    let name = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
    let role = if n < plan.roles {
        n
    } else {
        rng.below(plan.roles)
    };
    let mut user = GenUser {
        n,
        name,
        role,
        super_admin: plan.is_super_admin(n),
        team: 0,
        teams: Vec::new(),
        seats: Vec::new(),
        expires: None,
        id: false,
    };
    if user.super_admin {
        return user;
    }
    user.team = if n < plan.teams {
        n
    } else {
        1 + rng.below(plan.teams - 1)
    };
    let extra = rng.below(3);
    if extra > 0 {
        user.teams = distinct(rng, 1, plan.teams, &[user.team], extra);
    }
    let count = rng.below(3);
    user.seats = distinct(rng, 0, Seat::ALL.len(), &[], count);
    if rng.chance(10) {
        user.expires = Some((1 + rng.below(12), 1 + rng.below(28)));
    }
    user.id = rng.chance(50);
    user
}

/// Applies the change planned for the user, if any; `false` if the user is removed.
fn change_user(plan: &Plan, user: &mut GenUser) -> bool {
    match plan.edits.get(&user.n) {
        None => true,
        Some(Edit::Remove) => false,
        Some(Edit::Role) => {
            user.role = (user.role + 1) % plan.roles;
            true
        }
        Some(Edit::Team) => {
            // The next team (team 0 is the super admins'), dropped from the additional
            // teams if it was one.
            user.team = 1 + user.team % (plan.teams - 1);
            user.teams.retain(|t| *t != user.team);
            true
        }
    }
}

fn write_user(t: &mut Toml, plan: &Plan, user: &GenUser) {
    t.header(&format!("user.\"{}\"", plan.email(user.n)));
    t.string("name", &user.name);
    t.string("role", &role_key(user.role));
    if user.super_admin {
        t.string("team", &team_key(0));
        t.raw("super_admin", "true");
        return;
    }
    t.string("team", &team_key(user.team));
    if !user.teams.is_empty() {
        let keys: Vec<String> = user.teams.iter().map(|t| team_key(*t)).collect();
        t.strings("teams", &keys);
    }
    if !user.seats.is_empty() {
        let names: Vec<&str> = user.seats.iter().map(|s| Seat::ALL[*s].as_str()).collect();
        t.strings("seats", &names);
    }
    if let Some((month, day)) = user.expires {
        t.raw("expires", &format!("2027-{month:02}-{day:02}"));
    }
    if user.id {
        t.string("id", &format!("{}", 2_000_000 + user.n));
    }
}

/// `users/users-NNN.toml`: the users of file `file`, changed as the plan says (the added
/// users come after the last one). The first users hold every role and every team once, so
/// that no role is unused and no team is empty.
pub(crate) fn users(plan: &Plan, file: usize) -> String {
    let mut rng = Rng::new(plan.seed, 1000 + file as u64);
    let mut t = Toml::default();
    let start = file * plan.per_file;
    for n in start..(start + plan.per_file).min(plan.users + plan.added) {
        let mut user = draw_user(plan, &mut rng, n);
        if change_user(plan, &mut user) {
            write_user(&mut t, plan, &user);
        }
    }
    t.out
}

/// `assets/assets-NNN.toml`: assets of every type (all tiers are enterprise), each
/// partitioned to one or two teams.
pub(crate) fn assets(plan: &Plan, file: usize) -> String {
    let mut rng = Rng::new(plan.seed, 1_000_000 + file as u64);
    let mut t = Toml::default();
    let start = file * plan.per_file;
    for n in start..(start + plan.per_file).min(plan.assets) {
        let kind: AssetType = *rng.pick(AssetType::ALL);
        t.header(&format!("asset.{kind}.a{n:06}"));
        t.string(
            "name",
            &format!("{kind} n° {n} – {}", rng.pick(DEPARTMENTS)),
        );
        let count = 1 + rng.below(2);
        let teams = distinct(&mut rng, 0, plan.teams, &[], count);
        let keys: Vec<String> = teams.into_iter().map(team_key).collect();
        t.strings("teams", &keys);
        if rng.chance(50) {
            t.string("id", &format!("{}", 3_000_000 + n));
        }
    }
    t.out
}
