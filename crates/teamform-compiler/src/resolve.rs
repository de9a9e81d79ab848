//! Name resolution: keys to dense ids, and every reference checked, with "did you mean".

/// The maps of the index: keys to dense ids, hashed with a fast (seeded) hasher.
pub type KeyMap<T> = foldhash::HashMap<String, T>;
use teamform_diagnostics::{Code, Diagnostic, did_you_mean};
use teamform_email::EmailKey;
use teamform_model::{Policy, Sp, User};

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            /// The index into the policy's list.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id_type!(
    /// A team: its index in `Policy::teams`.
    TeamId
);
id_type!(
    /// A role: its index in `Policy::roles`.
    RoleId
);
id_type!(
    /// A user: its index in `Policy::users`.
    UserId
);
id_type!(
    /// An asset: its index in `Policy::assets`.
    AssetId
);

fn id(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Keys resolved to ids, and each entity's references resolved.
#[derive(Debug, Default)]
pub struct Index {
    /// Team key to id.
    pub teams: KeyMap<TeamId>,
    /// Role key to id.
    pub roles: KeyMap<RoleId>,
    /// User email, folded as an [`EmailKey`], to id.
    pub users: KeyMap<UserId>,
    /// Asset `TYPE.KEY` to id.
    pub assets: KeyMap<AssetId>,
    /// Per team, its parent when it resolves.
    pub parent: Vec<Option<TeamId>>,
    /// Per user, what their role and teams resolve to.
    pub resolved_users: Vec<ResolvedUser>,
    /// Per asset, the teams that resolve.
    pub asset_teams: Vec<Vec<TeamId>>,
    /// Per asset, its type.
    pub asset_kind: Vec<teamform_model::AssetType>,
}

impl Index {
    /// Records the next user's resolution (users are pushed in policy order).
    pub(crate) fn push_user(&mut self, user: ResolvedUser) {
        self.resolved_users.push(user);
    }

    /// Replaces the resolution of `user`.
    pub(crate) fn set_user(&mut self, user: UserId, to: ResolvedUser) {
        self.resolved_users[user.index()] = to;
    }

    /// The resolution of `user`.
    pub fn resolved(&self, user: UserId) -> &ResolvedUser {
        &self.resolved_users[user.index()]
    }

    /// The team with key `key`.
    pub fn team(&self, key: &str) -> Option<TeamId> {
        self.teams.get(key).copied()
    }

    /// The role with key `key`.
    pub fn role(&self, key: &str) -> Option<RoleId> {
        self.roles.get(key).copied()
    }

    /// The user with email `email`, compared without case ([`EmailKey`]).
    pub fn user(&self, email: &str) -> Option<UserId> {
        self.users.get(EmailKey::new(email).as_str()).copied()
    }
}

/// Resolves every key, and the references that do not name a user nor come from one: team
/// parents, asset partitions and the guardrails' assets, teams and roles. The references of
/// users are left to [`resolve_user`], those to users to [`protected_users`].
pub(crate) fn resolve_keys(policy: &Policy, diags: &mut Vec<Diagnostic>) -> Index {
    let mut index = Index {
        teams: policy
            .teams
            .iter()
            .enumerate()
            .map(|(i, t)| (t.key.value.clone(), TeamId(id(i))))
            .collect(),
        roles: policy
            .roles
            .iter()
            .enumerate()
            .map(|(i, r)| (r.key.value.clone(), RoleId(id(i))))
            .collect(),
        users: policy
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let key = EmailKey::new(&u.key.value).into_cow().into_owned();
                (key, UserId(id(i)))
            })
            .collect(),
        assets: policy
            .assets
            .iter()
            .enumerate()
            .map(|(i, a)| (a.reference(), AssetId(id(i))))
            .collect(),
        ..Index::default()
    };
    let role_keys = || policy.roles.iter().map(|r| r.key.value.as_str());
    index.parent = policy
        .teams
        .iter()
        .map(|t| {
            let p = t.parent.as_ref()?;
            team_of(&index.teams, policy, p, diags)
        })
        .collect();
    index.asset_kind = policy.assets.iter().map(|a| a.kind).collect();
    index.asset_teams = policy
        .assets
        .iter()
        .map(|a| {
            a.teams
                .iter()
                .filter_map(|t| team_of(&index.teams, policy, t, diags))
                .collect()
        })
        .collect();
    let g = &policy.guardrails;
    for a in &g.public_assets {
        let refs: Vec<String> = policy.assets.iter().map(|a| a.reference()).collect();
        lookup(
            &index.assets,
            a,
            "asset",
            Code::UnknownAsset,
            refs.iter().map(String::as_str),
            diags,
        );
    }
    for rule in &g.deny {
        if let Some(t) = &rule.members_of {
            team_of(&index.teams, policy, t, diags);
        }
        for r in &rule.unless_roles {
            lookup(
                &index.roles,
                r,
                "role",
                Code::UnknownRole,
                role_keys(),
                diags,
            );
        }
    }
    index
}

/// Reports the guardrails' protected users that no user is.
pub(crate) fn protected_users(index: &Index, policy: &Policy, diags: &mut Vec<Diagnostic>) {
    for u in &policy.guardrails.protected_users {
        // Users are keyed by folded email: a protected user is found whatever the case, and
        // only one that is not found is looked up again to be reported.
        if index.user(&u.value).is_none() {
            let users = policy.users.iter().map(|u| u.key.value.as_str());
            lookup(&index.users, u, "user", Code::UnknownUser, users, diags);
        }
    }
}

/// What a user's references resolve to: the one result of resolving a user, for the policy's
/// own users ([`Index`]), users placed in another org ([`crate::Placed`]) and edits.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ResolvedUser {
    /// The role, when it resolves.
    pub role: Option<RoleId>,
    /// The primary team, when it resolves.
    pub team: Option<TeamId>,
    /// The additional teams that resolve, without the primary team.
    pub teams: Vec<TeamId>,
}

/// A user's role, primary team and additional teams, resolved against the keys of `index`
/// (those of `policy`); what does not resolve is reported.
pub(crate) fn resolve_user(
    index: &Index,
    user: &User,
    policy: &Policy,
    diags: &mut Vec<Diagnostic>,
) -> ResolvedUser {
    let role_keys = policy.roles.iter().map(|r| r.key.value.as_str());
    let role = user
        .role
        .as_ref()
        .and_then(|r| lookup(&index.roles, r, "role", Code::UnknownRole, role_keys, diags));
    let team = user
        .team
        .as_ref()
        .and_then(|t| team_of(&index.teams, policy, t, diags));
    let teams = user
        .teams
        .iter()
        .filter_map(|t| team_of(&index.teams, policy, t, diags))
        .filter(|t| Some(*t) != team)
        .collect();
    ResolvedUser { role, team, teams }
}

/// The team with key `reference`, reported when there is none.
fn team_of(
    teams: &KeyMap<TeamId>,
    policy: &Policy,
    reference: &Sp<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<TeamId> {
    let keys = policy.teams.iter().map(|t| t.key.value.as_str());
    lookup(teams, reference, "team", Code::UnknownTeam, keys, diags)
}

fn lookup<'a, T: Copy>(
    map: &KeyMap<T>,
    reference: &Sp<String>,
    kind: &str,
    code: Code,
    candidates: impl Iterator<Item = &'a str>,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    if let Some(found) = map.get(&reference.value) {
        return Some(*found);
    }
    let d = Diagnostic::new(code, format!("unknown {kind} `{}`", reference.value))
        .primary(reference.span, format!("no {kind} has this key"));
    diags.push(match did_you_mean(&reference.value, candidates) {
        Some(s) => d.suggest(reference.span, s),
        None if kind == "asset" => d.help(format!(
            "define it with an `[asset.{}]` table",
            reference.value
        )),
        None => d.help(format!(
            "define it with a `[{kind}.\"{}\"]` table",
            reference.value
        )),
    });
    None
}

#[cfg(test)]
mod tests {
    use crate::{Options, compile};
    use teamform_diagnostics::{Code, SourceFile, SourceMap};
    use teamform_model::{Date, load_sources};

    #[test]
    fn users_are_found_by_email_whatever_the_case() {
        let text = "[portal]\nname = \"Acme\"\n\n[team.sales]\nname = \"Sales\"\n\n\
                    [user.\"ÉLODIE@Acme.example\"]\nname = \"Élodie\"\nteam = \"sales\"\nsuper_admin = true\n\n\
                    [guardrails]\nprotected_users = [\"élodie@acme.example\", \"nobody@acme.example\"]\n";
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("policy.toml".to_string(), text.to_string()));
        let load = load_sources(sources);
        let today = Date {
            year: 2026,
            month: 11,
            day: 25,
        };
        let compiled = compile(&load, Options { today });
        let unknown: Vec<&str> = compiled
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::UnknownUser)
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(unknown, ["unknown user `nobody@acme.example`"]);
        for asked in [
            "élodie@acme.example",
            "ÉLODIE@Acme.example",
            "Élodie@ACME.example",
        ] {
            assert_eq!(compiled.index.user(asked).map(|u| u.0), Some(0), "{asked}");
        }
    }
}
