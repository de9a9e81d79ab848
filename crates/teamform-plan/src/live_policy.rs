//! The live state seen as a policy, so that the compiler can compute the access people hold
//! today (for the access diff) and `import` can write it out. Live objects matched to policy
//! keys keep those keys; the others get keys made from their names.

use crate::matching::Bindings;
use std::collections::{BTreeMap, HashSet};
use teamform_diagnostics::Span;
use teamform_model::*;
use teamform_portal::{LiveAsset, LiveState, LiveUser, Permissions};

fn sp<T>(value: T) -> Sp<T> {
    Sp::new(value, Span::default())
}

/// A policy key made from a name: lowercase ASCII letters and digits, dashes between words.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(fold) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "x".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Folds common accented letters to ASCII for keys.
fn fold(c: char) -> Vec<char> {
    let plain = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ă' | 'ā' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' | 'ń' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ș' | 'ş' | 'ś' | 'š' => 's',
        'ț' | 'ţ' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ů' => 'u',
        'ý' | 'ÿ' => 'y',
        'ž' | 'ź' | 'ż' => 'z',
        'ß' => return vec!['s', 's'],
        _ => c.to_ascii_lowercase(),
    };
    vec![plain]
}

/// Gives every live object of one kind a key: its bound policy key, else a unique slug.
fn keys<'a>(
    items: impl Iterator<Item = (&'a str, &'a str)>,
    bound: &BTreeMap<String, String>,
    reserved: &[&str],
) -> foldhash::HashMap<&'a str, String> {
    let by_id: foldhash::HashMap<&str, &str> = bound
        .iter()
        .map(|(k, id)| (id.as_str(), k.as_str()))
        .collect();
    let mut used: HashSet<String> = bound.keys().cloned().collect();
    used.extend(reserved.iter().map(|k| k.to_string()));
    let mut out = foldhash::HashMap::default();
    for (id, name) in items {
        let key = match by_id.get(id) {
            Some(k) => (*k).to_string(),
            None => {
                let base = slug(name);
                let mut key = base.clone();
                let mut n = 2;
                while used.contains(&key) {
                    key = format!("{base}-{n}");
                    n += 1;
                }
                key
            }
        };
        used.insert(key.clone());
        out.insert(id, key);
    }
    out
}

/// The grants of a role: CRM objects, tools and account permissions.
pub type Grants = (
    Vec<CrmGrant>,
    Vec<ToolGrant>,
    Vec<(AccountPermission, Sp<bool>)>,
);

/// The crm, tools and account grants of a role from its portal contents.
pub fn role_grants(p: &Permissions) -> Grants {
    let crm = p
        .crm
        .iter()
        .filter_map(|(object, c)| {
            Some(CrmGrant {
                object: CrmObject::parse(object)?,
                span: Span::default(),
                view: Scope::parse(&c.view).map(sp),
                edit: Scope::parse(&c.edit).map(sp),
                delete: Some(sp(c.delete)),
            })
        })
        .collect();
    let tools = p
        .tools
        .iter()
        .filter_map(|(tool, actions)| {
            Some(ToolGrant {
                tool: Tool::parse(tool)?,
                span: Span::default(),
                actions: actions
                    .iter()
                    .filter_map(|a| ToolAction::parse(a))
                    .map(sp)
                    .collect(),
            })
        })
        .collect();
    let account = p
        .account
        .iter()
        .filter_map(|f| AccountPermission::parse(f))
        .map(|f| (f, sp(true)))
        .collect();
    (crm, tools, account)
}

/// The live state as a policy. Assets only the portal has are left out: teamform does not
/// manage them. With `pin`, portal ids are written into `id` fields (for `import`). A role
/// whose contents the portal cannot read back takes what `unreadable` gives for its id (the
/// policy's grants of the role it matches: unverifiable, so assumed equal).
pub fn live_policy(
    live: &LiveState,
    bindings: &Bindings,
    pin: bool,
    unreadable: &dyn Fn(&str) -> Option<Grants>,
) -> Policy {
    let mut org = LiveOrg::new(live, bindings, pin, unreadable, &[]);
    org.add_users(&|_| true);
    org.policy
}

/// The live teams, roles and managed assets as a policy without users ([`live_policy`]),
/// with the keys given to the live teams and roles, for adding users afterwards.
pub(crate) struct LiveOrg<'a> {
    /// The policy so far.
    pub policy: Policy,
    live: &'a LiveState,
    pin: bool,
    team_keys: foldhash::HashMap<&'a str, String>,
    role_keys: foldhash::HashMap<&'a str, String>,
}

impl<'a> LiveOrg<'a> {
    /// No teams, roles or assets, only the keys given to live teams and roles: for live
    /// users placed in the policy's org ([`teamform_compiler::place_users`]).
    pub(crate) fn keys_only(live: &'a LiveState, bindings: &Bindings) -> Self {
        LiveOrg {
            policy: Policy::default(),
            live,
            pin: false,
            team_keys: keys(
                live.teams.iter().map(|t| (t.id.as_str(), t.name.as_str())),
                &bindings.teams,
                &[],
            ),
            role_keys: keys(
                live.roles.iter().map(|r| (r.id.as_str(), r.name.as_str())),
                &bindings.roles,
                &[],
            ),
        }
    }

    /// The live teams, roles and managed assets as a policy; a live team no policy team is
    /// bound to gets a key that is none of `reserved` (the policy's team keys, when the two
    /// are compared by key).
    pub(crate) fn new(
        live: &'a LiveState,
        bindings: &Bindings,
        pin: bool,
        unreadable: &dyn Fn(&str) -> Option<Grants>,
        reserved: &[&str],
    ) -> Self {
        let team_keys = keys(
            live.teams.iter().map(|t| (t.id.as_str(), t.name.as_str())),
            &bindings.teams,
            reserved,
        );
        let role_keys = keys(
            live.roles.iter().map(|r| (r.id.as_str(), r.name.as_str())),
            &bindings.roles,
            &[],
        );
        let team_key = |id: &str| {
            team_keys
                .get(id)
                .cloned()
                .unwrap_or_else(|| format!("#{id}"))
        };
        let pinned = |id: &str| pin.then(|| sp(id.to_string()));
        let teams = live
            .teams
            .iter()
            .map(|t| Team {
                key: sp(team_key(&t.id)),
                span: Span::default(),
                name: Some(sp(t.name.clone())),
                parent: t.parent_id.as_deref().map(|p| sp(team_key(p))),
                description: None,
                id: pinned(&t.id),
                previously: None,
                reviewers: Vec::new(),
                successor: None,
            })
            .collect();
        let roles = live
            .roles
            .iter()
            .map(|r| {
                let (crm, tools, account) = match &r.permissions {
                    Some(p) => role_grants(p),
                    None => unreadable(&r.id).unwrap_or_default(),
                };
                Role {
                    key: sp(role_keys
                        .get(r.id.as_str())
                        .cloned()
                        .unwrap_or_else(|| slug(&r.name))),
                    span: Span::default(),
                    name: Some(sp(r.name.clone())),
                    description: None,
                    id: pinned(&r.id),
                    previously: None,
                    crm,
                    tools,
                    account,
                }
            })
            .collect();
        let asset_refs: foldhash::HashMap<&str, &str> = bindings
            .assets
            .iter()
            .map(|(r, id)| (id.as_str(), r.as_str()))
            .collect();
        let asset = |a: &LiveAsset, kind: AssetType, key: String| Asset {
            kind,
            key: sp(key),
            span: Span::default(),
            name: Some(sp(a.name.clone())),
            teams: a
                .team_ids
                .iter()
                .flatten()
                .map(|t| sp(team_key(t)))
                .collect(),
            id: pinned(&a.id),
        };
        // The key of a bound asset: its policy key.
        let bound_key = |a: &LiveAsset| {
            let r = asset_refs.get(a.id.as_str())?;
            Some(r.split_once('.').map_or(*r, |(_, k)| k).to_string())
        };
        let assets = if pin {
            // Every asset, the unbound ones under keys made from their names, one by one.
            let mut used_refs: HashSet<String> = HashSet::new();
            (live.assets.iter())
                .filter_map(|a| {
                    let kind = AssetType::parse(&a.kind)?;
                    let key = bound_key(a).unwrap_or_else(|| {
                        let base = slug(&a.name);
                        let mut key = base.clone();
                        let mut n = 2;
                        while used_refs.contains(&format!("{kind}.{key}")) {
                            key = format!("{base}-{n}");
                            n += 1;
                        }
                        key
                    });
                    used_refs.insert(format!("{kind}.{key}"));
                    Some(asset(a, kind, key))
                })
                .collect()
        } else {
            // The bound assets only, each on its own: in chunks on the machine's threads.
            crate::par::chunks(&live.assets, 4096, |_, chunk| {
                (chunk.iter())
                    .filter_map(|a| Some(asset(a, AssetType::parse(&a.kind)?, bound_key(a)?)))
                    .collect()
            })
        };
        let policy = Policy {
            portal: None,
            teams,
            roles,
            users: Vec::new(),
            assets,
            guardrails: Guardrails::default(),
            offboard: Vec::new(),
        };
        LiveOrg {
            policy,
            live,
            pin,
            team_keys,
            role_keys,
        }
    }

    /// Adds the live users `keep` accepts, converted in chunks on the machine's threads (a
    /// large portal has 100,000 of them), in the portal's order.
    pub(crate) fn add_users(&mut self, keep: &(dyn Fn(&LiveUser) -> bool + Sync)) {
        let team_key = |id: &str| {
            self.team_keys
                .get(id)
                .cloned()
                .unwrap_or_else(|| format!("#{id}"))
        };
        let pinned = |id: &str| self.pin.then(|| sp(id.to_string()));
        let role_keys = &self.role_keys;
        let user = |u: &LiveUser| User {
            key: sp(u.email.clone()),
            span: Span::default(),
            name: Some(sp(u.name.clone())),
            role: u
                .role_id
                .as_deref()
                .and_then(|r| role_keys.get(r))
                .map(|k| sp(k.clone())),
            team: u.primary_team_id.as_deref().map(|t| sp(team_key(t))),
            teams: u
                .additional_team_ids
                .iter()
                .map(|t| sp(team_key(t)))
                .collect(),
            super_admin: u.super_admin.then(|| sp(true)),
            seats: u
                .seats
                .iter()
                .filter_map(|s| Seat::parse(s))
                .map(sp)
                .collect(),
            expires: None,
            team_expires: Vec::new(),
            id: pinned(&u.id),
        };
        let parts = crate::par::parts(&self.live.users, 4096, |_, chunk| {
            chunk
                .iter()
                .filter(|u| keep(u))
                .map(user)
                .collect::<Vec<User>>()
        });
        crate::par::append(&mut self.policy.users, parts);
    }
}
