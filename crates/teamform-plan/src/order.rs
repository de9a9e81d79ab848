//! Ordering operations as a DAG: parents before children, teams and roles before the users
//! and assets on them, users moved off a team or role before it is deleted, child teams
//! before their parents, teams moved top-down in the tree they end in. Among the ready
//! operations, a fixed phase order and then the policy order keep plans stable and readable.
//! The graph is two arrays per direction (compressed adjacency lists): a first plan has an
//! operation per object of the org and a few edges each.

use crate::op::{Action, Op, parse_placeholder};
use foldhash::HashMap;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use teamform_portal::{Change, LiveState, ObjectKind};

fn phase(op: &Op) -> u8 {
    match (op.kind, op.action) {
        (ObjectKind::Team, Action::Create) => 0,
        (ObjectKind::Role, Action::Create) => 1,
        (ObjectKind::Team, Action::Update) => 2,
        (ObjectKind::Role, Action::Update) => 3,
        (ObjectKind::User, Action::Create) => 4,
        (ObjectKind::User, Action::Update) => 5,
        (ObjectKind::Asset, Action::Create) => 6,
        (ObjectKind::Asset, Action::Update) => 7,
        (ObjectKind::User, Action::Delete) => 8,
        (ObjectKind::Asset, Action::Delete) => 9,
        (ObjectKind::Team, Action::Delete) => 10,
        (ObjectKind::Role, Action::Delete) => 11,
    }
}

/// Calls `f` with each id a change refers to (placeholders included).
fn references<'c>(change: &'c Change, mut f: impl FnMut(&'c str)) {
    match change {
        Change::CreateTeam { parent_id, .. } => parent_id.as_deref().into_iter().for_each(f),
        Change::UpdateTeam { parent_id, .. } => {
            parent_id.iter().flatten().map(String::as_str).for_each(f)
        }
        Change::CreateUser {
            role_id,
            primary_team_id,
            additional_team_ids,
            ..
        } => {
            role_id.as_deref().into_iter().for_each(&mut f);
            primary_team_id.as_deref().into_iter().for_each(&mut f);
            additional_team_ids.iter().map(String::as_str).for_each(f);
        }
        Change::UpdateUser {
            role_id,
            primary_team_id,
            additional_team_ids,
            ..
        } => {
            role_id
                .iter()
                .flatten()
                .map(String::as_str)
                .for_each(&mut f);
            primary_team_id
                .iter()
                .flatten()
                .map(String::as_str)
                .for_each(&mut f);
            additional_team_ids
                .iter()
                .flatten()
                .map(String::as_str)
                .for_each(f);
        }
        Change::CreateAsset { team_ids, .. } => team_ids.iter().map(String::as_str).for_each(f),
        Change::UpdateAsset { team_ids, .. } => {
            team_ids.iter().flatten().map(String::as_str).for_each(f)
        }
        _ => {}
    }
}

/// Re-parenting: a team moved under another waits for the nearest team above its new place
/// that moves too, so that teams move top-down in the tree they end in. Otherwise a portal
/// could see a team put under its own descendant for a moment (swapping a parent and its
/// child) and refuse it. When a team moves, every team above its new place has its final
/// parent already, so the new parent is not below it.
fn reparenting(ops: &[Op], live: &LiveState, edge: &mut impl FnMut(usize, usize)) {
    // The team ids whose parent changes, with their operation, and the parent every team
    // ends with (placeholders for the teams the plan creates).
    let mut moves: HashMap<String, usize> = HashMap::default();
    let mut parent: HashMap<String, Option<String>> = HashMap::default();
    for (i, o) in ops.iter().enumerate() {
        match &o.change {
            Change::UpdateTeam {
                id,
                parent_id: Some(p),
                ..
            } => {
                moves.insert(id.clone(), i);
                parent.insert(id.clone(), p.clone());
            }
            Change::CreateTeam { parent_id, .. } => {
                parent.insert(
                    crate::op::placeholder(ObjectKind::Team, &o.key),
                    parent_id.clone(),
                );
            }
            _ => {}
        }
    }
    if moves.is_empty() {
        return;
    }
    for t in &live.teams {
        parent
            .entry(t.id.clone())
            .or_insert_with(|| t.parent_id.clone());
    }
    for (team, &i) in &moves {
        let mut above = parent.get(team).cloned().flatten();
        // A loop of parents (a portal out of shape) ends the walk.
        for _ in 0..parent.len() {
            let Some(p) = above else {
                break;
            };
            if let Some(&j) = moves.get(&p) {
                edge(j, i);
                break;
            }
            above = parent.get(&p).cloned().flatten();
        }
    }
}

/// What refers to each live team and role: the live objects that must change before it can
/// be deleted, found once for all the deletions (a reorganisation may delete hundreds of
/// teams of a portal with a hundred thousand users).
#[derive(Default)]
struct Referrers<'l> {
    /// Per team id, the users on it, its child teams and the assets partitioned to it.
    team: HashMap<&'l str, Vec<(ObjectKind, &'l str)>>,
    /// Per role id, the users holding it.
    role: HashMap<&'l str, Vec<&'l str>>,
}

impl<'l> Referrers<'l> {
    fn of(live: &'l LiveState) -> Self {
        let mut r = Referrers::default();
        for u in &live.users {
            let teams = u.primary_team_id.iter().chain(&u.additional_team_ids);
            for t in teams {
                r.team.entry(t).or_default().push((ObjectKind::User, &u.id));
            }
            if let Some(role) = &u.role_id {
                r.role.entry(role).or_default().push(&u.id);
            }
        }
        for t in &live.teams {
            if let Some(p) = &t.parent_id {
                r.team.entry(p).or_default().push((ObjectKind::Team, &t.id));
            }
        }
        for a in &live.assets {
            for t in a.team_ids.iter().flatten() {
                r.team
                    .entry(t)
                    .or_default()
                    .push((ObjectKind::Asset, &a.id));
            }
        }
        // A user on a team twice, or an asset listing it twice, refers to it once.
        for list in r.team.values_mut() {
            list.dedup();
        }
        r
    }
}

/// Orders `ops` and fills each one's `depends_on` with indexes into the returned list.
pub fn order(ops: Vec<Op>, live: &LiveState) -> Vec<Op> {
    let n = ops.len();
    let mut creates: HashMap<(ObjectKind, &str), usize> = HashMap::default();
    creates.reserve(n);
    for (i, o) in ops.iter().enumerate() {
        if o.action == Action::Create {
            creates.insert((o.kind, o.key.as_str()), i);
        }
    }
    let mut by_id: HashMap<(ObjectKind, &str), Vec<usize>> = HashMap::default();
    for (i, o) in ops.iter().enumerate() {
        if let Some(id) = &o.portal_id {
            by_id.entry((o.kind, id.as_str())).or_default().push(i);
        }
    }
    // The edges are collected, then sorted and made distinct once: a role created with
    // thousands of users on it has thousands of edges, and a user may name a team twice.
    let mut edges: Vec<(u32, u32)> = Vec::with_capacity(2 * n);
    let mut edge = |from: usize, to: usize| {
        if from != to {
            edges.push((from as u32, to as u32));
        }
    };
    for (i, o) in ops.iter().enumerate() {
        references(&o.change, |r| {
            if let Some((kind, key)) = parse_placeholder(r)
                && let Some(&c) = creates.get(&(kind, key))
            {
                edge(c, i);
            }
        });
    }
    reparenting(&ops, live, &mut edge);
    // Whatever still refers to an object must be changed before the object is deleted.
    let deletes_teams_or_roles = ops.iter().any(|o| {
        o.action == Action::Delete
            && matches!(o.kind, ObjectKind::Team | ObjectKind::Role)
            && o.portal_id.is_some()
    });
    let referrers = match deletes_teams_or_roles {
        true => Referrers::of(live),
        false => Referrers::default(),
    };
    for (i, o) in ops.iter().enumerate() {
        if o.action != Action::Delete {
            continue;
        }
        let Some(id) = o.portal_id.as_deref() else {
            continue;
        };
        let mut before = |kind: ObjectKind, other: &str| {
            for &j in by_id.get(&(kind, other)).into_iter().flatten() {
                edge(j, i);
            }
        };
        match o.kind {
            ObjectKind::Team => {
                for &(kind, other) in referrers.team.get(id).into_iter().flatten() {
                    before(kind, other);
                }
            }
            ObjectKind::Role => {
                for &user in referrers.role.get(id).into_iter().flatten() {
                    before(ObjectKind::User, user);
                }
            }
            ObjectKind::User | ObjectKind::Asset => {}
        }
    }
    edges.sort_unstable();
    edges.dedup();
    let after = Adjacency::new(n, &edges);
    for e in edges.iter_mut() {
        *e = (e.1, e.0);
    }
    edges.sort_unstable();
    let before = Adjacency::new(n, &edges);
    drop(edges);
    // Kahn's algorithm, taking the ready operation with the lowest (phase, policy order).
    let mut indegree: Vec<u32> = (0..n).map(|i| before.of(i).len() as u32).collect();
    let mut ready: BinaryHeap<Reverse<(u8, usize)>> = (0..n)
        .filter(|i| indegree[*i] == 0)
        .map(|i| Reverse((phase(&ops[i]), i)))
        .collect();
    let mut sequence = Vec::with_capacity(n);
    while let Some(Reverse((_, i))) = ready.pop() {
        sequence.push(i);
        for &next in after.of(i) {
            let j = next as usize;
            indegree[j] -= 1;
            if indegree[j] == 0 {
                ready.push(Reverse((phase(&ops[j]), j)));
            }
        }
    }
    // A cycle cannot arise from a valid policy; should one appear, keep its operations at the
    // end in phase order rather than dropping them.
    let mut placed = vec![false; n];
    for &i in &sequence {
        placed[i] = true;
    }
    let mut rest: Vec<usize> = (0..n).filter(|i| !placed[*i]).collect();
    rest.sort_by_key(|i| (phase(&ops[*i]), *i));
    sequence.extend(rest);
    let mut position = vec![0usize; n];
    for (pos, &i) in sequence.iter().enumerate() {
        position[i] = pos;
    }
    // Each operation's dependencies as positions, then the operations put in their places
    // by swapping (no second list of a first plan's hundred thousand operations is made).
    let mut ops = ops;
    for (i, op) in ops.iter_mut().enumerate() {
        let mut deps: Vec<usize> = before.of(i).iter().map(|m| position[*m as usize]).collect();
        deps.sort_unstable();
        op.depends_on = deps;
    }
    for i in 0..n {
        while position[i] != i {
            let j = position[i];
            ops.swap(i, j);
            position.swap(i, j);
        }
    }
    ops
}

/// Edges from each of `n` nodes: the targets of node `i` are `targets[start[i]..start[i + 1]]`.
struct Adjacency {
    start: Vec<u32>,
    targets: Vec<u32>,
}

impl Adjacency {
    /// The adjacency of `edges` (source, target), sorted by source.
    fn new(n: usize, edges: &[(u32, u32)]) -> Self {
        let mut start = vec![0u32; n + 1];
        for (from, _) in edges {
            start[*from as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        Adjacency {
            start,
            targets: edges.iter().map(|(_, to)| *to).collect(),
        }
    }

    /// The targets of the edges from `i`.
    fn of(&self, i: usize) -> &[u32] {
        &self.targets[self.start[i] as usize..self.start[i + 1] as usize]
    }
}
