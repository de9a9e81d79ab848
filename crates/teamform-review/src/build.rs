//! Building a review: every user of the portal or the policy, with what the portal says of
//! them (role, teams, super admin, seats: the access they hold now), what the policy grants
//! them (the grant view), their last login and security events, and the team that reviews
//! them; then the findings (`findings.rs`).

use crate::findings;
use crate::table::{RolePart, Table};
use crate::types::*;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use teamform_compiler::{Compiled, UserId};
use teamform_diagnostics::Diagnostic;
use teamform_email::EmailKey;
use teamform_model::Policy;
use teamform_plan::distinct::{Distinct, hash};
use teamform_plan::{GrantChange, Holdings, HoldingsKey, RoleKey, Side};
use teamform_portal::activity::{Activity, Instant};
use teamform_portal::{LiveState, LiveUser};

/// Everything a review is made from.
pub struct Input<'a> {
    /// The policy.
    pub policy: &'a Policy,
    /// Its compilation.
    pub compiled: &'a Compiled,
    /// The live portal.
    pub live: &'a LiveState,
    /// Its activity (`Provider::read_activity`).
    pub activity: &'a Activity,
    /// The time of the snapshot.
    pub now: Instant,
    /// The thresholds.
    pub options: ReviewOptions,
    /// The portal's description.
    pub portal: String,
    /// The policy's hash and commit.
    pub policy_ref: PolicyRef,
}

/// A review and its findings as diagnostics (with the policy's spans, for the terminal).
pub struct Built {
    /// The review.
    pub review: Review,
    /// The findings as diagnostics, in the order of `review.findings`.
    pub diagnostics: Vec<Diagnostic>,
}

/// One user as the review sees them: in the policy, in the portal, or both.
pub(crate) struct Subject<'a> {
    pub policy: Option<UserId>,
    pub live: Option<&'a LiveUser>,
}

/// Builds the review.
pub fn build(input: &Input<'_>) -> Built {
    let subjects = subjects(input);
    let teams = teams(input);
    let names = Names::new(input);
    // The grants each user holds, computed once per distinct key (users with the same role,
    // teams and access hold the same grants), in the order of the users who first hold them.
    let holdings = Holdings::new(&Side {
        policy: input.policy,
        compiled: input.compiled,
    });
    let (computation, distinct) = computations(&subjects, &holdings);
    let mut users: Vec<ReviewUser> = subjects
        .par_iter()
        .map(|s| user(input, s, &names))
        .collect();
    // The grants through the role alone are the same for every user with the same role key:
    // they are made once per role key, and only those through the teams once per computation.
    let mut grants = Table::default();
    let (role_of, mut roles) = role_parts(&distinct, &holdings);
    // The grants through the teams are computed a chunk at a time on every thread, and each
    // chunk is interned in the review's table (then freed) while the next is computed.
    let mut positions: Vec<Vec<u32>> = Vec::with_capacity(distinct.len());
    let mut made: Option<Vec<Vec<GrantChange>>> = None;
    let mut chunks = distinct.chunks(CHUNK);
    loop {
        let chunk = chunks.next();
        if chunk.is_none() && made.is_none() {
            break;
        }
        let previous = made.take();
        let (next, ()) = rayon::join(
            || {
                chunk.map(|c| {
                    c.par_iter()
                        .map(|u| holdings.team_grants(*u))
                        .collect::<Vec<_>>()
                })
            },
            || {
                if let Some(previous) = previous {
                    let role_of = &role_of[positions.len()..];
                    let ids = grants.place(&previous, role_of, &mut roles);
                    positions.extend(ids);
                }
            },
        );
        made = next;
    }
    for (u, c) in users.iter_mut().zip(&computation) {
        if let Some(c) = c {
            u.grants = positions[*c as usize].clone();
        }
    }
    let table = std::mem::take(&mut grants.table);
    // What is left of the table is freed while the findings are made.
    let ((), (findings, diagnostics)) = rayon::join(
        move || drop((holdings, positions, grants, roles)),
        || findings::find(input, &subjects, &mut users),
    );
    let mut teams = teams;
    let position: HashMap<String, usize> = teams
        .iter()
        .enumerate()
        .map(|(i, t)| (t.key.clone(), i))
        .collect();
    for u in &users {
        if let Some(i) = u.review_team.as_ref().and_then(|k| position.get(k)) {
            teams[*i].members.push(u.email.clone());
        }
    }
    let summary = summary(&users, &findings);
    let review = Review {
        format: FORMAT.to_string(),
        format_version: FORMAT_VERSION,
        generated_at: input.now.to_string(),
        teamform_version: env!("CARGO_PKG_VERSION").to_string(),
        portal: input.portal.clone(),
        policy: input.policy_ref.clone(),
        options: input.options,
        activity: ActivityWindow {
            available: input.activity.available,
            since: input.activity.since.map(|i| i.to_string()),
            until: input.activity.until.map(|i| i.to_string()),
        },
        summary,
        findings,
        grants: table,
        users,
        teams,
    };
    Built {
        review,
        diagnostics,
    }
}

/// The users of both sides, matched by email (the first policy user and the last portal
/// user of each), sorted by folded email.
fn subjects<'a>(input: &Input<'a>) -> Vec<Subject<'a>> {
    let folded = |email: &str| EmailKey::new(email).as_str().to_string();
    let policy: Vec<String> = (input.policy.users.par_iter())
        .map(|u| folded(&u.key.value))
        .collect();
    let live: Vec<String> = (input.live.users.par_iter())
        .map(|u| folded(&u.email))
        .collect();
    let mut keyed: Vec<(&str, Subject<'a>)> = Vec::with_capacity(policy.len() + live.len());
    let mut at: foldhash::HashMap<&str, usize> = foldhash::HashMap::default();
    for (i, key) in policy.iter().enumerate() {
        at.entry(key.as_str()).or_insert_with(|| {
            keyed.push((
                key.as_str(),
                Subject {
                    policy: Some(UserId(u32::try_from(i).unwrap_or(u32::MAX))),
                    live: None,
                },
            ));
            keyed.len() - 1
        });
    }
    for (u, key) in input.live.users.iter().zip(&live) {
        let i = *at.entry(key.as_str()).or_insert_with(|| {
            keyed.push((
                key.as_str(),
                Subject {
                    policy: None,
                    live: None,
                },
            ));
            keyed.len() - 1
        });
        keyed[i].1.live = Some(u);
    }
    keyed.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    keyed.into_iter().map(|(_, s)| s).collect()
}

/// Per subject, the number of the computation of its grants (users of the policy only), and
/// per computation the user it is made for: users with the same [`HoldingsKey`] share one,
/// numbered in the order their first user is met. Keys are made and hashed on every thread.
fn computations(
    subjects: &[Subject<'_>],
    holdings: &Holdings<'_>,
) -> (Vec<Option<u32>>, Vec<UserId>) {
    let keys: Vec<Option<(u64, HoldingsKey)>> = subjects
        .par_iter()
        .map(|s| {
            s.policy.map(|id| {
                let key = holdings.key(id);
                (hash(&key), key)
            })
        })
        .collect();
    // Per computation, the user it is made for and the position of its key in `keys`.
    let mut distinct: Vec<(UserId, usize)> = Vec::new();
    let mut numbered = Distinct::default();
    let numbers = subjects
        .iter()
        .zip(&keys)
        .enumerate()
        .map(|(i, (s, key))| {
            let (id, (hash, key)) = (s.policy?, key.as_ref()?);
            let same = |n: usize| keys[distinct[n].1].as_ref().map(|(_, k)| k) == Some(key);
            let n = numbered.find_or_add(*hash, same).unwrap_or_else(|next| {
                distinct.push((id, i));
                next
            });
            Some(u32::try_from(n).unwrap_or(u32::MAX))
        })
        .collect();
    (numbers, distinct.into_iter().map(|(id, _)| id).collect())
}

/// Per computation, the number of its role key, and per role key the grants through the role
/// alone (made on every thread, for the first user with that key).
fn role_parts(distinct: &[UserId], holdings: &Holdings<'_>) -> (Vec<u32>, Vec<RolePart>) {
    let mut first: foldhash::HashMap<RoleKey, u32> = foldhash::HashMap::default();
    let mut users: Vec<UserId> = Vec::new();
    let numbers = distinct
        .iter()
        .map(|u| {
            *first.entry(holdings.role_key(*u)).or_insert_with(|| {
                users.push(*u);
                u32::try_from(users.len() - 1).unwrap_or(u32::MAX)
            })
        })
        .collect();
    let parts = users
        .par_iter()
        .map(|u| Table::role_part(holdings.role_grants(*u)))
        .collect();
    (numbers, parts)
}

/// The names of teams and roles, by portal id and by policy key, looked up once per user.
struct Names<'a> {
    live_teams: HashMap<&'a str, &'a str>,
    live_roles: HashMap<&'a str, &'a str>,
    teams: HashMap<&'a str, &'a str>,
    roles: HashMap<&'a str, &'a str>,
    team_by_name: HashMap<&'a str, &'a str>,
    first_root: Option<&'a str>,
    /// The security events per user id.
    events: HashMap<String, Vec<&'a teamform_portal::activity::CriticalAction>>,
}

impl<'a> Names<'a> {
    fn new(input: &Input<'a>) -> Self {
        let p = input.policy;
        let named = |key: &'a teamform_model::Sp<String>,
                     name: &'a Option<teamform_model::Sp<String>>| {
            (
                key.value.as_str(),
                name.as_ref()
                    .map_or(key.value.as_str(), |n| n.value.as_str()),
            )
        };
        Names {
            live_teams: input
                .live
                .teams
                .iter()
                .map(|t| (t.id.as_str(), t.name.as_str()))
                .collect(),
            live_roles: input
                .live
                .roles
                .iter()
                .map(|r| (r.id.as_str(), r.name.as_str()))
                .collect(),
            teams: p.teams.iter().map(|t| named(&t.key, &t.name)).collect(),
            roles: p.roles.iter().map(|r| named(&r.key, &r.name)).collect(),
            team_by_name: p
                .teams
                .iter()
                .filter_map(|t| Some((t.name.as_ref()?.value.as_str(), t.key.value.as_str())))
                .collect(),
            events: input.activity.events_by_user(),
            first_root: p
                .teams
                .iter()
                .find(|t| t.parent.is_none())
                .map(|t| t.key.value.as_str()),
        }
    }

    fn get(map: &HashMap<&str, &'a str>, key: &str) -> String {
        map.get(key).map_or(key, |n| n).to_string()
    }
}

/// How many computations of grants are made at once: a chunk is interned while the next is
/// computed, so only two chunks' grants are held at once.
const CHUNK: usize = 2048;

/// One user's line of the review, before findings and their grants.
fn user(input: &Input<'_>, s: &Subject<'_>, names: &Names<'_>) -> ReviewUser {
    let p = input.policy;
    let pu = s.policy.map(|id| &p.users[id.index()]);
    let (role, primary_team, teams, super_admin, seats) = match (s.live, pu) {
        (Some(l), _) => (
            l.role_id
                .as_deref()
                .map(|r| Names::get(&names.live_roles, r)),
            l.primary_team_id
                .as_deref()
                .map(|t| Names::get(&names.live_teams, t)),
            l.additional_team_ids
                .iter()
                .map(|t| Names::get(&names.live_teams, t))
                .collect(),
            l.super_admin,
            l.seats.clone(),
        ),
        (None, Some(u)) => (
            u.role.as_ref().map(|r| Names::get(&names.roles, &r.value)),
            u.team.as_ref().map(|t| Names::get(&names.teams, &t.value)),
            u.teams
                .iter()
                .map(|t| Names::get(&names.teams, &t.value))
                .collect(),
            u.is_super_admin(),
            u.seats.iter().map(|s| s.value.to_string()).collect(),
        ),
        (None, None) => (None, None, Vec::new(), false, Vec::new()),
    };
    let email = match (pu, s.live) {
        (Some(u), _) => u.key.value.clone(),
        (None, Some(l)) => l.email.clone(),
        (None, None) => String::new(),
    };
    let name = pu
        .and_then(|u| u.name.as_ref().map(|n| n.value.clone()))
        .or_else(|| s.live.map(|l| l.name.clone()))
        .unwrap_or_default();
    // A user the policy places in no team is reviewed by the top of the org chart.
    let review_team = match (pu, &primary_team) {
        (Some(u), _) => u.team.as_ref().map(|t| t.value.clone()),
        (None, Some(name)) => names.team_by_name.get(name.as_str()).map(|k| k.to_string()),
        (None, None) => None,
    }
    .or_else(|| names.first_root.map(str::to_string));
    let a = input.activity;
    let live_id = s.live.map(|l| l.id.as_str());
    let last_login = s.live.and_then(|l| a.last_login(Some(&l.id), &l.email));
    let added = live_id.and_then(|id| a.added.get(id)).copied();
    let login = login_status(input, s.live.is_some(), last_login, added);
    let events = live_id
        .and_then(|id| names.events.get(id))
        .map(|list| {
            list.iter()
                .map(|e| UserEvent {
                    at: e.created_at.clone(),
                    kind: e.kind.clone(),
                    by: e.acting_user.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    ReviewUser {
        email,
        name,
        role,
        primary_team,
        teams,
        super_admin,
        seats,
        expires: pu.and_then(|u| u.expires.as_ref().map(|d| d.value.to_string())),
        in_portal: s.live.is_some(),
        in_policy: pu.is_some(),
        portal_id: live_id.map(str::to_string),
        review_team,
        last_login: last_login.map(|i| i.to_string()),
        login,
        added: added.map(|i| i.to_string()),
        grants: Vec::new(),
        findings: Vec::new(),
        events,
    }
}

/// What the logins say of a user.
fn login_status(
    input: &Input<'_>,
    in_portal: bool,
    last: Option<Instant>,
    added: Option<Instant>,
) -> LoginStatus {
    if !in_portal || !input.activity.available {
        return LoginStatus::Unknown;
    }
    let cutoff = input.now.days_before(input.options.inactive_days);
    match (last, added) {
        (Some(l), Some(a)) if l < a => LoginStatus::NeverSinceAdded,
        (None, Some(_)) => LoginStatus::NeverSinceAdded,
        (Some(l), _) if l >= cutoff => LoginStatus::Active,
        (Some(_), _) => LoginStatus::Inactive,
        (None, None) => LoginStatus::NoLoginInWindow,
    }
}

/// The policy's teams, each with its reviewers: its own, or its nearest ancestor's.
fn teams(input: &Input<'_>) -> Vec<ReviewTeam> {
    let reviewers = crate::decisions::reviewers_of(input.policy, input.compiled);
    input
        .policy
        .teams
        .iter()
        .zip(reviewers)
        .map(|(t, (reviewers, from))| ReviewTeam {
            key: t.key.value.clone(),
            name: t
                .name
                .as_ref()
                .map_or(t.key.value.clone(), |n| n.value.clone()),
            parent: t.parent.as_ref().map(|p| p.value.clone()),
            reviewers: reviewers.into_iter().map(str::to_string).collect(),
            reviewers_from: from.map(str::to_string),
            members: Vec::new(),
        })
        .collect()
}

fn summary(users: &[ReviewUser], findings: &[Finding]) -> Summary {
    let mut counts = BTreeMap::new();
    for f in findings {
        *counts.entry(f.code.clone()).or_insert(0) += 1;
    }
    Summary {
        users: users.len(),
        in_portal: users.iter().filter(|u| u.in_portal).count(),
        in_policy: users.iter().filter(|u| u.in_policy).count(),
        super_admins: users.iter().filter(|u| u.super_admin).count(),
        paid_seats: users.iter().filter(|u| !u.seats.is_empty()).count(),
        flagged: users.iter().filter(|u| !u.findings.is_empty()).count(),
        findings: counts,
    }
}
